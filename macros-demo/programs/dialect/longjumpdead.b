// longjump to a level whose activation has returned: a located run-time error.
GET "libhdr"

GLOBAL { savedp: 200; savedl: 201 }

LET remember() BE
{ savedp, savedl := level(), here
  RETURN
here:
  writes("not reached*n")
}

LET start() BE
{ remember()
  writes("remembered*n")
  longjump(savedp, savedl)
  writes("not reached either*n")
}
