//! The time column's stamps, parsed without a general date parser on the
//! hot path.
//!
//! Both T4 styles put the date in the first 11 bytes and the time of day
//! from byte 12 (`19-NOV-2015 00:02:00.01`, `2014-Jan-01 00:04:23.00`), and
//! consecutive rows nearly always share the date. So the date is converted
//! once and cached, and each row only parses `HH:MM:SS[.fraction]`.
//! Anything else (ISO stamps, odd spacing) goes through
//! [`Timestamp::parse`], which takes every style netmon knows.

use netmon_core::Timestamp;

use crate::number::trim;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Parses stamps, remembering the last date seen.
#[derive(Debug, Default)]
pub(crate) struct StampParser {
    date: [u8; 11],
    midnight: Option<i64>,
}

/// Two ASCII digits.
fn two(b: &[u8]) -> Option<i64> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(i64::from(a - b'0') * 10 + i64::from(c - b'0')),
        _ => None,
    }
}

/// `HH:MM:SS` with an optional `.fraction` of any length, as nanoseconds
/// into the day.
fn time_of_day(t: &[u8]) -> Option<i64> {
    if t.len() < 8 || t[2] != b':' || t[5] != b':' {
        return None;
    }
    let (h, m, s) = (two(&t[0..2])?, two(&t[3..5])?, two(&t[6..8])?);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let mut nanos = 0i64;
    match &t[8..] {
        [] => {}
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {
            let mut scale = NANOS_PER_SEC / 10;
            for &d in frac.iter().take(9) {
                nanos += i64::from(d - b'0') * scale;
                scale /= 10;
            }
        }
        _ => return None,
    }
    Some((h * 3600 + m * 60 + s) * NANOS_PER_SEC + nanos)
}

impl StampParser {
    /// The stamp of a cell (surrounding blanks allowed), or `None`.
    pub(crate) fn parse(&mut self, raw: &[u8]) -> Option<Timestamp> {
        let s = trim(raw);
        if s.len() >= 20
            && s[11] == b' '
            && let Some(tod) = time_of_day(&s[12..])
        {
            let date = &s[..11];
            if self.midnight.is_none() || self.date != date {
                let text = std::str::from_utf8(date).ok()?;
                self.midnight = Timestamp::parse(text).ok().map(Timestamp::as_nanos);
                self.date.copy_from_slice(date);
            }
            if let Some(midnight) = self.midnight {
                return Some(Timestamp::from_nanos(midnight + tod));
            }
        }
        std::str::from_utf8(s)
            .ok()
            .and_then(|t| Timestamp::parse(t).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_and_slow_paths_agree() {
        let mut p = StampParser::default();
        for s in [
            "19-NOV-2015 00:02:00.01 ",
            "19-NOV-2015 00:03:00.02",
            "2014-Jan-01 00:04:23.00",
            "01-JAN-2014 00:04:23",
            "2014-01-01 00:04:23",
            "2014-01-01T00:04:23.123456789Z",
            "31-DEC-2015 23:59:59.999",
        ] {
            assert_eq!(p.parse(s.as_bytes()), Timestamp::parse(s).ok(), "{s}");
        }
    }

    #[test]
    fn rejects_what_the_full_parser_rejects() {
        let mut p = StampParser::default();
        assert!(p.parse(b"19-NOV-2015 00:02:00.01").is_some());
        for s in [
            "19-NOV-2015 24:00:00.00",
            "19-NOV-2015 00:60:00",
            "19-NOV-2015 00:02:00.",
            "19-NOV-2015 00:02:00.0x",
            "30-FEB-2015 00:02:00.00",
            "garbage, not a time",
            "",
            "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        ] {
            assert_eq!(p.parse(s.as_bytes()), None, "{s:?}");
        }
        // The cache does not leak a good date into a bad one.
        assert!(p.parse(b"19-NOV-2015 00:02:00.01").is_some());
        assert_eq!(p.parse(b"19-NOV-2O15 00:02:00.01"), None);
    }
}
