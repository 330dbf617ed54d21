// Unbounded recursion in a coroutine overflows its small stack, not memory:
// a run-time error at the recursive function, while the root is suspended.
GET "libhdr"

LET down(n) = n + down(n+1)

AND deep(x) = VALOF
{ writef("going down from %n*n", x)
  RESULTIS down(x)
}

LET start() = VALOF
{ LET c = createco(deep, 50)
  callco(c, 1)
  writef("not reached*n")
  RESULTIS 0
}
