// Method application: e#(obj, args) calls entry e of the table at !obj, with obj first.
GET "libhdr"

MANIFEST { Show = 0; Add = 1 }

LET show(obj) BE writef("value %n*n", obj!1)

AND add(obj, n) = VALOF
{ obj!1 := obj!1 + n
  RESULTIS obj!1
}

LET start() = VALOF
{ LET fns = TABLE 0, 0
  LET obj = VEC 1
  LET other = VEC 1
  fns!Show, fns!Add := show, add
  obj!0, obj!1 := fns, 5
  other!0, other!1 := fns, 100
  Show#(obj)
  writef("%n*n", Add#(obj, 10))
  Show#(obj)
  Add#(other, Add#(obj, 1))
  Show#(other)
  RESULTIS 0
}
