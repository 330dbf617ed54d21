// A coroutine calling itself: it already has a parent, a run-time error.
GET "libhdr"

LET again(x) = VALOF
{ writef("in the coroutine with %n*n", x)
  callco(currco, x+1)
  RESULTIS 0
}

LET start() = VALOF
{ LET c = createco(again, 100)
  callco(c, 1)
  writef("not reached*n")
  RESULTIS 0
}
