// MANIFEST and STATIC names with the FLT tag, or with a floating-point value: a name
// without a value is one (or 1.0) more than the previous, converted as needed.
GET "libhdr"

MANIFEST {
  m0 = 0
  FLT f1
  i2
  FLT f3
  half = 0.5
  next
  FLT big = 2.5
  FLT bigger
}

STATIC { s1 = 1.25; FLT s2 }

LET start() = VALOF
{ writef("%n %5.2f %n %5.2f*n", m0, f1, i2, f3)
  writef("%5.2f %n %5.2f %5.2f*n", half, next, big, bigger)
  writef("%5.2f %5.2f %5.2f*n", s1, s2, half + 1)
  RESULTIS 0
}
