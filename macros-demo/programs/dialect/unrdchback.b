// unrdch steps back as Cintcode's does: a byte at a time, as far as the start of the
// buffer the stream holds (the console's line, a file's 4096-byte block). The end of the
// input leaves that buffer as it was, so readn of a last number with no newline after it
// can step back over its digit, and the next readn reads that digit again. sardch gives
// carriage returns, which rdch skips. The expected output is Cintcode 64's (cintsys64 -q).
GET "libhdr"

// A file name of this process's own, so that runs at the same time do not meet.
LET tempname(v) = VALOF
{ LET pid, n, d = sys(Sys_getpid), 0, 0
  LET digits = VEC 20
  LET prefix, suffix = "unrdchback-", ".tmp"
  FOR i = 1 TO prefix%0 DO { n := n + 1; v%n := prefix%i }
  { d := d + 1; digits!d := pid MOD 10; pid := pid / 10 } REPEATWHILE pid > 0
  FOR i = d TO 1 BY -1 DO { n := n + 1; v%n := '0' + digits!i }
  FOR i = 1 TO suffix%0 DO { n := n + 1; v%n := suffix%i }
  v%0 := n
  RESULTIS v
}

LET start() = VALOF
{ LET namev = VEC 10
  LET name = tempname(namev)
  LET con, out, in = output(), ?, ?
  rdch()                                 // the rest of the command line
  writef("%n %n %n*n", rdch(), rdch(), rdch())
  writef("back %n %n %n %n*n", unrdch(), unrdch(), unrdch(), unrdch())
  writef("%n %n*n", rdch(), rdch())
  writef("sardch %n %n %n*n", sardch(), sardch(), sardch())
  writef("%n %n*n", rdch(), rdch())       // the stream's line goes on
  writef("readn %n", readn()); writef(" %n", result2)
  writef(" %n", readn()); writef(" %n", result2)
  writef(" rdch %n*n", rdch())
  // The same in a file.
  out := findoutput(name)
  selectoutput(out); writes("5 17"); endwrite(); selectoutput(con)
  in := findinput(name)
  selectinput(in)
  writef("file %n", readn()); writef(" %n", readn()); writef(" %n", readn())
  writef(" %n", rdch()); writef(" %n %n*n", unrdch(), rdch())
  endread()
  // A file read and written at one position: what was written is in the buffer too.
  in := findinoutput(name)
  selectinput(in)
  writef("update %c%c", rdch(), rdch())
  selectoutput(in); wrch('X'); wrch('Y'); selectoutput(con)
  writef(" %n %n", unrdch(), unrdch())
  writef(" %c%c %n", rdch(), rdch(), rdch())
  rewindstream(in)
  writef(" %c%c%c%c*n", rdch(), rdch(), rdch(), rdch())
  endread()
  deletefile(name)
  RESULTIS 0
}
