GET "libhdr"

LET start() BE
{ LET p = -8
  writes("before*n")
  p!3 := 1
  writes("after*n")
}
