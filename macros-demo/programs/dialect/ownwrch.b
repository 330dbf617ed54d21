// A program's own wrch: the library's writers write through the global wrch, a character
// at a time, as blib's do, so whatever the program puts there gets what they write;
// binwrch(ch) is wrch(ch | 256) there.
GET "libhdr"

GLOBAL { buf: ug; count; col }

LET capture(ch) BE
{ count := count + 1
  buf%count := ch
}

LET shout(ch) BE
{ // Upper case, with the column counted.
  TEST ch = '*n' THEN col := 0 ELSE col := col + 1
  capture(capitalch(ch))
}

AND show() BE
{ FOR i = 1 TO count DO
  { LET ch = buf%i
    TEST 32 <= ch < 127 | ch = '*n' THEN wrch(ch) ELSE writef("<%n>", ch)
  }
  newline()
}

LET start() = VALOF
{ LET oldwrch = wrch
  LET v = VEC 200
  buf, count, col := v, 0, 0

  wrch := capture
  writef("n=%n s=%s c=%c x=%x4 o=%o3 i=%i5 u=%u z=%z3 %%*n", 42, "str", 'q', 255, 8, -7, 9, 5)
  writes("writes")
  newline()
  writed(-123, 6); writen(77); writehex(#xBEEF, 4); writeoct(64, 4); writez(3, 4)
  writet("t", 3); writeu(12, 4)
  codewrch(#x4E2D)
  wrch := oldwrch

  writef("captured %n bytes:*n", count)
  show()

  count := 0
  wrch := shout
  writef("loud %s and %n*n", "words", 12)
  writes("column ")
  binwrch('b')
  wrch := oldwrch
  show()
  writef("at column %n*n", col)

  // wrch itself, called by the program, is whatever the global holds.
  wrch := capture
  count := 0
  wrch('x'); wrch('y')
  wrch := oldwrch
  writef("%n: %c%c*n", count, buf%1, buf%2)
  RESULTIS 0
}
