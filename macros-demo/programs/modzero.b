// A MOD by zero deep in the recursion ends the program with a located runtime error.
LET walk(n, d) = VALOF
$( IF n = 0 RESULTIS 100 MOD
                        d
   RESULTIS walk(n - 1, d - 1)
$)

LET start() BE
$( writen(walk(3, 10)); newline()
   writen(walk(5, 5)); newline()
   writes("not reached*n")
$)
