// longjump to the level of an activation that an earlier longjump left: it is not running,
// so this is a located run-time error, even though its frame's words are still in memory.
GET "libhdr"

GLOBAL { ap: 200; al: 201; bp: 202; bl: 203 }

LET c() BE longjump(ap, al)

LET b() BE
{ LET w, x, y, z = 1, 2, 3, 4   // so that later calls' arguments leave b's links alone
  bp, bl := level(), bhere
  c()
  RETURN
bhere:
  writes("not reached: b resumed*n")
}

LET start() BE
{ ap, al := level(), back
  b()
  writes("not reached*n")
back:
  writes("left b*n")
  longjump(bp, bl)
  writes("not reached either*n")
}
