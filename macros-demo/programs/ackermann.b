// Ackermann's function: deep, non-primitive recursion.
LET ack(m, n) =
  m = 0 -> n + 1,
  n = 0 -> ack(m - 1, 1),
  ack(m - 1, ack(m, n - 1))

LET start() BE
$( FOR m = 0 TO 3 DO
   $( FOR n = 0 TO 4 DO
      $( writen(ack(m, n)); wrch(n = 4 -> '*n', ' ')
      $)
   $)
   writes("ack(3, 6) = "); writen(ack(3, 6)); newline()
$)
