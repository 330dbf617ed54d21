// & | and ~ in conditions are truth-value operators (Cintcode's jumpcond); as values they
// are bitwise. A conditional expression whose operands are all constants is folded, and
// its condition then tested as a value (Cintcode's evalconst). The expected output is what
// Cintcode 64 prints.
GET "libhdr"
GLOBAL { calls: ug }
LET t(x) = VALOF { calls := calls + 1; RESULTIS x }
LET start() = VALOF
{ LET a, b = 2, 1
  calls := 0
  IF a & b DO writes("if-and ")
  UNLESS a & b DO writes("unless-and ")
  IF 0 & t(1) DO writes("never ")
  writef("calls=%n*n", calls)
  IF 2 | t(0) DO writes("if-or ")
  writef("calls=%n*n", calls)
  writef("value %n %n*n", a & b, a | b)
  writef("cond %n*n", a & b -> 10, 20)
  WHILE a & b DO { writes("while "); a := 0 }
  writef("not %n*n", NOT (2 & 1))
  IF ~(2 & 1) DO writes("tilde-cond ")
  writef("folded %n %n %n*n", (NOT 5) -> 1, 2, (2 & 1) -> 1, 2, (2 | 0) -> 1, 2)
  a := 5
  writef("tested %n %n %n*n", (NOT a) -> 1, 2, (2 & b) -> 1, 2, (2 | 0) -> a, 2)
  newline()
  RESULTIS 0
}
