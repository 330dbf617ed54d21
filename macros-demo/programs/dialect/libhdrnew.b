// Names that newer libhdr versions add: setvec, ON64, W2Bsh, g_result2, tempval, glob0.
GET "libhdr"

LET start() = VALOF
{ LET v = VEC 16
  FOR i = 0 TO 16 DO v!i := -1
  setvec(v, 4, 10, 20, 30, 40)
  FOR i = 0 TO 4 DO writef(" %n", v!i)
  newline()
  setvec(v, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
  FOR i = 0 TO 16 DO writef(" %n", v!i)
  newline()
  writef("ON64=%n W2Bsh=%n bytes per word=%n*n", ON64, W2Bsh, 1 << W2Bsh)
  muldiv(7, 5, 3)
  writef("result2 through its global number: %n*n", (@glob0)!g_result2)
  tempval := 99
  writef("tempval=%n globsize is glob0: %n*n", tempval, globsize = glob0)
  RESULTIS 0
}
