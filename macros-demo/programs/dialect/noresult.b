GET "libhdr"

LET f(x) = VALOF
{ IF x > 0 RESULTIS x
}

LET start() BE
{ writef("%n*n", f(1))
  writef("%n*n", f(0))
}
