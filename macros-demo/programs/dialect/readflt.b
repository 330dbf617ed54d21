// readflt: floating-point numbers from the input, as Cintcode's blib reads them.
GET "libhdr"

LET start() = VALOF
{ FOR i = 1 TO 7 DO
  { LET x = readflt()
    TEST result2
    THEN writef("no number (result2 %n), next %c*n", result2, rdch())
    ELSE writef("%12.4f*n", x)
  }
  RESULTIS 0
}
