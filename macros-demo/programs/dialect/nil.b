// NIL: (in any case) is the null device: it takes what is written to it, and reading it
// gives endstreamch at once.
GET "libhdr"

LET start() = VALOF
{ LET console_in, console_out = input(), output()
  LET nil = findoutput("NIL:")
  writef("opened for output: %n*n", nil ~= 0)
  selectoutput(nil)
  FOR i = 1 TO 1000 DO writes("into nothing*n")
  endwrite()
  selectoutput(console_out)
  nil := findinput("nil:")
  writef("opened for input: %n*n", nil ~= 0)
  selectinput(nil)
  writef("NIL: gives %n %n*n", rdch(), rdch())
  endread()
  selectinput(console_in)
  RESULTIS 0
}
