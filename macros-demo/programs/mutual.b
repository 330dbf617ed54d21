// Mutual recursion, with functions called before they are defined.
LET start() BE
$( FOR i = 0 TO 10 DO
   $( writen(i); writes(iseven(i) -> " even", " odd")
      writes(isodd(i) -> " (odd)*n", " (even)*n")
   $)
   writes("hofstadter F: ")
   FOR i = 0 TO 15 DO $( writen(f(i)); wrch(' ') $)
   newline()
   writes("hofstadter M: ")
   FOR i = 0 TO 15 DO $( writen(m(i)); wrch(' ') $)
   newline()
$)

LET iseven(n) = n = 0 -> TRUE, isodd(n - 1)
AND isodd(n) = n = 0 -> FALSE, iseven(n - 1)

LET f(n) = n = 0 -> 1, n - m(f(n - 1))
LET m(n) = n = 0 -> 0, n - f(m(n - 1))
