// A function defined again under a name held in a global: the global holds the later
// definition, as Cintcode's loader stores each in turn, so a call through the name before
// the second definition reaches it too, and the later `start` is the one that runs (as when
// a program inserts a test harness with its own `start`, then defines its own).
GET "libhdr"
GLOBAL { f: 200 }
LET f() = 1
LET g() = f()
LET f() = 2
LET start() = VALOF
{ writef("first start*n")
  RESULTIS 0
}
LET start() = VALOF
{ writef("second start: g() = %n, f() = %n*n", g(), f())
  RESULTIS 0
}
