GET "libhdr"

LET down(n) = n = 0 -> 0, 1 + down(n - 1)

LET forever(n) = forever(n + 1) + 1

LET start() BE
{ writef("%n*n", down(100000))
  forever(0)
}
