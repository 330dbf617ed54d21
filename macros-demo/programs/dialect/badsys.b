// A sys number Cintcode does not know: its "Bad sys number" line, the number back, and on.
GET "libhdr"

LET start() = VALOF
{ writef("before*n")
  writef("got %n*n", sys(137))
  writef("after*n")
  RESULTIS 0
}
