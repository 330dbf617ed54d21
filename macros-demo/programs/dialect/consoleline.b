// The console's input stream takes a line at a time, as Cintcode's does, so sardch (which
// reads the console itself) gives what follows the line that the stream holds.
GET "libhdr"

LET show(what, ch) BE
{ writef("%s ", what)
  TEST ch = endstreamch THEN writes("end") ELSE
  TEST ch = '*n' THEN writes("newline") ELSE wrch(ch)
  newline()
}

LET start() = VALOF
{ show("rdch", rdch())       // the rest of the command line
  show("rdch", rdch())
  show("sardch", sardch())
  show("rdch", rdch())
  unrdch()
  show("rdch", rdch())
  show("rdch", rdch())
  show("rdch", rdch())
  show("sardch", sardch())
  show("sardch", sardch())
  show("rdch", rdch())
  show("readn", readn() + '0')
  show("rdch", rdch())
  show("rdch", rdch())
  show("sardch", sardch())
  RESULTIS 0
}
