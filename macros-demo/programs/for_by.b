// FOR with steps: negative, larger than one, empty ranges, and a limit evaluated once.
LET start() BE
$( LET n = 5
   FOR i = 10 TO 1 BY -1 DO $( writen(i); wrch(' ') $)
   newline()
   FOR i = 0 TO 20 BY 7 DO $( writen(i); wrch(' ') $)
   newline()
   FOR i = 20 TO -20 BY -15 DO $( writen(i); wrch(' ') $)
   newline()
   FOR i = 1 TO 0 DO writes("never*n")
   FOR i = 0 TO 1 BY -1 DO writes("never either*n")
   FOR i = 3 TO 3 BY -2 DO $( writes("just "); writen(i); newline() $)
   // The limit n is evaluated once, at the start.
   FOR i = 1 TO n DO $( n := n + 1; writen(i); wrch(' ') $)
   newline()
   writes("n is now "); writen(n); newline()
   // A step given as a constant expression.
   FOR i = 100 TO 0 BY -(5 * 5) DO $( writen(i); wrch(' ') $)
   newline()
$)
