// Floating point, as Cintcode's 64-bit BCPL has it: a word holds an IEEE double.
// Constants, the # operators, FLOAT, FIX, the FLT tag (which makes + - * / MOD ABS ->
// and the relations floating point where an operand is), sys(Sys_flt, ...), and
// writef's %w.pf and %w.pe, writeflt and writee.
GET "libhdr"

MANIFEST { FLT pi = 3.141_592_653_589_793; FLT tau = 2 * pi; size = 3 }
GLOBAL { FLT total: ug }
STATIC { FLT step = 0.25 }

LET area(FLT r) = pi * r * r

AND mean(v, n) = VALOF
{ LET FLT sum = 0
  FOR i = 0 TO n-1 DO sum := sum + v!i
  RESULTIS sum / FLOAT n
}

AND start() = VALOF
{ LET a, b = 1.5, 2e3
  LET FLT x, FLT y = 10, 0.1
  LET v = VEC size
  writef("constants %6.2f %8.1f %7.4f %9.5f*n", a, b, 1_000.5e-3, 1.5E-3)
  writef("explicit  %6.2f %6.2f %6.2f %6.2f %6.2f*n",
         a #+ 1.0, a #- 4.0, a #* a, 7.0 #/ 2.0, 7.0 #MOD 2.0)
  writef("unary     %6.2f %6.2f %n %n %n %6.2f*n",
         #- a, #ABS #- a, FIX a, FIX -a, FIX 2.4999, FLOAT 12)
  writef("relations %n %n %n %n %n %n*n",
         a #< b, a #> b, a #= 1.5, a #~= 1.5, a #<= 1.5, b #>= 3000.0)
  // FLT names make the integer operators floating point, and integer constants with them.
  writef("implicit  %6.2f %6.2f %6.2f %6.2f %6.2f*n", x + 1, x * y, x / 4, -x, ABS (y - 1))
  writef("compare   %n %n %n*n", x > 9, y < 0, x = 10)
  writef("cond      %6.2f*n", x > 5 -> x, 0)
  writef("manifest  %10.6f %10.6f area %10.6f*n", pi, tau, area(2.0))
  x +:= 2; y #*:= 3.0
  writef("op:=      %6.2f %6.2f*n", x, y)
  total := 1
  FOR i = 1 TO 4 DO total := total + step
  writef("global    %6.2f*n", total)
  FOR i = 0 TO size-1 DO v!i := FLOAT (i+1)
  writef("mean      %6.2f*n", mean(v, size))
  writef("sys       %8.5f %6.1f %6.2f %6.2f*n",
         sys(Sys_flt, fl_sqrt, 2.0), sys(Sys_flt, fl_pow, 2.0, 10.0),
         sys(Sys_flt, fl_floor, -1.5), sys(Sys_flt, fl_mk, 1234, -2))
  writef("digits    %n e%n*n", sys(Sys_flt, fl_unmk, 0.0125), result2)
  writef("rounding  %5.2f %5.2f %5.1f*n", 0.125, -0.125, 9.96)
  writef("exponent  %12.3e %12.3e %10.1e*n", 12345.678, -0.00012, 0.0)
  writeflt(-3.75, 8, 1); writee(6.02e23, 10, 2); newline()
  // A constant's bits are those Cintcode's compiler gives (3.14 is 1 ulp below the nearest).
  writef("bits      %x8%x8 %x8%x8*n", 3.14 >> 32, 3.14, 1.0e-100 >> 32, 1.0e-100)
  { LET x = sys(Sys_flt, fl_64to32, -1.25)      // single precision, and back
    LET y = sys(Sys_flt, fl_32to64, x)
    writef("single    %x8%x8 %x8%x8*n", x >> 32, x, result2, y)
  }
  RESULTIS 0
}
