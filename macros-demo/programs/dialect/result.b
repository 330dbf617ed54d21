// start's result is the exit status, modulo 256, as Cintcode's CLI takes it as the
// command's return code.
GET "libhdr"

LET start() = VALOF
{ writes("returning 300*n")
  RESULTIS 300
}
