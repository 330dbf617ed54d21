GET "libhdr"

// createco returns 0 once no more coroutines can be made: here, at the limit on live ones
// (`coroutine::MAX_COROUTINES`; Cintcode's is its memory).
LET body(a) = cowait(a)

LET start() = VALOF
{ LET n = 0
  { LET c = createco(body, 100)
    IF c = 0 BREAK
    n := n + 1
  } REPEAT
  writef("%n coroutines made, then createco returned 0*n", n)
  RESULTIS 0
}
