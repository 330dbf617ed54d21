// A call through a global that names a function in another section is a call of that
// function: where its value is used, its VALOF ending without RESULTIS is the run-time
// error (Cintcode goes on with a leftover value).
SECTION "a"
GET "libhdr"
GLOBAL { f: 200 }
LET f(x) = VALOF { IF x RESULTIS 1 }
.
SECTION "b"
GET "libhdr"
GLOBAL { f: 200 }
LET start() = VALOF
{ writef("f(1) = %n*n", f(1))
  writef("f(0) = %n*n", f(0))
  RESULTIS 0
}
