// Pattern matching (Cintcode 2021): pattern-defined functions and routines,
// MATCH and EVERY as commands and expressions, NEXT and EXIT.
GET "libhdr"

MANIFEST { Leaf = 1; Node = 2; Upb = 3 }

// Constants, `?`, relations, ranges and alternatives.
LET kind
: <0             => "negative"
: 0              => "zero"
: 1 | 2 | 3      => "small"
: 'a'..'z'       => "lower"
: >(Upb*100)     => "huge"
: ?              => "other"

// Several arguments; names bind to arguments; `=name` compares with one.
AND order
: a, b <a        => -1
: a, =a          => 0
: ?, ?           => 1

// Pointer patterns: a manifest name is a constant, other names are variables.
AND sum
: [Leaf, v]           => v
: [Node, l, r]        => sum(l) + sum(r)
: ?                   => 0

// A name beside a pointer pattern names the pointer; two levels deep.
AND depth2
: t[Node, [Leaf, x], ?] => x * 1000 + t!0
: ?                     => -1

// Variables name their locations: assignment writes through the pointer.
AND bump
: [?, v] BE v := v + 1

// `@` of a pattern variable is the word's address.
AND addr
: p[?, v] => @v - p

// A name that differs only in case from a manifest is a variable.
AND under
: upb => upb + 1

// No item matches: a function returns 0.
AND only1
: 1 => 100

// A routine: NEXT goes on to the next item, EXIT leaves.
AND classify
: n BE { IF n MOD 2 = 0 NEXT
         writef("%n odd*n", n)
       }
: n BE { IF n > 10 EXIT
         writef("%n even, small*n", n)
       }
: n BE writef("%n even, large*n", n)

// Floating point: FLT variables and floating relations.
AND half
: #<0.0        => -1.0
: FLT x        => x #/ 2.0

// An empty pattern matches anything (and inspects no argument).
AND always
: => 7

LET start() = VALOF
{ LET leaf1 = VEC 1
  LET leaf2 = VEC 1
  LET node  = VEC 2
  LET cell  = VEC 1
  LET count = 0
  FOR x = -1 TO 4 DO writef("%n is %s*n", x, kind(x))
  writef("'q' is %s*n", kind('q'))
  writef("500 is %s, 250 is %s*n", kind(500), kind(250))
  writef("order: %n %n %n*n", order(1, 2), order(2, 2), order(3, 2))

  leaf1!0, leaf1!1 := Leaf, 5
  leaf2!0, leaf2!1 := Leaf, 37
  node!0, node!1, node!2 := Node, leaf1, leaf2
  writef("sum %n, depth2 %n, depth2 of a leaf %n*n",
         sum(node), depth2(node), depth2(leaf1))

  cell!0, cell!1 := 0, 41
  bump(cell)
  writef("bumped %n, offset of v %n*n", cell!1, addr(cell))
  writef("under %n, only1 %n %n, always %n*n", under(9), only1(1), only1(2), always())

  writef("half %5.2f %5.2f*n", half(5.0), half(-3.0))
  classify(3); classify(4); classify(12)

  // MATCH as a command, inside a loop: BREAK and LOOP belong to the loop.
  FOR i = 1 TO 6 DO
    MATCH (i, i*i)
    : 2, ?      BE LOOP
    : 5, sq     BE { writef("stop at %n (%n)*n", i, sq); BREAK }
    : ?, >9 sq  BE writef("%n squared is %n, more than 9*n", i, sq)
    : n, ?      BE writef("%n*n", n)

  // MATCH as an expression; nested lists end with a dot.
  FOR i = 1 TO 4 DO
    writef("%n -> %s*n", i,
           MATCH (i)
           : 1 => "one"
           : n => MATCH (n MOD 2)
                  : 0 => "even"
                  : ? => "odd"
                  .
           )

  // EVERY as a command runs every matching item; as an expression it sums.
  EVERY (6)
  : >0   BE writef("positive ")
  : 1..5 BE writef("small ")
  : n    BE { IF n MOD 3 = 0 DO writef("three ")
              NEXT
              writef("not reached ")
            }
  : ?    BE newline()
  writef("every sum %n*n", EVERY (4, 5) : >3, ? => 1 : ?, 5 => 10 : 9, ? => 100)

  // MATCH with no matching item: 0.
  writef("no match %n*n", MATCH (1) : 2 => 3)

  // RESULTIS in a MATCH command leaves the enclosing VALOF.
  count := VALOF MATCH (node) : [Node, ?, [?, x]] BE RESULTIS x
  writef("resultis %n*n", count)
  RESULTIS 0
}
