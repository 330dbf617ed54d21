// Towers of Hanoi: the moves for 3 discs, and the number of moves for 1 to 12 discs.
LET move(n, from, dst, via) = VALOF
$( IF n = 0 RESULTIS 0
   RESULTIS move(n - 1, from, via, dst) + 1 + move(n - 1, via, dst, from)
$)

LET show(n, from, dst, via) BE
$( IF n = 0 RETURN
   show(n - 1, from, via, dst)
   writes("disc "); writen(n); writes(" from "); wrch(from)
   writes(" to "); wrch(dst); newline()
   show(n - 1, via, dst, from)
$)

LET start() BE
$( show(3, 'A', 'C', 'B')
   FOR n = 1 TO 12 DO $( writen(move(n, 1, 3, 2)); wrch(n = 12 -> '*n', ',') $)
$)
