// Ends with a division by zero in ratio (line 2): the output so far, then the error, status 1.
LET ratio(a, b) = a / b

LET start() BE
$( FOR d = 3 TO 0 BY -1 DO
   $( writen(ratio(12, d)); newline()
   $)
   writen(ratio(1, 0))
$)
