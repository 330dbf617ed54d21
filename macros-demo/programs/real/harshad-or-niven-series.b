get "libhdr"

let dsum(n) = n=0 -> 0, n rem 10 + dsum(n/10)
let next(n) = harshad(n+1) and harshad(n) = n rem dsum(n)=0 -> n, next(n)

let start() be
$(  let n = 0
    writes("First 20:")
    for i = 1 to 20 do
    $(  n := next(n)
        writef(" %N", n)
    $)
    writef("*NFirst above 1000: %N*N", next(1000))
$)
