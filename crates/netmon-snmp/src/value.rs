//! Variable-binding values: borrowed ([`ValueRef`]) and owned ([`Value`]).
//!
//! ```text
//! INTEGER 02   OCTET STRING 04   NULL 05   OBJECT IDENTIFIER 06
//! IpAddress 40 (4 octets)   Counter32 41   Gauge32/Unsigned32 42
//! TimeTicks 43   Opaque 44   NsapAddress 45   Counter64 46
//! noSuchObject 80   noSuchInstance 81   endOfMibView 82 (empty)
//! ```
//!
//! A tag outside this list is kept as [`ValueRef::Other`] with its raw
//! octets: the framing is intact, so the varbind is not lost.

use std::fmt;

use crate::ber::{
    self, DecodeError, DecodeErrorKind, OpaqueValue, Tlv, Writer, decode_i64, decode_opaque,
    decode_unsigned, err, tag,
};
use crate::oid::{Oid, OidRef};

/// A value borrowed from the message it was decoded from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// INTEGER (Integer32 on the wire from well-behaved agents; up to 64
    /// bits accepted).
    Integer(i64),
    /// OCTET STRING.
    OctetString(&'a [u8]),
    /// NULL (the value of every varbind in a request).
    Null,
    /// OBJECT IDENTIFIER.
    ObjectId(OidRef<'a>),
    /// IpAddress.
    IpAddress([u8; 4]),
    /// Counter32.
    Counter32(u32),
    /// Gauge32 / Unsigned32.
    Gauge32(u32),
    /// TimeTicks (hundredths of a second).
    TimeTicks(u32),
    /// Opaque, with net-snmp's wrapped Float/Double/Counter64/I64/U64.
    Opaque(OpaqueValue<'a>),
    /// NsapAddress (SMIv1).
    NsapAddress(&'a [u8]),
    /// Counter64.
    Counter64(u64),
    /// noSuchObject exception (v2c/v3 responses).
    NoSuchObject,
    /// noSuchInstance exception.
    NoSuchInstance,
    /// endOfMibView exception.
    EndOfMibView,
    /// A tag this codec does not know, with its raw content.
    Other {
        /// The tag octet.
        tag: u8,
        /// The content octets.
        value: &'a [u8],
    },
}

#[inline(always)]
fn to_u32(x: u64, tlv: &Tlv<'_>) -> Result<u32, DecodeError> {
    u32::try_from(x).map_err(|_| err(DecodeErrorKind::BadInteger, tlv.value_offset))
}

/// An INTEGER's value, also accepting redundant leading octets
/// (`00 00 05`, `ff ff 80`): the second value says whether any were
/// skipped.
pub fn decode_i64_lenient(tlv: &Tlv<'_>) -> Result<(i64, bool), DecodeError> {
    let mut v = tlv.value;
    let mut skipped = 0;
    while v.len() > 1
        && ((v[0] == 0 && v[1] & 0x80 == 0) || (v[0] == 0xff && v[1] & 0x80 != 0))
        && v.len() > 8
    {
        v = &v[1..];
        skipped += 1;
    }
    let inner = Tlv {
        value: v,
        value_offset: tlv.value_offset + skipped,
        ..*tlv
    };
    Ok((decode_i64(&inner)?, skipped > 0))
}

impl<'a> ValueRef<'a> {
    /// Decodes a value TLV strictly.
    pub fn decode(tlv: &Tlv<'a>) -> Result<Self, DecodeError> {
        Ok(Self::decode_with(tlv, false)?.0)
    }

    /// Decodes a value TLV. With `lenient`, unsigned types that an agent
    /// encoded as negative numbers and integers with redundant leading
    /// octets are accepted; the second value says a repair was made.
    #[inline(always)]
    pub fn decode_with(tlv: &Tlv<'a>, lenient: bool) -> Result<(Self, bool), DecodeError> {
        #[inline(always)]
        fn empty<'a>(tlv: &Tlv<'a>, v: ValueRef<'a>) -> Result<(ValueRef<'a>, bool), DecodeError> {
            if tlv.value.is_empty() {
                Ok((v, false))
            } else {
                Err(err(DecodeErrorKind::BadNull, tlv.value_offset))
            }
        }
        #[inline(always)]
        fn unsigned32<'a>(
            tlv: &Tlv<'a>,
            lenient: bool,
            make: fn(u32) -> ValueRef<'a>,
        ) -> Result<(ValueRef<'a>, bool), DecodeError> {
            let (x, repaired) = decode_unsigned(tlv, 32, lenient)?;
            Ok((make(to_u32(x, tlv)?), repaired))
        }
        match tlv.tag {
            tag::INTEGER => {
                if lenient {
                    let (v, repaired) = decode_i64_lenient(tlv)?;
                    Ok((ValueRef::Integer(v), repaired))
                } else {
                    Ok((ValueRef::Integer(decode_i64(tlv)?), false))
                }
            }
            tag::OCTET_STRING => Ok((ValueRef::OctetString(tlv.value), false)),
            tag::NULL => empty(tlv, ValueRef::Null),
            tag::OID => Ok((ValueRef::ObjectId(OidRef::from_tlv(tlv)?), false)),
            tag::IP_ADDRESS => {
                let a: [u8; 4] = tlv
                    .value
                    .try_into()
                    .map_err(|_| err(DecodeErrorKind::WrongValueLength, tlv.value_offset))?;
                Ok((ValueRef::IpAddress(a), false))
            }
            tag::COUNTER32 => unsigned32(tlv, lenient, ValueRef::Counter32),
            tag::GAUGE32 => unsigned32(tlv, lenient, ValueRef::Gauge32),
            tag::TIMETICKS => unsigned32(tlv, lenient, ValueRef::TimeTicks),
            tag::OPAQUE => Ok((ValueRef::Opaque(decode_opaque(tlv)?), false)),
            tag::NSAP_ADDRESS => Ok((ValueRef::NsapAddress(tlv.value), false)),
            tag::COUNTER64 => {
                let (x, repaired) = decode_unsigned(tlv, 64, lenient)?;
                Ok((ValueRef::Counter64(x), repaired))
            }
            tag::NO_SUCH_OBJECT => empty(tlv, ValueRef::NoSuchObject),
            tag::NO_SUCH_INSTANCE => empty(tlv, ValueRef::NoSuchInstance),
            tag::END_OF_MIB_VIEW => empty(tlv, ValueRef::EndOfMibView),
            other => Ok((
                ValueRef::Other {
                    tag: other,
                    value: tlv.value,
                },
                false,
            )),
        }
    }

    /// Appends the value's TLV.
    #[inline]
    pub fn encode(&self, w: &mut Writer) {
        match *self {
            ValueRef::Integer(v) => w.i64(tag::INTEGER, v),
            ValueRef::OctetString(s) => w.primitive(tag::OCTET_STRING, s),
            ValueRef::Null => w.primitive(tag::NULL, &[]),
            ValueRef::ObjectId(o) => w.primitive(tag::OID, o.as_bytes()),
            ValueRef::IpAddress(a) => w.primitive(tag::IP_ADDRESS, &a),
            ValueRef::Counter32(v) => w.unsigned(tag::COUNTER32, u64::from(v)),
            ValueRef::Gauge32(v) => w.unsigned(tag::GAUGE32, u64::from(v)),
            ValueRef::TimeTicks(v) => w.unsigned(tag::TIMETICKS, u64::from(v)),
            ValueRef::Opaque(o) => w.opaque(&o),
            ValueRef::NsapAddress(s) => w.primitive(tag::NSAP_ADDRESS, s),
            ValueRef::Counter64(v) => w.unsigned(tag::COUNTER64, v),
            ValueRef::NoSuchObject => w.primitive(tag::NO_SUCH_OBJECT, &[]),
            ValueRef::NoSuchInstance => w.primitive(tag::NO_SUCH_INSTANCE, &[]),
            ValueRef::EndOfMibView => w.primitive(tag::END_OF_MIB_VIEW, &[]),
            ValueRef::Other { tag, value } => w.primitive(tag, value),
        }
    }

    /// The type's name as net-snmp prints it (`INTEGER`, `STRING`,
    /// `OID`, `Counter64`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            ValueRef::Integer(_) => "INTEGER",
            ValueRef::OctetString(_) => "STRING",
            ValueRef::Null => "NULL",
            ValueRef::ObjectId(_) => "OID",
            ValueRef::IpAddress(_) => "IpAddress",
            ValueRef::Counter32(_) => "Counter32",
            ValueRef::Gauge32(_) => "Gauge32",
            ValueRef::TimeTicks(_) => "Timeticks",
            ValueRef::Opaque(OpaqueValue::Float(_)) => "Opaque: Float",
            ValueRef::Opaque(OpaqueValue::Double(_)) => "Opaque: Double",
            ValueRef::Opaque(OpaqueValue::Counter64(_)) => "Opaque: Counter64",
            ValueRef::Opaque(OpaqueValue::I64(_)) => "Opaque: Integer64",
            ValueRef::Opaque(OpaqueValue::U64(_)) => "Opaque: UInteger64",
            ValueRef::Opaque(OpaqueValue::Raw(_)) => "Opaque",
            ValueRef::NsapAddress(_) => "NsapAddress",
            ValueRef::Counter64(_) => "Counter64",
            ValueRef::NoSuchObject => "noSuchObject",
            ValueRef::NoSuchInstance => "noSuchInstance",
            ValueRef::EndOfMibView => "endOfMibView",
            ValueRef::Other { .. } => "Other",
        }
    }

    /// Whether this is one of the three v2 exceptions.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            ValueRef::NoSuchObject | ValueRef::NoSuchInstance | ValueRef::EndOfMibView
        )
    }

    /// An owned copy.
    pub fn to_owned_value(&self) -> Value {
        match *self {
            ValueRef::Integer(v) => Value::Integer(v),
            ValueRef::OctetString(s) => Value::OctetString(s.to_vec()),
            ValueRef::Null => Value::Null,
            ValueRef::ObjectId(o) => Value::ObjectId(o.to_oid()),
            ValueRef::IpAddress(a) => Value::IpAddress(a),
            ValueRef::Counter32(v) => Value::Counter32(v),
            ValueRef::Gauge32(v) => Value::Gauge32(v),
            ValueRef::TimeTicks(v) => Value::TimeTicks(v),
            ValueRef::Opaque(o) => Value::Opaque(Opaque::from(o)),
            ValueRef::NsapAddress(s) => Value::NsapAddress(s.to_vec()),
            ValueRef::Counter64(v) => Value::Counter64(v),
            ValueRef::NoSuchObject => Value::NoSuchObject,
            ValueRef::NoSuchInstance => Value::NoSuchInstance,
            ValueRef::EndOfMibView => Value::EndOfMibView,
            ValueRef::Other { tag, value } => Value::Other {
                tag,
                value: value.to_vec(),
            },
        }
    }
}

impl fmt::Display for ValueRef<'_> {
    /// net-snmp's style without the type prefix: strings as text when
    /// printable, else hex; addresses dotted; OIDs dotted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ValueRef::Integer(v) => write!(f, "{v}"),
            ValueRef::OctetString(s) | ValueRef::NsapAddress(s) => {
                if is_printable(s) {
                    f.write_str(&String::from_utf8_lossy(s))
                } else {
                    write_hex(f, s)
                }
            }
            ValueRef::Null => f.write_str("NULL"),
            ValueRef::ObjectId(o) => write!(f, "{o}"),
            ValueRef::IpAddress([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            ValueRef::Counter32(v) | ValueRef::Gauge32(v) | ValueRef::TimeTicks(v) => {
                write!(f, "{v}")
            }
            ValueRef::Opaque(o) => match o {
                OpaqueValue::Float(x) => write!(f, "{x}"),
                OpaqueValue::Double(x) => write!(f, "{x}"),
                OpaqueValue::Counter64(x) | OpaqueValue::U64(x) => write!(f, "{x}"),
                OpaqueValue::I64(x) => write!(f, "{x}"),
                OpaqueValue::Raw(s) => write_hex(f, s),
            },
            ValueRef::Counter64(v) => write!(f, "{v}"),
            ValueRef::NoSuchObject => {
                f.write_str("No Such Object available on this agent at this OID")
            }
            ValueRef::NoSuchInstance => {
                f.write_str("No Such Instance currently exists at this OID")
            }
            ValueRef::EndOfMibView => f.write_str("No more variables left in this MIB View"),
            ValueRef::Other { value, .. } => write_hex(f, value),
        }
    }
}

/// Whether octets read as text: UTF-8 without control characters other
/// than tab, CR and LF (a trailing NUL is tolerated, as agents send it).
pub fn is_printable(s: &[u8]) -> bool {
    let s = s.strip_suffix(&[0]).unwrap_or(s);
    std::str::from_utf8(s).is_ok_and(|t| {
        t.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'))
    })
}

fn write_hex(f: &mut fmt::Formatter<'_>, s: &[u8]) -> fmt::Result {
    for (i, b) in s.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{b:02X}")?;
    }
    Ok(())
}

/// An owned Opaque content.
#[derive(Debug, Clone, PartialEq)]
pub enum Opaque {
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
    Raw(Vec<u8>),
}

impl From<OpaqueValue<'_>> for Opaque {
    fn from(o: OpaqueValue<'_>) -> Self {
        match o {
            OpaqueValue::Float(x) => Opaque::Float(x),
            OpaqueValue::Double(x) => Opaque::Double(x),
            OpaqueValue::Counter64(x) => Opaque::Counter64(x),
            OpaqueValue::I64(x) => Opaque::I64(x),
            OpaqueValue::U64(x) => Opaque::U64(x),
            OpaqueValue::Raw(r) => Opaque::Raw(r.to_vec()),
        }
    }
}

impl Opaque {
    /// A borrowed view.
    pub fn as_ref(&self) -> OpaqueValue<'_> {
        match self {
            Opaque::Float(x) => OpaqueValue::Float(*x),
            Opaque::Double(x) => OpaqueValue::Double(*x),
            Opaque::Counter64(x) => OpaqueValue::Counter64(*x),
            Opaque::I64(x) => OpaqueValue::I64(*x),
            Opaque::U64(x) => OpaqueValue::U64(*x),
            Opaque::Raw(r) => OpaqueValue::Raw(r),
        }
    }
}

/// An owned value, for building messages and keeping results.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// INTEGER.
    Integer(i64),
    /// OCTET STRING.
    OctetString(Vec<u8>),
    /// NULL.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectId(Oid),
    /// IpAddress.
    IpAddress([u8; 4]),
    /// Counter32.
    Counter32(u32),
    /// Gauge32 / Unsigned32.
    Gauge32(u32),
    /// TimeTicks.
    TimeTicks(u32),
    /// Opaque.
    Opaque(Opaque),
    /// NsapAddress.
    NsapAddress(Vec<u8>),
    /// Counter64.
    Counter64(u64),
    /// noSuchObject.
    NoSuchObject,
    /// noSuchInstance.
    NoSuchInstance,
    /// endOfMibView.
    EndOfMibView,
    /// An unknown tag with its raw content.
    Other {
        /// The tag octet.
        tag: u8,
        /// The content octets.
        value: Vec<u8>,
    },
}

impl Value {
    /// Appends the value's TLV.
    #[inline]
    pub fn encode(&self, w: &mut Writer) {
        match self {
            Value::ObjectId(o) => {
                let start = w.begin(tag::OID);
                o.write_ber(&mut w.buf);
                w.end(start);
            }
            Value::OctetString(s) => w.primitive(tag::OCTET_STRING, s),
            other => other.as_ref_simple().encode(w),
        }
    }

    /// A borrowed view of every variant but ObjectId (whose borrowed form
    /// is BER octets), for the one-pass encoder.
    #[inline]
    pub(crate) fn as_simple_ref(&self) -> Option<ValueRef<'_>> {
        match self {
            Value::ObjectId(_) => None,
            other => Some(other.as_ref_simple()),
        }
    }

    // Every variant but ObjectId borrows without conversion.
    #[inline]
    fn as_ref_simple(&self) -> ValueRef<'_> {
        match self {
            Value::Integer(v) => ValueRef::Integer(*v),
            Value::OctetString(s) => ValueRef::OctetString(s),
            Value::Null | Value::ObjectId(_) => ValueRef::Null,
            Value::IpAddress(a) => ValueRef::IpAddress(*a),
            Value::Counter32(v) => ValueRef::Counter32(*v),
            Value::Gauge32(v) => ValueRef::Gauge32(*v),
            Value::TimeTicks(v) => ValueRef::TimeTicks(*v),
            Value::Opaque(o) => ValueRef::Opaque(o.as_ref()),
            Value::NsapAddress(s) => ValueRef::NsapAddress(s),
            Value::Counter64(v) => ValueRef::Counter64(*v),
            Value::NoSuchObject => ValueRef::NoSuchObject,
            Value::NoSuchInstance => ValueRef::NoSuchInstance,
            Value::EndOfMibView => ValueRef::EndOfMibView,
            Value::Other { tag, value } => ValueRef::Other { tag: *tag, value },
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::OctetString(v.as_bytes().to_vec())
    }
}

impl From<Oid> for Value {
    fn from(v: Oid) -> Self {
        Value::ObjectId(v)
    }
}

/// Decodes one value from its complete TLV octets (for tests and tools).
pub fn decode_value(bytes: &[u8]) -> Result<ValueRef<'_>, DecodeError> {
    let mut r = ber::Reader::new(bytes);
    let tlv = r.read()?;
    r.finish()?;
    ValueRef::decode(&tlv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(v: Value) {
        let mut w = Writer::new();
        v.encode(&mut w);
        let back = decode_value(&w.buf).unwrap().to_owned_value();
        assert_eq!(back, v, "{:02x?}", w.buf);
    }

    #[test]
    fn every_type_round_trips() {
        for v in [
            Value::Integer(0),
            Value::Integer(-1),
            Value::Integer(i64::MIN),
            Value::Integer(i64::MAX),
            Value::OctetString(b"abc".to_vec()),
            Value::OctetString(vec![]),
            Value::Null,
            Value::ObjectId("1.3.6.1.2.1.1.1.0".parse().unwrap()),
            Value::IpAddress([127, 0, 0, 1]),
            Value::Counter32(u32::MAX),
            Value::Gauge32(0),
            Value::TimeTicks(123_456),
            Value::Opaque(Opaque::Float(1.5)),
            Value::Opaque(Opaque::Double(-2.25)),
            Value::Opaque(Opaque::Counter64(u64::MAX)),
            Value::Opaque(Opaque::I64(-5)),
            Value::Opaque(Opaque::U64(1 << 63)),
            Value::Opaque(Opaque::Raw(vec![1, 2, 3])),
            Value::NsapAddress(vec![0x47, 0, 5]),
            Value::Counter64(u64::MAX),
            Value::Counter64(1 << 63),
            Value::Counter64(0),
            Value::NoSuchObject,
            Value::NoSuchInstance,
            Value::EndOfMibView,
            Value::Other {
                tag: 0x47,
                value: vec![9],
            },
        ] {
            roundtrip(v);
        }
    }

    #[test]
    fn lenient_paths_are_flagged() {
        // Counter32 encoded as negative (no leading zero).
        let neg = [0x41, 0x04, 0xff, 0xff, 0xff, 0xfe];
        let tlv = ber::Reader::new(&neg).read().unwrap();
        assert_eq!(
            ValueRef::decode(&tlv).unwrap_err().kind,
            DecodeErrorKind::BadInteger
        );
        assert_eq!(
            ValueRef::decode_with(&tlv, true).unwrap(),
            (ValueRef::Counter32(0xffff_fffe), true)
        );
        // A 10-octet INTEGER with redundant leading octets.
        let wide = [0x02, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
        let tlv = ber::Reader::new(&wide).read().unwrap();
        assert!(ValueRef::decode(&tlv).is_err());
        assert_eq!(
            ValueRef::decode_with(&tlv, true).unwrap(),
            (ValueRef::Integer(5), true)
        );
        // Too wide for 32 bits even when lenient.
        let big = [0x41, 0x05, 0x01, 0, 0, 0, 0];
        let tlv = ber::Reader::new(&big).read().unwrap();
        assert!(ValueRef::decode_with(&tlv, true).is_err());
    }

    #[test]
    fn exceptions_with_content_and_short_addresses_are_errors() {
        assert_eq!(
            decode_value(&[0x80, 0x01, 0x00]).unwrap_err().kind,
            DecodeErrorKind::BadNull
        );
        let e = decode_value(&[0x40, 0x03, 1, 2, 3]).unwrap_err();
        assert_eq!((e.kind, e.offset), (DecodeErrorKind::WrongValueLength, 2));
    }
}
