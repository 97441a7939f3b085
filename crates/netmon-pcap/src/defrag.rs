//! IP defragmentation with bounded memory and timeouts: IPv4 fragments,
//! and IPv6 fragments whose Fragment header follows the fixed header.
//! Fragments may come in any order, overlap or repeat; a datagram is
//! given back (header with its length fixed and its fragment fields
//! cleared, then the whole payload) once every octet is there. Memory is
//! capped in datagrams and octets (the oldest is dropped first) and
//! nothing is allocated past 65 535 octets per datagram.
//!
//! ```
//! use netmon_pcap::defrag::Defragmenter;
//! let mut d = Defragmenter::new();
//! let whole = [0x45, 0, 0, 24, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 2, 3, 4];
//! // Not a fragment: given back as it is.
//! assert_eq!(d.add(0, &whole).unwrap().as_deref(), Some(&whole[..]));
//! ```

use std::collections::HashMap;
use std::fmt;

/// Why a packet could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefragError(pub &'static str);

impl fmt::Display for DefragError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for DefragError {}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    src: [u8; 16],
    dst: [u8; 16],
    id: u32,
    proto: u8,
    v6: bool,
}

#[derive(Debug)]
struct Pending {
    first_seen: i128,
    /// The first fragment's header (offset 0), once seen.
    header: Option<Vec<u8>>,
    /// The payload as far as it arrived.
    data: Vec<u8>,
    /// Octet ranges received, sorted, merged.
    have: Vec<(usize, usize)>,
    /// The payload's length, once the last fragment arrived.
    total: Option<usize>,
}

impl Pending {
    fn add_range(&mut self, start: usize, end: usize) {
        self.have.push((start, end));
        self.have.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.have.len());
        for (s, e) in self.have.drain(..) {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.have = merged;
    }

    fn complete(&self) -> bool {
        matches!((self.total, self.have.as_slice(), &self.header), (Some(t), [(0, e)], Some(_)) if *e >= t)
    }
}

/// Counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefragStats {
    /// Datagrams put back together.
    pub reassembled: u64,
    /// Datagrams given up: timed out or pushed out by the limits.
    pub dropped: u64,
}

/// The defragmenter.
#[derive(Debug)]
pub struct Defragmenter {
    pending: HashMap<Key, Pending>,
    bytes: usize,
    max_datagrams: usize,
    max_bytes: usize,
    timeout_ns: i128,
    stats: DefragStats,
}

impl Default for Defragmenter {
    fn default() -> Self {
        Defragmenter::new()
    }
}

const MAX_DATAGRAM: usize = 65_535;

impl Defragmenter {
    /// At most 4 096 datagrams and 16 MiB in progress, 30 s each.
    pub fn new() -> Self {
        Defragmenter::with_limits(4096, 16 << 20, 30_000_000_000)
    }

    /// Custom limits: datagrams and octets in progress, and how long a
    /// datagram may wait for its fragments (ns of capture time).
    pub fn with_limits(max_datagrams: usize, max_bytes: usize, timeout_ns: i128) -> Self {
        Defragmenter {
            pending: HashMap::new(),
            bytes: 0,
            max_datagrams: max_datagrams.max(1),
            max_bytes,
            timeout_ns,
            stats: DefragStats::default(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> DefragStats {
        self.stats
    }

    /// Datagrams waiting for fragments.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    fn drop_key(&mut self, k: &Key) {
        if let Some(p) = self.pending.remove(k) {
            self.bytes -= p.data.len();
            self.stats.dropped += 1;
        }
    }

    /// Drops what waited longer than the timeout.
    fn expire(&mut self, now: i128) {
        let old: Vec<Key> = self
            .pending
            .iter()
            .filter(|(_, p)| now - p.first_seen > self.timeout_ns)
            .map(|(k, _)| k.clone())
            .collect();
        for k in old {
            self.drop_key(&k);
        }
    }

    /// Drops the oldest while a new datagram of `incoming` octets would
    /// be over the limits.
    fn make_room(&mut self, incoming: usize) {
        while !self.pending.is_empty()
            && (self.pending.len() >= self.max_datagrams || self.bytes + incoming > self.max_bytes)
        {
            let oldest = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.first_seen)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.drop_key(&k),
                None => break,
            }
        }
    }

    /// Takes one IP packet (IPv4, or IPv6 by its version) seen at
    /// `ts_ns`: the whole datagram when this completed it (or when it was
    /// not a fragment), `None` while fragments are missing.
    pub fn add(&mut self, ts_ns: i128, packet: &[u8]) -> Result<Option<Vec<u8>>, DefragError> {
        match packet.first().map(|b| b >> 4) {
            Some(4) => self.add_v4(ts_ns, packet),
            Some(6) => self.add_v6(ts_ns, packet),
            _ => Err(DefragError("not an IP packet")),
        }
    }

    fn add_v4(&mut self, ts_ns: i128, p: &[u8]) -> Result<Option<Vec<u8>>, DefragError> {
        let ihl = usize::from(p[0] & 0x0f) * 4;
        if ihl < 20 || p.len() < ihl {
            return Err(DefragError("IPv4 header cut or too short"));
        }
        let total = usize::from(u16::from_be_bytes([p[2], p[3]]));
        if total < ihl || total > p.len() {
            return Err(DefragError("IPv4 total length outside the packet"));
        }
        let frag = u16::from_be_bytes([p[6], p[7]]);
        let offset = usize::from(frag & 0x1fff) * 8;
        let more = frag & 0x2000 != 0;
        if offset == 0 && !more {
            return Ok(Some(p[..total].to_vec()));
        }
        let mut key = Key {
            src: [0; 16],
            dst: [0; 16],
            id: u32::from(u16::from_be_bytes([p[4], p[5]])),
            proto: p[9],
            v6: false,
        };
        key.src[..4].copy_from_slice(&p[12..16]);
        key.dst[..4].copy_from_slice(&p[16..20]);
        let header = (offset == 0).then(|| p[..ihl].to_vec());
        self.insert(ts_ns, key, header, offset, more, &p[ihl..total])
            .map(|done| {
                done.map(|(mut header, payload)| {
                    let len = (header.len() + payload.len()) as u16;
                    header[2..4].copy_from_slice(&len.to_be_bytes());
                    header[6..8].copy_from_slice(&[0, 0]);
                    // The header checksum, for the new length and flags.
                    header[10..12].copy_from_slice(&[0, 0]);
                    let c = !(crate::dissect::ones_sum(0, &header) as u16);
                    header[10..12].copy_from_slice(&c.to_be_bytes());
                    header.extend_from_slice(&payload);
                    header
                })
            })
    }

    fn add_v6(&mut self, ts_ns: i128, p: &[u8]) -> Result<Option<Vec<u8>>, DefragError> {
        if p.len() < 40 {
            return Err(DefragError("IPv6 header cut short"));
        }
        let plen = usize::from(u16::from_be_bytes([p[4], p[5]]));
        let end = (40 + plen).min(p.len());
        if p[6] != 44 {
            return Ok(Some(p[..end].to_vec()));
        }
        if p.len() < 48 {
            return Err(DefragError("IPv6 fragment header cut short"));
        }
        let fh = &p[40..48];
        let fo = u16::from_be_bytes([fh[2], fh[3]]);
        let offset = usize::from(fo >> 3) * 8;
        let more = fo & 1 != 0;
        let mut key = Key {
            src: [0; 16],
            dst: [0; 16],
            id: u32::from_be_bytes([fh[4], fh[5], fh[6], fh[7]]),
            proto: fh[0],
            v6: true,
        };
        key.src.copy_from_slice(&p[8..24]);
        key.dst.copy_from_slice(&p[24..40]);
        // The fixed header with the Fragment header's next header.
        let header = (offset == 0).then(|| {
            let mut h = p[..40].to_vec();
            h[6] = fh[0];
            h
        });
        self.insert(ts_ns, key, header, offset, more, &p[48..end.max(48)])
            .map(|done| {
                done.map(|(mut header, payload)| {
                    let len = payload.len() as u16;
                    header[4..6].copy_from_slice(&len.to_be_bytes());
                    header.extend_from_slice(&payload);
                    header
                })
            })
    }

    #[allow(clippy::type_complexity)]
    fn insert(
        &mut self,
        ts_ns: i128,
        key: Key,
        header: Option<Vec<u8>>,
        offset: usize,
        more: bool,
        payload: &[u8],
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, DefragError> {
        let end = offset + payload.len();
        if end > MAX_DATAGRAM {
            return Err(DefragError("fragment reaches past 65 535 octets"));
        }
        self.expire(ts_ns);
        if !self.pending.contains_key(&key) {
            self.make_room(end);
        }
        let p = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            first_seen: ts_ns,
            header: None,
            data: Vec::new(),
            have: Vec::new(),
            total: None,
        });
        if p.data.len() < end {
            self.bytes += end - p.data.len();
            p.data.resize(end, 0);
        }
        p.data[offset..end].copy_from_slice(payload);
        p.add_range(offset, end);
        if let Some(h) = header {
            p.header = Some(h);
        }
        if !more {
            p.total = Some(end);
        }
        if p.complete() {
            let done = self.pending.remove(&key).map(|p| {
                self.bytes -= p.data.len();
                let total = p.total.unwrap_or(p.data.len());
                let mut data = p.data;
                data.truncate(total);
                (p.header.unwrap_or_default(), data)
            });
            self.stats.reassembled += 1;
            return Ok(done);
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::{ChecksumStatus, dissect};
    use crate::transport::link;

    /// A UDP datagram with a good checksum, 10.0.0.1 → 10.0.0.2.
    fn datagram(payload_len: usize) -> Vec<u8> {
        let mut udp = vec![0x30, 0x39, 0, 53, 0, 0, 0, 0];
        udp.extend((0..payload_len).map(|i| i as u8));
        let ulen = udp.len() as u16;
        udp[4..6].copy_from_slice(&ulen.to_be_bytes());
        let src = [10, 0, 0, 1];
        let dst = [10, 0, 0, 2];
        let s = crate::dissect::ones_sum(crate::dissect::ones_sum(0, &src), &dst)
            + 17
            + u32::from(ulen);
        let c = !(crate::dissect::ones_sum(s, &udp) as u16);
        udp[6..8].copy_from_slice(&c.to_be_bytes());
        let total = (20 + udp.len()) as u16;
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&[0x12, 0x34, 0, 0, 64, 17, 0, 0]);
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        let c = !(crate::dissect::ones_sum(0, &ip) as u16);
        ip[10..12].copy_from_slice(&c.to_be_bytes());
        ip.extend_from_slice(&udp);
        ip
    }

    /// The datagram cut into fragments of `size` payload octets.
    fn fragments(d: &[u8], size: usize) -> Vec<Vec<u8>> {
        let payload = &d[20..];
        payload
            .chunks(size)
            .enumerate()
            .map(|(i, chunk)| {
                let mut h = d[..20].to_vec();
                let off = (i * size / 8) as u16;
                let more = (i + 1) * size < payload.len();
                let fo = off | if more { 0x2000 } else { 0 };
                h[6..8].copy_from_slice(&fo.to_be_bytes());
                let total = (20 + chunk.len()) as u16;
                h[2..4].copy_from_slice(&total.to_be_bytes());
                h.extend_from_slice(chunk);
                h
            })
            .collect()
    }

    #[test]
    fn any_order_with_repeats_gives_the_datagram_back() {
        let d = datagram(3000);
        let mut frags = fragments(&d, 1480);
        frags.reverse();
        frags.insert(1, frags[0].clone()); // a repeat
        let mut dfr = Defragmenter::new();
        let mut out = None;
        for f in &frags {
            if let Some(x) = dfr.add(1, f).unwrap() {
                out = Some(x);
            }
        }
        let out = out.expect("reassembled");
        assert_eq!(out, d);
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x08, 0x00]);
        frame.extend_from_slice(&out);
        let f = dissect(link::ETHERNET, &frame);
        assert_eq!(f.udp_checksum, Some(ChecksumStatus::Good));
        assert_eq!(f.ip_checksum, Some(ChecksumStatus::Good));
        assert_eq!(dfr.pending(), 0);
        assert_eq!(dfr.stats().reassembled, 1);
    }

    #[test]
    fn timeouts_and_limits_bound_memory() {
        let d = datagram(3000);
        let frags = fragments(&d, 1480);
        let mut dfr = Defragmenter::with_limits(2, 1 << 20, 1_000);
        dfr.add(0, &frags[0]).unwrap();
        // 2 µs later the first has timed out: the rest cannot complete it.
        for f in &frags[1..] {
            assert_eq!(dfr.add(2_000, f).unwrap(), None);
        }
        assert_eq!(dfr.stats().dropped, 1);
        // Three datagrams at once with room for two: the oldest goes.
        let mut dfr = Defragmenter::with_limits(2, 1 << 20, i128::MAX);
        for id in 0..3u16 {
            let mut f = frags[0].clone();
            f[4..6].copy_from_slice(&id.to_be_bytes());
            dfr.add(i128::from(id), &f).unwrap();
        }
        assert_eq!((dfr.pending(), dfr.stats().dropped), (2, 1));
        // A fragment claiming to reach past 64 KiB is refused.
        let mut f = frags[1].clone();
        f[6..8].copy_from_slice(&0x1fffu16.to_be_bytes());
        assert!(dfr.add(0, &f).is_err());
    }
}
