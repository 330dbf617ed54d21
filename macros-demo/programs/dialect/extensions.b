// Newer forms of Cintcode BCPL: a jump used as an expression, `#..` ranges of
// floating-point values in patterns, and sys(Sys_memmovewords/Sys_memmovebytes).
GET "libhdr"

LET band(FLT x) = MATCH (x)
  : 0.0 #.. 49.9  => "low"
  : 50.0 #.. 75.0 => "mid"
  : ?             => "high"

LET start() = VALOF
{ LET w = 0
  LET v = VEC 9
  LET s = "abcdefgh"
  // BREAK and LOOP leave the expression they stand in, as VALOF BREAK would.
  FOR i = 0 TO 10 DO
    w := w + 1 + (MATCH (i)
                  : 2 => LOOP
                  : 4 => 50 + BREAK
                  : ? => 10)
  writef("w=%n*n", w)
  writef("%s %s %s*n", band(12.5), band(60.0), band(80.0))
  // Overlapping moves copy as if through a buffer.
  FOR i = 0 TO 9 DO v!i := i
  sys(Sys_memmovewords, v+2, v, 5)
  FOR i = 0 TO 9 DO writef(" %n", v!i)
  newline()
  sys(Sys_memmovebytes, s*bytesperword + 2, s*bytesperword + 1, 4)
  writef("%s*n", s)
  RESULTIS 0
}
