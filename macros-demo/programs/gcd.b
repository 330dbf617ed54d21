// Greatest common divisors: Euclid by recursion and by subtraction in a loop.
LET gcd(a, b) = b = 0 -> a, gcd(b, a MOD b)

LET gcdsub(a, b) = VALOF
$( UNTIL a = b DO
     TEST a > b THEN a := a - b ELSE b := b - a
   RESULTIS a
$)

LET lcm(a, b) = a / gcd(a, b) * b

LET show(a, b) BE
$( writes("gcd("); writen(a); writes(", "); writen(b); writes(") = ")
   writen(gcd(a, b)); writes(" = "); writen(gcdsub(a, b))
   writes(", lcm = "); writen(lcm(a, b)); newline()
$)

LET start() BE
$( show(12, 18)
   show(1071, 462)
   show(17, 5)
   show(1000000, 999999)
   show(2 * 3 * 5 * 7 * 11 * 13, 7 * 11 * 13 * 17)
$)
