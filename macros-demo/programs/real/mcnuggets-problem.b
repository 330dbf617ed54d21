get "libhdr"
manifest $( limit = 100 $)

let start() be
$(  let flags = vec limit
    for i = 0 to limit do flags!i := false

    for a = 0 to limit by 6
        for b = a to limit by 9
            for c = b to limit by 20
                do flags!c := true

    for i = limit to 0 by -1
        unless flags!i
        $(  writef("Maximum non-McNuggets number: %N.*N", i)
            finish
        $)
$)
