// Benchmark: the sieve of Eratosthenes over a getvec'd vector of 1,000,000 words (loops,
// vector loads and stores). 78498 primes up to 1,000,000.
GET "libhdr"

LET sieve(v, n) = VALOF
$( LET count = 0
   FOR i = 0 TO n DO v!i := TRUE
   v!0, v!1 := FALSE, FALSE
   FOR i = 2 TO n DO
     IF v!i DO
     $( LET j = i * i
        WHILE j <= n DO $( v!j := FALSE; j := j + i $)
     $)
   FOR i = 0 TO n DO IF v!i DO count := count + 1
   RESULTIS count
$)

LET start() BE
$( LET n = 1000000
   LET v = getvec(n)
   writen(sieve(v, n)); newline()
   freevec(v)
$)
