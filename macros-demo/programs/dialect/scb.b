GET "libhdr"

// Stream control blocks: a stream is the address of its block, laid out by libhdr. A RAM:
// stream keeps its bytes in BCPL memory (scb_buf, scb_pos, scb_end, scb_bufend); the
// console's and a file's blocks say what they are (scb_id, scb_type, scb_name).

// The way published programs format a file name: write it to a RAM: stream, then read
// back scb_end bytes.
LET formatted(v, n) = VALOF
{ LET ram = findinoutput("RAM:")
  LET old = output()
  selectoutput(ram)
  writef("data/day%n.data", n)
  selectoutput(old)
  rewindstream(ram)
  v%0 := ram!scb_end
  FOR i = 1 TO ram!scb_end DO v%i := (ram!scb_buf)%(i-1)
  endstream(ram)
  RESULTIS v
}

LET start() = VALOF
{ LET ram = findinoutput("RAM:")
  LET old = output()
  LET stdin, stdout = input(), output()
  writef("id=%x2 type=%n pos=%n end=%n bufend=%n block=%n*n",
         ram!scb_id, ram!scb_type, ram!scb_pos, ram!scb_end, ram!scb_bufend, ram!scb_block)
  selectoutput(ram)
  writef("data/day%n.data", 7)
  selectoutput(old)
  writef("after write: pos=%n end=%n write=%n*n", ram!scb_pos, ram!scb_end, ram!scb_write)
  rewindstream(ram)
  writef("after rewind: pos=%n end=%n*n", ram!scb_pos, ram!scb_end)
  selectinput(ram)
  FOR i = 1 TO 4 DO wrch(rdch())
  newline()
  writef("after 4 reads: pos=%n*n", ram!scb_pos)
  unrdch(); unrdch()
  writef("after 2 unrdch: pos=%n*n", ram!scb_pos)
  writef("next=%c*n", rdch())
  // the buffer holds the bytes
  FOR i = 0 TO ram!scb_end-1 DO wrch((ram!scb_buf)%i)
  newline()
  // grow past 1024
  selectoutput(ram)
  FOR i = 1 TO 3000 DO wrch('a' + i MOD 26)
  selectoutput(old)
  writef("after 3000: pos=%n end=%n bufend=%n*n", ram!scb_pos, ram!scb_end, ram!scb_bufend)
  { LET pv = VEC 1
    note(ram, pv)
    writef("note %n %n*n", pv!0, pv!1)
    pv!0, pv!1 := 0, 10
    writef("point %n*n", point(ram, pv))
    writef("pos=%n*n", ram!scb_pos)
    writef("ch=%c*n", rdch())
  }
  writef("name: %s*n", @ram!scb_name)
  writef("stdin: id=%x2 type=%n name=%s*n", stdin!scb_id, stdin!scb_type, @stdin!scb_name)
  writef("stdout: id=%x2 type=%n*n", stdout!scb_id, stdout!scb_type)
  endstream(ram)
  selectinput(stdin)
  { LET nil = findoutput("NIL:")
    writef("nil: id=%x2 type=%n buf=%n*n", nil!scb_id, nil!scb_type, nil!scb_buf)
    endstream(nil)
  }
  { LET f = findinput("scb.b")
    writef("file: id=%x2 type=%n bufend=%n blength=%n name=%s*n", f!scb_id, f!scb_type, f!scb_bufend, f!scb_blength, @f!scb_name)
    writef("first line: ")
    selectinput(f)
    { LET ch = rdch()
      IF ch = '*n' | ch = endstreamch BREAK
      wrch(ch)
    } REPEAT
    newline()
    endread()
  }
  { LET v = VEC 10
    writef("formatted: %s*n", formatted(v, 12))
  }
  writef("sizes: %n %n %n*n", scb_size, scb_upb, scb_maxnamelen)
  RESULTIS 0
}
