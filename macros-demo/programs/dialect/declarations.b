GET "libhdr"

GLOBAL { counter: ug; total }      // total is ug+1
STATIC { calls = 10; scale = 2 }
MANIFEST { one = 1; two; three; ten = 10 }   // two = 2, three = 3
MANIFEST { four = 4 five six              // no `;` is needed between entries, even on
           seven }                         // one line: five = 5, six = 6, seven = 7

LET bump() BE { counter := counter + 1; calls := calls + 1 }
AND twice(x) = x * scale

LET start() BE
{ LET a, b = one, two                 // simultaneous LET
  LET c = three AND d = ten           // LET ... AND ...
  LET a2, b2 = b, a
  counter := 0
  FOR i = 1 TO 5 DO bump()
  writef("%n %n %n %n %n %n*n", a, b, c, d, a2, b2)
  writef("counter=%n calls=%n twice=%n*n", counter, calls, twice(21))
  writef("%n %n %n %n*n", four, five, six, seven)
  { MANIFEST { k = 7 }
    STATIC { s = 100 }
    GLOBAL { g: 300 }
    LET sq(n) = n * n + k              // a function declared in a block
    g := sq(3)
    writef("k=%n s=%n g=%n G!300=%n*n", k, s, g, 300!@globsize)
  }
  a, b := b, a                         // left to right: a := b, then b := a
  writef("a=%n b=%n*n", a, b)
  total := @counter - @globsize
  writef("counter is global %n*n", total)
  // A LET's names are declared before its values are set, in order: `k` below is the new
  // one, already 7; `b2` is read before it is set, as 0.
  { LET p, k, v = 5, 7, k
    LET a = b2 + 1 AND b2 = 3
    writef("p=%n k=%n v=%n a=%n b2=%n*n", p, k, v, a, b2)
  }
}
