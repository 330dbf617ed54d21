// The right-hand sides of one LET group are stored together at its end in Cintcode, so a
// variable that is a whole right-hand side is read after the ones to its right, unless
// they jump before they call (see sema/order.rs). The expected output is what Cintcode 64
// prints.
GET "libhdr"

GLOBAL { g: ug; c }

LET bump() = VALOF { g := g + 10; RESULTIS 1 }

AND start() = VALOF
{ c := TRUE
  g := 1
  { LET a, b = g, bump(); writef("pair: %n %n*n", a, b) }
  g := 1
  { LET a = g AND b = bump(); writef("and: %n %n*n", a, b) }
  g := 1
  { LET a, b = g, (c -> bump(), 0); writef("cond: %n %n*n", a, b) }
  g := 1
  { LET a, b, d = g, g + 1, bump(); writef("three: %n %n %n*n", a, b, d) }
  g := 1
  { LET a, b = bump(), g; writef("call first: %n %n*n", a, b) }
  g := 1
  { LET a = g AND f() = 5 AND b = bump(); writef("with a function: %n %n %n*n", a, f(), b) }
  g := 1
  { LET k = 5; LET q, r = k, bump(); writef("local: %n %n*n", q, r) }
  { LET k = 5; LET q, r = k, VALOF { k := 7; RESULTIS 1 }; writef("local, valof: %n %n*n", q, r) }
  RESULTIS 0
}
