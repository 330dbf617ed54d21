// SKIP, the command that does nothing (Cintcode reserved it again in 2022), and `skip` kept
// as a name by a program that declares it.
GET "libhdr"

LET count(n) = VALOF
{ LET evens = 0
  FOR i = 1 TO n DO TEST i REM 2 = 0 THEN evens := evens + 1 ELSE SKIP
  IF n < 0 DO skip
  SWITCHON n INTO
  { CASE 0: SKIP
    DEFAULT: evens := evens + 100
  }
  RESULTIS evens
}

LET start() = VALOF
{ writef("%n %n*n", count(10), count(0))
  RESULTIS 0
}
