//! Object identifiers: a borrowed view over BER content ([`OidRef`]) that
//! decodes arcs lazily, and an owned [`Oid`].
//!
//! ```text
//! content  sub-identifiers, base 128, high bit = "more octets follow"
//!          first sub-identifier = arc0 * 40 + arc1 (arc0 in 0..=2)
//! ```
//!
//! Arcs are 32-bit (SMI); an OID has at most [`MAX_ARCS`] of them
//! (RFC 2578 §3.5). Sub-identifiers must be minimal (no leading 0x80
//! octet). Note that comparing encodings byte by byte does not order OIDs
//! by their arcs (`82 00` = 256 sorts after `81 80 00` = 16384), so
//! ordering always goes through the arcs.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::ber::{DecodeError, DecodeErrorKind, Tlv};

/// Most arcs an OID may have (RFC 2578).
pub const MAX_ARCS: usize = 128;

fn bad(offset: usize) -> DecodeError {
    DecodeError {
        kind: DecodeErrorKind::BadOid,
        offset,
    }
}

/// A checked OID encoding borrowed from a message.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OidRef<'a> {
    content: &'a [u8],
}

impl<'a> OidRef<'a> {
    /// Checks an OID TLV's content. `offset` is where the content starts
    /// in the whole input (for the error).
    #[inline(always)]
    pub fn from_content(content: &'a [u8], offset: usize) -> Result<Self, DecodeError> {
        // Fast path: every sub-identifier in one octet (most OIDs but
        // enterprise numbers); 1..=127 octets hold at most 128 arcs.
        if !content.is_empty()
            && content.len() < MAX_ARCS
            && content.iter().fold(0u8, |a, b| a | b) & 0x80 == 0
        {
            return Ok(OidRef { content });
        }
        Self::check_slow(content, offset)
    }

    #[inline(never)]
    fn check_slow(content: &'a [u8], offset: usize) -> Result<Self, DecodeError> {
        if content.is_empty() {
            return Err(bad(offset));
        }
        let mut arcs = 1usize; // the first sub-identifier holds two arcs
        let mut start = 0usize;
        let mut value: u64 = 0;
        for (i, &b) in content.iter().enumerate() {
            if i == start && b == 0x80 {
                return Err(bad(offset + i)); // not minimal
            }
            value = (value << 7) | u64::from(b & 0x7f);
            let limit = if start == 0 {
                80 + u64::from(u32::MAX)
            } else {
                u64::from(u32::MAX)
            };
            if value > limit {
                return Err(bad(offset + start));
            }
            if b & 0x80 == 0 {
                arcs += 1;
                if arcs > MAX_ARCS {
                    return Err(bad(offset + start));
                }
                start = i + 1;
                value = 0;
            }
        }
        if start != content.len() {
            return Err(bad(offset + start)); // cut inside a sub-identifier
        }
        Ok(OidRef { content })
    }

    /// Checks an OID TLV (tag not checked here).
    #[inline]
    pub fn from_tlv(tlv: &Tlv<'a>) -> Result<Self, DecodeError> {
        Self::from_content(tlv.value, tlv.value_offset)
    }

    /// The encoded content octets.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.content
    }

    /// The arcs, decoded as they are iterated.
    #[inline]
    pub fn arcs(&self) -> Arcs<'a> {
        // The first sub-identifier holds the first two arcs; split it now
        // so that `next` only ever reads plain sub-identifiers.
        let (first, used) = read_subid(self.content);
        let (a0, a1) = match first {
            0..=39 => (0, first),
            40..=79 => (1, first - 40),
            _ => (2, first - 80),
        };
        Arcs {
            rest: &self.content[used..],
            head: [a0 as u32, a1 as u32],
            head_left: if self.content.is_empty() { 0 } else { 2 },
        }
    }

    /// An owned copy.
    pub fn to_oid(&self) -> Oid {
        self.arcs().collect()
    }
}

impl fmt::Debug for OidRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OidRef({self})")
    }
}

impl fmt::Display for OidRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dotted(f, self.arcs())
    }
}

impl PartialOrd for OidRef<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OidRef<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.arcs().cmp(other.arcs())
    }
}

/// One sub-identifier from the front of `b` (checked content: at most
/// five octets, ends inside `b`), and the octets it used.
#[inline]
fn read_subid(b: &[u8]) -> (u64, usize) {
    let mut value: u64 = 0;
    for (i, &x) in b.iter().enumerate() {
        value = (value << 7) | u64::from(x & 0x7f);
        if x & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (value, b.len())
}

/// Iterator over the arcs of an [`OidRef`].
#[derive(Debug, Clone)]
pub struct Arcs<'a> {
    rest: &'a [u8],
    head: [u32; 2],
    head_left: u8,
}

impl Iterator for Arcs<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.head_left > 0 {
            let a = self.head[2 - usize::from(self.head_left)];
            self.head_left -= 1;
            return Some(a);
        }
        let (&b, tail) = self.rest.split_first()?;
        if b < 0x80 {
            self.rest = tail;
            return Some(u32::from(b));
        }
        // Checked in `from_content`: later arcs fit in 32 bits.
        let (v, used) = read_subid(self.rest);
        self.rest = &self.rest[used..];
        Some(v as u32)
    }

    /// One tight loop over the octets (what `sum`, `for_each` and
    /// `collect` use).
    #[inline]
    fn fold<B, F: FnMut(B, u32) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = init;
        for i in 0..usize::from(self.head_left) {
            acc = f(acc, self.head[2 - usize::from(self.head_left) + i]);
        }
        let mut value: u32 = 0;
        for &b in self.rest {
            // Checked in `from_content`: later arcs fit in 32 bits.
            value = (value << 7) | u32::from(b & 0x7f);
            if b < 0x80 {
                acc = f(acc, value);
                value = 0;
            }
        }
        acc
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.head_left);
        (
            n + usize::from(!self.rest.is_empty()),
            Some(n + self.rest.len()),
        )
    }
}

fn write_dotted(f: &mut fmt::Formatter<'_>, arcs: impl Iterator<Item = u32>) -> fmt::Result {
    for (i, a) in arcs.enumerate() {
        if i > 0 {
            f.write_str(".")?;
        }
        write!(f, "{a}")?;
    }
    Ok(())
}

/// An owned object identifier.
///
/// ```
/// use netmon_snmp::Oid;
/// let oid: Oid = "1.3.6.1.2.1.1.3.0".parse()?;
/// assert_eq!(oid.to_ber(), [0x2b, 6, 1, 2, 1, 1, 3, 0]);
/// assert!(oid.starts_with(&"1.3.6.1.2.1".parse()?));
/// # Ok::<(), netmon_snmp::oid::ParseOidError>(())
/// ```
#[derive(Clone)]
pub struct Oid(Storage);

/// Arcs kept inline up to this many (mib-2 interface and BGP table
/// instances fit; longer OIDs go to the heap).
pub const INLINE_ARCS: usize = 20;

#[derive(Clone)]
enum Storage {
    Inline { len: u8, arcs: [u32; INLINE_ARCS] },
    Heap(Vec<u32>),
}

impl Default for Oid {
    fn default() -> Self {
        Oid(Storage::Inline {
            len: 0,
            arcs: [0; INLINE_ARCS],
        })
    }
}

impl PartialEq for Oid {
    fn eq(&self, other: &Self) -> bool {
        self.arcs() == other.arcs()
    }
}

impl Eq for Oid {}

impl std::hash::Hash for Oid {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.arcs().hash(state);
    }
}

impl PartialOrd for Oid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Oid {
    fn cmp(&self, other: &Self) -> Ordering {
        self.arcs().cmp(other.arcs())
    }
}

impl FromIterator<u32> for Oid {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        let mut oid = Oid::default();
        for a in iter {
            oid.push(a);
        }
        oid
    }
}

impl Oid {
    /// An OID from its arcs.
    #[inline]
    pub fn new(arcs: impl AsRef<[u32]>) -> Self {
        let arcs = arcs.as_ref();
        if arcs.len() <= INLINE_ARCS {
            let mut inline = [0; INLINE_ARCS];
            for (d, s) in inline.iter_mut().zip(arcs) {
                *d = *s;
            }
            Oid(Storage::Inline {
                len: arcs.len() as u8,
                arcs: inline,
            })
        } else {
            Oid(Storage::Heap(arcs.to_vec()))
        }
    }

    /// The arcs.
    #[inline]
    pub fn arcs(&self) -> &[u32] {
        match &self.0 {
            Storage::Inline { len, arcs } => &arcs[..usize::from(*len)],
            Storage::Heap(v) => v,
        }
    }

    /// Number of arcs.
    #[inline]
    pub fn len(&self) -> usize {
        self.arcs().len()
    }

    /// True for the empty OID.
    pub fn is_empty(&self) -> bool {
        self.arcs().is_empty()
    }

    /// Whether the arcs are kept without a heap allocation.
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Storage::Inline { .. })
    }

    /// Appends an arc.
    pub fn push(&mut self, arc: u32) {
        if let Storage::Inline { len, arcs } = &self.0
            && usize::from(*len) == INLINE_ARCS
        {
            let mut v = Vec::with_capacity(INLINE_ARCS * 2);
            v.extend_from_slice(arcs);
            self.0 = Storage::Heap(v);
        }
        match &mut self.0 {
            Storage::Inline { len, arcs } => {
                arcs[usize::from(*len)] = arc;
                *len += 1;
            }
            Storage::Heap(v) => v.push(arc),
        }
    }

    /// Whether `prefix`'s arcs begin this OID.
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.arcs().starts_with(prefix.arcs())
    }

    /// This OID with one more arc (a table column plus an index, say).
    pub fn child(&self, arc: u32) -> Oid {
        let mut child = self.clone();
        child.push(arc);
        child
    }

    /// Whether the OID can be encoded: first arc 0, 1 or 2, second arc
    /// below 40 unless the first is 2, at most [`MAX_ARCS`] arcs. Fewer
    /// than two arcs are padded with zeros, as net-snmp does.
    #[inline]
    pub fn is_encodable(&self) -> bool {
        let a0 = self.arcs().first().copied().unwrap_or(0);
        let a1 = self.arcs().get(1).copied().unwrap_or(0);
        self.len() <= MAX_ARCS
            && match a0 {
                0 | 1 => a1 < 40,
                2 => true,
                _ => false,
            }
    }

    /// Appends the BER content octets (no tag or length) to `out`.
    /// Unencodable OIDs (see [`Oid::is_encodable`]) are the caller's
    /// error: their first two arcs are written modulo the rules.
    #[inline]
    pub fn write_ber(&self, out: &mut Vec<u8>) {
        let arcs = self.arcs();
        out.reserve(5 * arcs.len().max(2));
        let a0 = u64::from(arcs.first().copied().unwrap_or(0).min(2));
        let a1 = u64::from(arcs.get(1).copied().unwrap_or(0));
        push_subid(out, a0 * 40 + a1);
        for &a in arcs.iter().skip(2) {
            if a < 0x80 {
                out.push(a as u8);
            } else {
                push_subid(out, u64::from(a));
            }
        }
    }

    /// The BER content octets written into `buf`, when they fit; their
    /// length. No allocation: what encoders use.
    #[inline(always)]
    pub fn encode_into(&self, buf: &mut [u8]) -> Option<usize> {
        let arcs = self.arcs();
        let a0 = u64::from(arcs.first().copied().unwrap_or(0).min(2));
        let a1 = u64::from(arcs.get(1).copied().unwrap_or(0));
        let mut n = put_subid(buf, 0, a0 * 40 + a1)?;
        for &a in arcs.iter().skip(2) {
            if a < 0x80 {
                *buf.get_mut(n)? = a as u8;
                n += 1;
            } else {
                n = put_subid(buf, n, u64::from(a))?;
            }
        }
        Some(n)
    }

    /// The BER content octets.
    pub fn to_ber(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() + 4);
        self.write_ber(&mut out);
        out
    }
}

/// Writes one sub-identifier at `at`; the position after it, `None` when
/// `buf` is too short.
#[inline(always)]
fn put_subid(buf: &mut [u8], at: usize, v: u64) -> Option<usize> {
    let mut groups = 1;
    while groups < 10 && v >> (7 * groups) != 0 {
        groups += 1;
    }
    let dst = buf.get_mut(at..at + groups)?;
    for (i, d) in dst.iter_mut().enumerate() {
        let g = groups - 1 - i;
        let b = ((v >> (7 * g)) & 0x7f) as u8;
        *d = if g == 0 { b } else { b | 0x80 };
    }
    Some(at + groups)
}

fn push_subid(out: &mut Vec<u8>, v: u64) {
    let mut groups = 1;
    while groups < 10 && v >> (7 * groups) != 0 {
        groups += 1;
    }
    for g in (0..groups).rev() {
        let b = ((v >> (7 * g)) & 0x7f) as u8;
        out.push(if g == 0 { b } else { b | 0x80 });
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_dotted(f, self.arcs().iter().copied())
    }
}

impl From<OidRef<'_>> for Oid {
    fn from(r: OidRef<'_>) -> Self {
        r.to_oid()
    }
}

impl PartialEq<OidRef<'_>> for Oid {
    fn eq(&self, other: &OidRef<'_>) -> bool {
        self.arcs().iter().copied().eq(other.arcs())
    }
}

/// A dotted OID that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOidError {
    /// The text.
    pub text: String,
    /// Character offset of the problem.
    pub column: usize,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for ParseOidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bad OID {:?} at column {}: {}",
            self.text,
            self.column + 1,
            self.reason
        )
    }
}

impl std::error::Error for ParseOidError {}

impl FromStr for Oid {
    type Err = ParseOidError;

    /// Dotted decimal with an optional leading dot (`.1.3.6.1`), as the
    /// net-snmp tools print it with `-On`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |column: usize, reason| ParseOidError {
            text: s.to_string(),
            column,
            reason,
        };
        let body = s.strip_prefix('.').unwrap_or(s);
        let skip = s.len() - body.len();
        if body.is_empty() {
            return Err(fail(0, "empty"));
        }
        let mut arcs = Vec::new();
        let mut column = skip;
        for part in body.split('.') {
            if part.is_empty() {
                return Err(fail(column, "empty arc"));
            }
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail(column, "arcs are decimal numbers"));
            }
            let arc = part
                .parse::<u32>()
                .map_err(|_| fail(column, "arc wider than 32 bits"))?;
            arcs.push(arc);
            column += part.len() + 1;
        }
        let oid = Oid::new(&arcs);
        if oid.len() > MAX_ARCS {
            return Err(fail(0, "more than 128 arcs"));
        }
        if !oid.is_encodable() {
            return Err(fail(
                skip,
                "first arc must be 0, 1 or 2, and the second below 40 unless the first is 2",
            ));
        }
        Ok(oid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn known_encodings() {
        // sysUpTime.0, as every SNMP trace shows it.
        assert_eq!(
            oid("1.3.6.1.2.1.1.3.0").to_ber(),
            [0x2b, 6, 1, 2, 1, 1, 3, 0]
        );
        // Multi-octet arcs: 2.999.3 (X.690's example) and 1.3.6.1.4.1.311
        assert_eq!(oid("2.999.3").to_ber(), [0x88, 0x37, 0x03]);
        assert_eq!(
            oid("1.3.6.1.4.1.311").to_ber(),
            [0x2b, 6, 1, 4, 1, 0x82, 0x37]
        );
        assert_eq!(
            oid("1.3.4294967295").to_ber(),
            [0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f]
        );
        assert_eq!(Oid::default().to_ber(), [0]);
        assert_eq!(oid(".0.0").to_string(), "0.0");
    }

    #[test]
    fn round_trips_through_the_borrowed_view() {
        for s in [
            "0.0",
            "1.3",
            "1.3.6.1.2.1.2.2.1.10.4294967295",
            "2.999.3",
            "2.4294967295.1",
            "1.39.127.128.16383.16384",
        ] {
            let o = oid(s);
            let ber = o.to_ber();
            let r = OidRef::from_content(&ber, 0).unwrap();
            assert_eq!(r.to_string(), s);
            assert_eq!(o, r);
            assert_eq!(r.to_oid(), o);
        }
    }

    #[test]
    fn bad_encodings_are_refused_with_their_offset() {
        let cases: &[(&[u8], usize)] = &[
            (&[], 10),
            (&[0x2b, 0x80, 0x01], 11),                   // non-minimal
            (&[0x2b, 0x06, 0x81], 12),                   // cut inside a sub-identifier
            (&[0x2b, 0x90, 0x80, 0x80, 0x80, 0x00], 11), // 2^32: wider than 32 bits
        ];
        for (content, offset) in cases {
            let e = OidRef::from_content(content, 10).unwrap_err();
            assert_eq!(
                (e.kind, e.offset),
                (DecodeErrorKind::BadOid, *offset),
                "{content:02x?}"
            );
        }
        let mut long = vec![0x2b];
        long.extend(std::iter::repeat_n(1u8, MAX_ARCS - 2));
        assert!(OidRef::from_content(&long, 0).is_ok());
        long.push(1);
        assert!(OidRef::from_content(&long, 0).is_err());
    }

    #[test]
    fn typical_oids_stay_inline() {
        // ifHCInOctets.N and a bgpPeerTable instance: inline.
        assert!(oid("1.3.6.1.2.1.31.1.1.1.6.1001").is_inline());
        assert!(oid("1.3.6.1.2.1.15.3.1.2.192.0.2.1").is_inline());
        let mut o = Oid::default();
        for i in 0..INLINE_ARCS as u32 {
            o.push(i % 3);
            assert!(o.is_inline());
        }
        o.push(7);
        assert!(!o.is_inline());
        assert_eq!(o.len(), INLINE_ARCS + 1);
        assert_eq!(o.arcs()[INLINE_ARCS], 7);
        assert_eq!(o, Oid::new(o.arcs()));
        let text = o.to_string();
        assert_eq!(text.parse::<Oid>().unwrap(), o);
        assert!(o.starts_with(&Oid::new([0, 1, 2])));
        assert_eq!(oid("1.3.6").child(1), oid("1.3.6.1"));
    }

    #[test]
    fn ordering_follows_arcs_not_bytes() {
        let a = oid("1.3.6.1.256");
        let b = oid("1.3.6.1.16384");
        assert!(a < b);
        let (ea, eb) = (a.to_ber(), b.to_ber());
        assert!(ea > eb, "the byte order is the other way round");
        let (ra, rb) = (
            OidRef::from_content(&ea, 0).unwrap(),
            OidRef::from_content(&eb, 0).unwrap(),
        );
        assert!(ra < rb);
        assert!(oid("1.3.6.1") < oid("1.3.6.1.0"));
    }

    #[test]
    fn dotted_text_errors_say_where() {
        for (text, column) in [
            ("1..3", 2),
            ("1.3.x", 4),
            ("1.3.99999999999", 4),
            ("", 0),
            ("3.1", 0),
            ("1.40", 0),
        ] {
            let e = text.parse::<Oid>().unwrap_err();
            assert_eq!(e.column, column, "{text}: {e}");
        }
    }
}
