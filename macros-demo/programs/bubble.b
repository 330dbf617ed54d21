// Bubble sort of 20 pseudo-random numbers (a linear congruential generator).
LET start() BE
$( LET v = VEC 19
   LET seed = 12345
   LET n = 20
   FOR i = 0 TO n - 1 DO
   $( seed := (seed * 1103515245 + 12345) MOD 2147483648
      v!i := seed MOD 1000
   $)
   print(v, n)
   sort(v, n)
   print(v, n)
$)

LET sort(v, n) BE
$( LET swapped = TRUE
   WHILE swapped DO
   $( swapped := FALSE
      FOR i = 0 TO n - 2 DO
        IF v!i > v!(i + 1) DO
        $( LET t = v!i
           v!i := v!(i + 1)
           v!(i + 1) := t
           swapped := TRUE
        $)
      n := n - 1
   $)
$)

LET print(v, n) BE
$( FOR i = 0 TO n - 1 DO $( writen(v!i); wrch(i = n - 1 -> '*n', ' ') $)
$)
