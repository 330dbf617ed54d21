GET "libhdr"

LET start() BE
{ LET v = getvec(10)
  LET w = getvec(5)
  LET argv = VEC 40
  v!10 := 7
  writef("getvec: %n %n*n", v ~= 0, v!10)
  freevec(v)
  writef("reuse: %n*n", getvec(3) = v)
  freevec(w)
  writef("too big: %n*n", getvec(maxint))
  setseed(1)
  FOR i = 1 TO 5 DO writef("%n ", randno(100))
  writef("old seed %n*n", setseed(5) ~= 0)
  writef("str2numb: %n %n*n", str2numb("123"), str2numb("-45"))
  writef("capitalch: %c compstring: %n %n %n*n", capitalch('q'), compstring("abc", "ABC"),
         compstring("ab", "abc"), compstring("b", "a"))
  writef("muldiv: %n rem %n*n", muldiv(maxint, 4, 8), result2)
  // The console's streams are selected: cis and cos hold their control blocks.
  endstream(findinput("no-such-file"))
  writef("streams: %n %n %n %n*n", cis = input(), cos = output(), cis!scb_id = id_inscb,
         cos!scb_type = scbt_console)
  TEST rdargs("FROM/A,TO/K,N/N,V/S", argv, 40) = 0
  THEN writes("rdargs failed*n")
  ELSE writef("rdargs: %s %s %n %n*n", argv!0, argv!1, !(argv!2), argv!3)
  { LET d = VEC 2   // days since 1970, msecs since midnight; d!2 is no longer set
    LET r = ?
    d!2 := 7
    r := datstamp(d)
    writef("datstamp: %n %n %n %n*n", r, d!0 > 20000, 0 <= d!1 < 86_400_000, d!2)
  }
  stop(3)
  writes("not reached*n")
}
