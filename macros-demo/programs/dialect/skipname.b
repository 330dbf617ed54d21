// A program that declares `skip` keeps it as a name, in every spelling.
GET "libhdr"

LET skip(n) = n + 1

LET start() = VALOF
{ LET SKIP = 41
  writef("%n*n", skip(SKIP))
  RESULTIS 0
}
