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
            for c in [f.icmp_checksum, f.icmpv6_checksum].into_iter().flatten() {
                assert_eq!(c, ChecksumStatus::Good, "ICMP, packet {}", p.number);
            }
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

/// Parameters of [`two_sided`]: what happens between a CPE (capture A)
/// and its management server (capture B).
#[derive(Debug, Clone)]
pub struct TwoSided {
    /// TCP data segments the CPE sends (per connection, 3 connections).
    pub segments: u32,
    /// B's clock minus A's at the start (ns).
    pub offset_ns: i64,
    /// B's clock rate against A's (parts per million).
    pub drift_ppm: f64,
    /// Least one-way delay (ns); each packet adds up to `jitter_ns`.
    pub delay_ns: i64,
    /// Random extra delay, uniform in 0..jitter_ns.
    pub jitter_ns: i64,
    /// Every `lose_every`-th data segment is lost on the path (and
    /// retransmitted 200 ms later); 0: none.
    pub lose_every: u32,
    /// Every `miss_every`-th data segment reaches the server but capture
    /// B misses it; 0: none.
    pub miss_every: u32,
    /// The path duplicates this data segment index once (B sees it twice).
    pub duplicate: Option<u32>,
    /// Every `snmp_request_lost_every`-th SNMP poll (of 20) is lost on
    /// the way to the CPE and resent 1 s later, and that copy is answered;
    /// 0: none.
    pub snmp_request_lost_every: u32,
    /// Every `snmp_response_lost_every`-th SNMP response is lost on the
    /// way back (the poll is not resent); 0: none.
    pub snmp_response_lost_every: u32,
}

/// What [`two_sided`] did, to check a correlation against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TwoSidedTruth {
    /// CPE→server TCP data segments lost on the path.
    pub lost: u32,
    /// Segments capture B missed.
    pub missed: u32,
    /// Segments seen on both sides (retransmissions that got through
    /// included).
    pub delivered: u32,
    /// SNMP polls (and ICMP echoes, all delivered).
    pub udp_each_way: u32,
    /// SNMP polls whose first copy was lost (then resent and answered).
    pub snmp_request_lost: u32,
    /// SNMP responses lost on the way back.
    pub snmp_response_lost: u32,
}

/// A BER TLV with a short-form length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag, content.len() as u8];
    v.extend_from_slice(content);
    v
}

/// An SNMPv2c message, community `public`, of `pdu` (0xa0 Get, 0xa2
/// Response) with `id` and one varbind, sysUpTime.0 = `value`.
fn snmp_v2c(pdu: u8, id: u32, value: &[u8]) -> Vec<u8> {
    let oid = tlv(0x06, &[0x2b, 6, 1, 2, 1, 1, 3, 0]);
    let varbind = tlv(0x30, &[oid, value.to_vec()].concat());
    let body = [
        tlv(0x02, &id.to_be_bytes()),
        tlv(0x02, &[0]),
        tlv(0x02, &[0]),
        tlv(0x30, &varbind),
    ]
    .concat();
    tlv(
        0x30,
        &[tlv(0x02, &[1]), tlv(0x04, b"public"), tlv(pdu, &body)].concat(),
    )
}

fn ipv4_frame(
    src: [u8; 4],
    dst: [u8; 4],
    ttl: u8,
    proto: u8,
    mut l4: Vec<u8>,
    csum_at: Option<usize>,
) -> Vec<u8> {
    let mut out = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    let total = (20 + l4.len()) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&[0x00, 0x01, 0x40, 0x00, ttl, proto, 0, 0]);
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let c = checksum(ones_sum(0, &ip));
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    if let Some(at) = csum_at {
        let s = if proto == 1 {
            0
        } else {
            ones_sum(ones_sum(0, &src), &dst) + u32::from(proto) + l4.len() as u32
        };
        let c = checksum(ones_sum(s, &l4));
        l4[at..at + 2].copy_from_slice(&c.to_be_bytes());
    }
    out.extend_from_slice(&ip);
    out.extend_from_slice(&l4);
    out
}

fn tcp_seg(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::with_capacity(20 + payload.len());
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    t.extend_from_slice(payload);
    t
}

/// Two captures of the same traffic, as written by a CPE behind NAT
/// (192.168.1.10, public 203.0.113.5) and its management server
/// (198.51.100.20): three TCP connections of CPE data with the server's
/// acknowledgements, SNMPv2c polls of the CPE through a port forward and
/// their responses, pings from the server; with
/// the losses, capture misses, duplicate, delays and clock offset and
/// drift of `p`, and TTLs and ports rewritten on the way. Returns the two
/// pcap files and the ground truth.
pub fn two_sided(p: &TwoSided) -> (Vec<u8>, Vec<u8>, TwoSidedTruth) {
    let cpe = [192, 168, 1, 10];
    let public = [203, 0, 113, 5];
    let server = [198, 51, 100, 20];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let t0: i128 = 1_700_000_000_000_000_000;
    // (time at A's clock, frame) seen by A; (true time, frame) for B.
    let mut at_a: Vec<(i128, Vec<u8>)> = Vec::new();
    let mut at_b: Vec<(i128, Vec<u8>)> = Vec::new();
    let mut truth = TwoSidedTruth::default();
    let delay = |rng: &mut Rng| {
        i128::from(p.delay_ns) + i128::from(rng.below(p.jitter_ns.max(1) as u64) as i64)
    };
    let mut t = t0;
    for conn in 0..3u16 {
        let (sport, nat_port) = (50000 + conn, 60000 + conn);
        let mut seq = 1_000_000u32 * (u32::from(conn) + 1);
        let ack = 7_000_000u32;
        for k in 0..p.segments {
            t += 5_000_000; // 5 ms between segments
            let payload: Vec<u8> = (0..1000u32)
                .map(|x| (x + k * 7 + u32::from(conn)) as u8)
                .collect();
            let sent = ipv4_frame(
                cpe,
                server,
                64,
                6,
                tcp_seg(sport, 443, seq, ack, 0x18, &payload),
                Some(16),
            );
            let arrived = ipv4_frame(
                public,
                server,
                57,
                6,
                tcp_seg(nat_port, 443, seq, ack, 0x18, &payload),
                Some(16),
            );
            at_a.push((t, sent.clone()));
            let lose = p.lose_every > 0 && k % p.lose_every == p.lose_every - 1;
            let miss = !lose && p.miss_every > 0 && k % p.miss_every == p.miss_every - 1;
            let arrival = t + delay(&mut rng);
            if lose {
                truth.lost += 1;
                // Retransmitted 200 ms later, and that copy arrives.
                let rt = t + 200_000_000;
                at_a.push((rt, sent));
                at_b.push((rt + delay(&mut rng), arrived));
                truth.delivered += 1;
            } else if miss {
                truth.missed += 1;
            } else {
                at_b.push((arrival, arrived.clone()));
                truth.delivered += 1;
                if p.duplicate == Some(k) && conn == 0 {
                    at_b.push((arrival + 50_000, arrived));
                }
            }
            seq = seq.wrapping_add(1000);
            // The server acknowledges everything received so far.
            let ack_b = ipv4_frame(
                server,
                public,
                64,
                6,
                tcp_seg(443, nat_port, ack, seq, 0x10, &[]),
                Some(16),
            );
            let ack_a = ipv4_frame(
                server,
                cpe,
                57,
                6,
                tcp_seg(443, sport, ack, seq, 0x10, &[]),
                Some(16),
            );
            let acked_at = arrival.max(t) + 300_000 + if lose { 200_000_000 } else { 0 };
            at_b.push((acked_at, ack_b));
            at_a.push((acked_at + delay(&mut rng), ack_a));
        }
    }
    // SNMP-like UDP: the server polls the CPE (port-forwarded 16100→161),
    // the CPE answers; and pings (NAT rewrites the ICMP identifier).
    let every = |n: u32, k: u32| n > 0 && k % n == n - 1;
    for k in 0..20u32 {
        t += 10_000_000;
        let req = snmp_v2c(0xa0, 0x1000 + k, &[0x05, 0x00]);
        let resp = snmp_v2c(0xa2, 0x1000 + k, &[0x43, 0x02, 0x12, k as u8]);
        let udp = |sport: u16, dport: u16, msg: &[u8]| {
            let mut u = sport.to_be_bytes().to_vec();
            u.extend_from_slice(&dport.to_be_bytes());
            u.extend_from_slice(&((8 + msg.len()) as u16).to_be_bytes());
            u.extend_from_slice(&[0, 0]);
            u.extend_from_slice(msg);
            u
        };
        let poll_b = ipv4_frame(server, public, 64, 17, udp(40000, 16100, &req), Some(6));
        let poll_a = ipv4_frame(server, cpe, 57, 17, udp(40000, 161, &req), Some(6));
        at_b.push((t, poll_b.clone()));
        let mut asked = t;
        if every(p.snmp_request_lost_every, k) {
            // Lost on the way; the manager resends after 1 s.
            truth.snmp_request_lost += 1;
            asked = t + 1_000_000_000;
            at_b.push((asked, poll_b));
        }
        let at = asked + delay(&mut rng);
        at_a.push((at, poll_a));
        let sent = at + 1_000_000;
        at_a.push((
            sent,
            ipv4_frame(cpe, server, 64, 17, udp(161, 40000, &resp), Some(6)),
        ));
        if every(p.snmp_response_lost_every, k) {
            truth.snmp_response_lost += 1;
        } else {
            at_b.push((
                sent + delay(&mut rng),
                ipv4_frame(public, server, 57, 17, udp(16100, 40000, &resp), Some(6)),
            ));
        }
        let mut echo_b = vec![8, 0, 0, 0, 0x12, 0x34, 0, k as u8];
        echo_b.extend_from_slice(&[0x61; 32]);
        let mut echo_a = echo_b.clone();
        echo_a[4..6].copy_from_slice(&[0x77, 0x01]); // NAT's identifier
        at_b.push((
            t + 2_000_000,
            ipv4_frame(server, public, 64, 1, echo_b, Some(2)),
        ));
        at_a.push((
            t + 2_000_000 + delay(&mut rng),
            ipv4_frame(server, cpe, 57, 1, echo_a, Some(2)),
        ));
        truth.udp_each_way += 1;
    }
    at_a.sort_by_key(|x| x.0);
    at_b.sort_by_key(|x| x.0);
    let write = |packets: &[(i128, Vec<u8>)], clock_b: bool| {
        // Writing to memory cannot fail.
        let Ok(mut w) = crate::write::PcapWriter::new(Vec::new(), 1, 65535, true) else {
            return Vec::new();
        };
        for (t, f) in packets {
            let ts = if clock_b {
                // B's clock: offset and drift against the true time.
                *t + i128::from(p.offset_ns) + ((*t - t0) as f64 * p.drift_ppm / 1e6) as i128
            } else {
                *t
            };
            let _ = w.packet(ts, f, f.len() as u32);
        }
        w.into_inner().unwrap_or_default()
    };
    (write(&at_a, false), write(&at_b, true), truth)
}
