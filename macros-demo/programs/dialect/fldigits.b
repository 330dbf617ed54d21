GET "libhdr"

// The decimal digits of floating-point values, as Cintcode's fl_unmk finds them: by scaling
// with rounded divisions and multiplications by 10^5 and 10, then 17 digits rounded to 16.
// writef's %f and %e, writeflt and writee print from them, so a value just below a half can
// print rounded up: (3*0.95+1.0)/4.0 is 0.9625 - 2^-53, and %7.3f writes 0.963. The values
// come from a fixed sequence; the last are beyond 10^100 and below 10^-100, where fl_unmk
// gives 1 x 10^100 and 0. The expected output is Cintcode's.
LET start() = VALOF
{ LET seed = 12345
  LET FLT scale = 1.0
  FOR i = 1 TO 300 DO
  { LET a, b = ?, ?
    LET FLT x = ?
    seed := seed*2147001325 + 715136305
    a := (seed >> 20) MOD 10000000
    seed := seed*2147001325 + 715136305
    b := (seed >> 20) MOD 997 + 1
    x := FLOAT a / FLOAT b
    SWITCHON i MOD 7 INTO
    { CASE 0: x := x * 1.0e-7; ENDCASE
      CASE 1: x := x * 1.0e9; ENDCASE
      CASE 2: x := -x; ENDCASE
      CASE 3: x := x / 1000.0; ENDCASE
      CASE 4: x := x * 3.0 / 7.0; ENDCASE
      DEFAULT: ENDCASE
    }
    writef("%12.3f %14.6e %9.0f ", x, x, x)
    writef("%n %n*n", sys(Sys_flt, fl_unmk, x), result2)
  }
  FOR i = 0 TO 40 DO
  { LET FLT y = FLOAT(i) / 8.0 + 0.0005
    LET FLT z = (3.0 * 0.95 + 1.0) / 4.0
    writef("%7.3f %7.2f %7.1f %7.3f*n", y, y, y, z * FLOAT(i))
  }
  writef("%n %n*n", sys(Sys_flt, fl_unmk, 1.0e50 * 1.0e50 * 1.0e50), result2)
  writef("%n %n*n", sys(Sys_flt, fl_unmk, -1.0e-50 * 1.0e-50 * 1.0e-50), result2)
  writef("%n %n*n", sys(Sys_flt, fl_unmk, 1.0e-99), result2)
  // NaN fails every comparison of the scaling; its digits are what x86-64 makes of it.
  { LET FLT zero = 0.0
    LET FLT nan = zero / zero
    writef("%8.3f %10.2e %n %n*n", nan, nan, sys(Sys_flt, fl_unmk, nan), result2)
    writeflt(#-nan, 10, 3); wrch(' '); writee(nan, 12, 4); newline()
  }
  RESULTIS 0
}
