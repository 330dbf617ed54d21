// VALOF and RESULTIS: nested, from inside loops, and RETURN from routines.
LET first_square_above(n) = VALOF
$( FOR i = 0 TO n DO
     IF i * i > n RESULTIS i
   RESULTIS -1
$)

LET classify(n) = VALOF
$( IF n < 0 RESULTIS -1
   IF n = 0 RESULTIS 0
   RESULTIS VALOF
   $( LET d = 0
      WHILE n > 0 DO $( d := d + 1; n := n / 10 $)
      RESULTIS d
   $)
$)

LET early(n) BE
$( writes("early("); writen(n); writes(")")
   IF n > 2 DO $( writes(" returns early*n"); RETURN $)
   writes(" runs to the end*n")
$)

LET start() BE
$( writen(first_square_above(50)); newline()
   writen(first_square_above(99)); newline()
   writen(classify(-5)); wrch(' ')
   writen(classify(0)); wrch(' ')
   writen(classify(7)); wrch(' ')
   writen(classify(123456)); newline()
   early(1); early(5)
   writen(1 + VALOF $( LET x = 20; RESULTIS x * 2 $) + 1); newline()
$)
