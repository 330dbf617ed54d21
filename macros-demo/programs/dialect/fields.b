// Field selectors: SLCT len:shift:offset names `len` bits (0: the rest of the word) from bit
// `shift` of word `offset`; `f OF p` (or `f :: p`) reads that field of the words at `p`, and
// `f OF p := x` replaces only its bits.
GET "libhdr"

MANIFEST {
  whole  = SLCT 1          // all of word 1
  low    = SLCT 8:0:0      // bits 0-7 of word 0
  mid    = SLCT 8:8:0      // bits 8-15 of word 0
  top    = SLCT 4:0        // bits 4-63 of word 0
  hi     = SLCT 4:60:2     // the top four bits of word 2
}

LET start() = VALOF
{ LET v = VEC 2
  v!0, v!1, v!2 := #x1122_3344_5566_7788, 42, 0
  writef("%x2 %x2 %xG %n*n", low OF v, mid :: v, top OF v, whole OF v)
  mid OF v := #x1FF           // only the low 8 bits go in
  low OF v +:= 1
  whole OF v := -1
  hi OF v := 9
  writef("%xG %n %xG*n", v!0, v!1, v!2)
  writef("%x8*n", SLCT 3:2:1)
  // A command may begin with a selector written in place.
  SLCT 8:4:1 OF v := #xAB; (SLCT 4:0:0) OF @v!2 := 5
  writef("%xG %xG*n", v!1, v!2)
  RESULTIS 0
}
