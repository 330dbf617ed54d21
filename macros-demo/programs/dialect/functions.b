GET "libhdr"

LET add(a, b) = a + b
AND sub(a, b) = a - b
AND first(a, b, c) = a
AND count(a, b, c, d) = VALOF
{ // missing arguments are undefined; @a!k is argument k
  LET p = @a
  RESULTIS p!1 + p!2
}
AND apply(f, x, y) = f(x, y)

LET start() BE
{ LET ops = VEC 1
  LET f = add
  ops!0, ops!1 := add, sub
  writef("%n %n %n*n", f(1, 2), (ops!1)(10, 3), apply(sub, 5, 8))
  writef("%n*n", first(7))              // fewer arguments than declared
  writef("%n*n", add(1, 2, 3, 4))        // more arguments than declared
  writef("%n*n", count(0, 20, 22))
  f := writef
  f("through a variable: %n*n", 42)
  TEST ((TABLE add, sub)!0)(1, 1) = 2 THEN writes("table call*n") ELSE writes("zero*n")
  writes("end*n")
}
