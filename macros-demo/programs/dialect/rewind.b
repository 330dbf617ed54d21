GET "libhdr"

// rewindstream: an input file read again from its start, an output file written over from
// its start, and the console, which cannot go back (FALSE). The file is named after the
// process, so that runs at the same time do not meet.

LET name(v) = VALOF
{ LET digits = VEC 20
  LET pid, n = sys(Sys_getpid), 0
  LET prefix = "rewind-"
  digits!0 := 0
  FOR i = 1 TO prefix%0 DO v%i := prefix%i
  n := prefix%0
  { digits!0 := digits!0 + 1
    digits!(digits!0) := pid MOD 10
    pid := pid / 10
  } REPEATWHILE pid > 0
  FOR i = digits!0 TO 1 BY -1 DO { n := n + 1; v%n := '0' + digits!i }
  v%0 := n
  RESULTIS v
}

LET line() BE
{ LET ch = rdch()
  UNTIL ch = '*n' | ch = endstreamch DO { wrch(ch); ch := rdch() }
  newline()
}

LET start() = VALOF
{ LET fv = VEC 10
  LET f = name(fv)
  LET console_out = output()
  LET out = findoutput(f)
  LET in, ok = 0, 0
  selectoutput(out)
  writes("first version*nsecond line*n")
  ok := rewindstream(out)
  writes("FIRST")              // over the start of what was written
  endwrite()
  selectoutput(console_out)
  writef("output rewound: %n*n", ok)
  in := findinput(f)
  selectinput(in)
  line(); line()
  ok := rewindstream(in)
  unrdch()                     // nothing to step back over right after a rewind
  writef("input rewound: %n; first character again: %c*n", ok, rdch())
  line()
  endread()
  deletefile(f)
  writef("console: %n*n", rewindstream(console_out))
  RESULTIS 0
}
