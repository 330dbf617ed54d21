// String output: escapes, strings in variables, and string bytes read as words.
LET greet(who) BE $( writes("Hello, "); writes(who); writes("!*n") $)

LET start() BE
$( LET s = "a string in a variable"
   writes("plain*n")
   writes("tab:*tafter tab*n")
   writes("star: ** quote: *" apostrophe: *' space:*s.*n")
   writes(s); newline()
   greet("world")
   greet("BCPL")
   writes(""); writes("empty strings print nothing*n")
   writes("length of s: "); writen(s!0 & 255); newline()
   writes("line one*nline two*n")
$)
