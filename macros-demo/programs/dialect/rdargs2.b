// rdargs2: rdargs over keys given in two strings, one after the other.
GET "libhdr"

LET start() = VALOF
{ LET argv = VEC 60
  UNLESS rdargs2("from/a,to/k,n/n,", "quiet/s,extra", argv, 60) DO
  { writes("bad arguments*n")
    RESULTIS 20
  }
  writef("from=%s to=%s n=%n quiet=%n extra=%s*n",
         argv!0, argv!1, !argv!2, argv!3, argv!4 = 0 -> "(none)", argv!4)
  RESULTIS 0
}
