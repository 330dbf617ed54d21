get "libhdr"

let lcm(m,n) =
    m=0 -> 0,
    n=0 -> 0,
    abs(m*n) / gcd(m,n)
and gcd(m,n) =
    n=0 -> m,
    gcd(n, m rem n)

let start() be writef("%N*N", lcm(12, 18))
