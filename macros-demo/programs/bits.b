// Shifts (logical) and bitwise operators, printed in hex by a BCPL routine.
LET writehex(n) BE
$( FOR i = 60 TO 0 BY -4 DO
   $( LET d = (n >> i) & 15
      wrch(d < 10 -> '0' + d, 'A' + d - 10)
   $)
$)

LET popcount(n) = VALOF
$( LET c = 0
   UNTIL n = 0 DO $( c := c + (n & 1); n := n >> 1 $)
   RESULTIS c
$)

LET show(n) BE $( writehex(n); newline() $)

LET start() BE
$( show(1 << 4)
   show(1 << 63)
   show(-1 >> 4)
   show(-1 >> 63)
   show(#xF0F0 & #xFF00)
   show(#xF0F0 | #x0F0F)
   show(~0)
   show(~#xFF)
   show(1 << 64)
   show(-1 >> 64)
   writen(popcount(-1)); wrch(' ')
   writen(popcount(#x123456789ABCDEF)); wrch(' ')
   writen(1 << 10); wrch(' ')
   writen(1024 >> 3); wrch(' ')
   writen(5 & 3); wrch(' '); writen(5 | 3); wrch(' '); writen(~5); newline()
$)
