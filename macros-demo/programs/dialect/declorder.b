// A name's scope begins at its declaration: a function's body means what each name meant
// where the function was declared, even when a later declaration of the section reuses
// the name (as `sdl.h`, inserted after `arith.h`, declares its own `radius` global). A
// GLOBAL declaration of a name a function already has is a new name: the function is not
// stored in that global.
GET "libhdr"
MANIFEST { K = 1 }
GLOBAL { f: 200 }
LET f() = 10 * K
LET early() = f() + K
GLOBAL { f: 201 }
MANIFEST { K = 2 }
LET f() = 100 * K
LET late() = f() + K
LET start() = VALOF
{ writef("early %n, late %n*n", early(), late())
  writef("global 200 gives %n, global 201 gives %n*n", ((@globsize)!200)(), ((@globsize)!201)())
  RESULTIS 0
}
