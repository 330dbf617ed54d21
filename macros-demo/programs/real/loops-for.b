get "libhdr"

let start() be
    for i = 1 to 5
    $(  for j = 1 to i do wrch('**')
        wrch('*N')
    $)
