// Many coroutines alive at once, as an event simulation that keeps one per customer:
// 20000 of 200 words each, every one started and suspended, then each resumed once. They
// are deleted newest first: deleteco walks the list of coroutines from the newest.
GET "libhdr"
MANIFEST { N = 20000 }
LET body(arg) = VALOF
{ LET k = cowait(arg + 1)
  RESULTIS k * 2
}
LET start() = VALOF
{ LET v = getvec(N)
  LET sum = 0
  FOR i = 1 TO N DO
  { v!i := createco(body, 200)
    IF v!i = 0 DO { writef("createco failed at %n*n", i); RESULTIS 1 }
    sum := sum + callco(v!i, i)
  }
  writef("%n coroutines started, sum %n*n", N, sum)
  sum := 0
  FOR i = 1 TO N DO sum := sum + callco(v!i, i)
  writef("resumed, sum %n*n", sum)
  FOR i = N TO 1 BY -1 DO deleteco(v!i)
  freevec(v)
  RESULTIS 0
}
