// Vectors and pointers: v!i, !p, !(v + i), vectors passed to functions, a 3x3 matrix product.
LET fill(v, n, k) BE FOR i = 0 TO n - 1 DO v!i := k * i

LET sum(v, n) = VALOF
$( LET s, p = 0, v
   FOR i = 1 TO n DO $( s := s + !p; p := p + 1 $)
   RESULTIS s
$)

LET matmul(a, b, c) BE
  FOR i = 0 TO 2 DO
    FOR j = 0 TO 2 DO
    $( LET s = 0
       FOR k = 0 TO 2 DO s := s + a!(3 * i + k) * b!(3 * k + j)
       c!(3 * i + j) := s
    $)

LET start() BE
$( LET v = VEC 9
   LET a, b, c = VEC 8, VEC 8, VEC 8
   fill(v, 10, 3)
   writen(sum(v, 10)); newline()
   writen(v!4); wrch(' '); writen(!(v + 4)); wrch(' '); writen(!v); newline()
   !(v + 2) := 100
   v!3 := v!2 + 1
   writen(v!2); wrch(' '); writen(v!3); newline()
   FOR i = 0 TO 8 DO $( a!i := i + 1; b!i := 9 - i $)
   matmul(a, b, c)
   FOR i = 0 TO 8 DO $( writen(c!i); wrch(i MOD 3 = 2 -> '*n', ' ') $)
   // A fresh VEC is zeroed each time its declaration runs.
   FOR round = 1 TO 2 DO
   $( LET w = VEC 3
      writen(w!0 + w!1 + w!2 + w!3); wrch(' ')
      FOR i = 0 TO 3 DO w!i := round
   $)
   newline()
$)
