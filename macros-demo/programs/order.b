// A variable that is an operand is read when its operator is applied, after the operands to
// its right, as in Cintcode: even when a VALOF on the right changes it.
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
