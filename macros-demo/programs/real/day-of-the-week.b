get "libhdr"

let weekday(y, m, d) =
    m<3 -> wd((y-1)/100, (y-1) rem 100, m + 10, d),
           wd(y/100, y rem 100, m - 2, d)
and wd(c, y, m, d) =
    ((26*m-2)/10 + d + y + y/4 + c/4 - 2 * c + 777) rem 7

let start() be
    for year = 2008 to 2121
        if weekday(year, 12, 25) = 0
            do writef("%N*N", year)
