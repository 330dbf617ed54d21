// Division and MOD truncate toward zero, with every combination of signs.
LET show(a, b) BE
$( writen(a); writes(" / "); writen(b); writes(" = "); writen(a / b)
   writes(", "); writen(a); writes(" MOD "); writen(b); writes(" = "); writen(a MOD b)
   newline()
$)

LET start() BE
$( show(7, 2)
   show(-7, 2)
   show(7, -2)
   show(-7, -2)
   show(6, 3)
   show(-6, 3)
   show(0, 5)
   show(1, 7)
   show(-1, 7)
   show(123456789, 1000)
   show(-9223372036854775807 - 1, -1)
   show(-9223372036854775807 - 1, 10)
   // a = (a / b) * b + a MOD b for all of them
   FOR a = -9 TO 9 BY 3 DO
     FOR b = -4 TO 4 DO
       UNLESS b = 0 DO
         UNLESS a / b * b + a MOD b = a DO writes("identity fails*n")
   writes("identity holds*n")
$)
