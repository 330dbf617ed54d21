get "libhdr"

let cell(n, x, y) = f(n, n-x-1, y)*n + f(n, x, y) + 1
and f(n, x, y) = (x + y*2 + 1) rem n

let magic(n) be
$(  writef("Magic square of order %N with constant %N:*N", n, (n*n+1)/2*n)
    for y = 0 to n-1
    $(  for x = 0 to n-1 do writed(cell(n, x, y), 4)
        wrch('*N')
    $)
    wrch('*N')
$)

let start() be for n = 1 to 7 by 2 do magic(n)
