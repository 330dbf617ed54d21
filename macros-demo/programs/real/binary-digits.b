get "libhdr"

let writebin(x) be
$(  let f(x) be
    $(  if x>1 then f(x>>1)
        wrch((x & 1) + '0')
    $)
    f(x)
    wrch('*N')
$)

let start() be
$(  writebin(5)
    writebin(50)
    writebin(9000)
$)
