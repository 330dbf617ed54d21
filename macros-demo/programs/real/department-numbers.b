get "libhdr"

let start() be
    for p=2 to 6 by 2
        for s=1 to 7
            for f=1 to 7
                if p~=s & s~=f & p~=f & p+s+f=12 then
                    writef("%N %N %N*N", p, s, f)
