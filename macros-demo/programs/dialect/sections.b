// A file of several sections, each ended by `.`: each sees only its own declarations and
// they share globals. GET reads a header that sits beside the source file (libhdr is built
// in), and the library routines written in BCPL are seen by every section.
GET "libhdr"
GET "sections.h"
MANIFEST { k = 1 }
LET local() = 10
LET start() = VALOF
{ writef("%n %n %n %n*n", helper(k), local(), testbit(3, TABLE 8), shared)
  RESULTIS 0
}
.
GET "libhdr"
GET "sections.h"
MANIFEST { k = 2 }
LET local() = 100
LET helper(x) = x + k + local() + testbit(0, TABLE 1)
.
