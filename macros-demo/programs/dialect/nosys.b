GET "libhdr"

LET start() BE
{ writef("cputime is a number: %n*n", sys(Sys_cputime) >= 0)
  writef("%n*n", sys(Sys_flt, fl_avail))
  writef("platform %n*n", sys(Sys_platform))
  sys(Sys_flt, 19, 1.0)
}
