// Pascal's triangle, one row updated in place in a VEC.
LET start() BE
$( LET row = VEC 20
   row!0 := 1
   FOR n = 0 TO 12 DO
   $( FOR i = n TO 1 BY -1 DO row!i := row!i + row!(i - 1)
      FOR i = 0 TO n DO $( writen(row!i); wrch(i = n -> '*n', ' ') $)
   $)
$)
