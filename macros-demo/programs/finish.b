// FINISH ends the program at once, from inside nested calls.
LET down(n) BE
$( writen(n); newline()
   IF n = 3 FINISH
   down(n - 1)
$)

LET start() BE
$( down(6)
   writes("not reached*n")
$)
