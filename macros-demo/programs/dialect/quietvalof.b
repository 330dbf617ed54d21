GET "libhdr"

// A function whose result is never used may end its VALOF without RESULTIS, as Richards'
// programs do: here one called only as a command, and start itself. A VALOF whose value is
// used must still give one (noresult.b).
LET show(x) = VALOF
{ writef("show %n*n", x)
  IF x < 0 RESULTIS -1
}

LET start() = VALOF
{ show(1)
  show(2)
  writes("done*n")
}
