// rdargsformat: rdargs refuses a bad format (a `/` not followed by A, K, S, N or P, or a key
// both /S and /N) before it reads anything; a name may follow a qualifier (`from/K=src`).
// Each call that reads takes one line: the command line first, then the .stdin file's lines.
GET "libhdr"

LET try(format, keys) BE
{ LET argv = VEC 40
  LET r = rdargs(format, argv, 40)
  writef("%s: ", format)
  IF r = 0 DO
  { writef("bad (result2 %n)*n", result2)
    RETURN
  }
  writef("ok:")
  FOR i = 0 TO keys - 1 DO
    TEST argv!i = 0 THEN writes(" -")
    ELSE TEST argv!i = -1 THEN writes(" on")
    ELSE writef(" %s", argv!i)
  newline()
}

LET start() = VALOF
{ try("x", 1)
  try("from/a,to/x", 2)
  try("a/", 1)
  try("a//k,b", 2)
  try("n/s/n", 1)
  try("s/S,m/N", 2)
  try("from/K=src,to", 2)
  try("from/K=src,to", 2)
  try("a/k/s,b", 2)
  try("a/P/", 1)
  try("x,y", 2)
  writef("findarg %n %n %n %n*n", findarg("from/K=src,to", "SRC"), findarg("from/K=src,to", "to"),
         findarg("a,b", "c"), findarg("a=b/k,c", "b"))
  RESULTIS 0
}
