//! Numbers in T4 cells: a fast exact decimal parser, and Python's `repr`
//! of a float, which is how t4Monitor's plain CSV writes values.

/// Powers of ten that are exact in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A cell's value, as the reader sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    /// A number; `integer` when written without a point or exponent.
    Number { value: f64, integer: bool },
    /// Empty, blank or one of pandas' NA tokens.
    Missing,
    /// Anything else.
    Invalid,
}

/// pandas' default NA tokens (besides the empty string).
const NA_TOKENS: [&[u8]; 17] = [
    b"#N/A",
    b"#N/A N/A",
    b"#NA",
    b"-1.#IND",
    b"-1.#QNAN",
    b"-NaN",
    b"-nan",
    b"1.#IND",
    b"1.#QNAN",
    b"<NA>",
    b"N/A",
    b"NA",
    b"NULL",
    b"NaN",
    b"None",
    b"n/a",
    b"nan",
];

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims spaces and tabs at both ends.
pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_blank(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_blank(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// Parses one cell (without its comma) with the standard library's exact
/// parser: the general path behind [`scan_cell`]'s fast one, and its test
/// oracle.
pub(crate) fn parse_cell(raw: &[u8]) -> Cell {
    let s = trim(raw);
    if s.is_empty() {
        return Cell::Missing;
    }
    slow(s)
}

/// Numbers in any notation, NA tokens and text.
fn slow(s: &[u8]) -> Cell {
    if NA_TOKENS.contains(&s) {
        return Cell::Missing;
    }
    let Ok(text) = std::str::from_utf8(s) else {
        return Cell::Invalid;
    };
    // Rust's parser also takes "inf", "nan" and "infinity"; pandas reads
    // "inf"/"-inf" as infinities too, and the NaN spellings were handled
    // above. Hex or other forms are not numbers here.
    let integer = text
        .strip_prefix(['-', '+'])
        .unwrap_or(text)
        .bytes()
        .all(|b| b.is_ascii_digit());
    match text.parse::<f64>() {
        Ok(value) if value.is_nan() => Cell::Missing,
        Ok(value) => Cell::Number { value, integer },
        Err(_) => Cell::Invalid,
    }
}

/// Scans the cell that starts at `pos` in `line` and parses it: the fused
/// hot path of the reader (no separate search for the comma, no second
/// pass over the digits). Returns the cell and the index of the comma
/// that ends it (or `line.len()`).
#[inline]
pub(crate) fn scan_cell(line: &[u8], pos: usize) -> (Cell, usize) {
    let s = line.get(pos..).unwrap_or_default();
    // The end of the line reads as a comma: one check per byte.
    let at = |i: usize| s.get(i).copied().unwrap_or(b',');
    // Only spaces here; a tab sends the cell to the general parser below.
    let mut i = 0;
    while at(i) == b' ' {
        i += 1;
    }
    let negative = at(i) == b'-';
    if negative || at(i) == b'+' {
        i += 1;
    }
    // Accumulates a run of digits into the mantissa; returns its length.
    let digit_run = |i: &mut usize, mantissa: &mut u64| -> usize {
        let start = *i;
        loop {
            let d = at(*i).wrapping_sub(b'0');
            if d >= 10 {
                return *i - start;
            }
            *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            *i += 1;
        }
    };
    let mut mantissa: u64 = 0;
    let digits = digit_run(&mut i, &mut mantissa);
    let point = at(i) == b'.';
    let mut frac = 0;
    if point {
        i += 1;
        frac = digit_run(&mut i, &mut mantissa);
    }
    while at(i) == b' ' {
        i += 1;
    }
    if at(i) == b',' && digits + frac > 0 && digits + frac <= 15 {
        // Exact: m < 10^15 < 2^53 and 10^frac is exact (frac <= 15).
        // mantissa < 10^15: the signed conversion is exact and one
        // instruction (the unsigned one is four). Zero needs no division.
        let m = mantissa as i64 as f64;
        let v = if frac == 0 || mantissa == 0 {
            m
        } else {
            m / POW10[frac]
        };
        let cell = Cell::Number {
            value: if negative { -v } else { v },
            integer: !point,
        };
        return (cell, (pos + i).min(line.len()));
    }
    // Anything else: find the comma, then the general parser.
    let n = line.len();
    let end = memchr::memchr(b',', s).map_or(n, |p| pos + p);
    (parse_cell(line.get(pos..end).unwrap_or_default()), end)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is `b` (exact: no false hits).
#[inline(always)]
fn bytes_equal(x: u64, b: u8) -> u64 {
    let y = x ^ (ONES * u64::from(b));
    !((((y & !HIGHS) + !HIGHS) | y) | !HIGHS)
}

/// The layout of a column's last plain cell (blanks, digits with at most
/// one point, blanks; within 7 bytes and followed by a comma), kept so
/// that the next cell of the column, which has the same layout 95.6 times
/// in 100 in T4 files, is checked and read with a handful of operations on
/// one 8-byte word instead of a branch per byte. A cell without it has its
/// own layout learnt the same way ([`Shape::relearn`]; 99 cells in 100 are
/// plain). [`Shape::read`] gives exactly what [`scan_cell`] gives, or
/// `None`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shape {
    /// Bytes that must be these exactly: the blanks, the point, the comma.
    fixed_mask: u64,
    fixed: u64,
    /// The high bit of each byte that must be a digit.
    digits: u64,
    /// The bytes below the point (all when there is none).
    below_point: u64,
    /// The digit bytes once the point is taken out (blanks left out).
    values: u64,
    /// Left shift that puts the last digit in the top byte.
    shift: u32,
    /// The cell's bytes.
    len: u32,
    /// 10 to the number of digits after the point.
    divisor: f64,
    integer: bool,
}

impl Default for Shape {
    /// No layout: nothing matches.
    fn default() -> Self {
        Shape::NONE
    }
}

impl Shape {
    /// No layout: a fixed byte outside its mask, so that no word matches
    /// (and [`Shape::read`] needs no separate test for it).
    pub(crate) const NONE: Shape = Shape {
        fixed_mask: 0,
        fixed: 1,
        digits: 0,
        below_point: 0,
        values: 0,
        shift: 0,
        len: 0,
        divisor: 1.0,
        integer: false,
    };

    /// The layout of the cell at `pos` of `line`, if it is plain (see
    /// [`Shape::relearn`]).
    #[cfg(test)]
    pub(crate) fn learn(line: &[u8], pos: usize) -> Option<Shape> {
        let mut shape = Shape::NONE;
        shape.relearn(line, pos).map(|_| shape)
    }

    /// Takes the layout of the cell at `pos` of `line` and reads the cell
    /// with it, as the reader does with a cell that does not have its
    /// column's last layout. The cell must be plain: up to 7 bytes then a
    /// comma, blanks, then digits with at most one point (and at least one
    /// digit), then blanks. Found with a few operations on one 8-byte word;
    /// `None`, and the layout left as it was, for any other cell.
    #[inline]
    pub(crate) fn relearn(&mut self, line: &[u8], pos: usize) -> Option<(f64, usize)> {
        let x = u64::from_le_bytes(*line.get(pos..)?.first_chunk::<8>()?);
        let commas = bytes_equal(x, b',');
        if commas == 0 {
            return None;
        }
        let comma = commas & commas.wrapping_neg();
        // The cell's bytes, and the high bit of each.
        let inside = (comma >> 7).wrapping_sub(1);
        let d = x ^ (ONES * u64::from(b'0'));
        let digits = !((((d & !HIGHS) + (ONES * 0x76)) | d) | !HIGHS) & inside;
        let blanks = bytes_equal(x, b' ') & inside;
        let point = bytes_equal(x, b'.') & inside;
        let body = digits | point;
        if digits == 0 || point & point.wrapping_sub(1) != 0 || (body | blanks) != inside & HIGHS {
            return None;
        }
        // The digits and the point in one run: blanks only around it.
        let (first, last) = (body.trailing_zeros(), 63 - body.leading_zeros());
        if body != ((2u64 << last).wrapping_sub(1u64 << first) & HIGHS) {
            return None;
        }
        let fixed_mask = ((blanks | point | comma) >> 7) * 0xff;
        let below_point = (point >> 7).wrapping_sub(1);
        let digit_bytes = (digits >> 7) * 0xff;
        let values = (digit_bytes & below_point) | ((digit_bytes >> 8) & !below_point);
        let decimals = if point == 0 {
            0
        } else {
            (last - point.trailing_zeros()) / 8
        };
        *self = Shape {
            fixed_mask,
            fixed: x & fixed_mask,
            digits,
            below_point,
            values,
            shift: values.leading_zeros(),
            len: comma.trailing_zeros() / 8,
            divisor: POW10[(decimals & 7) as usize],
            integer: point == 0,
        };
        Some((self.value(d), pos + self.len as usize))
    }

    /// The layout of `cell` (without its comma), or no layout.
    #[cfg(test)]
    pub(crate) fn of(cell: &[u8]) -> Shape {
        let mut line = cell.to_vec();
        line.extend_from_slice(b",,,,,,,,");
        match Shape::learn(&line, 0) {
            Some(s) if s.len as usize == cell.len() => s,
            _ => Shape::NONE,
        }
    }

    /// Whether a cell of this layout is an integer (has no point).
    pub(crate) fn integer(&self) -> bool {
        self.integer
    }

    /// The cell at `pos` of `line` if it has this layout: its value,
    /// whether it is an integer, and where its comma is.
    #[inline(always)]
    pub(crate) fn read(&self, line: &[u8], pos: usize) -> Option<(f64, bool, usize)> {
        let (value, end) = self.read_value(line, pos)?;
        Some((value, self.integer, end))
    }

    /// [`Shape::read`] without the integer flag (the layout's own).
    #[inline(always)]
    pub(crate) fn read_value(&self, line: &[u8], pos: usize) -> Option<(f64, usize)> {
        let word = line.get(pos..)?.first_chunk::<8>()?;
        let x = u64::from_le_bytes(*word);
        let d = x ^ 0x3030_3030_3030_3030;
        let not_digits = (((d & 0x7f7f_7f7f_7f7f_7f7f) + 0x7676_7676_7676_7676) | d) & self.digits;
        if x & self.fixed_mask != self.fixed || not_digits != 0 {
            return None;
        }
        Some((self.value(d), pos + self.len as usize))
    }

    /// The value of a cell of this layout, from its word less `0` in
    /// every byte: the point's byte taken out, the digits to the top
    /// bytes, then pairs, fours and eights of digits added up.
    #[inline(always)]
    fn value(&self, d: u64) -> f64 {
        let y = (d & self.below_point) | ((d >> 8) & !self.below_point);
        let z = (y & self.values) << self.shift;
        let z = (z.wrapping_mul(10).wrapping_add(z >> 8)) & 0x00FF_00FF_00FF_00FF;
        let z = (z.wrapping_mul(100).wrapping_add(z >> 16)) & 0x0000_FFFF_0000_FFFF;
        let v = (z.wrapping_mul(10_000).wrapping_add(z >> 32)) & 0xFFFF_FFFF;
        // v < 10^7: exact as a double (the bits of 2^52 + v, less 2^52),
        // and divided by an exact power of ten, correctly rounded.
        let m = f64::from_bits(0x4330_0000_0000_0000 | v) - 4_503_599_627_370_496.0;
        m / self.divisor
    }
}

/// Appends Python's `repr(float)`: the shortest text that reads back as
/// the same double, `1.0` for integral values, scientific notation below
/// 1e-4 and from 1e16 (`1e-05`, `1.5e+16`), `nan`, `inf`, `-inf`.
pub fn push_py_float(out: &mut String, v: f64) {
    use std::fmt::Write;
    if v.is_nan() {
        out.push_str("nan");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if v == 0.0 {
        out.push_str(if v.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: d[.ddd]e<exp>.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..-point {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if digits.len() <= point {
                out.push_str(&digits);
                for _ in digits.len()..point {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
}

/// A deterministic xorshift64 stream from `seed` (not zero), for the
/// generated cells and rows of the tests.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell through the reader's fast path (with its fallback).
    fn num(s: &str) -> (f64, bool) {
        let (cell, end) = scan_cell(s.as_bytes(), 0);
        assert_eq!(end, s.len(), "{s:?}");
        match cell {
            Cell::Number { value, integer } => (value, integer),
            other => panic!("{s:?}: {other:?}"),
        }
    }

    /// Cells of up to 9 bytes from a small alphabet, deterministic.
    fn random_cells(n: usize) -> Vec<Vec<u8>> {
        // Also the neighbours of the digits (`/`, `:`) and of the blank.
        let alphabet = b"0123456789. -+e,\t/:!";
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        (0..n)
            .map(|_| {
                let len = (next() % 10) as usize;
                (0..len)
                    .map(|_| {
                        // Digits most of the time, as in T4 rows.
                        let r = next();
                        if !r.is_multiple_of(3) {
                            b'0' + (r >> 8) as u8 % 10
                        } else {
                            alphabet[(r >> 16) as usize % alphabet.len()]
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Whether `cell` is plain by the byte-by-byte definition: blanks,
    /// digits with at most one point and at least one digit, blanks.
    fn plain(cell: &[u8]) -> bool {
        let body = trim(cell);
        let leading = cell.iter().take_while(|b| **b == b' ').count();
        let trailing = cell.iter().rev().take_while(|b| **b == b' ').count();
        leading + body.len() + trailing == cell.len()
            && body.iter().all(|b| b.is_ascii_digit() || *b == b'.')
            && body.iter().filter(|b| **b == b'.').count() <= 1
            && body.iter().any(u8::is_ascii_digit)
    }

    #[test]
    fn a_layout_is_learnt_from_exactly_the_plain_cells() {
        let mut learnt = 0;
        for (k, cell) in random_cells(200_000).iter().enumerate() {
            // At an offset, as in a row, with what follows in a row.
            let mut line = b"7,".to_vec();
            line.extend_from_slice(cell);
            line.extend_from_slice(if k % 2 == 0 { b",1,2,3,4" } else { b",," });
            let comma = memchr::memchr(b',', cell).unwrap_or(cell.len());
            let own = &cell[..comma];
            match Shape::learn(&line, 2) {
                Some(shape) => {
                    learnt += 1;
                    assert!(plain(own) && own.len() <= 7, "{own:?}");
                    let (value, integer, end) = shape.read(&line, 2).expect("own layout");
                    // Learning reads the cell as its layout does.
                    let mut again = Shape::NONE;
                    assert_eq!(again.relearn(&line, 2), Some((value, end)), "{own:?}");
                    let (want, want_end) = scan_cell(&line, 2);
                    assert_eq!(end, want_end, "{own:?}");
                    assert_eq!(want, Cell::Number { value, integer }, "{own:?}");
                    assert_eq!(shape.integer(), integer);
                }
                // Plain cells of up to 7 bytes all have a layout, given
                // a word's room in the line.
                None => assert!(
                    !plain(own) || own.len() > 7 || line.len() < 2 + 8,
                    "{own:?}"
                ),
            }
        }
        assert!(learnt > 20_000, "{learnt} layouts");
        // A cell cut by the end of the line has no word to read.
        assert_eq!(Shape::learn(b"7,12", 2), None);
        assert_eq!(Shape::learn(b"7,12,", 2), None);
        assert!(Shape::learn(b"7,12,345678", 2).is_some());
    }

    #[test]
    fn a_layout_reads_exactly_what_the_byte_loop_reads() {
        let cells = random_cells(200_000);
        let mut shapes = 0;
        let mut hits = 0;
        for pair in cells.windows(2) {
            // The layout of one cell, tried on the next (as a column's
            // last cell is on the next row's).
            let shape = Shape::of(&pair[0]);
            shapes += usize::from(shape != Shape::default());
            for tail in [&b",1,2,3,4,5,6,7,8"[..], b","] {
                let mut line = pair[1].clone();
                line.extend_from_slice(tail);
                if let Some((value, integer, end)) = shape.read(&line, 0) {
                    hits += 1;
                    let (cell, want_end) = scan_cell(&line, 0);
                    assert_eq!(end, want_end, "{:?}", String::from_utf8_lossy(&line));
                    match cell {
                        Cell::Number {
                            value: v,
                            integer: i,
                        } => {
                            assert_eq!(
                                v.to_bits(),
                                value.to_bits(),
                                "{:?}",
                                String::from_utf8_lossy(&line)
                            );
                            assert_eq!(i, integer);
                        }
                        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(&line)),
                    }
                }
            }
            // A cell always matches its own layout, read from anywhere.
            if shape != Shape::default() {
                let mut line = b"12,".to_vec();
                line.extend_from_slice(&pair[0]);
                line.extend_from_slice(b",,,,,,,,");
                let (value, integer, end) = shape.read(&line, 3).expect("own layout");
                assert_eq!(end, 3 + pair[0].len());
                assert_eq!(scan_cell(&line, 3).0, Cell::Number { value, integer });
            }
        }
        assert!(
            shapes > 10_000 && hits > 1_000,
            "{shapes} layouts, {hits} hits"
        );
        // Every layout kind, by hand.
        for (cell, value, integer) in [
            ("0.00", 0.0, false),
            ("  97", 97.0, true),
            ("1207.75", 1207.75, false),
            (" .5", 0.5, false),
            ("5.", 5.0, false),
            ("9999999", 9999999.0, true),
            ("12 ", 12.0, true),
            (" 0.10 ", 0.1, false),
            ("124.08 ", 124.08, false),
            ("  5.  ", 5.0, false),
        ] {
            let line = format!("{cell},1234567");
            let got = Shape::of(cell.as_bytes()).read(line.as_bytes(), 0);
            assert_eq!(got, Some((value, integer, cell.len())), "{cell:?}");
        }
        for cell in [
            "", " ", ".", " . ", "1 2", "1. 2", " 1 .", "-1", "+1", "1e5", "12345678", "1234567 ",
            "1.2.3", "\t1", "1\t",
        ] {
            assert_eq!(Shape::of(cell.as_bytes()), Shape::default(), "{cell:?}");
        }
    }

    #[test]
    fn cells() {
        assert_eq!(num("  69.683"), (69.683, false));
        assert_eq!(num("0.00 "), (0.0, false));
        assert_eq!(num("106340"), (106340.0, true));
        assert_eq!(num("-12"), (-12.0, true));
        assert_eq!(num("+3."), (3.0, false));
        assert_eq!(num(".5"), (0.5, false));
        assert_eq!(num("1e3"), (1000.0, false));
        assert_eq!(num("1.5E-3"), (0.0015, false));
        assert_eq!(num("12345678901234567890"), (12345678901234567890.0, true));
        let long = "0.1234567890123456789";
        assert_eq!(num(long), (long.parse::<f64>().unwrap(), false));
        assert_eq!(num("-inf").0, f64::NEG_INFINITY);
        for missing in [
            "", "   ", "NA", "N/A", "NaN", "nan", "NULL", "#N/A", "<NA>", "None",
        ] {
            assert_eq!(parse_cell(missing.as_bytes()), Cell::Missing, "{missing:?}");
        }
        for bad in [
            "abc", "1.2.3", "12a", "-", ".", "1e", "0x10", "\0\0", "\u{e9}",
        ] {
            assert_eq!(parse_cell(bad.as_bytes()), Cell::Invalid, "{bad:?}");
        }
    }

    #[test]
    fn scan_agrees_with_parse() {
        let line = b" 1.5,  69.683 ,,N/A,106340,1e3,abc,-0.25,+7.,123456789012345678,.5, 3 4";
        let mut pos = 0;
        let mut cells = Vec::new();
        loop {
            let (cell, end) = scan_cell(line, pos);
            let field = &line[pos..end];
            assert_eq!(
                cell,
                parse_cell(field),
                "{:?}",
                String::from_utf8_lossy(field)
            );
            cells.push(cell);
            if end == line.len() {
                break;
            }
            pos = end + 1;
        }
        assert_eq!(cells.len(), 12);
        assert_eq!(cells[11], Cell::Invalid, "two numbers in one cell");
    }

    #[test]
    fn fast_path_is_exact() {
        // Compare with the standard library on awkward decimals.
        let cases = [
            "0.1",
            "0.3",
            "2.675",
            "1.005",
            "9007199254740993",
            "123456.789012345",
            "0.000000000000000000001",
            "99999999999999.99",
            "4.35",
            "0.07",
        ];
        for c in cases {
            assert_eq!(num(c).0, c.parse::<f64>().unwrap(), "{c}");
        }
    }

    fn repr(v: f64) -> String {
        let mut s = String::new();
        push_py_float(&mut s, v);
        s
    }

    #[test]
    fn python_repr() {
        // Values checked against CPython's repr().
        let cases: [(f64, &str); 16] = [
            (106340.0, "106340.0"),
            (0.07, "0.07"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.2345e-7, "1.2345e-07"),
            (123456789.123, "123456789.123"),
            (316.8532176428055, "316.8532176428055"),
            (-2.5, "-2.5"),
            (1e100, "1e+100"),
            (f64::INFINITY, "inf"),
            (f64::NAN, "nan"),
        ];
        for (v, want) in cases {
            assert_eq!(repr(v), want, "{v:e}");
        }
    }
}
