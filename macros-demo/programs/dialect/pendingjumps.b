// Cintcode's code generator reads a pending name at the first jump to its right (a
// conditional expression, a test in a VALOF): where the operands to its right jump before
// they call, the name has the value before the call; where they call and then jump, the
// value at the jump (see sema/order.rs). Symmetric operators (+ * & | XOR EQV = ~= !)
// with a name on the left evaluate the right operand first whatever it does. The expected
// output is what Cintcode 64 prints.
GET "libhdr"

GLOBAL { g: ug; v; w; c }

STATIC { s = 1 }

LET bump() = VALOF { g := g + 10; s := s + 100; RESULTIS 1 }

AND setv() = VALOF { v := w; RESULTIS 2 }

AND start() = VALOF
{ LET x = 0
  LET a = VEC 5
  LET b = VEC 5
  FOR i = 0 TO 5 DO a!i, b!i := i, 100+i
  w, c := b, TRUE

  g := 1; x := g - (c -> bump(), 0);            writef("g - cond: %n*n", x)
  g := 1; x := g - VALOF { IF c DO bump(); RESULTIS 0 }
  writef("g - valof if: %n*n", x)
  g := 1; x := g - VALOF { bump(); RESULTIS 0 }; writef("g - valof call: %n*n", x)
  g := 1; x := g - VALOF { g := 7; RESULTIS 1 }; writef("g - valof g := 7: %n*n", x)
  g := 1; x := g < (bump() -> 1, 2);            writef("g < call cond: %n*n", x)
  g := 1; x := g < (c -> bump(), 2);            writef("g < cond call: %n*n", x)
  g := 1; writef("args cond: %n %n*n", g, (c -> bump(), 0))
  g := 1; writef("args call then cond: %n %n*n", g, bump() + (c -> 1, 2))
  g := 1; writef("args valof if: %n %n*n", g, VALOF { IF c DO bump(); RESULTIS 0 })
  g := 1; x := g + (c -> bump(), 0);            writef("g + cond: %n*n", x)
  g := 1; x := g = VALOF { IF c DO bump(); RESULTIS 11 }
  writef("g = valof if: %n*n", x)
  g := 1; x := g * (c -> bump() + 1, 0);        writef("g ** cond: %n*n", x)
  v := a; x := v!(c -> setv(), 1);              writef("v!cond: %n*n", x)
  x := 5; a!(c -> VALOF { x := 9; RESULTIS 1 }, 1) := x
  writef("a!cond := x: %n*n", a!1)
  g := 1; FOR i = g TO (c -> bump() + 1, 3) DO writef("for %n*n", i)
  s := 1; x := s - (c -> bump(), 0);            writef("s - cond: %n*n", x)
  s := 1; x := s - bump();                      writef("s - call: %n*n", x)
  s := 1; x := s + (c -> bump(), 0);            writef("s + cond: %n*n", x)
  g := 1; writef("call, then cond: %n %n %n*n", g, bump(), (c -> bump(), 0))
  g := 1; x := g - (bump() + (c -> bump(), 0)); writef("g - (call + cond): %n*n", x)
  g := 1; x := g - VALOF { bump(); IF c DO bump(); RESULTIS 0 }
  writef("g - valof call if: %n*n", x)
  g := 1; { LET a, b, d = g, bump(), (c -> bump(), 0); writef("let, call, cond: %n*n", a) }
  RESULTIS 0
}
