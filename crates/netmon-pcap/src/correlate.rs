//! Two-sided capture correlation: the same traffic captured on a CPE (side
//! A) and on its management server (side B), matched packet by packet
//! with keys that survive NAT and TTL changes, to tell what the path
//! lost from what a capture missed.
//!
//! - **Keys**: TCP sequence and acknowledgement numbers, flags, payload
//!   length and payload hash; UDP payload length and hash (an SNMP request
//!   id is in it); ICMP echo type, sequence number and payload hash (NAT may
//!   rewrite the identifier). Addresses, ports and TTL are not part of a
//!   key.
//! - **Sides**: each capture's own host is the source it sees sending with
//!   an initial TTL (64, 128, 255) most often; a packet whose source is
//!   side A's host goes A→B.
//! - **Clocks**: B's clock minus A's is estimated from the least delay each
//!   way (the midpoint of B−A's least value forward and greatest value
//!   back, in ten windows of time), with a drift fitted over the windows.
//! - **One side only**: a TCP segment sent A→B that B never shows is
//!   *missed by capture B* when B's host later acknowledged its data (it
//!   arrived), else *lost on the path*; the same the other way. Packets of
//!   other protocols cannot be told apart and are *unseen*.
//!
//! Only flows with at least one packet seen on both sides are reported:
//! the rest of either capture never crossed between the two points.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use crate::dissect::Fields;
use crate::flows::{FlowKey, FlowTable};

/// A packet as the correlator sees it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Frame number in its capture.
    pub number: u64,
    /// Capture time (ns, the capture's own clock).
    pub ts_ns: i128,
    /// Its flow in this capture (addresses as this side sees them).
    pub flow: Option<FlowKey>,
    /// Source address.
    pub src: Option<IpAddr>,
    /// The match key (None for packets without one).
    pub key: Option<u64>,
    /// TCP: sequence number, payload length, flags, acknowledgement.
    pub tcp: Option<(u32, u32, u16, u32)>,
    /// TTL or hop limit.
    pub ttl: Option<u8>,
}

/// The key and the rest of a packet from its bytes and decoded fields
/// (`data` is the captured frame, for the payload hash).
pub fn seen(number: u64, ts_ns: i128, data: &[u8], f: &Fields) -> Seen {
    let flow = FlowTable::key_of(f).map(|k| k.0);
    let src = f.ip_src.map(IpAddr::V4).or(f.ipv6_src.map(IpAddr::V6));
    let proto = f.ip_proto.map(|p| p.0);
    let tcp = match (proto, f.tcp_seq, f.tcp_payload_len, f.tcp_flags, f.tcp_ack) {
        (Some(6), Some(s), Some(l), Some(fl), Some(a)) => Some((s, l, fl, a)),
        _ => None,
    };
    let key = (|| {
        let mut h = DefaultHasher::new();
        match proto? {
            6 => {
                let (seq, len, flags, ack) = tcp?;
                (6u8, seq, ack, flags, len).hash(&mut h);
                tail(data, len as usize).hash(&mut h);
            }
            17 => {
                let len = f.udp_payload_len?;
                (17u8, len).hash(&mut h);
                tail(data, len as usize).hash(&mut h);
            }
            p @ (1 | 58) => {
                let (_, seq) = f.icmp_echo?;
                (p, f.icmp_type.or(f.icmpv6_type), seq).hash(&mut h);
                tail(data, 16).hash(&mut h);
            }
            _ => return None,
        }
        Some(h.finish())
    })();
    Seen {
        number,
        ts_ns,
        flow,
        src,
        key,
        tcp,
        ttl: f.ip_ttl,
    }
}

/// The last `len` captured octets of the frame (the payload, when the
/// frame was captured whole; Ethernet padding aside, as both sides carry
/// the same).
fn tail(data: &[u8], len: usize) -> &[u8] {
    &data[data.len().saturating_sub(len)..]
}

/// How one direction of a flow fared.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DirectionReport {
    /// Seen on both sides.
    pub matched: u64,
    /// Seen only by the sender's capture, and lost on the path (TCP
    /// data never acknowledged).
    pub lost_on_path: u64,
    /// Seen only by the sender's capture, but the receiver acknowledged
    /// it: the receiver's capture missed it.
    pub missed_by_capture: u64,
    /// Seen only by the sender's capture; not TCP data, so not told apart.
    pub unseen: u64,
    /// Seen only by the receiver's capture (the sender's capture missed
    /// it).
    pub only_at_receiver: u64,
    /// Seen more than once on one side.
    pub duplicates: u64,
    /// One-way delay after the clock correction: mean, minimum, maximum
    /// (ns).
    pub delay_mean_ns: f64,
    /// Least one-way delay.
    pub delay_min_ns: f64,
    /// Greatest one-way delay.
    pub delay_max_ns: f64,
    /// Jitter: the mean absolute difference of consecutive delays (ns).
    pub jitter_ns: f64,
}

/// One flow, as each side names it.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowReport {
    /// The flow in capture A.
    pub a: FlowKey,
    /// The flow in capture B (differs under NAT).
    pub b: FlowKey,
    /// Packets sent from side A's host.
    pub a_to_b: DirectionReport,
    /// Packets sent toward side A's host.
    pub b_to_a: DirectionReport,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Side A's own address (its most frequent one).
    pub host_a: Option<IpAddr>,
    /// Side B's own address.
    pub host_b: Option<IpAddr>,
    /// B's clock minus A's at A's first packet (ns).
    pub offset_ns: f64,
    /// How fast B's clock runs against A's (parts per million).
    pub drift_ppm: f64,
    /// Packets matched across the two captures.
    pub matched: u64,
    /// Flows seen on both sides.
    pub flows: Vec<FlowReport>,
}

/// A capture's own host: the source that sends with an initial TTL (64,
/// 128 or 255: nothing routed its packets yet) most often; failing that,
/// the most frequent address.
fn host(packets: &[Seen]) -> Option<IpAddr> {
    let mut senders: HashMap<IpAddr, u64> = HashMap::new();
    let mut counts: HashMap<IpAddr, u64> = HashMap::new();
    for p in packets {
        if let (Some(src), Some(64 | 128 | 255)) = (p.src, p.ttl) {
            *senders.entry(src).or_default() += 1;
        }
        if let Some(f) = p.flow {
            *counts.entry(f.a.addr).or_default() += 1;
            *counts.entry(f.b.addr).or_default() += 1;
        }
    }
    let best =
        |m: HashMap<IpAddr, u64>| m.into_iter().max_by_key(|(a, n)| (*n, *a)).map(|(a, _)| a);
    best(senders).or_else(|| best(counts))
}

/// Least-squares line through (x, y).
fn fit(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    if points.is_empty() {
        return (0.0, 0.0);
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (my - slope * mx, slope)
}

/// Correlates capture A with capture B.
pub fn correlate(a: &[Seen], b: &[Seen]) -> Report {
    let host_a = host(a);
    let host_b = host(b);
    let forward_a = |p: &Seen| p.src.is_some() && p.src == host_a;
    let forward_b = |p: &Seen| !(p.src.is_some() && p.src == host_b);
    let mut occ: HashMap<u64, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, p) in a.iter().enumerate() {
        if let Some(k) = p.key {
            occ.entry(k).or_default().0.push(i);
        }
    }
    for (j, p) in b.iter().enumerate() {
        if let Some(k) = p.key
            && let Some(e) = occ.get_mut(&k)
        {
            e.1.push(j);
        }
    }

    // 1. The clock, from keys seen exactly once on each side: in ten
    //    windows of A's time, the least difference each way.
    let t0 = a.first().map_or(0, |p| p.ts_ns);
    let span = (a.last().map_or(0, |p| p.ts_ns) - t0).max(1);
    const WINDOWS: usize = 10;
    let mut fwd_min = [f64::INFINITY; WINDOWS];
    // B minus A is offset + delay forward and offset − delay back: the
    // least delays are the least forward and the greatest back.
    let mut back_max = [f64::NEG_INFINITY; WINDOWS];
    for (ia, ib) in occ.values() {
        if let ([i], [j]) = (ia.as_slice(), ib.as_slice()) {
            let (pa, pb) = (&a[*i], &b[*j]);
            let w = ((((pa.ts_ns - t0) * WINDOWS as i128) / (span + 1)) as usize).min(WINDOWS - 1);
            let d = (pb.ts_ns - pa.ts_ns) as f64;
            if forward_a(pa) {
                fwd_min[w] = fwd_min[w].min(d);
            } else {
                back_max[w] = back_max[w].max(d);
            }
        }
    }
    let mut points = Vec::new();
    for w in 0..WINDOWS {
        if fwd_min[w].is_finite() && back_max[w].is_finite() {
            let x = span as f64 * (w as f64 + 0.5) / WINDOWS as f64;
            points.push((x, (fwd_min[w] + back_max[w]) / 2.0));
        }
    }
    let (offset, slope) = fit(&points);

    let clock = |t_a: i128| offset + slope * (t_a - t0) as f64;

    // 2. Pairs: each copy the receiver saw goes with the sender's latest
    //    copy sent before it (a retransmission, not the lost original).
    const TOLERANCE: f64 = 1e6; // 1 ms of clock estimate error
    let mut pair_a: Vec<Option<usize>> = vec![None; a.len()];
    let mut pair_b: Vec<Option<usize>> = vec![None; b.len()];
    for (ia, ib) in occ.values() {
        let Some(&first) = ia.first() else { continue };
        if forward_a(&a[first]) {
            for &j in ib {
                let t_b = b[j].ts_ns;
                let before = ia
                    .iter()
                    .rev()
                    .find(|&&i| {
                        pair_a[i].is_none()
                            && a[i].ts_ns as f64 + clock(a[i].ts_ns) <= t_b as f64 + TOLERANCE
                    })
                    .or_else(|| ia.iter().find(|&&i| pair_a[i].is_none()));
                if let Some(&i) = before {
                    pair_a[i] = Some(j);
                    pair_b[j] = Some(i);
                }
            }
        } else {
            for &i in ia {
                let t_a = a[i].ts_ns as f64;
                let before = ib
                    .iter()
                    .rev()
                    .find(|&&j| {
                        pair_b[j].is_none()
                            && b[j].ts_ns as f64 - clock(a[i].ts_ns) <= t_a + TOLERANCE
                    })
                    .or_else(|| ib.iter().find(|&&j| pair_b[j].is_none()));
                if let Some(&j) = before {
                    pair_a[i] = Some(j);
                    pair_b[j] = Some(i);
                }
            }
        }
    }

    // 3. Flows crossing between the two points.
    let mut reports: Vec<FlowReport> = Vec::new();
    let mut by_a: HashMap<FlowKey, usize> = HashMap::new();
    let mut by_b: HashMap<FlowKey, usize> = HashMap::new();
    for (i, j) in pair_a.iter().enumerate() {
        let Some(j) = *j else { continue };
        let (Some(fa), Some(fb)) = (a[i].flow, b[j].flow) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(e) = by_a.entry(fa) {
            e.insert(reports.len());
            by_b.entry(fb).or_insert(reports.len());
            reports.push(FlowReport {
                a: fa,
                b: fb,
                a_to_b: DirectionReport::default(),
                b_to_a: DirectionReport::default(),
            });
        }
    }
    // What each receiver acknowledged, per flow.
    let mut acked_by_b: HashMap<usize, u32> = HashMap::new();
    let mut acked_by_a: HashMap<usize, u32> = HashMap::new();
    let note = |m: &mut HashMap<usize, u32>, r: usize, ack: u32| {
        let e = m.entry(r).or_insert(ack);
        if (ack.wrapping_sub(*e) as i32) > 0 {
            *e = ack;
        }
    };
    for p in b {
        if let (Some(f), Some((_, _, flags, ack))) = (p.flow, p.tcp)
            && flags & 0x10 != 0
            && !forward_b(p)
            && let Some(&r) = by_b.get(&f)
        {
            note(&mut acked_by_b, r, ack);
        }
    }
    for p in a {
        if let (Some(f), Some((_, _, flags, ack))) = (p.flow, p.tcp)
            && flags & 0x10 != 0
            && forward_a(p)
            && let Some(&r) = by_a.get(&f)
        {
            note(&mut acked_by_a, r, ack);
        }
    }
    // A sender's copy the receiver never saw: lost when a later copy got
    // through or the data was never acknowledged; missed by the
    // receiver's capture when it was acknowledged.
    let classify = |d: &mut DirectionReport,
                    p: &Seen,
                    other_copy_arrived: bool,
                    acked: Option<u32>| match p.tcp {
        _ if other_copy_arrived => d.lost_on_path += 1,
        Some((seq, len, flags, _)) if len > 0 || flags & 0x03 != 0 => {
            let end = seq.wrapping_add(len.max(1));
            if acked.is_some_and(|ack| (ack.wrapping_sub(end) as i32) >= 0) {
                d.missed_by_capture += 1;
            } else {
                d.lost_on_path += 1;
            }
        }
        _ => d.unseen += 1,
    };
    let mut delays: HashMap<(usize, bool), Vec<f64>> = HashMap::new();
    for (i, p) in a.iter().enumerate() {
        let (Some(f), Some(k)) = (p.flow, p.key) else {
            continue;
        };
        let Some(&r) = by_a.get(&f) else { continue };
        let fwd = forward_a(p);
        let copies = &occ[&k];
        match pair_a[i] {
            Some(j) => {
                let raw = (b[j].ts_ns - p.ts_ns) as f64 - clock(p.ts_ns);
                let (d, delay) = if fwd {
                    (&mut reports[r].a_to_b, raw)
                } else {
                    (&mut reports[r].b_to_a, -raw)
                };
                d.matched += 1;
                delays.entry((r, fwd)).or_default().push(delay);
            }
            None if fwd => {
                let arrived = copies.0.iter().any(|&x| pair_a[x].is_some());
                classify(
                    &mut reports[r].a_to_b,
                    p,
                    arrived,
                    acked_by_b.get(&r).copied(),
                );
            }
            None => {
                // Arrived at A without leaving B: a duplicate when another
                // copy was matched, else B's capture missed it.
                let d = &mut reports[r].b_to_a;
                if copies.0.iter().any(|&x| pair_a[x].is_some()) {
                    d.duplicates += 1;
                } else {
                    d.only_at_receiver += 1;
                }
            }
        }
    }
    for (j, p) in b.iter().enumerate() {
        let (Some(f), Some(k)) = (p.flow, p.key) else {
            continue;
        };
        let Some(&r) = by_b.get(&f) else { continue };
        if pair_b[j].is_some() {
            continue;
        }
        let copies = occ.get(&k);
        let arrived = copies.is_some_and(|c| c.1.iter().any(|&x| pair_b[x].is_some()));
        if forward_b(p) {
            let d = &mut reports[r].a_to_b;
            if arrived {
                d.duplicates += 1;
            } else {
                d.only_at_receiver += 1;
            }
        } else {
            classify(
                &mut reports[r].b_to_a,
                p,
                arrived,
                acked_by_a.get(&r).copied(),
            );
        }
    }
    for ((r, fwd), list) in delays {
        let d = if fwd {
            &mut reports[r].a_to_b
        } else {
            &mut reports[r].b_to_a
        };
        let n = list.len() as f64;
        d.delay_mean_ns = list.iter().sum::<f64>() / n;
        d.delay_min_ns = list.iter().copied().fold(f64::INFINITY, f64::min);
        d.delay_max_ns = list.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        d.jitter_ns = if list.len() > 1 {
            list.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
    }
    Report {
        host_a,
        host_b,
        offset_ns: offset,
        drift_ppm: slope * 1e6,
        matched: pair_a.iter().filter(|p| p.is_some()).count() as u64,
        flows: reports,
    }
}
