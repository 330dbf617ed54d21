// A program's rdch that calls readn, which reads through that rdch again: each call
// takes native stack, so the chain stops, located, as a stack overflow.
GET "libhdr"

LET myrdch() = readn()

LET start() = VALOF
{ writes("reading*n")
  rdch := myrdch
  writef("%n*n", readn())
  RESULTIS 0
}
