// codewrch writes an extended character in the selected output stream's encoding: UTF-8
// (blib's, to 31 bits) until codewrch(GB2312) selects GB2312's row-and-column codes;
// codewrch(UTF8) goes back. writef's %# is codewrch.
GET "libhdr"

LET hex(v, n) BE
{ FOR i = 1 TO n DO writef(" %x2", v%i)
  newline()
}

// A file named after the process (its digits reversed), so that runs at the same time do
// not meet.
LET tmpname(v) = VALOF
{ LET s, pid, n = "codewrch-", sys(Sys_getpid), 0
  FOR i = 1 TO s%0 DO v%i := s%i
  n := s%0
  { n := n + 1
    v%n := '0' + pid MOD 10
    pid := pid / 10
  } REPEATUNTIL pid = 0
  v%0 := n
  RESULTIS v
}

LET start() = VALOF
{ LET buf = VEC 10
  LET name = tmpname(buf)
  LET out = findoutput(name)
  LET v = VEC 10
  LET codes = TABLE 65, #xE9, #x263A, #xFFFF, #x1F600, #x20_0000, #x7FFF_FFFF
  FOR i = 0 TO 6 DO
  { codewrch(codes!i)
    newline()
  }
  writef("[%#] [%#]*n", #x41, #x3A3)
  codewrch(#x8000_1234); newline()
  selectoutput(out)
  codewrch(GB2312)
  codewrch(4566); codewrch('A'); writef("%#", 1601)
  codewrch(UTF8)
  codewrch(#xE9)
  endwrite()
  selectoutput(findoutput("**"))
  selectinput(findinput(name))
  { LET n = 0
    { LET ch = rdch()
      IF ch = endstreamch BREAK
      n := n + 1
      v%n := ch
    } REPEAT
    writef("file:")
    hex(v, n)
  }
  endread()
  deletefile(name)
  codewrch(GB2312)
  codewrch(4566)
  newline()
  RESULTIS 0
}
