//! Any bytes as one SNMP message (strict and lenient): decoding never
//! panics, errors point inside the input, and whatever decodes survives
//! decode → owned → encode → decode → encode with the two encodings equal
//! (the canonical form is a fixed point).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_snmp::message::{DecodeOptions, ScopedPduDataRef};
use netmon_snmp::{MessageRef, decode_with};

fn walk(m: &MessageRef<'_>) -> Result<(), netmon_snmp::DecodeError> {
    let vbs = match m {
        MessageRef::Community(c) => c.pdu.varbinds(),
        MessageRef::V3(v) => match &v.data {
            ScopedPduDataRef::Plaintext(s) => s.pdu.varbinds(),
            ScopedPduDataRef::Encrypted(_) => None,
        },
        MessageRef::Unknown { .. } => None,
    };
    if let Some(v) = vbs {
        for vb in v {
            let vb = vb?;
            let _ = vb.name.arcs().count();
            let _ = vb.value.to_string();
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    for lenient in [false, true] {
        let m = match decode_with(data, DecodeOptions { lenient }) {
            Ok(m) => m,
            Err(e) => {
                assert!(e.offset <= data.len(), "{e}");
                continue;
            }
        };
        if let Err(e) = walk(&m) {
            assert!(e.offset <= data.len(), "{e}");
            continue;
        }
        let owned = m.to_owned_message().expect("walked, so it copies");
        let first = owned.to_bytes();
        let again = decode_with(&first, DecodeOptions::default())
            .expect("our own encoding decodes")
            .to_owned_message()
            .expect("and copies");
        assert_eq!(again.to_bytes(), first, "canonical form is a fixed point");
        if !lenient && first == data {
            // Canonical input: nothing was lost.
            assert_eq!(first.len(), data.len());
        }
    }
});
