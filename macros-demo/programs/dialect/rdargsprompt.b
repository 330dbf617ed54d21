// rdargsprompt: rdargs asks for each /P key the command line left unset, reading one
// answer a line; `?` alone on a line writes the format and reads on.
GET "libhdr"

LET show(argv) BE
{ writef("from=%s*n", argv!0 -> argv!0, "(unset)")
  writef("to=%s*n", argv!1 -> argv!1, "(unset)")
  writef("verbose=%n*n", argv!2)
  TEST argv!3 THEN writef("n=%n*n", !(argv!3)) ELSE writef("n=(unset)*n")
  writef("name=%s*n", argv!4 -> argv!4, "(unset)")
  writef("last=%s*n", argv!5 -> argv!5, "(unset)")
}

LET start() = VALOF
{ LET argv = VEC 60
  LET keys = "FROM=SOURCE/A/P,TO/K,VERBOSE/S/P,N=COUNT/N/P,NAME/P,LAST/P"
  // The command line gives no arguments: each /P key is asked for in turn.
  TEST rdargs(keys, argv, 60)
  THEN { writes("*nfirst: ok*n"); show(argv) }
  ELSE writes("*nfirst: failed*n")
  // `?` writes the format; the next line gives FROM, the rest are asked for.
  TEST rdargs(keys, argv, 60)
  THEN { writes("*nsecond: ok*n"); show(argv) }
  ELSE writes("*nsecond: failed*n")
  // `;` ended the last answer: what follows it is this call's line. A number key given
  // a word: rdargs fails and skips the answer's line.
  TEST rdargs(keys, argv, 60)
  THEN writes("*nthird: ok*n")
  ELSE writef("*nthird: failed, result2=%n*n", result2)
  writef("left: ")
  { LET ch = rdch()
    IF ch=endstreamch BREAK
    wrch(ch)
  } REPEAT
  newline()
  RESULTIS 0
}
