GET "libhdr"

// writef's integer items with widths (%n %i %x %o %b %u %z %d and the scaled %n.mD), the
// writers writed, writeu, writehex, writeoct, writez and writen, and %s %t %c %%, on edge
// values (0, -1, maxint, minint, ...) and values from a fixed sequence. The expected
// output is Cintcode's.
LET start() = VALOF
{ LET seed = 4711
  LET vals = TABLE 0, 1, -1, 7, -7, 10, -10, 255, 256, 1000000, -1000000,
               #x7FFFFFFFFFFFFFFF, #x8000000000000000, #xFFFFFFFF, 123456789
  FOR i = 0 TO 14 + 200 DO
  { LET x = ?
    TEST i <= 14 THEN x := vals!i
    ELSE { seed := seed*2147001325 + 715136305
           x := seed
           SWITCHON i MOD 5 INTO
           { CASE 0: x := x >> 40; ENDCASE
             CASE 1: x := (x >> 44) - (1 << 19); ENDCASE
             CASE 2: x := x / 1000; ENDCASE
             CASE 3: x := x MOD 1000; ENDCASE
             DEFAULT: ENDCASE
           }
         }
    writef("[%n][%i6][%i2][%x4][%x9][%o5][%b8][%u7][%z6][%d][%4.2d][%8.3d]*n",
           x, x, x, x, x, x, x, x, x, x, x, x)
    writed(x, 8); writeu(x, 6); writehex(x, 5); writeoct(x, 4); writez(x, 7); writen(x)
    newline()
  }
  writef("[%s][%5s][%t8][%c][%%][%+][%-]*n", "abc", "xy", "tt", 'q')
  RESULTIS 0
}
