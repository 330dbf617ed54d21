GET "libhdr"

// sys(Sys_pollsardch) gives the next byte of the console's input if one is there,
// pollingch (-3) while none is yet, and endstreamch at its end. rdch and polling read
// the same input: what one has taken the other does not see again. The console stream
// gives the rest of the command line first (here its newline), which polling does not see.

LET poll() = VALOF
{ LET ch = sys(Sys_pollsardch)
  IF ch = pollingch DO { delay(10); LOOP }
  RESULTIS ch
} REPEAT

LET start() = VALOF
{ writef("rdch %c*n", rdch())
  { LET ch = poll()
    IF ch = endstreamch BREAK
    TEST ch = '*n' THEN writes("poll newline*n") ELSE writef("poll %c*n", ch)
  } REPEAT
  writef("at the end: poll %n, rdch %n*n", sys(Sys_pollsardch), rdch())
  RESULTIS 0
}
