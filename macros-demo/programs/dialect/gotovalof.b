// GOTO out of VALOFs inside expressions, with operands and call arguments pending at several
// depths: the code drops exactly the temporaries pushed since the label's VALOF began.
GET "libhdr"

LET f(a, b, c) = a + 2*b + 3*c

LET start() = VALOF
{ LET w, n = 0, 0
  FOR i = 0 TO 6 DO
  { // Operands pending at several depths when the GOTO leaves two VALOFs.
    w := w + f(i, 10 * (i + VALOF { LET k = 100 + VALOF { IF i MOD 3 = 1 GOTO out
                                                          RESULTIS i }
                                    IF i = 4 GOTO out
                                    RESULTIS k }), 7)
    n := n + 1
out:
    w := w + 1000
  }
  writef("w=%n n=%n*n", w, n)
  // A label in an outer VALOF, reached from an inner one.
  w := VALOF
  { LET s = 0
    FOR j = 1 TO 10 DO
      s := s + j * VALOF { IF j = 5 GOTO done
                           RESULTIS 2 }
  done:
    RESULTIS s
  }
  writef("s=%n*n", w)
  RESULTIS 0
}
