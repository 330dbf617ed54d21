GET "libhdr"

// sawrch, sawritef and sys(Sys_sawrch, ...) write to the terminal at once, past what the
// console stream holds: the stream writes its buffer at the end of each line or page, when
// it is full (4096 bytes) and another byte comes, at deplete(cos) and at the end of the
// run. The expected output is Cintcode's.

LET start() = VALOF
{ writef("one ")
  sawritef("two*n")
  writef("three*n")
  sawrch('4'); sawrch('*n')
  writes("five ")
  sys(Sys_sawrch, '6')
  newline()
  FOR i = 1 TO 5000 DO wrch('a' + i MOD 26)
  sawritef("*n[past 4096 held bytes]*n")
  newline()
  writes("seven ")
  deplete(cos)
  sawritef("eight*n")
  writes("nine ")
  wrch('*p')
  sawritef("ten*n")
  writes("held to the end ")
  sawritef("eleven*n")
  RESULTIS 0
}
