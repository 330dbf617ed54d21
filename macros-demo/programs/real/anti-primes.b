get "libhdr"
manifest $( LIMIT = 20 $)

let nfactors(n) =
    n < 2 -> 1, valof
$(  let c = 2
    for i=2 to n/2
        if n rem i = 0 then c := c + 1
    resultis c
$)

let start() be
$(  let max = 0 and seen = 0 and n = 1
    while seen < LIMIT
    $(  let f = nfactors(n)
        if f > max
        $(  writef("%N ",n)
            max := f
            seen := seen + 1
        $)
        n := n + 1
    $)
    wrch('*N')
$)
