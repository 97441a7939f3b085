//! BER for the SNMP subset (X.690 with the SMI's application types).
//!
//! ```text
//! TLV      tag (one octet: class | constructed | number < 31)
//!          length: 0..=127 in one octet, or 0x8N followed by N (1..=4) octets
//!          value: exactly `length` octets
//! ```
//!
//! The reader borrows: a [`Tlv`] is the input's own bytes. Every length is
//! checked against what remains before it is used; indefinite lengths
//! (0x80) and high tag numbers are refused; constructed values nest at
//! most [`MAX_DEPTH`] deep. Errors are a small `Copy` [`DecodeError`] with
//! the byte offset.

use std::fmt;

/// How deep constructed values may nest (SNMP needs 6).
pub const MAX_DEPTH: usize = 16;

/// Tags of the SNMP subset.
pub mod tag {
    /// INTEGER
    pub const INTEGER: u8 = 0x02;
    /// OCTET STRING
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER
    pub const OID: u8 = 0x06;
    /// SEQUENCE
    pub const SEQUENCE: u8 = 0x30;
    /// IpAddress `[APPLICATION 0]`
    pub const IP_ADDRESS: u8 = 0x40;
    /// Counter32 `[APPLICATION 1]`
    pub const COUNTER32: u8 = 0x41;
    /// Gauge32 / Unsigned32 `[APPLICATION 2]`
    pub const GAUGE32: u8 = 0x42;
    /// TimeTicks `[APPLICATION 3]`
    pub const TIMETICKS: u8 = 0x43;
    /// Opaque `[APPLICATION 4]`
    pub const OPAQUE: u8 = 0x44;
    /// NsapAddress `[APPLICATION 5]`
    pub const NSAP_ADDRESS: u8 = 0x45;
    /// Counter64 `[APPLICATION 6]`
    pub const COUNTER64: u8 = 0x46;
    /// noSuchObject `[CONTEXT 0]` (primitive, empty)
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    /// noSuchInstance `[CONTEXT 1]`
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    /// endOfMibView `[CONTEXT 2]`
    pub const END_OF_MIB_VIEW: u8 = 0x82;
}

/// What went wrong while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ends before the TLV does.
    Truncated,
    /// Length 0x80: indefinite lengths are not allowed in SNMP.
    IndefiniteLength,
    /// A length of more than four octets (a non-minimal long form such as
    /// `81 05` is accepted: agents send it).
    BadLength,
    /// Tag number 31 or more (multi-octet tags).
    HighTagNumber,
    /// A different tag was expected here.
    UnexpectedTag {
        /// The tag expected.
        expected: u8,
        /// The tag found.
        found: u8,
    },
    /// Constructed values nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// An INTEGER of 0 octets, or wider than its type.
    BadInteger,
    /// A sub-identifier wider than 32 bits, not minimally encoded, or an
    /// OID cut inside a sub-identifier.
    BadOid,
    /// A NULL or exception value with content.
    BadNull,
    /// Octets left after what should have been the whole value.
    TrailingData,
    /// A net-snmp Opaque-wrapped value whose inner length or width is
    /// wrong.
    BadOpaque,
    /// A value of fixed width with another length (an IpAddress that is
    /// not 4 octets, msgFlags that is not 1).
    WrongValueLength,
    /// An INTEGER field outside its range (request-id, error-status,
    /// msgID and the like are Integer32 or narrower).
    OutOfRange,
}

/// A decoding error: what, and at which byte of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset from the start of the input.
    pub offset: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            DecodeErrorKind::Truncated => "input ends inside a value".to_string(),
            DecodeErrorKind::IndefiniteLength => "indefinite length".to_string(),
            DecodeErrorKind::BadLength => "bad length".to_string(),
            DecodeErrorKind::HighTagNumber => "multi-octet tag".to_string(),
            DecodeErrorKind::UnexpectedTag { expected, found } => {
                format!("tag 0x{found:02x} where 0x{expected:02x} was expected")
            }
            DecodeErrorKind::TooDeep => format!("nested deeper than {MAX_DEPTH}"),
            DecodeErrorKind::BadInteger => "bad integer".to_string(),
            DecodeErrorKind::BadOid => "bad object identifier".to_string(),
            DecodeErrorKind::BadNull => "NULL with content".to_string(),
            DecodeErrorKind::TrailingData => "data after the value".to_string(),
            DecodeErrorKind::BadOpaque => "bad Opaque-wrapped value".to_string(),
            DecodeErrorKind::WrongValueLength => "value of the wrong length".to_string(),
            DecodeErrorKind::OutOfRange => "integer out of range".to_string(),
        };
        write!(f, "{what} at byte {}", self.offset)
    }
}

impl std::error::Error for DecodeError {}

pub(crate) fn err(kind: DecodeErrorKind, offset: usize) -> DecodeError {
    DecodeError { kind, offset }
}

/// One TLV, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag octet.
    pub tag: u8,
    /// The value octets.
    pub value: &'a [u8],
    /// Offset of the tag in the whole input.
    pub offset: usize,
    /// Offset of the value in the whole input.
    pub value_offset: usize,
}

impl Tlv<'_> {
    /// Whether the constructed bit is set.
    pub fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }
}

/// Reads consecutive TLVs from a slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` in the whole input.
    base: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            base: 0,
            depth: 0,
        }
    }

    /// True when every octet has been read.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Offset of the next octet in the whole input.
    #[inline]
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The octets not read yet.
    #[inline]
    pub(crate) fn remaining(&self) -> &'a [u8] {
        &self.buf[self.pos.min(self.buf.len())..]
    }

    /// Skips `n` octets the caller has parsed itself (at most what remains).
    #[inline]
    pub(crate) fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }

    /// Reads the next TLV.
    #[inline]
    pub fn read(&mut self) -> Result<Tlv<'a>, DecodeError> {
        let start = self.pos;
        let at = |p: usize| self.base + p;
        let Some(&tag) = self.buf.get(start) else {
            return Err(err(DecodeErrorKind::Truncated, at(start)));
        };
        if tag & 0x1f == 0x1f {
            return Err(err(DecodeErrorKind::HighTagNumber, at(start)));
        }
        let Some(&first) = self.buf.get(start + 1) else {
            return Err(err(DecodeErrorKind::Truncated, at(start + 1)));
        };
        let (len, header) = match first {
            0x00..=0x7f => (usize::from(first), 2),
            0x80 => return Err(err(DecodeErrorKind::IndefiniteLength, at(start + 1))),
            _ => {
                let n = usize::from(first & 0x7f);
                if n > 4 {
                    return Err(err(DecodeErrorKind::BadLength, at(start + 1)));
                }
                let Some(octets) = self.buf.get(start + 2..start + 2 + n) else {
                    return Err(err(DecodeErrorKind::Truncated, at(start + 2)));
                };
                let len = octets
                    .iter()
                    .fold(0usize, |a, b| (a << 8) | usize::from(*b));
                (len, 2 + n)
            }
        };
        let value_start = start + header;
        let remaining = self.buf.len().saturating_sub(value_start);
        if len > remaining {
            return Err(err(DecodeErrorKind::Truncated, at(value_start)));
        }
        self.pos = value_start + len;
        Ok(Tlv {
            tag,
            value: &self.buf[value_start..value_start + len],
            offset: at(start),
            value_offset: at(value_start),
        })
    }

    /// Reads the next TLV and checks its tag.
    #[inline]
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, DecodeError> {
        let offset = self.offset();
        let tlv = self.read()?;
        if tlv.tag != tag {
            return Err(err(
                DecodeErrorKind::UnexpectedTag {
                    expected: tag,
                    found: tlv.tag,
                },
                offset,
            ));
        }
        Ok(tlv)
    }

    /// A reader over a constructed value's content, one level deeper.
    #[inline]
    pub fn enter(&self, tlv: &Tlv<'a>) -> Result<Reader<'a>, DecodeError> {
        if self.depth + 1 > MAX_DEPTH {
            return Err(err(DecodeErrorKind::TooDeep, tlv.offset));
        }
        Ok(Reader {
            buf: tlv.value,
            pos: 0,
            base: tlv.value_offset,
            depth: self.depth + 1,
        })
    }

    /// Fails when octets are left.
    #[inline]
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(err(DecodeErrorKind::TrailingData, self.offset()))
        }
    }
}

/// An INTEGER's value (1 to 8 octets, two's complement).
#[inline(always)]
pub fn decode_i64(tlv: &Tlv<'_>) -> Result<i64, DecodeError> {
    let v = tlv.value;
    if v.is_empty() || v.len() > 8 {
        return Err(err(DecodeErrorKind::BadInteger, tlv.value_offset));
    }
    let mut x: i64 = if v[0] & 0x80 != 0 { -1 } else { 0 };
    for &b in v {
        x = (x << 8) | i64::from(b);
    }
    Ok(x)
}

/// An unsigned value of at most `bits` bits (Counter32, Gauge32,
/// TimeTicks: 32; Counter64: 64), with the one leading zero octet BER
/// needs when the top bit is set (a 9-octet Counter64).
///
/// Some agents encode large unsigned values as negative numbers (no
/// leading zero). Strictly that is an error; `lenient` reads the octets
/// as unsigned instead and says so in the second value.
#[inline(always)]
pub fn decode_unsigned(
    tlv: &Tlv<'_>,
    bits: u32,
    lenient: bool,
) -> Result<(u64, bool), DecodeError> {
    let mut v = tlv.value;
    let bad = || err(DecodeErrorKind::BadInteger, tlv.value_offset);
    if v.is_empty() {
        return Err(bad());
    }
    let mut repaired = false;
    if v[0] & 0x80 != 0 {
        if !lenient {
            return Err(bad());
        }
        repaired = true;
    }
    if v.len() > 1 && v[0] == 0 {
        v = &v[1..];
    }
    let max_octets = (bits / 8) as usize;
    if v.len() > max_octets {
        return Err(bad());
    }
    let x = v.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    Ok((x, repaired))
}

/// Sub-tags net-snmp uses inside an Opaque (`9f` then `0x30 + the
/// application tag`): Counter64, Float, Double, Integer64, Unsigned64.
pub mod opaque_tag {
    /// The first octet of every wrapped value (context class, tag 31+).
    pub const EXTENSION: u8 = 0x9f;
    /// Counter64
    pub const COUNTER64: u8 = 0x76;
    /// Float (IEEE 754 single, 4 octets)
    pub const FLOAT: u8 = 0x78;
    /// Double (IEEE 754 double, 8 octets)
    pub const DOUBLE: u8 = 0x79;
    /// Integer64
    pub const I64: u8 = 0x7a;
    /// Unsigned64
    pub const U64: u8 = 0x7b;
}

/// An Opaque's content: one of net-snmp's wrapped types, or raw octets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpaqueValue<'a> {
    /// Opaque-wrapped Float.
    Float(f32),
    /// Opaque-wrapped Double.
    Double(f64),
    /// Opaque-wrapped Counter64.
    Counter64(u64),
    /// Opaque-wrapped Integer64.
    I64(i64),
    /// Opaque-wrapped Unsigned64.
    U64(u64),
    /// Anything else, as sent.
    Raw(&'a [u8]),
}

/// Reads an Opaque's content. Content that does not start with a known
/// net-snmp wrapper is [`OpaqueValue::Raw`]; a known wrapper with a bad
/// inner length or width is an error (it is not silently passed as raw).
pub fn decode_opaque<'a>(tlv: &Tlv<'a>) -> Result<OpaqueValue<'a>, DecodeError> {
    let v = tlv.value;
    let known = matches!(
        v.get(1),
        Some(
            &(opaque_tag::COUNTER64
                | opaque_tag::FLOAT
                | opaque_tag::DOUBLE
                | opaque_tag::I64
                | opaque_tag::U64)
        )
    );
    if v.first() != Some(&opaque_tag::EXTENSION) || !known {
        return Ok(OpaqueValue::Raw(v));
    }
    let bad = |at: usize| err(DecodeErrorKind::BadOpaque, tlv.value_offset + at);
    let Some(&len) = v.get(2) else {
        return Err(bad(2));
    };
    if usize::from(len) != v.len() - 3 {
        return Err(bad(2));
    }
    let inner = Tlv {
        tag: v[1],
        value: &v[3..],
        offset: tlv.value_offset,
        value_offset: tlv.value_offset + 3,
    };
    Ok(match v[1] {
        opaque_tag::FLOAT => {
            let b: [u8; 4] = inner.value.try_into().map_err(|_| bad(2))?;
            OpaqueValue::Float(f32::from_be_bytes(b))
        }
        opaque_tag::DOUBLE => {
            let b: [u8; 8] = inner.value.try_into().map_err(|_| bad(2))?;
            OpaqueValue::Double(f64::from_be_bytes(b))
        }
        opaque_tag::I64 => OpaqueValue::I64(decode_i64(&inner)?),
        opaque_tag::COUNTER64 => OpaqueValue::Counter64(decode_unsigned(&inner, 64, false)?.0),
        _ => OpaqueValue::U64(decode_unsigned(&inner, 64, false)?.0),
    })
}

/// Appends BER to a buffer. Constructed values are opened with
/// [`Writer::begin`] and closed with [`Writer::end`], which writes the
/// length in front of the content (moving it when the length needs more
/// than one octet).
#[derive(Debug, Default, Clone)]
pub struct Writer {
    /// The encoding so far.
    pub buf: Vec<u8>,
}

/// An open constructed value: where its content starts and how many
/// length octets were reserved in front of it.
#[derive(Debug, Clone, Copy)]
#[must_use = "close it with Writer::end"]
pub struct Open {
    start: usize,
    reserved: usize,
}

fn length_octets(len: usize) -> usize {
    match len {
        0..=0x7f => 1,
        0x80..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xff_ffff => 4,
        _ => 5,
    }
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Writer::default()
    }

    /// A writer that appends to `buf` (reusing its allocation).
    pub fn with_buffer(buf: Vec<u8>) -> Self {
        Writer { buf }
    }

    /// The encoding.
    pub fn into_inner(self) -> Vec<u8> {
        self.buf
    }

    #[inline]
    fn length(&mut self, len: usize) {
        match length_octets(len) {
            1 => self.buf.push(len as u8),
            n => {
                self.buf.push(0x80 | (n - 1) as u8);
                for i in (0..n - 1).rev() {
                    self.buf.push((len >> (8 * i)) as u8);
                }
            }
        }
    }

    /// A primitive TLV.
    #[inline]
    pub fn primitive(&mut self, tag: u8, value: &[u8]) {
        self.buf.reserve(value.len() + 6);
        self.buf.push(tag);
        self.length(value.len());
        self.buf.extend_from_slice(value);
    }

    /// Opens a constructed value expected to be short (one length octet
    /// reserved; [`Writer::end`] moves the content when it is not).
    #[inline]
    pub fn begin(&mut self, tag: u8) -> Open {
        self.buf.push(tag);
        self.buf.push(0);
        Open {
            start: self.buf.len(),
            reserved: 1,
        }
    }

    /// Opens a constructed value that may be long (a varbind list, a PDU,
    /// a message): three length octets are reserved, so the content moves
    /// only when it ends up shorter than 256 octets or longer than 65 535.
    #[inline]
    pub fn begin_wide(&mut self, tag: u8) -> Open {
        self.buf.extend_from_slice(&[tag, 0x82, 0, 0]);
        Open {
            start: self.buf.len(),
            reserved: 3,
        }
    }

    /// Closes a constructed value: writes its minimal length in front of
    /// the content.
    #[inline]
    pub fn end(&mut self, open: Open) {
        let Open { start, reserved } = open;
        let len = self.buf.len() - start;
        let n = length_octets(len);
        let header = start - reserved;
        if n != reserved {
            if n > reserved {
                self.buf
                    .splice(start..start, std::iter::repeat_n(0u8, n - reserved));
            } else {
                self.buf.drain(header + n..start);
            }
        }
        if n == 1 {
            self.buf[header] = len as u8;
        } else {
            self.buf[header] = 0x80 | (n - 1) as u8;
            for i in 0..n - 1 {
                self.buf[header + 1 + i] = (len >> (8 * (n - 2 - i))) as u8;
            }
        }
    }

    /// INTEGER (minimal two's complement).
    #[inline]
    pub fn i64(&mut self, tag: u8, v: i64) {
        let (bytes, i) = i64_octets(v);
        self.primitive(tag, &bytes[i..]);
    }

    /// An Opaque, wrapping net-snmp's special types as net-snmp does.
    pub fn opaque(&mut self, v: &OpaqueValue<'_>) {
        let mut inner = Writer::new();
        match *v {
            OpaqueValue::Raw(raw) => return self.primitive(tag::OPAQUE, raw),
            OpaqueValue::Float(f) => inner.primitive(opaque_tag::FLOAT, &f.to_be_bytes()),
            OpaqueValue::Double(d) => inner.primitive(opaque_tag::DOUBLE, &d.to_be_bytes()),
            OpaqueValue::I64(i) => inner.i64(opaque_tag::I64, i),
            OpaqueValue::Counter64(u) => inner.unsigned(opaque_tag::COUNTER64, u),
            OpaqueValue::U64(u) => inner.unsigned(opaque_tag::U64, u),
        }
        let mut wrapped = Vec::with_capacity(inner.buf.len() + 1);
        wrapped.push(opaque_tag::EXTENSION);
        wrapped.extend_from_slice(&inner.buf);
        self.primitive(tag::OPAQUE, &wrapped);
    }

    /// An unsigned value (Counter32, Gauge32, TimeTicks, Counter64): a
    /// leading zero octet when the top bit is set.
    #[inline]
    pub fn unsigned(&mut self, tag: u8, v: u64) {
        let (bytes, i) = unsigned_octets(v);
        self.primitive(tag, &bytes[i..]);
    }
}

/// The minimal two's-complement octets of an INTEGER: (buffer, start).
#[inline(always)]
pub(crate) fn i64_octets(v: i64) -> ([u8; 8], usize) {
    let bytes = v.to_be_bytes();
    let mut i = 0;
    while i < 7
        && ((bytes[i] == 0 && bytes[i + 1] & 0x80 == 0)
            || (bytes[i] == 0xff && bytes[i + 1] & 0x80 != 0))
    {
        i += 1;
    }
    (bytes, i)
}

/// The minimal octets of an unsigned value (a leading zero when the top
/// bit is set): (buffer, start).
#[inline(always)]
pub(crate) fn unsigned_octets(v: u64) -> ([u8; 9], usize) {
    let mut bytes = [0u8; 9];
    bytes[1..].copy_from_slice(&v.to_be_bytes());
    let mut i = 0;
    while i < 8 && bytes[i] == 0 && bytes[i + 1] & 0x80 == 0 {
        i += 1;
    }
    (bytes, i)
}

/// Writes a short primitive TLV (content under 128 octets) at `at` of
/// `out`, which the caller sized; the position after it.
#[inline(always)]
pub(crate) fn put_short(out: &mut [u8], at: usize, tag: u8, value: &[u8]) -> usize {
    out[at] = tag;
    out[at + 1] = value.len() as u8;
    out[at + 2..at + 2 + value.len()].copy_from_slice(value);
    at + 2 + value.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use netmon_testkit::hex;

    #[test]
    fn lengths_short_long_and_refused() {
        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(0xaa, 256));
        let t = Reader::new(&long).read().unwrap();
        assert_eq!((t.tag, t.value.len(), t.value_offset), (0x04, 256, 4));

        let cases: &[(&str, DecodeErrorKind, usize)] = &[
            ("", DecodeErrorKind::Truncated, 0),
            ("04", DecodeErrorKind::Truncated, 1),
            ("0403aabb", DecodeErrorKind::Truncated, 2),
            ("0480", DecodeErrorKind::IndefiniteLength, 1),
            ("0485000000000001", DecodeErrorKind::BadLength, 1),
            ("0482ff", DecodeErrorKind::Truncated, 2),
            ("1f0100", DecodeErrorKind::HighTagNumber, 0),
            // A declared length of 4 GiB with 2 octets of input: refused
            // before anything is allocated.
            ("0484ffffffff0102", DecodeErrorKind::Truncated, 6),
        ];
        for (input, kind, offset) in cases {
            let e = Reader::new(&hex(input)).read().unwrap_err();
            assert_eq!((e.kind, e.offset), (*kind, *offset), "{input}");
        }
    }

    #[test]
    fn nesting_is_bounded_and_offsets_are_absolute() {
        let mut deep = Vec::new();
        for _ in 0..20 {
            deep = {
                let mut w = Writer::new();
                let o = w.begin(tag::SEQUENCE);
                w.buf.extend_from_slice(&deep);
                w.end(o);
                w.buf
            };
        }
        let mut r = Reader::new(&deep);
        let mut depth = 0;
        let e = loop {
            let t = match r.read() {
                Ok(t) => t,
                Err(e) => break e,
            };
            match r.enter(&t) {
                Ok(inner) => {
                    r = inner;
                    depth += 1;
                }
                Err(e) => break e,
            }
        };
        assert_eq!((e.kind, depth), (DecodeErrorKind::TooDeep, MAX_DEPTH));
        assert_eq!(
            e.offset,
            MAX_DEPTH * 2,
            "offset of the sixteenth-level SEQUENCE"
        );

        let msg = hex("300602010502017f");
        let mut outer = Reader::new(&msg);
        let seq = outer.expect(tag::SEQUENCE).unwrap();
        let mut inner = outer.enter(&seq).unwrap();
        assert_eq!(decode_i64(&inner.expect(tag::INTEGER).unwrap()).unwrap(), 5);
        let e = inner.expect(tag::OCTET_STRING).unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(
            e.to_string()
                .contains("tag 0x02 where 0x04 was expected at byte 5"),
            "{e}"
        );
    }

    #[test]
    fn integers_round_trip_at_the_edges() {
        for v in [
            0i64,
            1,
            -1,
            127,
            128,
            -128,
            -129,
            255,
            256,
            i32::MAX.into(),
            i32::MIN.into(),
            i64::MAX,
            i64::MIN,
        ] {
            let mut w = Writer::new();
            w.i64(tag::INTEGER, v);
            let t = Reader::new(&w.buf).read().unwrap();
            assert_eq!(decode_i64(&t).unwrap(), v, "{v}");
        }
        let mut w = Writer::new();
        w.i64(tag::INTEGER, 128);
        assert_eq!(w.buf, hex("02020080"));
        w = Writer::new();
        w.i64(tag::INTEGER, -129);
        assert_eq!(w.buf, hex("0202ff7f"));
        assert!(decode_i64(&Reader::new(&hex("0200")).read().unwrap()).is_err());
        assert!(decode_i64(&Reader::new(&hex("0209010203040506070809")).read().unwrap()).is_err());
    }

    #[test]
    fn unsigned_and_counter64_over_the_whole_range() {
        for v in [
            0u64,
            1,
            127,
            128,
            255,
            0xffff_ffff,
            0x8000_0000_0000_0000,
            u64::MAX,
        ] {
            let mut w = Writer::new();
            w.unsigned(tag::COUNTER64, v);
            let t = Reader::new(&w.buf).read().unwrap();
            assert_eq!(decode_unsigned(&t, 64, false).unwrap(), (v, false), "{v}");
        }
        // u64::MAX takes 9 octets: a leading zero.
        let mut w = Writer::new();
        w.unsigned(tag::COUNTER64, u64::MAX);
        assert_eq!(w.buf, hex("460900ffffffffffffffff"));
        // Counter32 may not exceed 32 bits.
        let wide = hex("41050100000000");
        let t = Reader::new(&wide).read().unwrap();
        assert!(decode_unsigned(&t, 32, false).is_err());
        // A Counter32 encoded as negative: an error, or repaired when lenient.
        let negative = hex("4104fffffffe");
        let t = Reader::new(&negative).read().unwrap();
        assert!(decode_unsigned(&t, 32, false).is_err());
        assert_eq!(decode_unsigned(&t, 32, true).unwrap(), (0xffff_fffe, true));
    }

    #[test]
    fn net_snmp_opaque_types() {
        // Float 1.5 as net-snmp sends it: 44 07 9f 78 04 3f c0 00 00.
        let mut w = Writer::new();
        w.opaque(&OpaqueValue::Float(1.5));
        assert_eq!(w.buf, hex("44079f78043fc00000"));
        let values = [
            OpaqueValue::Float(-0.25),
            OpaqueValue::Double(std::f64::consts::PI),
            OpaqueValue::Counter64(u64::MAX),
            OpaqueValue::I64(i64::MIN),
            OpaqueValue::U64(0x8000_0000),
            OpaqueValue::Raw(b"\x01\x02 any bytes"),
            OpaqueValue::Raw(&[]),
        ];
        for v in values {
            let mut w = Writer::new();
            w.opaque(&v);
            let t = Reader::new(&w.buf).expect(tag::OPAQUE).unwrap();
            assert_eq!(decode_opaque(&t).unwrap(), v, "{:02x?}", w.buf);
        }
        // A wrapped Float of 3 octets, and an inner length that lies.
        for (input, offset) in [("44069f7803000000", 4), ("44079f78053fc00000", 4)] {
            let bytes = hex(input);
            let t = Reader::new(&bytes).read().unwrap();
            let e = decode_opaque(&t).unwrap_err();
            assert_eq!(
                (e.kind, e.offset),
                (DecodeErrorKind::BadOpaque, offset),
                "{input}"
            );
        }
        // Not a known wrapper: raw.
        let bytes = hex("44039f0101");
        let t = Reader::new(&bytes).read().unwrap();
        assert_eq!(decode_opaque(&t).unwrap(), OpaqueValue::Raw(&[0x9f, 1, 1]));
    }

    #[test]
    fn long_constructed_values_get_long_lengths() {
        // 3 octets per small INTEGER: 40 -> 120 (short form), 50 -> 150
        // (81 96), 100 -> 300 (82 01 2c).
        for (n, header) in [
            (40i64, &[0x30, 0x78][..]),
            (50, &[0x30, 0x81, 0x96]),
            (100, &[0x30, 0x82, 0x01, 0x2c]),
        ] {
            let mut w = Writer::new();
            let o = w.begin(tag::SEQUENCE);
            for i in 0..n {
                w.i64(tag::INTEGER, i % 100);
            }
            w.end(o);
            assert_eq!(&w.buf[..header.len()], header, "{n}");
            let mut r = Reader::new(&w.buf);
            let seq = r.read().unwrap();
            r.finish().unwrap();
            let mut inner = r.enter(&seq).unwrap();
            for i in 0..n {
                assert_eq!(decode_i64(&inner.read().unwrap()).unwrap(), i % 100);
            }
            inner.finish().unwrap();
        }
        // Nested back-patching: an outer value grows when an inner one does.
        let mut w = Writer::new();
        let outer = w.begin(tag::SEQUENCE);
        let inner = w.begin(tag::SEQUENCE);
        w.primitive(tag::OCTET_STRING, &[0x55; 30000]);
        w.end(inner);
        w.end(outer);
        assert_eq!(
            &w.buf[..8],
            &[0x30, 0x82, 0x75, 0x38, 0x30, 0x82, 0x75, 0x34]
        );
        let mut r = Reader::new(&w.buf);
        let seq = r.read().unwrap();
        assert_eq!(seq.value.len(), w.buf.len() - 4);
        let mut r2 = r.enter(&seq).unwrap();
        let seq2 = r2.read().unwrap();
        let mut r3 = r2.enter(&seq2).unwrap();
        assert_eq!(r3.expect(tag::OCTET_STRING).unwrap().value.len(), 30000);
    }
}
