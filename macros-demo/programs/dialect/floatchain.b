// Chains of relations over FLT values, and a lower-case reserved word declared with FLT.
GET "libhdr"

LET inside(FLT x) = 0.0 <= x < 1.5

LET start() = VALOF
{ LET FLT bx, FLT by = 1.0, 2.5
  writef("%n %n %n*n", inside(-1.0), inside(1.0), inside(1.5))
  writef("%n %n*n", bx < by <= 2.5, bx < by < 2.5)
  RESULTIS 0
}
