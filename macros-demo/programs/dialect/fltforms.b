// Floating-point constants read as Cintcode's lexer reads them: digits after `.` and after
// `e` are optional, and there is no `+` in an exponent, so `7E+1` is `7.0 + 1`, which the
// FLT rules make a floating-point sum.
GET "libhdr"
LET start() = VALOF
{ LET a, b, c = 5., 2.e1, 3e
  writef("%8.3f %8.3f %8.3f*n", a, b, c)
  writef("%8.3f %8.3f*n", 7E+1, 2.5e-1)
  RESULTIS 0
}
