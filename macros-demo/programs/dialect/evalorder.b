// A variable that is an operand is read when its operator is applied, after the operands
// to its right, as Cintcode's code generator does it (see sema/order.rs). The expected
// output is what Cintcode 64 prints.
GET "libhdr"

GLOBAL { g: ug; v; w }

LET bump() = VALOF { g := g + 10; RESULTIS 1 }

AND setv() = VALOF { v := w; RESULTIS 2 }

AND incr(p) = VALOF { !p := !p + 100; RESULTIS 1 }

AND show(a, b, c) BE writef("show %n %n %n*n", a, b, c)

AND start() = VALOF
{ LET x, y = 0, 0
  LET a = VEC 5
  LET b = VEC 5
  LET s = "abc"
  FOR i = 0 TO 5 DO a!i, b!i := i, 100+i
  w := b

  g := 1; x := g + bump();          writef("g + call: %n*n", x)
  g := 1; x := bump() + g;          writef("call + g: %n*n", x)
  g := 1; x := g - bump();          writef("g - call: %n*n", x)
  g := 1; x := g * (bump() + 1);   writef("g ** call: %n*n", x)
  g := 1; x := g << bump();         writef("g << call: %n*n", x)
  g := 1; x := g / bump();          writef("g / call: %n*n", x)
  g := 1; x := g = bump() - 10;     writef("g = call: %n*n", x)
  g := 1; x := g < bump();          writef("g < call: %n*n", x)
  g := 1; x := g XOR bump();        writef("g XOR call: %n*n", x)
  g := 1; x := g & 255 + VALOF { g := 6; RESULTIS 7 }
  writef("g & valof: %n*n", x)
  g := 1; x := 1 + g + bump();      writef("1 + g + call: %n*n", x)
  g := 1; x := g + bump() + bump(); writef("g + call + call: %n*n", x)
  g := 1; x := g + g + bump();      writef("g + g + call: %n*n", x)
  g := 1; x := -g + bump();         writef("-g + call: %n*n", x)
  g := 1; x := ABS g + bump();      writef("ABS g + call: %n*n", x)
  g := 1; x := g * bump() + g;     writef("g ** call + g: %n*n", x)
  g := 1; x := 'A' + bump();        writef("char + call: %n*n", x)
  g := 1; x := g + (bump() -> 1, 2); writef("g + cond: %n*n", x)
  g := 1; x := g + VALOF { FOR i = 1 TO 2 DO bump(); RESULTIS 0 }
  writef("g + valof loop: %n*n", x)
  g := 1; x := (g = 11) -> 5, bump(); writef("cond: %n*n", x)
  g := 1; IF g < bump() DO writef("never*n")
  x := 1; y := x + incr(@x);        writef("local + incr: %n*n", y)
  x := 1; y := x - incr(@x);        writef("local - incr: %n*n", y)

  g := 1; FOR i = g TO bump() + g DO writef("for %n*n", i)
  g := 1; show(g, bump(), g)
  g := 1; writef("writef %n %n*n", g, bump())
  g := 1; show(bump(), g, bump())

  v := a; x := v!setv();            writef("v!call: %n*n", x)
  v := a; x := 3!v + setv();        writef("3!v + call: %n*n", x)
  v := a; v!setv() := 99;           writef("v!call := 99: %n %n*n", a!2, b!2)
  a!2, b!2 := 2, 102
  x := 5; a!(VALOF { x := 9; RESULTIS 1 }) := x
  writef("a!valof := x: %n*n", a!1)
  x := 5; s%(VALOF { x := 'z'; RESULTIS 1 }) := x
  writef("s%%valof := x: %s*n", s)

  g := 1; g +:= bump();             writef("g +:= call: %n*n", g)
  g := 1; g -:= bump();             writef("g -:= call: %n*n", g)
  a!0 := 5; a!0 +:= VALOF { a!0 := 50; RESULTIS 1 }
  writef("a!0 +:= valof: %n*n", a!0)
  a!0 := 5; a!0 -:= VALOF { a!0 := 50; RESULTIS 1 }
  writef("a!0 -:= valof: %n*n", a!0)
  a!1 := 5; !(a+1) *:= VALOF { a!1 := 7; RESULTIS 3 }
  writef("!(a+1) **:= valof: %n*n", a!1)
  v := a; v!2 +:= setv();           writef("v!2 +:= call: %n %n*n", a!2, b!2)
  a!2, b!2 := 2, 102
  v := a; v!2 -:= setv();           writef("v!2 -:= call: %n %n*n", a!2, b!2)
  RESULTIS 0
}
