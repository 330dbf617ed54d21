// The classic library's routines that Cintcode dropped: GETBYTE, PUTBYTE, APTOVEC and the
// stack bounds STACKBASE and STACKEND, as old programs (in upper case) call them.
GET "LIBHDR"

LET SUM(V, N) = VALOF
$( LET S = 0
   FOR I = 0 TO N DO V!I := I * I
   FOR I = 0 TO N DO S := S + V!I
   RESULTIS S
$)

// A vector per level of recursion, each freed as its call returns.
AND NEST(V, N) = N = 0 -> 0, N + APTOVEC(NEST, N - 1) + V!0 - V!0

LET START() = VALOF
$( LET S = "hello"
   LET BUF = VEC 10
   WRCH(GETBYTE(S, 1)); WRCH(GETBYTE(S, 5)); NEWLINE()
   PUTBYTE(BUF, 0, 3)
   FOR I = 1 TO 3 DO PUTBYTE(BUF, I, GETBYTE("xyz", 4 - I))
   WRITES(BUF); NEWLINE()
   WRITEF("sum of squares to 10: %N*N", APTOVEC(SUM, 10))
   WRITEF("nested: %N*N", APTOVEC(NEST, 20))
   WRITEF("a stack of more than 500 words: %N*N", STACKEND - STACKBASE > 500)
   RESULTIS 0
$)
