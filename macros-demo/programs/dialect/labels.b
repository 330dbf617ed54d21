// A label is a value: kept in a variable, `GOTO` it jumps there. A value that is no label
// of the function is a run-time error.
GET "libhdr"

LET start() = VALOF
{ LET targets = VEC 2
  LET n = 0
  targets!0, targets!1, targets!2 := one, two, done
next:
  GOTO targets!n
one: writes("one*n"); n := n + 1; GOTO next
two: writes("two*n"); n := n + 1; GOTO next
done:
  writes("done*n")
  GOTO n + 1000
}
