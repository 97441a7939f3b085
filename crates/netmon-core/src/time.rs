//! [`Timestamp`]: i64 nanoseconds since 1970-01-01T00:00:00 UTC, with a
//! parser for the stamp styles netmon meets and a small `strftime`.
//!
//! No general date library is involved: the civil-date arithmetic is
//! Howard Hinnant's `days_from_civil` / `civil_from_days`, exact over the
//! whole range an i64 of nanoseconds covers (1677-09-21 to 2262-04-11).
//! Stamps without a zone are taken as UTC (OpenVMS T4 stamps carry none).

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Position, Result};

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
const NANOS_PER_DAY: i64 = SECS_PER_DAY * NANOS_PER_SEC;

/// Years a [`Timestamp`] can hold whole (the i64 range is a little wider at
/// both ends, but partial years are refused so that the rule is simple).
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1678..=2261;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A point in time: nanoseconds since the Unix epoch, UTC.
///
/// `Copy`, 8 bytes, totally ordered. Frames store their index as plain
/// `i64` nanoseconds, so `Timestamp::from_nanos(frame.index_ns()[i])` is
/// free.
///
/// ```
/// use netmon_core::Timestamp;
/// let t: Timestamp = "19-NOV-2015 00:02:00.01".parse()?;
/// assert_eq!(t.to_string(), "2015-11-19T00:02:00.010Z");
/// assert_eq!(t.format("%Y-%b-%d %H:%M:%S.00"), "2015-Nov-19 00:02:00.00");
/// # Ok::<(), netmon_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// A calendar date and time of day in UTC, as [`Timestamp::to_civil`] gives
/// it and [`Timestamp::from_civil`] takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Civil {
    /// Year (proleptic Gregorian).
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 59.
    pub second: u8,
    /// Nanoseconds within the second, 0 to 999 999 999.
    pub nanosecond: u32,
}

impl Civil {
    /// Midnight at the start of a date.
    pub fn date(year: i32, month: u8, day: u8) -> Self {
        Civil {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanosecond: 0,
        }
    }

    /// The same date with a time of day.
    pub fn at(self, hour: u8, minute: u8, second: u8, nanosecond: u32) -> Self {
        Civil {
            hour,
            minute,
            second,
            nanosecond,
            ..self
        }
    }
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month (1 to 12) of a year; 0 for an invalid month.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to a date (Hinnant). Arguments must be valid.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (Hinnant).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Converts a [`Duration`] to i64 nanoseconds, or says which parameter is
/// too large.
pub(crate) fn duration_nanos(d: Duration, what: &'static str) -> Result<i64> {
    i64::try_from(d.as_nanos()).map_err(|_| Error::InvalidDuration {
        what,
        reason: "longer than 292 years",
    })
}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);
    /// The earliest representable instant.
    pub const MIN: Timestamp = Timestamp(i64::MIN);
    /// The latest representable instant.
    pub const MAX: Timestamp = Timestamp(i64::MAX);

    /// From nanoseconds since the epoch.
    pub const fn from_nanos(nanos: i64) -> Self {
        Timestamp(nanos)
    }

    /// Nanoseconds since the epoch.
    pub const fn as_nanos(self) -> i64 {
        self.0
    }

    /// From whole seconds since the epoch; `None` when out of range.
    pub fn from_secs(secs: i64) -> Option<Self> {
        secs.checked_mul(NANOS_PER_SEC).map(Timestamp)
    }

    /// Whole seconds since the epoch (rounded towards minus infinity).
    pub fn as_secs(self) -> i64 {
        self.0.div_euclid(NANOS_PER_SEC)
    }

    /// The current time from the system clock (saturating at the range ends).
    ///
    /// Library code that schedules takes `now` as a parameter instead of
    /// calling this, so that tests can simulate time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// From a calendar date and time in UTC, checking every field.
    pub fn from_civil(c: Civil) -> Result<Self> {
        let bad = |reason| Error::Timestamp {
            text: format!("{c:?}"),
            position: Position::default(),
            reason,
        };
        if !YEAR_RANGE.contains(&c.year) {
            return Err(Error::TimeRange {
                what: "year outside 1678..=2261",
            });
        }
        if !(1..=12).contains(&c.month) {
            return Err(bad("month 1 to 12"));
        }
        if c.day < 1 || c.day > days_in_month(c.year, c.month) {
            return Err(bad("day within the month"));
        }
        if c.hour > 23 {
            return Err(bad("hour 0 to 23"));
        }
        if c.minute > 59 {
            return Err(bad("minute 0 to 59"));
        }
        if c.second > 59 {
            return Err(bad("second 0 to 59"));
        }
        if c.nanosecond >= 1_000_000_000 {
            return Err(bad("nanosecond below 10^9"));
        }
        Ok(Self::from_valid_civil(c))
    }

    /// Field-checked input only (year within [`YEAR_RANGE`]): cannot overflow.
    fn from_valid_civil(c: Civil) -> Self {
        let days = days_from_civil(i64::from(c.year), u32::from(c.month), u32::from(c.day));
        let secs = days * SECS_PER_DAY
            + i64::from(c.hour) * 3600
            + i64::from(c.minute) * 60
            + i64::from(c.second);
        Timestamp(secs * NANOS_PER_SEC + i64::from(c.nanosecond))
    }

    /// The calendar date and time of day in UTC.
    pub fn to_civil(self) -> Civil {
        let days = self.0.div_euclid(NANOS_PER_DAY);
        let in_day = self.0.rem_euclid(NANOS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let secs = in_day / NANOS_PER_SEC;
        Civil {
            // |days| < 2^63 / 8.64e13 so the year fits an i32 easily.
            year: year as i32,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
            nanosecond: (in_day % NANOS_PER_SEC) as u32,
        }
    }

    /// Parses a timestamp in one of the styles netmon meets (surrounding
    /// white space is ignored; month names in any case):
    ///
    /// | style | example |
    /// | --- | --- |
    /// | ISO 8601 / RFC 3339 | `2014-01-01T00:04:23Z`, `2014-01-01 00:04:23.5+02:00`, `2014-01-01` |
    /// | OpenVMS (T4 files) | `19-NOV-2015 00:02:00.01` (`.01` is hundredths), `19-NOV-2015` |
    /// | t4Monitor's writer | `2014-Jan-01 00:04:23.00` |
    ///
    /// Time of day is `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction` (any number
    /// of digits; beyond nanoseconds they are truncated). Without a zone the
    /// time is UTC. Errors say at which column parsing stopped.
    pub fn parse(text: &str) -> Result<Self> {
        Parser::new(text).timestamp()
    }

    /// `self + d`, or `None` on overflow.
    pub fn checked_add(self, d: Duration) -> Option<Self> {
        let n = i64::try_from(d.as_nanos()).ok()?;
        self.0.checked_add(n).map(Timestamp)
    }

    /// `self - d`, or `None` on overflow.
    pub fn checked_sub(self, d: Duration) -> Option<Self> {
        let n = i64::try_from(d.as_nanos()).ok()?;
        self.0.checked_sub(n).map(Timestamp)
    }

    /// `self + nanos`, saturating at the range ends.
    pub fn saturating_add_nanos(self, nanos: i64) -> Self {
        Timestamp(self.0.saturating_add(nanos))
    }

    /// Signed nanoseconds from `earlier` to `self`, or `None` on overflow.
    pub fn nanos_since(self, earlier: Timestamp) -> Option<i64> {
        self.0.checked_sub(earlier.0)
    }

    /// The start of the period of `period` nanoseconds (aligned to the
    /// epoch) that holds this instant. `period` must be positive; otherwise
    /// the timestamp is returned unchanged.
    pub fn floor_to(self, period: i64) -> Self {
        if period <= 0 {
            return self;
        }
        Timestamp(self.0 - self.0.rem_euclid(period))
    }

    /// Formats with a subset of `strftime`:
    ///
    /// | spec | gives |
    /// | --- | --- |
    /// | `%Y` `%m` `%d` | year (4 digits), month, day |
    /// | `%H` `%M` `%S` | hour, minute, second |
    /// | `%b` / `%^b` | `Nov` / `NOV` |
    /// | `%j` | day of the year, 3 digits |
    /// | `%f` | nanoseconds, 9 digits; `%3f`, `%6f`, `%2f` … the first N digits |
    /// | `%s` | seconds since the epoch |
    /// | `%F` / `%T` | `%Y-%m-%d` / `%H:%M:%S` |
    /// | `%%` | `%` |
    ///
    /// Anything else is copied as it is.
    pub fn format(self, pattern: &str) -> String {
        let mut out = String::with_capacity(pattern.len() + 16);
        self.format_into(pattern, &mut out);
        out
    }

    /// [`format`](Self::format) appending to a `String` (no allocation
    /// when it has room).
    pub fn format_into(self, pattern: &str, out: &mut String) {
        use fmt::Write;
        let c = self.to_civil();
        let mut chars = pattern.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch != '%' {
                out.push(ch);
                continue;
            }
            let mut upper = false;
            let mut width: Option<usize> = None;
            if chars.peek() == Some(&'^') {
                upper = true;
                chars.next();
            }
            if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                width = Some(d as usize);
                chars.next();
            }
            // Writing to a String cannot fail.
            let _ = match chars.next() {
                Some('Y') => write!(out, "{:04}", c.year),
                Some('m') => write!(out, "{:02}", c.month),
                Some('d') => write!(out, "{:02}", c.day),
                Some('H') => write!(out, "{:02}", c.hour),
                Some('M') => write!(out, "{:02}", c.minute),
                Some('S') => write!(out, "{:02}", c.second),
                Some('F') => write!(out, "{:04}-{:02}-{:02}", c.year, c.month, c.day),
                Some('T') => write!(out, "{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
                Some('b') => {
                    let name = MONTHS[usize::from(c.month - 1)];
                    if upper {
                        out.push_str(&name.to_ascii_uppercase());
                    } else {
                        out.push_str(name);
                    }
                    Ok(())
                }
                Some('j') => {
                    let doy =
                        days_from_civil(i64::from(c.year), u32::from(c.month), u32::from(c.day))
                            - days_from_civil(i64::from(c.year), 1, 1)
                            + 1;
                    write!(out, "{doy:03}")
                }
                Some('f') => {
                    let digits = format!("{:09}", c.nanosecond);
                    let n = width.unwrap_or(9).clamp(1, 9);
                    out.push_str(&digits[..n]);
                    Ok(())
                }
                Some('s') => write!(out, "{}", self.as_secs()),
                Some('%') => {
                    out.push('%');
                    Ok(())
                }
                Some(other) => {
                    out.push('%');
                    if upper {
                        out.push('^');
                    }
                    if let Some(w) = width {
                        let _ = write!(out, "{w}");
                    }
                    out.push(other);
                    Ok(())
                }
                None => {
                    out.push('%');
                    Ok(())
                }
            };
        }
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, with as many fraction digits as needed (0, 3, 6 or 9).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.to_civil();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )?;
        let ns = c.nanosecond;
        if ns == 0 {
        } else if ns.is_multiple_of(1_000_000) {
            write!(f, ".{:03}", ns / 1_000_000)?;
        } else if ns.is_multiple_of(1_000) {
            write!(f, ".{:06}", ns / 1_000)?;
        } else {
            write!(f, ".{ns:09}")?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Timestamp::parse(s)
    }
}

impl From<SystemTime> for Timestamp {
    /// Saturates at the ends of the range.
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)),
            Err(e) => Timestamp(
                i64::try_from(e.duration().as_nanos())
                    .map(|n| -n)
                    .unwrap_or(i64::MIN),
            ),
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let magnitude = Duration::from_nanos(t.0.unsigned_abs());
        if t.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl serde::Serialize for Timestamp {
    /// As RFC 3339 text, the way [`Display`](fmt::Display) writes it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    /// From any text [`Timestamp::parse`] takes, or from integer nanoseconds.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp as text or as integer nanoseconds since 1970")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Timestamp, E> {
                Ok(Timestamp(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Timestamp, E> {
                i64::try_from(v)
                    .map(Timestamp)
                    .map_err(|_| E::custom("nanoseconds beyond 2262-04-11"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A byte scanner for [`Timestamp::parse`] that knows where it is.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let trimmed = text.trim();
        Parser {
            text: trimmed,
            bytes: trimmed.as_bytes(),
            pos: 0,
        }
    }

    fn error(&self, reason: &'static str) -> Error {
        self.error_at(self.pos, reason)
    }

    fn error_at(&self, pos: usize, reason: &'static str) -> Error {
        // Column in characters, 1-based; `pos` may sit inside a multibyte
        // character only if the text is not ASCII, so count what precedes.
        let column = self
            .text
            .char_indices()
            .take_while(|(i, _)| *i < pos)
            .count() as u64
            + 1;
        let text: String = self.text.chars().take(64).collect();
        Error::Timestamp {
            text,
            position: Position::column(column),
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8, reason: &'static str) -> Result<()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    /// Exactly `n` ASCII digits.
    /// Errors point at the start of the field.
    fn digits(&mut self, n: usize, reason: &'static str) -> Result<u32> {
        let start = self.pos;
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(b - b'0');
                    self.pos += 1;
                }
                _ => return Err(self.error_at(start, reason)),
            }
        }
        Ok(v)
    }

    /// How many ASCII digits follow.
    fn digit_run(&self) -> usize {
        self.bytes[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    /// A three-letter month name, any case.
    fn month_name(&mut self) -> Result<u8> {
        let start = self.pos;
        let Some(word) = self.bytes.get(start..start + 3) else {
            return Err(self.error("a month name (Jan … Dec)"));
        };
        for (i, m) in MONTHS.iter().enumerate() {
            if word.eq_ignore_ascii_case(m.as_bytes()) {
                self.pos += 3;
                return Ok(i as u8 + 1);
            }
        }
        Err(self.error("a month name (Jan … Dec)"))
    }

    fn timestamp(mut self) -> Result<Timestamp> {
        if self.bytes.is_empty() {
            return Err(self.error("a date, found nothing"));
        }
        let (year, month, day, date_end) = match self.digit_run() {
            4 => {
                let year = self.digits(4, "a 4-digit year")?;
                self.expect(b'-', "'-' after the year")?;
                let month = if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                    self.month_name()?
                } else {
                    self.digits(2, "a 2-digit month")? as u8
                };
                let month_end = self.pos;
                self.expect(b'-', "'-' after the month")?;
                let day = self.digits(2, "a 2-digit day")? as u8;
                (year as i32, (month, month_end), day, self.pos)
            }
            1 | 2 => {
                let n = self.digit_run();
                let day = self.digits(n, "a day")? as u8;
                self.expect(b'-', "'-' after the day")?;
                let month = self.month_name()?;
                let month_end = self.pos;
                self.expect(b'-', "'-' after the month")?;
                let year = self.digits(4, "a 4-digit year")?;
                (year as i32, (month, month_end), day, self.pos)
            }
            _ => return Err(self.error("a date (YYYY-MM-DD, YYYY-Mon-DD or DD-MON-YYYY)")),
        };
        let (month, month_end) = month;
        if !(1..=12).contains(&month) {
            return Err(self.error_at(month_end.saturating_sub(2), "month 1 to 12"));
        }
        if !YEAR_RANGE.contains(&year) {
            return Err(Error::TimeRange {
                what: "year outside 1678..=2261",
            });
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(self.error_at(date_end.saturating_sub(2), "a day within the month"));
        }
        let mut civil = Civil::date(year, month, day);

        // Time of day, after 'T' or one or more spaces.
        let mut offset_secs: i64 = 0;
        if self.pos < self.bytes.len() {
            if !(self.eat(b'T') || self.eat(b't') || self.eat(b' ')) {
                return Err(self.error("'T' or a space after the date"));
            }
            while self.eat(b' ') {}
            let hour_at = self.pos;
            civil.hour = self.digits(2, "a 2-digit hour")? as u8;
            self.expect(b':', "':' after the hour")?;
            let minute_at = self.pos;
            civil.minute = self.digits(2, "a 2-digit minute")? as u8;
            let mut second_at = self.pos;
            if self.eat(b':') {
                second_at = self.pos;
                civil.second = self.digits(2, "a 2-digit second")? as u8;
                if self.eat(b'.') || self.eat(b',') {
                    let n = self.digit_run();
                    if n == 0 {
                        return Err(self.error("digits after the decimal point"));
                    }
                    let mut ns = 0u32;
                    for i in 0..9 {
                        let d = if i < n {
                            self.bytes[self.pos + i] - b'0'
                        } else {
                            0
                        };
                        ns = ns * 10 + u32::from(d);
                    }
                    civil.nanosecond = ns;
                    self.pos += n;
                }
            }
            if civil.hour > 23 {
                return Err(self.error_at(hour_at, "hour 0 to 23"));
            }
            if civil.minute > 59 {
                return Err(self.error_at(minute_at, "minute 0 to 59"));
            }
            if civil.second > 59 {
                return Err(self.error_at(second_at, "second 0 to 59"));
            }
            offset_secs = self.zone()?;
        }
        if self.pos != self.bytes.len() {
            return Err(self.error("end of the timestamp"));
        }
        let local = Timestamp::from_valid_civil(civil);
        local
            .0
            .checked_sub(offset_secs * NANOS_PER_SEC)
            .map(Timestamp)
            .ok_or(Error::TimeRange {
                what: "timestamp beyond the i64 nanosecond range",
            })
    }

    /// An optional zone: `Z`, `+HH`, `+HHMM`, `+HH:MM` (or `-`), possibly
    /// after a space. Returns seconds east of UTC.
    fn zone(&mut self) -> Result<i64> {
        let save = self.pos;
        while self.eat(b' ') {}
        if self.eat(b'Z') || self.eat(b'z') {
            return Ok(0);
        }
        let sign = match self.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => {
                // Trailing blanks were trimmed, so anything left is junk
                // the caller reports.
                self.pos = save;
                return Ok(0);
            }
        };
        self.pos += 1;
        let hours = i64::from(self.digits(2, "a 2-digit zone hour")?);
        self.eat(b':');
        let minutes = if self.digit_run() >= 2 {
            i64::from(self.digits(2, "a 2-digit zone minute")?)
        } else {
            0
        };
        if hours > 23 || minutes > 59 {
            return Err(self.error("a zone offset below 24:00"));
        }
        Ok(sign * (hours * 3600 + minutes * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(ts("1970-01-01T00:00:00Z"), Timestamp::UNIX_EPOCH);
        // date -u -d '2014-01-01 00:04:23' +%s  => 1388534663
        assert_eq!(ts("2014-01-01 00:04:23").as_secs(), 1_388_534_663);
        // 2015-11-19 00:02:00 UTC => 1447891320
        assert_eq!(
            ts("19-NOV-2015 00:02:00.01").as_nanos(),
            1_447_891_320_010_000_000
        );
        assert_eq!(ts("2014-Jan-01 00:04:23.00"), ts("2014-01-01T00:04:23Z"));
        assert_eq!(ts("1969-12-31T23:59:59Z").as_nanos(), -NANOS_PER_SEC);
    }

    #[test]
    fn t4_styles_with_padding_and_case() {
        assert_eq!(
            ts(" 19-NOV-2015 00:02:00.01 "),
            ts("2015-11-19T00:02:00.010Z")
        );
        assert_eq!(ts("19-nov-2015 00:02:00"), ts("2015-11-19T00:02:00Z"));
        assert_eq!(ts("1-JAN-2014 00:04"), ts("2014-01-01T00:04:00Z"));
        assert_eq!(ts("01-JAN-2014"), ts("2014-01-01"));
        assert_eq!(ts("2014-JAN-01 00:04:23.00"), ts("2014-01-01T00:04:23Z"));
    }

    #[test]
    fn zones_and_fractions() {
        assert_eq!(ts("2014-01-01T02:00:00+02:00"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(ts("2014-01-01T02:00:00+0200"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(ts("2013-12-31T22:30:00-01:30"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(ts("2014-01-01 00:00:00 Z"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(
            ts("2014-01-01T00:00:00.123456789123Z").as_nanos() % NANOS_PER_SEC,
            123_456_789
        );
        assert_eq!(
            ts("2014-01-01T00:00:00,5Z").as_nanos() % NANOS_PER_SEC,
            500_000_000
        );
    }

    #[test]
    fn errors_say_where() {
        let cases: &[(&str, u64)] = &[
            ("", 1),
            ("2014-13-01", 6),
            ("2014-02-30", 9),
            ("2014-01-01X00:00", 11),
            ("2014-01-01 24:00", 12),
            ("2014-01-01 00:60", 15),
            ("2014-01-01 00:00:61", 18),
            ("2014-01-01 00:00:00.", 21),
            ("2014-01-01 00:00:00 junk", 20),
            ("19-XYZ-2015", 4),
            ("19-NOV-15", 8),
            ("garbage", 1),
        ];
        for (text, column) in cases {
            match Timestamp::parse(text) {
                Err(e @ Error::Timestamp { .. }) => {
                    assert_eq!(e.position(), Some(Position::column(*column)), "{text}: {e}")
                }
                other => panic!("{text}: expected a positioned error, got {other:?}"),
            }
        }
        assert!(matches!(
            Timestamp::parse("1600-01-01"),
            Err(Error::TimeRange { .. })
        ));
    }

    #[test]
    fn leap_years() {
        assert!(Timestamp::parse("2000-02-29").is_ok());
        assert!(Timestamp::parse("2016-02-29").is_ok());
        assert!(Timestamp::parse("1900-02-29").is_err());
        assert!(Timestamp::parse("2015-02-29").is_err());
    }

    #[test]
    fn civil_round_trip_over_the_range() {
        // Every 997th day over the whole range, at an odd time of day.
        let first = days_from_civil(1678, 1, 1);
        let last = days_from_civil(2261, 12, 31);
        let mut day = first;
        while day <= last {
            let t = Timestamp(day * NANOS_PER_DAY + 45_296_789_000_123);
            let c = t.to_civil();
            assert_eq!(Timestamp::from_civil(c).unwrap(), t);
            assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
            day += 997;
        }
    }

    #[test]
    fn to_civil_never_panics_at_extremes() {
        for n in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            let c = Timestamp(n).to_civil();
            assert!((1..=12).contains(&c.month) && c.day >= 1 && c.hour < 24);
            let _ = Timestamp(n).to_string();
            let _ = Timestamp(n).format("%Y %j %b %f %s");
        }
    }

    #[test]
    fn display_and_format() {
        assert_eq!(
            ts("2014-01-01 00:04:23").to_string(),
            "2014-01-01T00:04:23Z"
        );
        assert_eq!(
            ts("2014-01-01 00:04:23.000001").to_string(),
            "2014-01-01T00:04:23.000001Z"
        );
        assert_eq!(
            ts("2014-01-01 00:04:23.000000001").to_string(),
            "2014-01-01T00:04:23.000000001Z"
        );
        let t = ts("19-NOV-2015 00:02:00.01");
        assert_eq!(t.format("%d-%^b-%Y %T.%2f"), "19-NOV-2015 00:02:00.01");
        assert_eq!(t.format("%F %j %s %% %q"), "2015-11-19 323 1447891320 % %q");
        assert_eq!(t.format("%3f|%f|%"), "010|010000000|%");
    }

    #[test]
    fn floor_and_arithmetic() {
        let t = ts("2014-01-01 00:04:23");
        assert_eq!(t.floor_to(300 * NANOS_PER_SEC), ts("2014-01-01 00:00:00"));
        assert_eq!(
            ts("1969-12-31 23:59:59").floor_to(60 * NANOS_PER_SEC),
            ts("1969-12-31 23:59:00")
        );
        assert_eq!(t.floor_to(0), t);
        assert_eq!(
            t.checked_add(Duration::from_secs(37)),
            Some(ts("2014-01-01 00:05:00"))
        );
        assert_eq!(Timestamp::MAX.checked_add(Duration::from_nanos(1)), None);
        assert_eq!(Timestamp::MIN.checked_sub(Duration::from_nanos(1)), None);
        assert_eq!(Timestamp::MAX.nanos_since(Timestamp::MIN), None);
        assert_eq!(Timestamp::MAX.saturating_add_nanos(5), Timestamp::MAX);
    }

    #[test]
    fn system_time_round_trip() {
        let t = ts("2014-01-01 00:04:23.5");
        assert_eq!(Timestamp::from(SystemTime::from(t)), t);
        let before = ts("1960-06-01 12:00:00");
        assert_eq!(Timestamp::from(SystemTime::from(before)), before);
    }

    #[test]
    fn serde_text_and_integer() {
        let t = ts("2014-01-01 00:04:23.25");
        let j = serde_json::to_string(&t).unwrap();
        assert_eq!(j, "\"2014-01-01T00:04:23.250Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&j).unwrap(), t);
        assert_eq!(
            serde_json::from_str::<Timestamp>(&t.as_nanos().to_string()).unwrap(),
            t
        );
        assert!(serde_json::from_str::<Timestamp>("\"nonsense\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("18446744073709551615").is_err());
    }
}
