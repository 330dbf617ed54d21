GET "libhdr"

// Where Cintcode's positions and records abort, they give FALSE here: a position past the
// end of a stream or before its start, a negative record number or a record past the end,
// a stream without positions (the console, NIL:), and get_record or put_record before
// setrecordlength; recordnote gives -1 then. A value that is no stream is a run-time
// error (records.stderr).

LET start() = VALOF
{ LET posv = VEC 1
  LET rec = VEC 1
  LET console_in, console_out = input(), output()
  LET ram = findinoutput("RAM:")
  LET nil = findoutput("NIL:")
  selectoutput(ram)
  writes("0123456789")
  selectoutput(console_out)

  posv!0, posv!1 := 0, 11
  writef("point past the end: %n*n", point(ram, posv))
  posv!0, posv!1 := -1, 4095
  writef("point before the start: %n*n", point(ram, posv))
  posv!0, posv!1 := 0, 10
  writef("point at the end: %n*n", point(ram, posv))
  writef("note of NIL: %n, of the console: %n*n", note(nil, posv), note(console_in, posv))
  writef("point of NIL: %n*n", point(nil, posv))

  writef("without a record length: recordnote %n, get_record %n, put_record %n*n",
         recordnote(ram), get_record(rec, 0, ram), put_record(rec, 0, ram))
  writef("record length was %n*n", setrecordlength(ram, 4))
  writef("recordpoint -1: %n, 3: %n, 2: %n*n",
         recordpoint(ram, -1), recordpoint(ram, 3), recordpoint(ram, 2))
  rec!0 := 0
  writef("get_record 2 (two bytes left): %n, got %c%c*n", get_record(rec, 2, ram), rec%0, rec%1)
  writef("put_record 3: %n*n", put_record(rec, 3, ram))
  rec%2, rec%3 := 'a', 'b'
  writef("put_record 2: %n*n", put_record(rec, 2, ram))
  note(ram, posv)
  writef("now at %n %n, record %n*n", posv!0, posv!1, recordnote(ram))
  writef("put_record 3: %n*n", put_record(rec, 3, ram))
  rewindstream(ram)
  selectinput(ram)
  FOR i = 1 TO 16 DO wrch(rdch())
  newline()
  endstream(ram)
  endstream(nil)
  writef("note of a value that is no stream:*n")
  note(12345, posv)
  RESULTIS 0
}
