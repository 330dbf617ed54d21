get "libhdr"

let lpd(n) = valof
    for i = n<=1 -> 1, n-1 to 1 by -1
        if n rem i=0 resultis i

let start() be
    for i=1 to 100
    $(  writed(lpd(i), 3)
        if i rem 10=0 then wrch('*N')
    $)
