// Operands are evaluated left to right, and an assignment's value before its address, even
// when a VALOF on the right changes a variable used on the left.
LET start() BE
$( LET a = 1
   LET v = VEC 2
   writen(a + VALOF $( a := 10; RESULTIS 5 $)); newline()
   a := 1
   writen(a - VALOF $( a := 10; RESULTIS 5 $)); newline()
   writen(a); newline()
   a := 3
   v!(VALOF $( a := 7; RESULTIS 1 $)) := a
   writen(v!1); wrch(' '); writen(a); newline()
   a := 2
   writen(a < VALOF $( a := 0; RESULTIS 1 $)); newline()
$)
