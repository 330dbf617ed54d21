// The system words of BCPL before 2018: LV RV EQ NE LS GR LE GE LOGOR LOGAND LSHIFT RSHIFT,
// TEST ... IFSO ... IFNOT, and FABS for #ABS. A program that declares one as a name keeps it a name.
GET "libhdr"

LET start() = VALOF
$( LET x, y = 5, 7
   LET p = LV x
   LET le = 3                  // declared: a name, here and below
   RV p := RV p + 1
   TEST x EQ 6 LOGAND y NE 6 IFSO writes("x eq 6*n") IFNOT writes("x ne 6*n")
   IF x LS y & y GR x DO writes("ls gr*n")
   IF x GE 6 LOGOR FALSE DO writes("ge*n")
   writef("%n %n %n*n", 1 LSHIFT 4, 256 RSHIFT 4, le + 1)
   writef("%n*n", FIX FABS -2.5 #* 2.0)
   RESULTIS 0
$)
