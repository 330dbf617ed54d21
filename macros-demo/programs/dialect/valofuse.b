// A function called both as a command and for its value may end its VALOF without
// RESULTIS where it is called as a command (Cintcode returns a leftover value, which
// nobody sees); where its value is used, that is a run-time error at the VALOF's line.
// Calls through globals, nested calls and calls whose arguments are calls are checked
// alike. The output up to the error is what Cintcode 64 prints (which goes on with the
// leftover value, 0 here).
GET "libhdr"

GLOBAL { g: ug; h }

// f gives a value only for a positive x.
LET f(x) = VALOF
{ writef("f %n*n", x)
  IF x > 0 RESULTIS x * 10
}

LET g(x) = VALOF
{ f(-x)
  IF x > 5 RESULTIS f(x) + 1
}

AND k(a, b) = VALOF
{ writef("k %n %n*n", a, b)
  IF a > b RESULTIS a
}

LET start() = VALOF
{ LET v = 0
  f(-1)
  v := f(2)
  writef("v=%n*n", v)
  g(1)
  writef("g=%n*n", g(7))
  k(v, f(3))
  h(1)
  writef("f(f(1))=%n*n", f(f(1)))
  writef("%n*n", f(4) + f(5))
  writef("k=%n*n", k(f(9), 2))
  writef("last %n*n", f(-7))
  writes("not reached*n")
}

AND h(x) = VALOF
{ writef("h %n*n", x)
}
