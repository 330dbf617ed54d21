GET "libhdr"

// delay(msecs) and sys(Sys_delay, msecs) wait at least that long by the clock datstamp reads.

LET now() = VALOF
{ LET v = VEC 2
  datstamp(v)
  RESULTIS v!0 * 86_400_000 + v!1
}

LET start() = VALOF
{ LET t0 = now()
  LET r = delay(40)
  LET t1 = now()
  writef("delay returned %n, waited at least 40 msecs: %n*n", r, t1 - t0 >= 40)
  sys(Sys_delay, 30)
  writef("sys(Sys_delay, 30) waited at least 30 msecs: %n*n", now() - t1 >= 30)
  RESULTIS 0
}
