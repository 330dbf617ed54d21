GET "libhdr"

// A label's scope is its block: the same name may label commands in different blocks, and
// a GOTO goes to the one in the innermost block around it.

LET start() = VALOF
{ LET n = 0
  GOTO l
  writef("skipped*n")
l:
  writef("outer l*n")
  { LET k = 0
l:  k := k + 1
    writef("inner l, k = %n*n", k)
    IF k < 3 GOTO l
  }
  n := n + 1
  IF n < 2 GOTO l
  { LET j = 0
    IF j = 0 DO
    { GOTO m
      writef("skipped*n")
m:    writef("inner m*n")
    }
  }
  GOTO m
  writef("skipped*n")
m:
  writef("outer m, n = %n*n", n)
  RESULTIS 0
}
