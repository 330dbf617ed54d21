// A stream name with the prefix TCP or NET (in any case) names a network connection, which
// Cintcode's cintsys does not open: it says so and gives 0.
GET "libhdr"
LET start() = VALOF
{ writef("findinput: %n*n", findinput("TCP:localhost:10002"))
  writef("findoutput: %n*n", findoutput("net:host:80"))
  writef("a file named tcpdata: %n*n", findinput("tcpdata"))
  RESULTIS 0
}
