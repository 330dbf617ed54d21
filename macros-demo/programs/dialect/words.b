GET "libhdr"

// readwords and writewords: whole words written to a file as bytes and read back, a short
// read at the end of the file, and a count of 0. The file is named after the process, so
// that runs at the same time do not meet.

LET name(v) = VALOF
{ LET digits = VEC 20
  LET pid, n = sys(Sys_getpid), 0
  LET prefix = "words-"
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

LET start() = VALOF
{ LET fv = VEC 10
  LET f = name(fv)
  LET console_in, console_out = input(), output()
  LET v = VEC 4
  LET w = VEC 9
  LET out, in, n = 0, 0, 0
  v!0, v!1, v!2 := 1, -2, #x0102030405060708
  out := findoutput(f)
  selectoutput(out)
  n := writewords(v, 3)
  writewords(v, 0)
  wrch('A'); wrch('B')
  endwrite()
  selectoutput(console_out)
  writef("writewords gave %n, of 0 words %n*n", n, writewords(v, 0))
  in := findinput(f)
  selectinput(in)
  FOR i = 0 TO 9 DO w!i := 0
  n := readwords(w, 10)
  writef("readwords read %n whole words: %n %n %xG, then %c%c*n", n, w!0, w!1, w!2,
         w%24, w%25)
  writef("at the end: %n, of 0 words: %n*n", readwords(w, 1), readwords(w, 0))
  endread()
  selectinput(console_in)
  deletefile(f)
  RESULTIS 0
}
