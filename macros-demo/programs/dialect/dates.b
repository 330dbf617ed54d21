// dates: dat_to_strings writes a date stamp as three strings (date, time, day of the week);
// datstring does so for now.
GET "libhdr"

LET t(d, ms) BE
{ LET datv = VEC 2
  LET v = VEC 14
  datv!0, datv!1, datv!2 := d, ms, -1
  UNLESS dat_to_strings(datv, v) = v DO writes("dat_to_strings did not return v*n")
  writef("%n %n: %s %s %s*n", d, ms, v, v+5, v+10)
}

LET start() = VALOF
{ LET v = VEC 14
  t(1, 0); t(20_790, 75_683_954); t(11_016, 86_399_999); t(0, 5); t(-3, 5)
  t(10_956, 3_600_000); t(11_015, 0); t(11_017, 0); t(59, 0); t(789, 90_000_000)
  t(2_932_896, 45_296_789); t(146_097, 1); t(1_000_000, 59_999)
  // Now: the shapes only, DD-MMM-YYYY and HH:MM:SS.
  UNLESS datstring(v) = v DO writes("datstring did not return v*n")
  writef("datstring: %n %c%c %n %c%c*n", v%0, v%3, v%7, (v+5)%0, (v+5)%3, (v+5)%6)
  RESULTIS 0
}
