// Coroutines: createco, callco, cowait, resumeco, deleteco, initco, startco,
// currco and colist, with the meaning of Cintcode BCPL's library.

GET "libhdr"

GLOBAL { gen2: ug; ca: ug+1; cb: ug+2 }

// A generator: cowaits 1 to n, then returns 0 (so its next call starts afresh).
LET counter(n) = VALOF
{ FOR i = 1 TO n DO cowait(i)
  RESULTIS 0
}

// A running sum of the values it is sent.
AND summer(x) = VALOF
{ LET sum = 0
  { sum := sum + x
    x := cowait(sum)
  } REPEAT
}

// Nested: a coroutine that calls another one.
AND doubler(x) = VALOF
{ { LET v = callco(gen2, x)
    x := cowait(2*v)
  } REPEAT
}

AND who(x) = VALOF
{ cowait(currco)
  RESULTIS currco
}

AND ra(x) = VALOF
{ writef("a got %n*n", x)
  x := resumeco(cb, x+1)
  writef("a resumed with %n*n", x)
  RESULTIS x+100
}

AND rb(x) = VALOF
{ writef("b got %n*n", x)
  x := cowait(x*10)
  writef("b got %n*n", x)
  RESULTIS resumeco(ca, x+1)
}

// initco passes the address of its arguments after the size.
AND adder(args) = VALOF
{ LET a, b = args!0, args!1
  LET x = cowait(a+b)
  { x := cowait(x + a*b) } REPEAT
}

AND fact(n) = n=0 -> 1, n*fact(n-1)

AND factco(n) = VALOF
{ { n := cowait(fact(n)) } REPEAT
}

// FINISH and stop(n) are cowait(0) and cowait(n) in a coroutine, as blib defines stop:
// they go back to the parent, and on after the call when it is resumed.
AND finisher(x) = VALOF
{ writef("finishing inside a coroutine, %n others suspended*n", x)
  FINISH
  writef("resumed after FINISH*n")
  stop(7)
  writef("resumed after stop*n")
  RESULTIS 9
}

LET start() = VALOF
{ LET g = createco(counter, 200)
  LET s = createco(summer, 200)
  LET d, w, root = 0, 0, currco
  LET c, c2, f = 0, 0, 0

  writef("gen:")
  FOR i = 1 TO 4 DO writef(" %n", callco(g, 3))
  writef(" %n*n", callco(g, 2))

  writef("sum: %n", callco(s, 5))
  writef(" %n", callco(s, 10))
  writef(" %n*n", callco(s, -3))

  gen2 := createco(counter, 200)
  d := createco(doubler, 200)
  writef("nest: %n", callco(d, 5))
  FOR i = 1 TO 5 DO writef(" %n", callco(d, 0))
  writef(" %n*n", callco(d, 2))

  w := createco(who, 100)
  writef("currco: %n %n %n %n*n",
         callco(w, 0) = w, callco(w, 0) = w, currco = root, root ~= 0)
  writef("colist: %n %n %n*n", colist = w, colist!2 = d, d!2 = gen2)

  ca := createco(ra, 200)
  cb := createco(rb, 200)
  writef("root got %n*n", callco(ca, 1))
  writef("root got %n*n", callco(cb, 3))
  writef("deleted %n %n*n", deleteco(ca), deleteco(cb))

  c := initco(adder, 200, 3, 4)
  writef("init: result2=%n", result2)
  writef(" %n", callco(c, 10))
  writef(" %n*n", callco(c, 1))
  c2 := startco(summer, 7, 200)
  writef("start: %n*n", callco(c2, 1))

  writef("too big: %n*n", createco(counter, maxint/2))

  f := createco(factco, 500)
  writef("fact: %n %n*n", callco(f, 10), callco(f, 5))

  // A library routine as a coroutine's function.
  writef("writen: ")
  callco(createco(writen, 100), 42)
  newline()

  FOR k = 1 TO 3 DO deleteco(createco(counter, 100))
  deleteco(g); deleteco(s); deleteco(w)
  f := createco(finisher, 100)
  writef("back from FINISH: %n*n", callco(f, 5))
  writef("back from stop: %n*n", callco(f))
  writef("back from the end: %n*n", callco(f))
  FINISH
  writef("not reached*n")
  RESULTIS 0
}
