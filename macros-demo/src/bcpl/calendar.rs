//! `libhdr`'s dates as text: what `dat_to_strings` (and `datstring`, which applies it to
//! `datstamp`'s now) writes for a date stamp.
//!
//! A stamp is Cintcode's: days since 1 January 1970 (day 1 is 2 January), milliseconds since
//! midnight. The three strings are Cintcode `blib`'s, character for character: the date
//! `DD-MMM-YYYY`, the time `HH:MM:SS` (digits made as `n/10 + '0'`, so an hour of 24 or
//! more gives what that arithmetic gives) and the day of the week; a stamp of day 0 or
//! before gives `<unset>` three times. Years follow the Gregorian rule throughout.

/// The three strings for the stamp (`days`, `msecs`): date, time, day of the week.
pub fn strings(days: i64, msecs: i64) -> [Vec<u8>; 3] {
    if days <= 0 {
        return [
            b"<unset>".to_vec(),
            b"<unset>".to_vec(),
            b"<unset>".to_vec(),
        ];
    }
    [date(days), time(msecs), weekday(days).as_bytes().to_vec()]
}

/// The character `'0' + n`, truncated to a byte as a store with `%` does.
fn digit(n: i64) -> u8 {
    n.wrapping_add(i64::from(b'0')) as u8
}

/// Whether `year` has 366 days.
fn is_leap(year: i128) -> bool {
    year % 400 == 0 || (year % 100 != 0 && year % 4 == 0)
}

/// Days in the 400 Gregorian years that repeat.
const CYCLE_DAYS: i128 = 146_097;

/// `DD-MMM-YYYY` for the day `days` (>= 1) days after 1 January 1970.
fn date(days: i64) -> Vec<u8> {
    // Day of the year, 1-based, and the year; whole 400-year cycles are taken at once. In
    // i128, so that no day count overflows.
    let days = i128::from(days);
    let mut day = days + 1;
    let mut year = 1970 + 400 * (days / CYCLE_DAYS);
    day -= days / CYCLE_DAYS * CYCLE_DAYS;
    loop {
        let length = if is_leap(year) { 366 } else { 365 };
        if day <= length {
            break;
        }
        day -= length;
        year += 1;
    }
    const STARTS: [i128; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    const NAMES: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
    let leap = i128::from(is_leap(year));
    // `in_first(m)`: the days in the first `m` months of `year`.
    let in_first = |m: usize| STARTS[m] + if m >= 2 { leap } else { 0 };
    let month = (1..=12).find(|&m| day <= in_first(m)).unwrap_or(12);
    let day_of_month = (day - in_first(month - 1)) as i64;
    let mut s = vec![digit(day_of_month / 10), digit(day_of_month % 10), b'-'];
    s.extend_from_slice(&NAMES[3 * (month - 1)..3 * month]);
    s.push(b'-');
    s.extend([1000, 100, 10, 1].map(|p| digit((year / p % 10) as i64)));
    s
}

/// `HH:MM:SS` for `msecs` milliseconds since midnight.
fn time(msecs: i64) -> Vec<u8> {
    let secs = msecs / 1000;
    let (hours, mins, secs) = (secs / 3600, secs / 60 % 60, secs % 60);
    vec![
        digit(hours / 10),
        digit(hours % 10),
        b':',
        digit(mins / 10),
        digit(mins % 10),
        b':',
        digit(secs / 10 % 10),
        digit(secs % 10),
    ]
}

/// The day of the week `days` days after 1 January 1970, a Thursday.
fn weekday(days: i64) -> &'static str {
    const NAMES: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    NAMES[((i128::from(days) + 4) % 7) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(days: i64, msecs: i64) -> [String; 3] {
        strings(days, msecs).map(|s| String::from_utf8(s).unwrap())
    }

    #[test]
    fn stamps_give_cintcodes_strings() {
        // Each expected triple is what Cintcode's `dat_to_strings` gives for the stamp.
        let cases: [(i64, i64, [&str; 3]); 8] = [
            (1, 0, ["02-Jan-1970", "00:00:00", "Friday"]),
            (20_790, 75_683_954, ["03-Dec-2026", "21:01:23", "Thursday"]),
            (11_016, 86_399_999, ["29-Feb-2000", "23:59:59", "Tuesday"]),
            (0, 5, ["<unset>", "<unset>", "<unset>"]),
            (11_017, 0, ["01-Mar-2000", "00:00:00", "Wednesday"]),
            (789, 90_000_000, ["29-Feb-1972", "25:00:00", "Tuesday"]),
            (2_932_896, 45_296_789, ["31-Dec-9999", "12:34:56", "Friday"]),
            (146_097, 1, ["01-Jan-2370", "00:00:00", "Thursday"]),
        ];
        for (days, msecs, expected) in cases {
            assert_eq!(
                text(days, msecs),
                expected.map(String::from),
                "{days} {msecs}"
            );
        }
    }

    #[test]
    fn extreme_stamps_give_strings_without_overflow() {
        let [date, time, day] = strings(i64::MAX, i64::MIN);
        assert_eq!((date.len(), time.len()), (11, 8));
        assert!(day.ends_with(b"day"));
        assert_eq!(strings(i64::MIN, i64::MAX)[0], b"<unset>");
    }

    #[test]
    fn a_day_counted_year_by_year_matches_the_cycles() {
        // Day counts far apart, checked against a count one year at a time.
        for days in [1, 365, 366, 730, 146_097, 146_098, 1_000_000, 2_932_896] {
            let (mut day, mut year) = (i128::from(days) + 1, 1970);
            while day > if is_leap(year) { 366 } else { 365 } {
                day -= if is_leap(year) { 366 } else { 365 };
                year += 1;
            }
            let expected_year = format!("{year:04}");
            assert!(date(days).ends_with(expected_year.as_bytes()), "day {days}");
        }
    }
}
