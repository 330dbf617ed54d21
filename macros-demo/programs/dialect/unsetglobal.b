GET "libhdr"

// A global the program never sets holds globword + n, as in Cintcode: nonzero, and telling
// which global it is.

GLOBAL { a: 300; f: 301 }

LET start() = VALOF
{ writef("%n %n*n", a = globword + 300, a - globword)
  IF a DO writef("an unset global is not zero*n")
  writef("%x8*n", f)
  a := 0
  writef("set: %n*n", a)
  RESULTIS 0
}
