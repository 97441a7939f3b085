//! Any bytes as two captures (split at the first octet's proportion) to
//! correlate: never panics; every count in the report is bounded by the
//! packets given; the clock estimate is a number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_pcap::SliceReader;
use netmon_pcap::correlate::{Seen, correlate, seen};
use netmon_pcap::dissect::dissect_frame;

fn packets(data: &[u8]) -> Vec<Seen> {
    let Ok(r) = SliceReader::new(data) else {
        return Vec::new();
    };
    r.take(10_000)
        .map_while(Result::ok)
        .map(|p| {
            let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
            seen(p.number, p.ts_ns, p.data, &f)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let at = rest.len() * usize::from(cut) / 256;
    let (a, b) = (packets(&rest[..at]), packets(&rest[at..]));
    let r = correlate(&a, &b);
    assert!(r.matched as usize <= a.len().min(b.len()));
    assert!(!r.offset_ns.is_nan() && !r.drift_ppm.is_nan());
    for f in &r.flows {
        for d in [f.a_to_b, f.b_to_a] {
            let total = d.matched + d.lost_on_path + d.missed_by_capture + d.unseen;
            assert!(total as usize <= a.len() + b.len());
        }
    }
});
