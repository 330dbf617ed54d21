get "libhdr"

// Mutually recursive functions
let f(n) = n=0 -> 1, n - m(f(n-1))
and m(n) = n=0 -> 0, n - f(m(n-1))

// Print f(0..15) and m(0..15)
let start() be
$(  writes("F:")
    for i=0 to 15 do
    $(  writes(" ")
        writen(f(i))
    $)
    writes("*NM:")
    for i=0 to 15 do
    $(  writes(" ")
        writen(m(i))
    $)
    writes("*N")
$)
