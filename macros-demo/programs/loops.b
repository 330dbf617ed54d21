// Every loop form, with BREAK and LOOP in nested loops.
LET start() BE
$( LET i = 0
   // Pairs (a, b) with a < b <= 5 and a + b odd, stopping the inner loop at b = 4.
   FOR a = 1 TO 5 DO
   $( FOR b = 1 TO 5 DO
      $( IF b <= a LOOP
         IF b = 4 BREAK
         IF (a + b) MOD 2 = 0 LOOP
         writen(a); wrch(':'); writen(b); wrch(' ')
      $)
   $)
   newline()

   WHILE i < 10 DO $( i := i + 3; writen(i); wrch(' ') $)
   newline()

   UNTIL i = 0 DO $( i := i - 4 > 0 -> i - 4, 0; writen(i); wrch(' ') $)
   newline()

   $( i := i + 1; writen(i); wrch(' ') $) REPEATWHILE i < 5
   newline()

   $( i := i * 2; writen(i); wrch(' ') $) REPEATUNTIL i > 100
   newline()

   i := 0
   $( i := i + 1
      IF i MOD 3 = 0 LOOP
      IF i > 10 BREAK
      writen(i); wrch(' ')
   $) REPEAT
   newline()

   // A WHILE whose body never runs, and a REPEATUNTIL whose body runs once.
   WHILE FALSE DO writes("never*n")
   $( writes("once*n") $) REPEATUNTIL TRUE

   // BREAK out of a WHILE TRUE inside a FOR: the FOR goes on.
   FOR k = 1 TO 3 DO
   $( LET n = 0
      WHILE TRUE DO
      $( n := n + k
         IF n > 10 BREAK
      $)
      writen(n); wrch(' ')
   $)
   newline()
$)
