// Hex, octal and binary literals.
LET start() BE
$( writen(#x10); wrch(' ')
   writen(#xff); wrch(' ')
   writen(#XABCDEF); wrch(' ')
   writen(#x7FFFFFFFFFFFFFFF); wrch(' ')
   writen(#xFFFFFFFFFFFFFFFF); wrch(' ')
   writen(#x8000000000000000); newline()
   writen(#17); wrch(' '); writen(#o777); wrch(' ')
   writen(#b1010); wrch(' '); writen(#b1111_0000); newline()
   writen(#x100 + #x10 * 2 - #b1); newline()
$)
