// Sieve of Eratosthenes in a VEC: the primes below 100, and how many below 10000.
LET sieve(v, n) BE
$( FOR i = 0 TO n DO v!i := TRUE
   v!0, v!1 := FALSE, FALSE
   FOR i = 2 TO n DO
     IF v!i DO
     $( LET j = i * i
        WHILE j <= n DO $( v!j := FALSE; j := j + i $)
     $)
$)

LET start() BE
$( LET flags = VEC 10000
   LET count = 0
   sieve(flags, 10000)
   FOR i = 0 TO 99 DO
     IF flags!i DO $( writen(i); wrch(' ') $)
   newline()
   FOR i = 0 TO 10000 DO IF flags!i DO count := count + 1
   writes("primes below 10000: "); writen(count); newline()
$)
