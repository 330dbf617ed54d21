// Reserved words in either case, both kinds of brackets, section tags, headers, nested comments.
SECTION "keywords"
GET "libhdr"
NEEDS "nothing"

let start() be
$(outer
   LET x = 3
   if x = 3 do writes("lower if*n")
   IF x = 3 THEN writes("upper IF*n")
   test x > 5 then writes("big*n") or writes("small*n")
   TEST x > 5 THEN writes("big*n") ELSE writes("small*n")
   { let i = 0
     while i < 3 do i := i + 1
     writef("i=%n*n", i)
   }
   /* Block comments nest: /* this inner comment */ leaves the outer one open,
      writes("not code*n") */
   $(inner
      writes("inner*n")
   // the tagged close below also closes the section `inner`
$)outer
