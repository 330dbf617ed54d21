// randno's sequence from the seed a run starts with (12345, as in Cintcode), then after setseed.
GET "libhdr"

LET start() = VALOF
{ writef("randseed %n*n", randseed)
  FOR i = 1 TO 5 DO writef("%n ", randno(1000))
  newline()
  writef("setseed returns %n*n", setseed(12345))
  FOR i = 1 TO 5 DO writef("%n ", randno(1000))
  newline()
  RESULTIS 0
}
