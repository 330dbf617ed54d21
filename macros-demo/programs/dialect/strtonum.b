// string_to_number as blib defines it: character constants, signs, #, #o, #x, #b, `_` between
// digits; on failure result2 holds what the digits before the bad byte gave.
GET "libhdr"
LET t(s) BE { LET ok = string_to_number(s)
  writef("[%s] ok=%n r2=%n*n", s, ok, result2) }
LET start() = VALOF
{ t("#b101"); t("#xFF"); t("1_000"); t("#b_1100_0010"); t("'Z'"); t("hello"); t("#o17")
  t(""); t("+"); t("-12"); t("12x"); t("#"); t("#x"); t("-#x1f"); t("'ab'"); t("#79"); t("99999999999999999999")
  RESULTIS 0
}
