GET "libhdr"

LET kind(n) = VALOF
  SWITCHON n INTO
  { CASE 1: RESULTIS 10
    CASE 2:
    CASE 3: RESULTIS 23
    CASE -5: RESULTIS -5
    CASE 1000000: RESULTIS 1
    DEFAULT: RESULTIS 0
  }

LET start() BE
{ FOR i = 0 TO 4 DO writef("%n ", kind(i))
  writef("%n %n*n", kind(-5), kind(1000000))
  FOR i = 1 TO 6 DO
  { SWITCHON i INTO
    { CASE 1: writes("one ")          // falls through
      CASE 2: writes("two ")
              ENDCASE
      CASE 4: LOOP                    // to the next FOR step
      CASE 5: BREAK                   // out of the FOR
      DEFAULT: writes("other ")
    }
    writef("(%n) ", i)
  }
  newline()
  SWITCHON 9 INTO { CASE 1: writes("no*n") }   // no case, no default
  // REPEAT after a SWITCHON repeats the whole SWITCHON, which switches on the new value
  // each time: LOOP and BREAK in its cases go on with or leave that loop.
  { LET s, i = "  ab=", 0
    LET ch = ?
    ch := s%1
    SWITCHON ch INTO
    { CASE ' ': i := i + 1; ch := s%(i+1); LOOP
      CASE '=': BREAK
      DEFAULT:  wrch(ch); i := i + 1; ch := s%(i+1); LOOP
    } REPEAT
    writef(" stopped at %n*n", i)
  }
  writes("end*n")
}
