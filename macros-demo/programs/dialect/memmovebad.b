// A move whose source runs past the end of memory is a located error, and moves nothing.
GET "libhdr"

LET start() BE
{ LET v = VEC 3
  writes("before*n")
  sys(Sys_memmovewords, v, maxint - 1, 4)
  writes("not reached*n")
}
