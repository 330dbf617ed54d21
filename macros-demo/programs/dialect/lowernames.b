// Cintcode reserves only upper-case words, so programs written for it may use a lower-case
// reserved word as a name. One that the program declares or assigns to is a name throughout
// the file; other lower-case reserved words stay reserved, and upper-case ones always are.
GET "libhdr"

GLOBAL { bx: ug; by }

MANIFEST { case = 3 }

LET test(to, into) = to * 10 + into

AND start() = VALOF
{ LET loop, i = 7, 0
  bx, by := 1, 2
  FOR j = 1 TO 2 BY 1 DO writef("j=%n by=%n*n", j, by)
  writef("test(4, 5)=%n case=%n loop=%n*n", test(4, 5), case, loop)
  if loop > 5 do writes("lower if is still reserved*n")
  while i < 3 do i := i + by
  writef("i=%n bx=%n*n", i, bx)
  RESULTIS 0
}
