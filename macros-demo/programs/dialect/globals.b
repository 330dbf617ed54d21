GET "libhdr"

// A function or label whose name is a global sets that global, and a call by the name goes
// through the global: giving the global another value, under any of its names or through
// another global's address, changes which function the name calls. A label that is a
// global takes `longjump` there from another function. The expected output is Cintcode's.

GLOBAL { f:200; alias:200; next:201; quitlevel:202; quitlab:203 }

LET f(x) = x + 1
LET g(x) = x * 100
LET h(x) = x - 1000

LET fail(msg) BE
{ writef("%s: longjump to quitlab*n", msg)
  longjump(quitlevel, quitlab)
  writes("not reached*n")
}

LET start() = VALOF
{ LET p = @next
  writef("f(1) = %n*n", f(1))
  f := g
  writef("after f := g, f(1) = %n*n", f(1))
  alias := h
  writef("after alias := h, f(1) = %n*n", f(1))
  p!(-1) := g
  writef("after (@next)!(-1) := g, f(1) = %n*n", f(1))
  quitlevel := level()
  fail("fail")
  writes("not reached either*n")
quitlab:
  writef("at quitlab, f = g: %n*n", f = g)
  RESULTIS 0
}
