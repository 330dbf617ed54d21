// A program's own `clihook` runs instead of `start`: Cintcode's CLI calls global 4,
// which blib defines as `start(a1)`.
GET "libhdr"

LET clihook(a) = VALOF
{ writes("clihook first*n")
  RESULTIS start(a) + 1
}

LET start() = VALOF
{ writes("then start*n")
  RESULTIS 41
}
