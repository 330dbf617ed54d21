// longjump from a coroutine to a level on the main stack: a located run-time error.
GET "libhdr"

GLOBAL { savedp: 200; savedl: 201 }

LET escapee(arg) = VALOF
{ writes("in the coroutine*n")
  longjump(savedp, savedl)
  RESULTIS 0
}

LET start() = VALOF
{ LET co = createco(escapee, 500)
  savedp, savedl := level(), back
  callco(co, 0)
  writes("not reached*n")
back:
  writes("not reached either*n")
  RESULTIS 0
}
