//! Any bytes through the SNMP BER layer: walking TLVs never panics, every
//! error's offset lies inside the input, every OID that decodes re-encodes
//! to its own bytes and prints as text that parses back to it, and
//! re-encoding the walked tree reproduces the input whenever the input
//! used minimal lengths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_snmp::ber::{OpaqueValue, Reader, Writer, decode_i64, decode_opaque, decode_unsigned, tag};
use netmon_snmp::oid::{Oid, OidRef};

fn walk(r: &mut Reader<'_>, w: &mut Writer, len: usize) -> bool {
    while !r.is_empty() {
        let t = match r.read() {
            Ok(t) => t,
            Err(e) => {
                assert!(e.offset <= len, "{e}");
                return false;
            }
        };
        if t.is_constructed() {
            let mut inner = match r.enter(&t) {
                Ok(i) => i,
                Err(e) => {
                    assert!(e.offset <= len, "{e}");
                    return false;
                }
            };
            let open = w.begin(t.tag);
            let ok = walk(&mut inner, w, len);
            w.end(open);
            if !ok {
                return false;
            }
            continue;
        }
        match t.tag {
            tag::INTEGER => {
                let _ = decode_i64(&t);
            }
            tag::COUNTER32 | tag::GAUGE32 | tag::TIMETICKS => {
                let _ = decode_unsigned(&t, 32, true);
            }
            tag::COUNTER64 => {
                let _ = decode_unsigned(&t, 64, false);
            }
            tag::OPAQUE => match decode_opaque(&t) {
                Ok(v) => {
                    let mut again = Writer::new();
                    again.opaque(&v);
                    let t2 = Reader::new(&again.buf).expect(tag::OPAQUE).unwrap();
                    let v2 = decode_opaque(&t2).unwrap();
                    assert_eq!(bits(&v), bits(&v2), "{v:?}");
                }
                Err(e) => assert!(e.offset <= len, "{e}"),
            },
            _ => {}
        }
        match OidRef::from_tlv(&t) {
            Ok(o) => {
                let owned = o.to_oid();
                assert_eq!(owned.to_ber(), t.value);
                let text = owned.to_string();
                assert_eq!(text.parse::<Oid>().ok().as_ref(), Some(&owned), "{text}");
            }
            Err(e) => assert!(e.offset <= len),
        }
        w.primitive(t.tag, t.value);
    }
    true
}

/// An Opaque value compared by bits (NaN floats included).
fn bits(v: &OpaqueValue<'_>) -> (u8, u64, Vec<u8>) {
    match *v {
        OpaqueValue::Float(f) => (0, u64::from(f.to_bits()), vec![]),
        OpaqueValue::Double(d) => (1, d.to_bits(), vec![]),
        OpaqueValue::Counter64(u) => (2, u, vec![]),
        OpaqueValue::I64(i) => (3, i as u64, vec![]),
        OpaqueValue::U64(u) => (4, u, vec![]),
        OpaqueValue::Raw(r) => (5, 0, r.to_vec()),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut w = Writer::new();
    if walk(&mut Reader::new(data), &mut w, data.len()) {
        // Same bytes unless the input used a non-minimal long length.
        if w.buf != data {
            let mut again = Writer::new();
            assert!(walk(&mut Reader::new(&w.buf), &mut again, w.buf.len()));
            assert_eq!(again.buf, w.buf, "re-encoding is stable");
        }
    }
});
