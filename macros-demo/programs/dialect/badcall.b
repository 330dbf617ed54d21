GET "libhdr"

LET start() BE
{ LET f = 12345
  writes("calling*n")
  f(1)
}
