GET "libhdr"

LET start() BE
{ LET v = VEC 3
  LET s = "abc"
  LET t = TABLE 10, 20, 30, 'x'
  LET x = 5
  LET p = @x
  !p := 6
  writef("x=%n v-diff=%n*n", x, @v!2 - @v!0)
  v!0, v!1 := 100, 200
  writef("v!1=%n (v+1)!0=%n !v=%n*n", v!1, (v+1)!0, !v)
  writef("len=%n s%%1=%c*n", s%0, s%1)
  s%2 := 'B'
  writef("s=%s t!3=%c*n", s, t!3)
  writef("xor=%n eqv=%n neqv=%n not=%n abs=%n*n", 12 XOR 10, 0 EQV 0, 12 NEQV 10, NOT 0, ABS -7)
  writef("%n %n %n %n*n", #b1010, #o17, #x_ff, 1_000_000)
  writef("%n %n*n", #17, 9223372036854775808 = minint)
  writef("%n %n %n %n*n", '*n', '**', '*'', '*x41')
  writef("cond=%n %n*n", x > 3 -> 1, 2, x < 3 -> 1, x = 6 -> 3, 4)
  writef("rel=%n %n*n", 1 < 2 < 3, 1 < 3 < 2)
  writef("shift=%n %n %n*n", 1 << 4, 256 >> 4, 1 << 64)
  { LET n, m = -5, 64                  // a negative count shifts the other way
    writef("shift=%n %n %n %n %n %n*n", -5 << n, -5 >> n, -5 << -5, -5 >> -5, 1 >> -m, -1 << m)
  }
  writef("mod=%n %n rem=%n*n", 7 MOD 3, -7 MOD 3, 7 REM -3)
  writef("%n %n*n", ~0, TRUE & FALSE | TRUE)
  writef("%n %n %n*n", 12 /\ 10, 12 \/ 3, 5 \= 5)   // old spellings of &, | and ~=
  x := ?
  writef("done*n")
}
