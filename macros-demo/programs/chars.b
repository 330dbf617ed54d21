// Character constants and wrch.
LET upper(c) = 'a' <= c <= 'z' -> c - 'a' + 'A', c

LET start() BE
$( FOR c = 'A' TO 'Z' DO wrch(c)
   wrch('*n')
   FOR c = 'z' TO 'a' BY -1 DO wrch(upper(c))
   newline()
   writen('A'); wrch(' '); writen('0'); wrch(' '); writen('*n'); wrch(' ')
   writen('*s'); wrch(' '); writen('**'); wrch(' '); writen('*''); newline()
   wrch('x'); wrch('*t'); wrch('y'); wrch('*n')
   FOR d = 0 TO 9 DO wrch('0' + d)
   newline()
$)
