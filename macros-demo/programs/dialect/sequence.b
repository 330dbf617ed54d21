// `<>` joins commands into one (REPEAT clauses apply to the whole sequence), a command may
// follow another on the same line without `;` (as Cintcode reads them), and `*#hhhh` /
// `*##hhhhhhhh` escapes give Unicode characters: UTF-8 in strings, the code point in a
// character constant.
GET "libhdr"
LET start() = VALOF
{ LET a, b = 0, 0
  IF a = 0 DO a := 1 <> b := 2
  writef("a=%n b=%n*n", a, b)
  IF a = 5 DO a := 7 <> b := 9
  writef("a=%n b=%n*n", a, b)
  a := a + 1 <> b := b * 2 REPEATUNTIL a >= 4
  writef("a=%n b=%n '*#00e9' %c*n", a, b, '*#0041')
  writes("caf*#00e9 *##0001F600*n")
  a := 10  b := 20  writef("a=%n b=%n*n", a, b)
  RESULTIS 0
}
