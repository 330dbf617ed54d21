// Fibonacci numbers, recursively and iteratively.
GET "libhdr"

LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)

LET fibiter(n) = VALOF
$( LET a, b = 0, 1
   FOR i = 1 TO n DO
   $( LET t = a + b
      a := b
      b := t
   $)
   RESULTIS a
$)

LET start() BE
$( FOR i = 0 TO 20 DO
   $( writen(fib(i)); wrch(' ')
   $)
   newline()
   writes("fib(90) = "); writen(fibiter(90)); newline()
$)
