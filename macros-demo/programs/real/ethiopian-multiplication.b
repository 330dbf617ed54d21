get "libhdr"

let halve(i)  = i>>1
and double(i) = i<<1
and even(i)   = (i&1) = 0

let emul(x, y)      = emulr(x, y, 0)
and emulr(x, y, ac) =
    x=0 -> ac,
    emulr(halve(x), double(y), even(x) -> ac, ac + y)

let start() be writef("%N*N", emul(17, 34))
