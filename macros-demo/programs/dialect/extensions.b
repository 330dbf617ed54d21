// Newer forms of Cintcode BCPL: a jump used as an expression or a pattern (NEXT, EXIT, BREAK,
// ...), a GOTO out of a VALOF, `a..b` and `#..` ranges in patterns, and
// sys(Sys_memmovewords/Sys_memmovebytes). The expected output is the Cintcode oracle's.
GET "libhdr"

LET band(FLT x) = MATCH (x)
  : 0.0 #.. 49.9  => "low"
  : 50.0 #.. 75.0 => "mid"
  : ?             => "high"

LET range(x) = VALOF
{ LET a, b = 110, 120                 // `a..b` is a range of two names
  RESULTIS MATCH (x)
  : 1..10 => 1
  : a..b  => 2
}

// `next` in lower case is a name, here a pattern variable, not NEXT.
LET second : [?, next] => next + 1

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
  writef("%n %n %n*n", range(0), range(5), range(115))
  writef("second %n*n", second(TABLE 1, 41))
  // NEXT and EXIT in a pattern or in an item's expression, also from inside a VALOF.
  writef("%n %n %n %n*n",
         MATCH (1) : 1, NEXT => 200 : 1 => 300,
         MATCH (1) : 1 => 200 + NEXT * 2 : x => 300 + x,
         MATCH (1) : 0 => 100 : 1 => 200 + EXIT * 2 : x => 300,
         MATCH (1) : x => VALOF { IF x > 0 THEN NEXT; RESULTIS 5 } : y => y + 40)
  // A GOTO may leave a VALOF inside an expression, with operands pending.
  FOR i = 0 TO 5 DO
  { w := w + i + 1000 * (i + VALOF { IF i = 3 GOTO skip; RESULTIS 1 })
skip:
    w := w + 1
  }
  writef("w=%n*n", w)
  // Overlapping moves copy as if through a buffer.
  FOR i = 0 TO 9 DO v!i := i
  sys(Sys_memmovewords, v+2, v, 5)
  FOR i = 0 TO 9 DO writef(" %n", v!i)
  newline()
  sys(Sys_memmovebytes, s*bytesperword + 2, s*bytesperword + 1, 4)
  writef("%s*n", s)
  s := "abcdefgh"
  sys(Sys_memmovebytes, s*bytesperword + 1, s*bytesperword + 2, 4)
  writef("%s*n", s)
  RESULTIS 0
}
