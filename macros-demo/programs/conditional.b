// The conditional expression, nested and right associative.
LET sign(x) = x < 0 -> -1, x = 0 -> 0, 1
LET max(a, b) = a > b -> a, b
LET absval(x) = x < 0 -> -x, x
LET clamp(x, lo, hi) = x < lo -> lo, x > hi -> hi, x

LET start() BE
$( FOR i = -2 TO 2 DO $( writen(sign(i * 7)); wrch(' ') $)
   newline()
   writen(max(3, 9)); wrch(' '); writen(max(-3, -9)); wrch(' ')
   writen(absval(-42)); wrch(' '); writen(absval(42)); newline()
   FOR i = -5 TO 15 BY 5 DO $( writen(clamp(i, 0, 10)); wrch(' ') $)
   newline()
   writes(TRUE -> "true*n", "false*n")
   writes(1 = 2 -> "yes*n", 2 = 2 -> "second*n", "no*n")
$)
