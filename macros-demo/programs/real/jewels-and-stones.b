get "libhdr"

let jewels(j, s) = valof
$(  let jewel = vec 255
    let count = 0
    for i = 0 to 255 do jewel!i := false
    for i = 1 to j%0 do jewel!(j%i) := true
    for i = 1 to s%0 do
        if jewel!(s%i) then
            count := count + 1
    resultis count
$)

let show(j, s) be
    writef("*"%S*" in *"%S*": %N*N", j, s, jewels(j, s))

let start() be
$(  show("aA", "aAAbbbb")
    show("z", "ZZ")
$)
