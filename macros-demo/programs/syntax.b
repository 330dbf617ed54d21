// Syntax corners: comments, scopes and shadowing, line breaks inside expressions and
// commands, THEN/DO, stars in strings, prefix operators, precedence.
GET "libhdr"
/* a block comment with $) and "quotes" */
LET r() BE $( $)

LET shadow() BE
{ LET x = 1
  { LET x = 2
    writen(x)  // inner
  }
  writen(x); newline()
  FOR x = 5 TO 6 DO writen(x)
  writen(x); newline()
}

LET f(a) = a * 2 +
           1

LET g(n) BE
$( IF n < 0 THEN
     RETURN
   UNLESS n = 0 DO writes("nonzero ")
   writes("/* not a comment */ // nor this*n")
$)

LET start() BE
$( r()
   shadow()
   writen(f(20)); newline()
   g(-1); g(0); g(3)
   TEST 1 = 2
   THEN writes("wrong*n")
   ELSE writes("right*n")
   $( LET i = 0
      WHILE i < 3 DO
      $(
        i := i + 1
      $)
      writen(i); newline()
   $)
   writen(r()); newline()
   writen(- - 5); wrch(' '); writen(~~7); wrch(' '); writen(+3); newline()
   writen(2 + 3 * 4 - 10 / 3 MOD 2); newline()
   writen(1 << 2 + 1); wrch(' '); writen(1 + 1 << 2); newline()
   writen(3 = 3 -> 10, 20); newline()
   writen(#x10 + '0'); newline()
   writen(VALOF RESULTIS 42); newline()
$)
