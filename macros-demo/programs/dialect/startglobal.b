// A run begins at the function in global 1, whatever its name: Cintcode's CLI calls `start`
// through that global, so `begin` declared at global 1 is where this program starts.
GET "libhdr"
GLOBAL { begin: 1 }
LET begin() = VALOF
{ writef("begun at global %n*n", @begin - @globsize)
  RESULTIS 0
}
