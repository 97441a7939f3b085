//! Capture quality, as an analyst checks it before trusting a capture:
//! packets cut by the snap length, records longer than the declared snap
//! length, time going backwards, duplicated frames (a packet captured
//! twice, as SPAN ports and `-i any` do), bad IPv4/TCP/UDP checksums,
//! and whether the bad transport checksums look like checksum offload
//! (all from one sender: the capturing host, whose NIC fills them in
//! after the capture point).
//!
//! ```
//! use netmon_pcap::lint::Lint;
//! let lint = Lint::new();
//! assert_eq!(lint.report().packets, 0);
//! ```

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use crate::dissect::{ChecksumStatus, Fields};
use crate::file::Packet;

/// How many earlier frames a duplicate is looked for among.
const DUPLICATE_WINDOW: usize = 64;
/// How close in time a duplicate must be (1 ms).
const DUPLICATE_NS: i128 = 1_000_000;
/// Frame numbers kept as examples per finding.
const EXAMPLES: usize = 5;

/// One kind of finding: how often, and the first frames.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Finding {
    /// Packets concerned.
    pub count: u64,
    /// The first few frame numbers.
    pub examples: Vec<u64>,
}

impl Finding {
    fn add(&mut self, frame: u64) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(frame);
        }
    }
}

/// The report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Packets looked at.
    pub packets: u64,
    /// Captured shorter than on the wire.
    pub truncated: Finding,
    /// Captured longer than the file's snap length.
    pub over_snaplen: Finding,
    /// Earlier than the packet before.
    pub time_backwards: Finding,
    /// The same frame again within 64 frames and 1 ms.
    pub duplicates: Finding,
    /// Bad IPv4 header checksums.
    pub bad_ip_checksums: Finding,
    /// Bad TCP or UDP checksums.
    pub bad_transport_checksums: Finding,
    /// When every bad TCP/UDP checksum came from one source address:
    /// that address (most likely the capturing host with checksum
    /// offload; not a network problem).
    pub offload_suspect: Option<IpAddr>,
    /// Where decoding stopped short (malformed or cut headers).
    pub malformed: Finding,
}

impl Report {
    /// The findings with counts, for printing: (name, finding).
    pub fn findings(&self) -> [(&'static str, &Finding); 7] {
        [
            ("truncated by the snap length", &self.truncated),
            ("longer than the snap length", &self.over_snaplen),
            ("time going backwards", &self.time_backwards),
            ("duplicate frames", &self.duplicates),
            ("bad IPv4 header checksums", &self.bad_ip_checksums),
            ("bad TCP/UDP checksums", &self.bad_transport_checksums),
            ("headers cut or malformed", &self.malformed),
        ]
    }
}

/// Accumulates a [`Report`] packet by packet, in constant memory.
#[derive(Debug, Default)]
pub struct Lint {
    report: Report,
    last_ts: Option<i128>,
    recent: VecDeque<(u64, usize, i128)>,
    bad_sources: HashMap<IpAddr, u64>,
}

impl Lint {
    /// An empty lint.
    pub fn new() -> Self {
        Lint::default()
    }

    /// Looks at one packet and its decoded fields.
    pub fn add(&mut self, p: &Packet<'_>, f: &Fields) {
        let r = &mut self.report;
        r.packets += 1;
        if (p.data.len() as u64) < u64::from(p.orig_len) {
            r.truncated.add(p.number);
        }
        if p.snaplen != 0 && p.data.len() as u64 > u64::from(p.snaplen) {
            r.over_snaplen.add(p.number);
        }
        if self.last_ts.is_some_and(|t| p.ts_ns < t) {
            r.time_backwards.add(p.number);
        }
        self.last_ts = Some(p.ts_ns);
        let mut h = DefaultHasher::new();
        p.data.hash(&mut h);
        let hash = h.finish();
        if self.recent.iter().any(|(x, len, ts)| {
            *x == hash && *len == p.data.len() && (p.ts_ns - ts).abs() <= DUPLICATE_NS
        }) {
            r.duplicates.add(p.number);
        }
        if self.recent.len() == DUPLICATE_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back((hash, p.data.len(), p.ts_ns));
        if f.ip_checksum == Some(ChecksumStatus::Bad) {
            r.bad_ip_checksums.add(p.number);
        }
        if f.tcp_checksum == Some(ChecksumStatus::Bad)
            || f.udp_checksum == Some(ChecksumStatus::Bad)
        {
            r.bad_transport_checksums.add(p.number);
            let src = f.ip_src.map(IpAddr::V4).or(f.ipv6_src.map(IpAddr::V6));
            if let Some(src) = src
                && (self.bad_sources.len() < 1024 || self.bad_sources.contains_key(&src))
            {
                *self.bad_sources.entry(src).or_default() += 1;
            }
        }
        if f.stopped.is_some() {
            r.malformed.add(p.number);
        }
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        let mut r = self.report.clone();
        if self.bad_sources.len() == 1 && r.bad_transport_checksums.count >= 2 {
            r.offload_suspect = self.bad_sources.keys().next().copied();
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::dissect;
    use crate::transport::link;

    fn packet(number: u64, ts_ns: i128, data: &[u8], orig_len: u32) -> Packet<'_> {
        Packet {
            number,
            ts_ns,
            link_type: link::ETHERNET,
            interface: 0,
            data,
            orig_len,
            offset: 0,
            snaplen: 100,
            options: &[],
            options_offset: 0,
            big_endian: false,
        }
    }

    #[test]
    fn each_finding() {
        let mut lint = Lint::new();
        let frame = vec![0xaa; 60];
        let big = vec![0xbb; 120];
        let f = dissect(link::ETHERNET, &frame);
        lint.add(&packet(1, 1_000, &frame, 60), &f);
        lint.add(&packet(2, 1_500, &frame, 60), &f); // duplicate
        lint.add(&packet(3, 900, &big[..50], 120), &f); // backwards, cut
        lint.add(&packet(4, 2_000_000_000, &big, 120), &f); // over snaplen
        lint.add(&packet(5, 3_000_000_000, &frame, 60), &f); // same, but 3 s later
        let r = lint.report();
        assert_eq!(r.packets, 5);
        assert_eq!(r.duplicates.examples, [2]);
        assert_eq!(r.time_backwards.examples, [3]);
        assert_eq!(r.truncated.examples, [3]);
        assert_eq!(r.over_snaplen.examples, [4]);
        assert_eq!(r.offload_suspect, None);
        // Bad TCP checksums all from one sender: offload on that host.
        let bad = Fields {
            ip_src: Some(std::net::Ipv4Addr::new(10, 0, 0, 1)),
            tcp_checksum: Some(ChecksumStatus::Bad),
            ..Fields::default()
        };
        lint.add(&packet(6, 4_000_000_000, &big[..10], 10), &bad);
        lint.add(&packet(7, 5_000_000_000, &big[..20], 20), &bad);
        let r = lint.report();
        assert_eq!(r.bad_transport_checksums.count, 2);
        assert_eq!(r.offload_suspect, Some("10.0.0.1".parse().unwrap()));
    }
}
