// Relations yield TRUE (-1) or FALSE (0); & and | are bitwise, ~ is bitwise not.
LET start() BE
$( writen(1 < 2); wrch(' '); writen(2 < 1); wrch(' ')
   writen(3 = 3); wrch(' '); writen(3 ~= 3); wrch(' ')
   writen(-5 <= -5); wrch(' '); writen(-5 >= -4); newline()
   writen(TRUE); wrch(' '); writen(FALSE); wrch(' ')
   writen(~TRUE); wrch(' '); writen(~FALSE); newline()
   writen(1 < 2 & 2 < 3); wrch(' '); writen(1 < 2 & 3 < 2); wrch(' ')
   writen(2 < 1 | 3 < 2); wrch(' '); writen(2 < 1 | 2 < 3); newline()
   writen(1 < 2 < 3); wrch(' '); writen(1 < 3 < 2); wrch(' ')
   writen(5 > 3 >= 3); newline()
   writen(~1 = 2); wrch(' '); writen(~(1 = 2)); newline()
   // A truth value on the left of & decides alone: the right side is not evaluated.
   FOR d = 0 TO 3 DO
     IF d ~= 0 & 12 MOD d = 0 DO $( writen(d); wrch(' ') $)
   newline()
   writen(6 & 3); wrch(' '); writen(6 | 3); wrch(' '); writen(TRUE & 7); newline()
$)
