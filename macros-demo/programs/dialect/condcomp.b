// Conditional compilation: $$tag flips a tag (all start unset), $<tag ... $>tag keeps its
// text only when the tag is set, $~tag ... $>tag only when it is not.
GET "libhdr"

LET start() = VALOF
{ $<fast writef("a*n") $>fast
  $~fast writef("b*n") $>fast
  $$fast
  $<fast writef("c*n") $>fast
  $~fast writef("d*n") $>fast
  // Skipped text is not compiled, and a $$ inside it changes nothing.
  $<slow writef(undefined.name) $$fast "$>fast" $>slow
  $<fast
    $<slow writef("e*n") $>slow
    writef("f*n")
  $>fast
  $$fast
  $<fast writef("g*n") $>fast
  writef("h*n")
  RESULTIS 0
}
$<never
This text is skipped to the end of the file: nothing here is BCPL.
