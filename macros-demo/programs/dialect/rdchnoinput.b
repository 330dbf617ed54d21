// A program's own rdch, with the library's unrdch and no input stream selected: readn's
// unrdch is the library's, which needs a selected input, so the run stops there (Cintcode
// aborts with 186, "Bad input stream").
GET "libhdr"

GLOBAL { s: ug; p }

LET fromtext() = VALOF
{ p := p + 1
  IF p > s%0 RESULTIS endstreamch
  RESULTIS s%p
}

LET start() = VALOF
{ s, p := "12 34", 0
  rdch := fromtext
  writes("reading*n")
  selectinput(0)
  writef("%n*n", readn())
  RESULTIS 0
}
