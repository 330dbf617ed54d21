// Factorials: exact up to 20!, then 64-bit two's complement wrap-around.
LET fact(n) = n <= 1 -> 1, n * fact(n - 1)

LET start() BE
  FOR n = 0 TO 25 DO
  $( writen(n); writes("! = "); writen(fact(n)); newline()
  $)
