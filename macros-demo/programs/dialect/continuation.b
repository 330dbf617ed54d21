GET "libhdr"

// A string may go on over a line break: `*`, the break and spaces, then `*` again. The
// continued string is one operand, here subscripted with `%` right after its closing quote.
// `//` comments may sit in the gap, and the gap need not cross a line.
LET kind(i) = "?ABC*
              *DEF"%i

LET start() BE
{ FOR i = 1 TO 7 DO wrch(kind(i))
  newline()
  writef("%n*n", "ab*
                  *cd"%0)
  writes("hello* // a comment in the gap
                // and another
         * world*n")
  writes("same*   *line*n")
}
