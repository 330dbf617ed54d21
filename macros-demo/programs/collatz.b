// Collatz sequences: the path from 27, and the longest chain from a start below 10000.
LET steps(n) = VALOF
$( LET count = 0
   UNTIL n = 1 DO
   $( n := (n & 1) = 0 -> n / 2, 3 * n + 1
      count := count + 1
   $)
   RESULTIS count
$)

LET start() BE
$( LET best, bestn = 0, 0
   LET n = 6
   writes("path from 6:")
   $( writes(" "); writen(n)
      IF n = 1 BREAK
      n := n MOD 2 = 0 -> n / 2, 3 * n + 1
   $) REPEAT
   newline()
   writes("steps(27) = "); writen(steps(27)); newline()
   FOR i = 1 TO 9999 DO
   $( LET s = steps(i)
      IF s > best DO best, bestn := s, i
   $)
   writes("longest below 10000: "); writen(bestn)
   writes(" with "); writen(best); writes(" steps*n")
$)
