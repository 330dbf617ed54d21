// A chain of relations `a < b <= c` is `a < b & b <= c`, as Cintcode's syntax analyser
// builds it: the inner operand is evaluated twice when both relations are, and as a
// value both relations are evaluated (`&` on words), while a tested condition stops at
// the first relation that fails. The expected output is what Cintcode 64 prints.
GET "libhdr"

GLOBAL { n: ug }

LET f(x) = VALOF { n := n + 1; RESULTIS x }

AND ff(x) = VALOF { n := n + 1; RESULTIS x }

AND start() = VALOF
{ LET x = 0
  LET y = 1.25
  n := 0; x := 1 ~= f(2) > 3;          writef("value, second fails: %n n=%n*n", x, n)
  n := 0; x := 1 < f(2) < 3;           writef("value, both hold: %n n=%n*n", x, n)
  n := 0; x := 5 < f(2) < 3;           writef("value, first fails: %n n=%n*n", x, n)
  n := 0; x := 5 < 2 < f(3);           writef("value, last operand: %n n=%n*n", x, n)
  n := 0; x := 1 < f(2) < f(3) < 4;    writef("value, four: %n n=%n*n", x, n)
  n := 0; x := f(1) = f(1) = f(1);     writef("value, equal: %n n=%n*n", x, n)
  n := 0; IF 5 < f(2) < 3 DO writes("yes*n")
  writef("test, first fails: n=%n*n", n)
  n := 0; IF 1 < f(2) < 3 DO writes("yes*n")
  writef("test, both hold: n=%n*n", n)
  n := 0; TEST 1 < f(2) < f(3) < 4 THEN writes("y*n") ELSE writes("n*n")
  writef("test, four: n=%n*n", n)
  n := 0; x := 5 < f(2) < 3 -> 7, 8;   writef("conditional: %n n=%n*n", x, n)
  n := 0; x := 0; WHILE 0 <= f(x) < 3 DO x := x + 1
  writef("while: x=%n n=%n*n", x, n)
  n := 0; x := 0.5 #< y #<= 1.25;      writef("floating: %n*n", x)
  n := 0; x := 0.5 #< ff(y) #< 1.0;    writef("floating, fails: %n n=%n*n", x, n)
  n := 0; x := 1 < f(2) #< 3.0;        writef("mixed: %n n=%n*n", x, n)
  RESULTIS 0
}
