// Benchmark: nested counting loops over arithmetic, bitwise operators and a conditional
// (no calls, no memory beyond the locals). loops(1000) = 127677904.
GET "libhdr"

LET loops(n) = VALOF
$( LET s = 0
   FOR i = 1 TO n DO
     FOR j = 1 TO n DO
     $( s := s + ((i * j XOR i + j) & 255)
        IF (j & 3) = 0 DO s := s - 1
     $)
   RESULTIS s
$)

LET start() BE $( writen(loops(1000)); newline() $)
