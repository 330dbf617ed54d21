// level() and longjump: leaving nested calls for a label of a running activation.
GET "libhdr"

GLOBAL { errp: 200; errl: 201; depth: 202 }

// Recursion that gives up at depth n by jumping back to the level and label in errp/errl.
LET dive(n) BE
{ depth := depth + 1
  IF depth = n DO longjump(errp, errl)
  dive(n)
  writef("not reached: dive returned at %n*n", depth)
}

// Error recovery in a loop: each pass sets its level and label, and a failing pass
// jumps back into the loop at `next`, with the loop's locals as they were.
LET tries() = VALOF
{ LET ok, failed = 0, 0
  errp, errl := level(), next
  FOR i = 1 TO 5 DO
  { depth := 0
    TEST i REM 2 = 0 THEN dive(i + 2) ELSE ok := ok + 1
    LOOP
next:
    failed := failed + 1
    writef("pass %n gave up at depth %n*n", i, depth)
  }
  RESULTIS ok * 10 + failed
}

// The innermost activation of a recursive function whose call area holds the level
// is the one that resumes: here the one at depth `keep` of `nest`.
LET nest(d, keep, stop) = VALOF
{ LET mark = d * 100
  IF d = keep DO errp, errl := level(), back
  IF d = stop DO longjump(errp, errl)
  RESULTIS nest(d + 1, keep, stop) + 1
back:
  RESULTIS mark + d
}

// In a coroutine, a jump between activations on the coroutine's own stack.
LET cobody(arg) = VALOF
{ LET count = 0
  errp, errl := level(), again
  depth := 0
  dive(arg)
again:
  count := count + 1
  IF count < 3 DO { depth := 0; dive(arg + count) }
  cowait(depth)
  RESULTIS count
}

LET start() = VALOF
{ LET local = 42
  LET co = createco(cobody, 500)
  writef("coroutine: %n*n", callco(co, 5))
  deleteco(co)
  writef("tries: %n*n", tries())
  writef("nest: %n*n", nest(1, 3, 7))
  writef("nest again: %n*n", nest(1, 1, 2))
  // A jump out of start's own callees into start, after which calls still work.
  errp, errl := level(), out
  depth := 0
  dive(4)
  writes("not reached*n")
out:
  writef("back in start at depth %n, local %n*n", depth, local)
  depth := 0
  errp, errl := level(), done
  dive(1000)
done:
  { LET dived = depth
    writef("deep dive of %n calls left in one jump; tries again: %n*n", dived, tries())
  }
  RESULTIS 0
}
