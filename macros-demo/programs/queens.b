// N queens by backtracking, columns, rows and diagonals kept in vectors.
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

LET queens(n) = VALOF
$( LET cols = VEC 16
   LET d1 = VEC 32
   LET d2 = VEC 32
   RESULTIS try(0, n, cols, d1, d2)
$)

LET start() BE
  FOR n = 1 TO 9 DO
  $( writen(n); writes(" queens: "); writen(queens(n)); newline()
  $)
