// The libhdr routines written in BCPL: mkobj (which sends its new object InitObj with the
// address of its extra arguments), setbit, testbit and splitname.
GET "libhdr"

MANIFEST { Area = 2; Fields = 3; x = 1; y = 2 }

LET init(obj, args) BE obj!x, obj!y := args!0, args!1

AND area(obj) = obj!x * obj!y

LET start() = VALOF
{ LET fns = TABLE 0, 0, 0
  LET bits = VEC 2
  LET part, s, p = VEC 4, "usr/local/bin", 1
  fns!InitObj, fns!Area := init, area
  { LET r = mkobj(Fields, fns, 6, 7)
    writef("area %n*n", Area#(r))
    freevec(r)
  }
  bits!0, bits!1, bits!2 := 0, 0, 0
  writef("setbit %n ", setbit(70, bits, TRUE) ~= 0)
  writef("again %n ", setbit(70, bits, TRUE) ~= 0)
  writef("test %n %n word1 %x4*n", testbit(70, bits) ~= 0, testbit(69, bits) ~= 0, bits!1)
  setbit(70, bits, FALSE)
  writef("cleared %n*n", bits!1)
  { p := splitname(part, '/', s, p)
    writef("<%s> next %n*n", part, p)
  } REPEATUNTIL p = 0
  RESULTIS 0
}
