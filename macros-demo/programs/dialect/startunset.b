// `start` is libhdr's global 1 whether or not the program defines it. A program whose
// `clihook` (run instead of `start`) calls an undefined `start` gets a located error, as
// Cintcode's "G1 unassigned"; it is not refused as an unknown name.
GET "libhdr"
LET clihook(a1) = VALOF
{ writef("start is global %n*n", @start - @globsize)
  RESULTIS start(a1)
}
