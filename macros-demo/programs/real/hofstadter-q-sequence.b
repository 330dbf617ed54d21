get "libhdr"

let start() be
$(  let Q = vec 1000
    Q!1 := 1
    Q!2 := 1

    for n = 3 to 1000 do
        Q!n := Q!(n-Q!(n-1)) + Q!(n-Q!(n-2))

    writes("The first 10 terms are:")
    for n = 1 to 10 do writef(" %N", Q!n)

    writef("*NThe 1000th term is: %N*N", Q!1000)
$)
