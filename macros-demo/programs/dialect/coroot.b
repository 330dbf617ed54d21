// cowait in the root coroutine: nothing to return to, a run-time error.
GET "libhdr"

LET gen(x) = VALOF
{ cowait(x*2)
  RESULTIS 0
}

LET start() = VALOF
{ LET c = createco(gen, 100)
  writef("%n*n", callco(c, 21))
  cowait(5)
  writef("not reached*n")
  RESULTIS 0
}
