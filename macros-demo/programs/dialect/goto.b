GET "libhdr"

LET start() BE
{ LET i = 0
top:
  i := i + 1
  IF i < 3 GOTO top
  writef("i=%n*n", i)
  GOTO skip
  writes("never*n")
skip:
  FOR k = 1 TO 3 DO
  { IF k = 2 GOTO out
    writef("k=%n*n", k)
  }
out:
  writes("out*n")
  i := 0
  WHILE i < 10 DO
  { i := i + 1
    IF i = 2 GOTO inside
    LOOP
  inside:
    writef("inside at %n*n", i)
  }
  writes("done*n")
}
