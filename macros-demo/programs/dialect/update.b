GET "libhdr"

// Files read and written at one position: findinoutput (and findupdate) keep what a file
// holds; note and point give and set the position as a block of 4096 bytes and an offset
// in it; records of setrecordlength bytes are read and written by number with get_record
// and put_record, and recordnote and recordpoint give and set the record; RAM: is a
// stream in memory, read and written; wrch and binwrch give TRUE. The expected output is
// Cintcode's. The file is named after the process, so that runs at the same time do not
// meet.

LET name(v) = VALOF
{ LET digits = VEC 20
  LET pid, n = sys(Sys_getpid), 0
  LET prefix = "update-"
  digits!0 := 0
  FOR i = 1 TO prefix%0 DO v%i := prefix%i
  n := prefix%0
  { digits!0 := digits!0 + 1
    digits!(digits!0) := pid MOD 10
    pid := pid / 10
  } REPEATWHILE pid > 0
  FOR i = digits!0 TO 1 BY -1 DO { n := n + 1; v%n := '0' + digits!i }
  v%0 := n
  RESULTIS v
}

AND at(s, what) BE
{ LET posv = VEC 1
  note(s, posv)
  writef("%s: block %n offset %n*n", what, posv!0, posv!1)
}

AND showrec(ok, rec, len) BE
{ writef("%n ", ok)
  FOR i = 0 TO len-1 DO wrch(rec%i)
  newline()
}

LET start() = VALOF
{ LET nv = VEC 10
  LET posv = VEC 1
  LET rec = VEC 2
  LET console_in, console_out = input(), output()
  LET file = name(nv)
  LET f, n = 0, 0

  deletefile(file)
  f := findinoutput(file)
  writef("opened: %n*n", f ~= 0)
  selectoutput(f)
  FOR i = 0 TO 4999 DO wrch('a' + i MOD 26)
  selectoutput(console_out)
  at(f, "after 5000 bytes")

  posv!0, posv!1 := 1, 10
  writef("point to 1 10: %n*n", point(f, posv))
  selectinput(f)
  writef("read there: %c*n", rdch())
  at(f, "after rdch")
  unrdch()
  at(f, "after unrdch")

  posv!0, posv!1 := 0, 3
  point(f, posv)
  selectoutput(f)
  writes("XYZ")
  selectoutput(console_out)
  at(f, "after writing XYZ")
  writef("read on: %c*n", rdch())
  rewindstream(f)
  FOR i = 1 TO 8 DO wrch(rdch())
  newline()

  writef("record length was %n*n", setrecordlength(f, 10))
  FOR i = 0 TO 9 DO rec%i := '0' + i
  writef("put_record 2: %n*n", put_record(rec, 2, f))
  writef("recordnote: %n*n", recordnote(f))
  at(f, "after the record")
  showrec(get_record(rec, 0, f), rec, 10)
  showrec(get_record(rec, 2, f), rec, 10)
  showrec(get_record(rec, 409, f), rec, 10)
  writef("recordpoint 3: %n, recordnote %n*n", recordpoint(f, 3), recordnote(f))
  FOR i = 0 TO 9 DO rec%i := 'A' + i
  writef("put_record 500: %n*n", put_record(rec, 500, f))
  at(f, "after the new last record")
  FOR i = 0 TO 9 DO rec%i := '-'
  showrec(get_record(rec, 500, f), rec, 10)
  writef("get_record 501: %n*n", get_record(rec, 501, f))
  endstream(f)

  f := findinput(file)
  writef("findinput: %n*n", f ~= 0)
  selectinput(f)
  n := 0
  UNTIL rdch() = endstreamch DO n := n + 1
  writef("bytes in the file: %n*n", n)
  at(f, "findinput stream at its end")
  rewindstream(f)
  FOR i = 1 TO 6 DO wrch(rdch())
  newline()
  endread()

  f := findupdate(file)
  selectinput(f)
  FOR i = 1 TO 4 DO wrch(rdch())
  newline()
  endread()
  writef("deleted: %n*n", deletefile(file))

  f := findinoutput("RAM:")
  writef("RAM: opened: %n*n", f ~= 0)
  selectoutput(f)
  writef("hello, %s %n*n", "ram", 12345)
  selectoutput(console_out)
  at(f, "RAM: after writing")
  rewindstream(f)
  selectinput(f)
  { LET ch = rdch()
    IF ch = endstreamch BREAK
    wrch(ch)
  } REPEAT
  posv!0, posv!1 := 0, 7
  point(f, posv)
  selectoutput(f)
  writes("RAM")
  selectoutput(console_out)
  rewindstream(f)
  FOR i = 1 TO 10 DO wrch(rdch())
  newline()
  endstream(f)
  selectinput(console_in)

  f := findoutput("NIL:")
  selectoutput(f)
  n := wrch('x')
  posv!0 := binwrch('y')
  endwrite()
  selectoutput(console_out)
  writef("wrch gives %n, binwrch %n*n", n, posv!0)
  RESULTIS 0
}
