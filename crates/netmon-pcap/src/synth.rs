//! A deterministic capture with the traffic mix of pcap.md §4.1, for
//! benchmarks and tests: classic little-endian microsecond pcap,
//! Ethernet, 2 000 flows (about a quarter IPv6, a tenth 802.1Q-tagged),
//! 84 % TCP (pure ACKs with timestamps and some SACK blocks, full-MSS
//! segments, PSH/ACKs of any size, SYNs with options, FINs), 12.5 % UDP
//! (DNS, SNMP, NTP, QUIC-sized), 3.2 % ICMP/ICMPv6 echo; every checksum
//! correct. Never committed: generated where it is used.

use std::io::{self, Write};

use crate::dissect::ones_sum;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Clone)]
struct Flow {
    v6: bool,
    vlan: Option<u16>,
    a: [u8; 16],
    b: [u8; 16],
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    kind: u8, // 0 TCP, 1 UDP, 2 ICMP
}

fn checksum(sum: u32) -> u16 {
    !(sum as u16)
}

/// Appends one Ethernet frame of `flow` carrying an L4 segment `l4`
/// (checksum field at `csum_at`, or none) with IP protocol `proto`.
fn frame(out: &mut Vec<u8>, flow: &Flow, proto: u8, mut l4: Vec<u8>, csum_at: Option<usize>) {
    out.extend_from_slice(&[0x02, 0, 0, 0, 0x0b, 0x01, 0x02, 0, 0, 0, 0x0a, 0x01]);
    if let Some(v) = flow.vlan {
        out.extend_from_slice(&[0x81, 0x00]);
        out.extend_from_slice(&v.to_be_bytes());
    }
    if flow.v6 {
        out.extend_from_slice(&[0x86, 0xdd]);
        let mut ip = vec![0x60, 0, 0, 0];
        ip.extend_from_slice(&(l4.len() as u16).to_be_bytes());
        ip.push(proto);
        ip.push(64);
        ip.extend_from_slice(&flow.a);
        ip.extend_from_slice(&flow.b);
        if let Some(at) = csum_at {
            let mut s = ones_sum(0, &flow.a);
            s = ones_sum(s, &flow.b);
            s += u32::from(proto) + l4.len() as u32;
            let c = checksum(ones_sum(s, &l4));
            l4[at..at + 2].copy_from_slice(&c.to_be_bytes());
        }
        out.extend_from_slice(&ip);
    } else {
        out.extend_from_slice(&[0x08, 0x00]);
        let total = (20 + l4.len()) as u16;
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&[0x12, 0x34, 0x40, 0x00, 64, proto, 0, 0]);
        ip.extend_from_slice(&flow.a[..4]);
        ip.extend_from_slice(&flow.b[..4]);
        let c = checksum(ones_sum(0, &ip));
        ip[10..12].copy_from_slice(&c.to_be_bytes());
        if let Some(at) = csum_at {
            let mut s = ones_sum(0, &flow.a[..4]);
            s = ones_sum(s, &flow.b[..4]);
            s += u32::from(proto) + l4.len() as u32;
            if proto == 1 {
                s = 0; // ICMP has no pseudo-header
            }
            let c = checksum(ones_sum(s, &l4));
            l4[at..at + 2].copy_from_slice(&c.to_be_bytes());
        }
        out.extend_from_slice(&ip);
    }
    out.extend_from_slice(&l4);
}

fn tcp(flow: &mut Flow, rng: &mut Rng) -> Vec<u8> {
    let r = rng.below(1000);
    let (flags, opts, payload): (u8, Vec<u8>, usize) = if r < 400 {
        // Pure ACK with timestamps, sometimes a SACK block.
        let mut o = vec![1, 1, 8, 10];
        o.extend_from_slice(&(rng.next() as u32).to_be_bytes());
        o.extend_from_slice(&(rng.next() as u32).to_be_bytes());
        if rng.below(5) == 0 {
            o.extend_from_slice(&[1, 1, 5, 10]);
            o.extend_from_slice(&flow.ack.wrapping_add(1000).to_be_bytes());
            o.extend_from_slice(&flow.ack.wrapping_add(2448).to_be_bytes());
        }
        (0x10, o, 0)
    } else if r < 750 {
        (0x10, vec![1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], 1448)
    } else if r < 980 {
        (
            0x18,
            vec![1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2],
            1 + rng.below(1448) as usize,
        )
    } else if r < 990 {
        // SYN: MSS, SACK permitted, timestamps, window scale.
        (
            0x02,
            vec![
                2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
            ],
            0,
        )
    } else {
        (0x11, vec![1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], 0)
    };
    let hlen = 20 + opts.len();
    let mut t = Vec::with_capacity(hlen + payload);
    t.extend_from_slice(&flow.sport.to_be_bytes());
    t.extend_from_slice(&flow.dport.to_be_bytes());
    t.extend_from_slice(&flow.seq.to_be_bytes());
    t.extend_from_slice(&flow.ack.to_be_bytes());
    t.push(((hlen / 4) as u8) << 4);
    t.push(flags);
    t.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0]);
    t.extend_from_slice(&opts);
    let fill = (flow.seq & 0xff) as u8;
    t.resize(hlen + payload, fill);
    flow.seq = flow.seq.wrapping_add(payload as u32);
    flow.ack = flow.ack.wrapping_add(rng.below(3000) as u32);
    t
}

fn udp(flow: &Flow, rng: &mut Rng) -> Vec<u8> {
    let len = if rng.below(10) < 7 {
        30 + rng.below(171) as usize
    } else {
        1150 + rng.below(100) as usize
    };
    let mut u = Vec::with_capacity(8 + len);
    u.extend_from_slice(&flow.sport.to_be_bytes());
    u.extend_from_slice(&flow.dport.to_be_bytes());
    u.extend_from_slice(&((8 + len) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.resize(8 + len, 0x5a);
    u
}

/// Writes the capture (about `target_bytes` long); returns the number of
/// packets.
pub fn write_mix(mut out: impl Write, target_bytes: u64) -> io::Result<u64> {
    let mut rng = Rng(0x853c_49e6_748f_ea9b);
    let ports = [53u16, 161, 162, 123, 443];
    let flows: Vec<Flow> = (0..2000u32)
        .map(|i| {
            let v6 = rng.below(4) == 0;
            let mut a = [0u8; 16];
            let mut b = [0u8; 16];
            if v6 {
                a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
                b[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
                a[12..].copy_from_slice(&(rng.next() as u32).to_be_bytes());
                b[12..].copy_from_slice(&(rng.next() as u32).to_be_bytes());
            } else {
                a[..4].copy_from_slice(&[10, (i >> 8) as u8, i as u8, 1]);
                b[..4].copy_from_slice(&[172, 16, (rng.next() >> 8) as u8, rng.next() as u8]);
            }
            let k = rng.below(1000);
            let kind = if k < 843 {
                0
            } else if k < 968 {
                1
            } else {
                2
            };
            Flow {
                v6,
                vlan: (rng.below(10) == 0).then(|| 1 + rng.below(4000) as u16),
                a,
                b,
                sport: 1024 + rng.below(60000) as u16,
                dport: if kind == 1 {
                    ports[rng.below(5) as usize]
                } else {
                    [80u16, 443, 22, 8080][rng.below(4) as usize]
                },
                seq: rng.next() as u32,
                ack: rng.next() as u32,
                kind,
            }
        })
        .collect();
    let mut flows = flows;
    out.write_all(&0xa1b2_c3d4u32.to_le_bytes())?;
    out.write_all(&2u16.to_le_bytes())?;
    out.write_all(&4u16.to_le_bytes())?;
    out.write_all(&[0; 8])?;
    out.write_all(&65535u32.to_le_bytes())?;
    out.write_all(&1u32.to_le_bytes())?;
    let mut written = 24u64;
    let mut packets = 0u64;
    let mut frame_buf = Vec::with_capacity(2048);
    let mut ts_us: u64 = 1_700_000_000_000_000;
    while written < target_bytes {
        let f = &mut flows[rng.below(2000) as usize];
        frame_buf.clear();
        match f.kind {
            0 => {
                let seg = tcp(f, &mut rng);
                frame(&mut frame_buf, f, 6, seg, Some(16));
            }
            1 => {
                let d = udp(f, &mut rng);
                frame(&mut frame_buf, f, 17, d, Some(6));
            }
            _ => {
                let mut e = vec![if f.v6 { 128 } else { 8 }, 0, 0, 0, 0, 1, 0, 1];
                e.resize(8 + 56, 0x61);
                frame(&mut frame_buf, f, if f.v6 { 58 } else { 1 }, e, Some(2));
            }
        }
        ts_us += 1 + rng.below(200);
        let len = frame_buf.len() as u32;
        out.write_all(&((ts_us / 1_000_000) as u32).to_le_bytes())?;
        out.write_all(&((ts_us % 1_000_000) as u32).to_le_bytes())?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&frame_buf)?;
        written += 16 + u64::from(len);
        packets += 1;
    }
    Ok(packets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SliceReader;
    use crate::dissect::{ChecksumStatus, dissect};

    #[test]
    fn every_checksum_of_the_mix_is_good() {
        let mut buf = Vec::new();
        let n = write_mix(&mut buf, 2_000_000).unwrap();
        let mut seen = 0;
        let (mut tcp, mut udp, mut icmp, mut v6, mut vlan) = (0, 0, 0, 0, 0);
        for p in SliceReader::new(&buf).unwrap() {
            let p = p.unwrap();
            let f = dissect(p.link_type, p.data);
            seen += 1;
            assert!(f.stopped.is_none(), "{:?}", f.stopped);
            if let Some(c) = f.ip_checksum {
                assert_eq!(c, ChecksumStatus::Good);
            }
            if let Some(c) = f.tcp_checksum {
                assert_eq!(c, ChecksumStatus::Good, "packet {}", p.number);
                tcp += 1;
            }
            if let Some(c) = f.udp_checksum {
                assert_eq!(c, ChecksumStatus::Good);
                udp += 1;
            }
            icmp += usize::from(f.icmp_type.is_some() || f.icmpv6_type.is_some());
            v6 += usize::from(f.ipv6_src.is_some());
            vlan += usize::from(f.vlan.is_some());
        }
        assert_eq!(seen, n);
        let pct = |x: usize| 100.0 * x as f64 / n as f64;
        assert!((75.0..92.0).contains(&pct(tcp)), "TCP {}", pct(tcp));
        assert!((6.0..20.0).contains(&pct(udp)), "UDP {}", pct(udp));
        assert!((1.0..6.0).contains(&pct(icmp)), "ICMP {}", pct(icmp));
        assert!((15.0..35.0).contains(&pct(v6)), "IPv6 {}", pct(v6));
        assert!((4.0..16.0).contains(&pct(vlan)), "VLAN {}", pct(vlan));
    }
}
