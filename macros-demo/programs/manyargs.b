// Functions with more than eight parameters: the rest travel on the stack (AAPCS64).
LET weigh(a, b, c, d, e, f, g, h, i, j, k) =
  a + 2*b + 3*c + 4*d + 5*e + 6*f + 7*g + 8*h + 9*i + 10*j + 11*k

LET pass(a, b, c, d, e, f, g, h, i, j, k) = weigh(k, j, i, h, g, f, e, d, c, b, a)

LET nine(a, b, c, d, e, f, g, h, i) = i * 100 + a

LET start() BE
$( writen(weigh(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)); newline()
   writen(weigh(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)); newline()
   writen(pass(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)); newline()
   writen(nine(1, 2, 3, 4, 5, 6, 7, 8, nine(9, 0, 0, 0, 0, 0, 0, 0, 2))); newline()
$)
