GET "libhdr"
STATIC { calls = 0; g = 0 }

// A subscript with an effect: a word target holding it is evaluated once; a byte target
// s%i is evaluated twice (read, then written), as Cintcode's translator does it.
LET idx(i) = VALOF
{ calls := calls + 1
  RESULTIS i
}

// Sets g as a side effect of computing a subscript.
LET setg(i) = VALOF
{ g := 100
  RESULTIS i
}

LET start() = VALOF
{ LET a, v = 10, VEC 3
  LET s = "abc"
  v!0, v!1, v!2 := 1, 2, 3
  a +:= 5; writef("%n*n", a)
  a -:= 3; writef("%n*n", a)
  a *:= 4; writef("%n*n", a)
  a /:= 6; writef("%n*n", a)
  a MOD:= 5; writef("%n*n", a)
  a <<:= 4; writef("%n*n", a)
  a >>:= 2; writef("%n*n", a)
  a |:= 3; writef("%n*n", a)
  a &:= 6; writef("%n*n", a)
  a XOR:= 15; writef("%n*n", a)
  v!1 +:= 40; writef("%n*n", v!1)
  !v +:= 7; writef("%n*n", v!0)
  FOR i = 0 TO 2 DO v!i *:= 2
  writef("%n %n %n*n", v!0, v!1, v!2)
  s%1 +:= 1; writef("%s*n", s)
  v!idx(2) +:= 10
  !(v + idx(0)) -:= 1
  s%idx(2) +:= 2
  (SLCT 8:8:0) OF (v + idx(1)) +:= 1
  writef("%n %n %n %s calls=%n*n", v!0, v!1, v!2, s, calls)
  { LET p = TABLE 5, 6, 7
    p !:= 2                          // p := p!2
    writef("!:= %n*n", p)
  }
  { LET x, y = 10, 20
    x, y +:= 1, 2                    // x +:= 1; y +:= 2
    x, y *:= y, x                    // in order: x := 11*22, then y := 22*242
    writef("multi %n %n*n", x, y)
  }
  // A word target's address is computed after a right-hand side that is an expression, and
  // before one that is a name, which Cintcode reads only when it updates the word.
  { LET w = VEC 1
    w!0, w!1, g := 0, 0, 1
    w!setg(0) +:= g + 1              // g + 1 = 2, then setg
    g := 1
    w!setg(1) +:= g                  // setg, then g = 100
    writef("rhs %n %n*n", w!0, w!1)
  }
  RESULTIS 0
}
