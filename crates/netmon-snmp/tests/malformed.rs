//! Damaged input: the malformed captures of the corpus (crashes of other
//! decoders), and every truncation and many bit flips of every corpus
//! message. Each gives an error with a byte offset inside the input, or a
//! decode — never a panic — and no single allocation made while decoding
//! and copying a message is larger than the message itself.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use netmon_snmp::message::{DecodeOptions, ScopedPduDataRef};
use netmon_snmp::{DecodeError, MessageRef};

/// Records the largest allocation made on this thread while armed.
struct Watch;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the bookkeeping touches only
// thread-local cells, which do not allocate.
unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same layout, passed through.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the pointer came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note(size: usize) {
    let _ = ARMED.try_with(|a| {
        if a.get() {
            let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
        }
    });
}

#[global_allocator]
static GLOBAL: Watch = Watch;

fn arm() {
    LARGEST.with(|l| l.set(0));
    ARMED.with(|a| a.set(true));
}

fn disarm() -> usize {
    ARMED.with(|a| a.set(false));
    LARGEST.with(|l| l.get())
}

/// Decodes a message and walks every varbind with the allocation watch
/// armed (this path must not allocate at all), then makes an owned copy
/// (whose largest allocation is returned).
fn exercise(bytes: &[u8], lenient: bool) -> (Option<DecodeError>, usize) {
    arm();
    let decoded = (|| -> Result<MessageRef<'_>, DecodeError> {
        let m = netmon_snmp::decode_with(bytes, DecodeOptions { lenient })?;
        match &m {
            MessageRef::Community(c) => {
                if let Some(v) = c.pdu.varbinds() {
                    v.check()?;
                }
            }
            MessageRef::V3(v) => {
                if let ScopedPduDataRef::Plaintext(s) = &v.data
                    && let Some(vb) = s.pdu.varbinds()
                {
                    vb.check()?;
                }
            }
            MessageRef::Unknown { .. } => {}
        }
        Ok(m)
    })();
    let during_decode = disarm();
    assert_eq!(
        during_decode, 0,
        "the borrowed decode allocated {during_decode} octets"
    );
    let m = match decoded {
        Ok(m) => m,
        Err(e) => return (Some(e), 0),
    };
    arm();
    let owned = m.to_owned_message();
    let largest = disarm();
    std::hint::black_box(&owned);
    (owned.err(), largest)
}

fn check(bytes: &[u8], what: &str) -> bool {
    let mut ok = false;
    for lenient in [false, true] {
        let (err, largest) = exercise(bytes, lenient);
        if let Some(e) = err {
            assert!(
                e.offset <= bytes.len(),
                "{what}: offset {} past {}",
                e.offset,
                bytes.len()
            );
            // The message says where.
            assert!(e.to_string().contains(&format!("at byte {}", e.offset)));
        } else {
            ok = true;
        }
        // The owned copy: octet vectors hold at most the input's octets,
        // OID arcs at most 4 octets per input octet, and the varbind list
        // one VarBind per 7 input octets (the smallest varbind), with Vec's
        // doubling. Nothing is sized by a declared length.
        let per_element = 2 * std::mem::size_of::<netmon_snmp::VarBind>() * (bytes.len() / 7 + 4);
        let bound = (4 * bytes.len()).max(per_element);
        assert!(
            largest <= bound,
            "{what}: allocation of {largest} octets for {} octets of input",
            bytes.len()
        );
    }
    ok
}

fn corpus_messages() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for name in support::BIN_MESSAGES {
        if let Some(p) = netmon_testkit::corpus_file(&format!("snmp/bin/{name}")) {
            out.push((name.to_string(), std::fs::read(p).unwrap()));
        }
    }
    for name in [
        "netsnmp-5.9.3-loopback.pcap",
        "snmpv1_get.pcap",
        "snmpv1_trap.pcap",
        "snmpv2_get_bulk.pcap",
        "snmpv3_get_next.pcap",
    ] {
        if let Some(p) = netmon_testkit::corpus_file(&format!("snmp/pcap/{name}")) {
            for f in support::messages(&p) {
                out.push((format!("{name} frame {}", f.frame), f.bytes));
            }
        }
    }
    out
}

#[test]
fn malformed_captures_give_errors_with_offsets() {
    let mut seen = 0;
    let mut errors = Vec::new();
    for name in [
        "ip-snmp-leftshift-unsigned.pcap",
        "ip6-snmp-oid-unsigned.pcap",
        "snmp-heapoverflow-1.pcap",
        "snmp-heapoverflow-2.pcap",
        "snmp-oid-subidentifier-too-long.pcap",
    ] {
        let Some(path) = netmon_testkit::corpus_file(&format!("snmp/malformed/{name}")) else {
            return;
        };
        let found = support::messages(&path);
        assert!(!found.is_empty(), "{name}: no SNMP datagram found");
        for f in found {
            let what = format!("{name} frame {}", f.frame);
            if !check(&f.bytes, &what) {
                let (e, _) = exercise(&f.bytes, false);
                errors.push(format!("{what}: {}", e.unwrap()));
            }
            seen += 1;
        }
    }
    eprintln!(
        "{seen} malformed datagrams; errors:\n  {}",
        errors.join("\n  ")
    );
    // Each of these files exists because some decoder crashed on it; each
    // must be refused here with a position.
    assert!(errors.len() >= 5, "{errors:?}");
}

#[test]
fn every_truncation_of_every_corpus_message_is_an_error() {
    let msgs = corpus_messages();
    assert!(msgs.len() > 50 || msgs.is_empty());
    for (what, bytes) in &msgs {
        for n in 0..bytes.len() {
            let cut = &bytes[..n];
            let (err, _) = exercise(cut, false);
            let e = err.unwrap_or_else(|| panic!("{what}: prefix of {n} octets decoded"));
            assert!(e.offset <= n, "{what}[..{n}]: offset {}", e.offset);
            check(cut, what);
        }
    }
}

#[test]
fn bit_flips_never_panic_and_errors_stay_inside() {
    let msgs = corpus_messages();
    let mut flips = 0u64;
    let mut errors = 0u64;
    for (what, bytes) in msgs.iter().take(60) {
        let bytes: &[u8] = bytes;
        let mut b = bytes.to_vec();
        for i in 0..b.len() {
            for bit in 0..8 {
                b[i] ^= 1 << bit;
                if !check(&b, what) {
                    errors += 1;
                }
                flips += 1;
                b[i] ^= 1 << bit;
            }
        }
        assert_eq!(b, bytes);
    }
    eprintln!("{flips} single-bit flips, {errors} refused with an offset, the rest decoded");
    assert!(flips == 0 || errors > 0);
}
