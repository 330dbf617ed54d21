// A program's own rdch and unrdch: the library's readers (readn, readflt, rditem, rdargs)
// read through the globals rdch and unrdch, as blib's do, so whatever the program puts
// there feeds them. Also rditem, findarg, getword, putword and copy_bytes.
GET "libhdr"

GLOBAL { text: ug; pos; backs; oldrdch; oldunrdch }

// Reads the string `text`, then gives endstreamch.
LET fromtext() = VALOF
{ pos := pos + 1
  IF pos > text%0 RESULTIS endstreamch
  RESULTIS text%pos
}

AND backtext() = VALOF
{ backs := backs + 1
  pos := pos - 1
  RESULTIS TRUE
}

AND feed(s) BE
{ text, pos, backs := s, 0, 0
  rdch, unrdch := fromtext, backtext
}

AND restore() BE rdch, unrdch := oldrdch, oldunrdch

AND item(v, upb) BE
{ LET t = rditem(v, upb)
  writef("  type %n", t)
  IF t = 1 | t = 2 | t = -1 DO writef(" <%s>", v)
  newline()
}

LET start() = VALOF
{ LET v = VEC 10
  LET argv = VEC 20
  LET w = VEC 3
  LET b = VEC 3
  oldrdch, oldunrdch := rdch, unrdch

  feed("  42 -17 +8x 3.25 ")
  writef("readn %n", readn()); writef(" %n", readn()); writef(" %n", readn())
  writef(" then %c", rdch())
  writef(" readflt %5.1f", readflt())
  writef(" backs %n*n", backs)

  feed("alpha  *"two words*" ;=*n *"a**nb*" toolongitemforthevector x")
  FOR i = 1 TO 8 DO item(v, 1)
  writef("  backs %n, rest <", backs)
  { LET ch = rdch()
    IF ch = endstreamch BREAK
    wrch(ch)
  } REPEAT
  writes(">*n")

  feed("file.txt TO=out.txt 12 quiet*n")
  TEST rdargs("FROM/A,TO/K,N/N,QUIET/S", argv, 20) = 0
  THEN writes("rdargs failed*n")
  ELSE writef("rdargs %s %s %n %n*n", argv!0, argv!1, !(argv!2), argv!3)

  // Only rdch is the program's: unrdch is still the stream's.
  text, pos := "5 ", 0
  unrdch := oldunrdch
  writef("readn via own rdch only: %n*n", readn())
  restore()

  writef("findarg %n %n %n %n %n*n",
         findarg("FROM/A,TO=AS/K,N/N", "to"), findarg("FROM/A,TO=AS/K,N/N", "AS"),
         findarg("FROM/A,TO=AS/K,N/N", "n"), findarg("FROM/A,TO=AS/K,N/N", "x"),
         findarg("FROM/A,TO=AS/K,N/N", "FROM"))

  FOR i = 0 TO 3 DO w!i := 0
  putword(w, 0, #x1234); putword(w, 1, #xABCDEF); putword(w, 5, -1)
  writef("words %x4 %x4 %x4 %x4 %x8*n", getword(w, 0), getword(w, 1), getword(w, 5),
         getword(w, 2), w!0)

  FOR i = 0 TO 3 DO b!i := 0
  writef("copy_bytes %n", copy_bytes(5, "Hello"*bytesperword + 1, '.', 3, b*bytesperword))
  writef(" %n", copy_bytes(2, "Hi"*bytesperword + 1, '-', 6, b*bytesperword + 8))
  FOR i = 0 TO 13 DO wrch(b%i = 0 -> '0', b%i)
  newline()
  RESULTIS 0
}
