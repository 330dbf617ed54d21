// Lower-case reserved words used as names: legacy lv and rv as parameters (also of a
// pattern-defined function), and finish as a label.
get "libhdr"
let f(lv, rv) = lv + rv
let g : lv, rv => lv * rv
let start() = valof
{ let i = 0
  writef("%n %n*n", f(3, 4), g(3, 4))
again:
  i := i + 1
  if i > 3 goto finish
  writef("i=%n*n", i)
  goto again
finish:
  writef("done*n")
  resultis 0
}
