GET "libhdr"

// Reading after the selected input stream was closed is a located run-time error (Cintcode
// aborts with 186).
LET start() BE
{ LET in = findinput("nostream.b")
  selectinput(in)
  writef("first character: %c*n", rdch())
  endread()
  writef("selected now: %n*n", input())
  rdch()
  writes("not reached*n")
}
