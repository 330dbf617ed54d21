// writes, writet, and writef's %s and %t write ##Bad string## for an address outside
// memory, as blib's safety check does; a bad format is ##Bad format##.
GET "libhdr"
LET start() = VALOF
{ writes(0); newline()
  writes(-5); newline()
  writes(1 << 40); newline()
  writef("[%s] [%s]*n", 0, "good")
  writef("[%t9]*n", "ok")
  writef(0); newline()
  writef(-1); newline()
  RESULTIS 0
}
