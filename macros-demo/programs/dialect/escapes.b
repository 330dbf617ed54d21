GET "libhdr"

// BREAK, LOOP and ENDCASE inside a VALOF leave the loop or SWITCHON around it. Each VALOF
// here sits in an expression with operands already evaluated, which leaving drops.

LET kind(n) = VALOF
{ LET r = 0
  FOR i = 1 TO n DO
    r := r + 1000 * VALOF SWITCHON i REM 5 INTO
    { CASE 2:  LOOP              // on to i+1
      CASE 4:  BREAK             // out of the FOR
      DEFAULT: RESULTIS i
    }
  RESULTIS r
}

LET sum(v, n) = VALOF
{ LET s, i = 0, 0
  { LET x = 1 + 2 * (3 + VALOF RESULTIS 0 + VALOF { IF i >= n BREAK; RESULTIS v!i })
    s := s + x
    i := i + 1
  } REPEAT
  RESULTIS s
}

LET classify(c) = VALOF
{ LET r = 0
  SWITCHON c INTO
  { CASE 'a': r := 10 + VALOF { IF c = 'a' ENDCASE; RESULTIS 1 }
              r := -1
    CASE 'b': r := r + 5
              ENDCASE
    DEFAULT:  r := 99
  }
  RESULTIS r
}

LET evens(n) = VALOF
{ LET count, i = 0, 0
  WHILE i < n DO
  { i := i + 1
    count := count + VALOF { IF i REM 2 = 1 LOOP; RESULTIS 1 }
  }
  RESULTIS count
}

LET start() = VALOF
{ LET v = TABLE 4, 5, 6
  LET total = 0
  writef("kind %n %n %n*n", kind(2), kind(3), kind(7))
  writef("sum %n*n", sum(v, 3))
  writef("classify %n %n %n*n", classify('a'), classify('b'), classify('z'))
  writef("evens %n*n", evens(9))
  // Many passes: a temporary left behind by each would break the stack or the returns.
  FOR k = 1 TO 100000 DO total := total + kind(7) + evens(3)
  writef("total %n*n", total)
  RESULTIS 0
}
