GET "libhdr"

LET start() BE
{ LET a = readn()
  LET b = readn()
  LET c = rdch()
  writef("a=%n b=%n c=%c*n", a, b, c)
  unrdch()
  writef("again=%c*n", rdch())
  { LET ch = rdch()
    IF ch = endstreamch BREAK
    wrch(capitalch(ch))
  } REPEAT
  writes("<eof>*n")
  writef("%n*n", rdch() = endstreamch)
}
