GET "libhdr"

// FIX as Cintcode computes it: 0.5 is added to a positive value or taken from a negative
// one, and the sum (which rounds) is truncated. NaN and values beyond the 64-bit range give
// x86-64's "integer indefinite", minint. fl_F2N ends the same way. The expected output is
// Cintcode 64's, on x86-64.
LET start() = VALOF
{ LET big = 4503599627370497.0          // 2^52 + 1
  LET nan = 0.0 #/ 0.0
  LET below = 1.0                       // 0.5 - 2^-54, the double just below a half
  FOR i = 1 TO 54 DO below := below #/ 2.0
  below := 0.5 #- below
  writef("halves   %n %n %n %n*n", FIX 2.5, FIX -2.5, FIX below, FIX #-below)
  writef("2^52+1   %n %n*n", FIX big, FIX #-big)
  writef("zero     %n %n*n", FIX 0.0, FIX #-0.0)
  writef("range    %n %n %n*n", FIX 1.0e30, FIX -1.0e30, FIX 9.3e18)
  writef("edge     %n*n", FIX -9.2e18)
  writef("nan      %n*n", FIX nan)
  writef("F2N      %n %n %n*n", sys(Sys_flt, fl_F2N, 1000, 1.2345), sys(Sys_flt, fl_F2N, 1000, -0.0005),
                                sys(Sys_flt, fl_F2N, 1000, 1.0e20))
  // writee does not sign a number whose digits, up to the units digit before rounding,
  // are all zero, so -0.996 rounded up to 10.0e-01 has no sign; writeflt keeps it.
  writef("[%5.0e] [%9.1e] [%5.0f]*n", -0.99, -0.996, -0.99)
  writee(-0.996, 9, 1); writeflt(-0.996, 6, 1); newline()
  RESULTIS 0
}
