get "libhdr"

let gcd(m,n) = n=0 -> m, gcd(n, m rem n)

let show(m,n) be
    writef("gcd(%N, %N) = %N*N", m, n, gcd(m, n))

let start() be
$(  show(18,12)
    show(1071,1029)
    show(3528,3780)
$)
