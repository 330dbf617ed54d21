// writef and the write routines. The expected output is what Cintcode 64 prints.
GET "libhdr"

LET start() BE
{ writef("[%n] [%N]*n", 42, -42)
  writef("[%i5] [%I5] [%5d] [%d3]*n", 42, -42, -42, 7)
  writef("[%z4] [%Z4] [%x4] [%X2] [%o3] [%b8]*n", -42, 42, 255, 255, 8, 5)
  writef("[%u0] [%xA]*n", -1, 255)
  writef("[%s] [%t6] [%c%c] [%%]*n", "ab", "cd", 'o', 'k')
  writef("[%8.2d] [%6.2d] [%8.2d]*n", 123456, -5, -1234)
  writef("[%5d][%5.1d][%1d][%0d][%3.0d][%5i][%5x]*n", -1, -5, 123, 9, 42, 1, 255)
  FOR count = 1 TO 2 DO writef("There %p\is\are\ %-%n thing%-%ps.*n", count)
  writef("%+%n %n%-%n*n", 1, 2, 3)
  writef("[%m] [%n %M %n]*n", 1234, 1, 2, 3)
  // %f with no width applies its argument as a format; %0.3f has one, so it is a float.
  writef("[%f|%n] [%0.3f] [%0f]*n", "<%n>", 7, 8, 2.25, 2.25)
  // A format that is not an address in memory is written as blib's safety check has it.
  writef("[%f] [%f]*n", 0, -5)
  writef(0); newline()
  writed(-5, 4); writen(minint); newline()
  writeu(-1, 0); wrch(' '); writehex(-1, 16); wrch(' '); writeoct(8, 0); wrch(' ')
  writez(7, 3); wrch(' '); writet("ab", 4); wrch('|'); newline()
  // Digits to the width asked, past 64; a width taken from the character after the
  // letter counts 'A' as ten and on from there, so '|' is 69.
  writehex(255, 70); newline()
  writeoct(-1, 66); newline()
  writef("[%x|][%b|][%i|]*n", 255, 5, -5)
  // %- before the first argument steps back to the format itself.
  writef("[%-%s]*n")
  newpage()
  newline()
}
