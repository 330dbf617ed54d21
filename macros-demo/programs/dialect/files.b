GET "libhdr"

// Files: findoutput, findappend, findinput, selectinput/selectoutput, endread/endwrite,
// endstream, input()/output(), renamefile and deletefile. The file is named after the
// process, so that runs at the same time do not meet.

LET name(v, tag) = VALOF
{ LET digits = VEC 20
  LET pid, n = sys(Sys_getpid), 0
  digits!0 := 0
  LET prefix = "files-"
  FOR i = 1 TO prefix%0 DO v%i := prefix%i
  n := prefix%0
  { digits!0 := digits!0 + 1
    digits!(digits!0) := pid MOD 10
    pid := pid / 10
  } REPEATWHILE pid > 0
  FOR i = digits!0 TO 1 BY -1 DO { n := n + 1; v%n := '0' + digits!i }
  FOR i = 1 TO tag%0 DO { n := n + 1; v%n := tag%i }
  v%0 := n
  RESULTIS v
}

LET start() = VALOF
{ LET fv = VEC 10
  LET gv = VEC 10
  LET f, g = name(fv, ".tmp"), name(gv, ".renamed")
  LET console_in, console_out = input(), output()
  LET out, in, ch = 0, 0, 0

  out := findoutput(f)
  writef("opened for output: %n*n", out > 0)
  selectoutput(out)
  writef("first %n*n", 12)
  writes("sec*cond*n")     // the carriage return is dropped by rdch
  wrch('3'); newline()
  endwrite()
  selectoutput(console_out)
  writef("written; console again: %n*n", output() = console_out)

  out := findappend(f)
  selectoutput(out)
  writef("%i5*n", -42)
  endstream(out)
  selectoutput(console_out)

  in := findinput(f)
  selectinput(in)
  writef("reading from a new stream: %n*n", input() = in)
  { ch := rdch()
    IF ch = endstreamch BREAK
    wrch(ch = '*n' -> '|', ch)
  } REPEAT
  newline()
  writef("at the end: %n, unrdch gives %n*n", rdch() = endstreamch, unrdch())
  endread()
  writef("closed, none selected: %n*n", input() = 0)
  selectinput(console_in)

  in := findinput(f)
  selectinput(in)
  FOR i = 1 TO 4 DO rdch()              // "firs"
  writef("rdch %c, unrdch %n, rdch %c*n", rdch(), unrdch(), rdch())
  writef("readn after the word: %n*n", readn() + readn())
  endread()
  selectinput(console_in)

  out := findoutput(f)
  selectoutput(out)
  binwrch('a'); binwrch('*c'); binwrch('b')
  endwrite()
  selectoutput(console_out)
  in := findinput(f)
  selectinput(in)
  writef("binrdch keeps the carriage return: %n", binrdch())
  writef(" %n", binrdch())
  writef(" %n*n", binrdch())
  endread()
  selectinput(console_in)

  writef("missing file: %n*n", findinput("no such file.tmp"))
  writef("console by name: %n %n*n", findinput("**") = console_in, findoutput("**") = console_out)
  writef("renamed: %n, old name gone: %n*n", renamefile(f, g), findinput(f) = 0)
  writef("deleted: %n, again: %n*n", deletefile(g), deletefile(g))
  RESULTIS 0
}
