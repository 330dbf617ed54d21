// Recursion 100,000 calls deep, in a function and a routine.
LET depth(n) = n = 0 -> 0, 1 + depth(n - 1)

LET sum(n) = n = 0 -> 0, n + sum(n - 1)

LET count(n, v) BE
$( IF n = 0 RETURN
   !v := !v + 1
   count(n - 1, v)
$)

LET start() BE
$( LET c = VEC 0
   writen(depth(100000)); newline()
   writen(sum(100000)); newline()
   count(100000, c)
   writen(c!0); newline()
$)
