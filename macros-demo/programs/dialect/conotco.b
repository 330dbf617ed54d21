// callco of something that is not a coroutine.
GET "libhdr"

LET start() = VALOF
{ LET c = createco(start, 100)
  writef("created one*n")
  deleteco(c)
  writef("deleted it*n")
  callco(12345, 0)
  writef("not reached*n")
  RESULTIS 0
}
