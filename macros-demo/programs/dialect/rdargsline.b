// rdargs reads its items from the selected input, up to the end of the line: at the start
// of a run the console's input begins with the rest of the command line (here only its
// newline, which a program reading without rdargs reads first, and sardch, reading the
// console itself, does not); from a file, a line of it.
GET "libhdr"

LET start() = VALOF
{ LET argv = VEC 50
  LET out = findoutput("rdargsline.tmp")
  LET in = 0
  LET raw = sardch()
  LET ch = rdch()
  writef("sardch %n, first console character %n*n", raw, ch)

  selectoutput(out)
  writes("ROW 1 2 3*n")
  writes("  col=7 *"a b*" ;ignored*n")
  writes("NUM=12 ROW*n")
  writes("ROW ROW*n")
  writes("last 5 6*n")
  endwrite()
  selectoutput(findoutput("**"))

  in := findinput("rdargsline.tmp")
  selectinput(in)
  FOR n = 1 TO 6 DO
  { LET res = rdargs("ROW/S,COL/K,NUM/K/N,A,B,C", argv, 50)
    writef("line %n: ", n)
    TEST res = 0
    THEN writes("bad arguments")
    ELSE { writef("res-argv=%n row=%n", res-argv, argv!0)
           IF argv!1 DO writef(" col=%s", argv!1)
           IF argv!2 DO writef(" num=%n", !(argv!2))
           FOR i = 3 TO 5 IF argv!i DO writef(" %c=%s", 'A'+i-3, argv!i)
         }
    newline()
  }
  writef("then rdch gives %n*n", rdch())
  endread()
  deletefile("rdargsline.tmp")
  RESULTIS 0
}
