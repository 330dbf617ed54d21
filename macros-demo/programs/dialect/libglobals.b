// A function defined with a name that libhdr declares global is that global's value, as in
// Cintcode: the library's writers write through the program's own wrch, and start is
// global 1. The expected output is what Cintcode 64 prints.
GET "libhdr"

GLOBAL { g1: 1; count: ug }

LET wrch(ch) BE
{ count := count + 1
  sawrch(ch = '*n' -> '/', ch)
}

LET start() = VALOF
{ count := 0
  writef("%n-%s*n", 42, "ab")
  writes("cd*n")
  newline()
  sawritef("*n%n characters through wrch*n", count)
  sawritef("%n %n %n*n", g1 = start, (@globsize)!1 = start, @start - @globsize)
  RESULTIS 0
}
