// Benchmark: N queens by backtracking, columns and diagonals kept in vectors (recursion,
// vector loads and stores, LOOP). 10 queens: 724 solutions.
GET "libhdr"

LET try(row, n, cols, d1, d2) = VALOF
$( LET count = 0
   IF row = n RESULTIS 1
   FOR c = 0 TO n - 1 DO
   $( IF cols!c | d1!(row + c) | d2!(row - c + n - 1) LOOP
      cols!c, d1!(row + c), d2!(row - c + n - 1) := TRUE, TRUE, TRUE
      count := count + try(row + 1, n, cols, d1, d2)
      cols!c, d1!(row + c), d2!(row - c + n - 1) := FALSE, FALSE, FALSE
   $)
   RESULTIS count
$)

LET start() BE
$( LET cols = VEC 31
   LET d1 = VEC 63
   LET d2 = VEC 63
   FOR i = 0 TO 31 DO cols!i := FALSE
   FOR i = 0 TO 63 DO d1!i, d2!i := FALSE, FALSE
   writen(try(0, 10, cols, d1, d2)); newline()
$)
