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
//! - **SNMP**: each request (v1/v2c request-id, v3 msgID, read from the
//!   UDP payload on any port, so a port forward does not hide it) is
//!   followed across both captures to its response: answered, request
//!   lost on the way, response lost on the way back, or never answered by
//!   the agent; resends of the same request are counted.
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
    /// An SNMP message's transaction, when the UDP payload is one.
    pub snmp: Option<SnmpTxn>,
}

/// What pairs an SNMP request with its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SnmpTxn {
    /// The message version field (0 v1, 1 v2c, 3 v3).
    pub version: u8,
    /// v1/v2c request-id, v3 msgID.
    pub id: i64,
    /// A response (v1/v2c Response or Report PDU; v3 without the
    /// reportable flag), else a request.
    pub response: bool,
}

/// One BER header at `at`: tag, content start, content length.
fn ber(b: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let tag = *b.get(at)?;
    let first = *b.get(at + 1)?;
    let (len, start) = match first {
        0..=0x7f => (usize::from(first), at + 2),
        0x81 => (usize::from(*b.get(at + 2)?), at + 3),
        0x82 => (
            usize::from(u16::from_be_bytes([*b.get(at + 2)?, *b.get(at + 3)?])),
            at + 4,
        ),
        _ => return None,
    };
    (start + len <= b.len()).then_some((tag, start, len))
}

fn ber_int(b: &[u8], at: usize) -> Option<(i64, usize)> {
    let (tag, start, len) = ber(b, at)?;
    if tag != 0x02 || len == 0 || len > 8 {
        return None;
    }
    let v = b[start..start + len]
        .iter()
        .fold(i64::from(b[start] as i8 >> 7), |acc, x| {
            (acc << 8) | i64::from(*x)
        });
    Some((v, start + len))
}

/// The transaction of an SNMP message (v1, v2c or v3), or `None` for
/// anything else (v1 traps carry no request-id).
pub fn snmp_txn(payload: &[u8]) -> Option<SnmpTxn> {
    let (tag, body, _) = ber(payload, 0)?;
    if tag != 0x30 {
        return None;
    }
    let (version, at) = ber_int(payload, body)?;
    match version {
        0 | 1 => {
            let (t, start, len) = ber(payload, at)?;
            if t != 0x04 {
                return None;
            }
            let (pdu, pstart, _) = ber(payload, start + len)?;
            if !(0xa0..=0xa8).contains(&pdu) || pdu == 0xa4 {
                return None;
            }
            let (id, _) = ber_int(payload, pstart)?;
            Some(SnmpTxn {
                version: version as u8,
                id,
                response: matches!(pdu, 0xa2 | 0xa8),
            })
        }
        3 => {
            let (t, gstart, _) = ber(payload, at)?;
            if t != 0x30 {
                return None;
            }
            let (id, at) = ber_int(payload, gstart)?;
            let (_, at) = ber_int(payload, at)?;
            let (t, fstart, flen) = ber(payload, at)?;
            if t != 0x04 || flen != 1 {
                return None;
            }
            Some(SnmpTxn {
                version: 3,
                id,
                response: payload[fstart] & 0x04 == 0,
            })
        }
        _ => None,
    }
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
    let snmp = match (proto, f.udp_payload_len) {
        (Some(17), Some(len)) => snmp_txn(tail(data, len as usize)),
        _ => None,
    };
    Seen {
        number,
        ts_ns,
        flow,
        src,
        key,
        tcp,
        ttl: f.ip_ttl,
        snmp,
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

/// How the SNMP requests between the two sides fared (each distinct
/// request counted once, whichever side sent it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SnmpReport {
    /// Distinct requests seen (by version and request-id or msgID).
    pub requests: u64,
    /// The requester's capture shows a response.
    pub answered: u64,
    /// Neither the responder's capture shows the request nor anyone a
    /// response: lost on the way.
    pub request_lost: u64,
    /// The responder's capture shows a response that the requester's
    /// capture never does: lost on the way back.
    pub response_lost: u64,
    /// The request reached the responder's capture but no response was
    /// sent.
    pub unanswered: u64,
    /// Copies of a request its sender sent again.
    pub resends: u64,
}

/// Follows every SNMP request across the captures (`forward_a`/`forward_b`:
/// whether a packet of that capture goes A→B).
fn snmp_report(
    a: &[Seen],
    b: &[Seen],
    forward_a: impl Fn(&Seen) -> bool,
    forward_b: impl Fn(&Seen) -> bool,
) -> SnmpReport {
    // Per (version, id): requests sent by A / by B as seen in A and in B,
    // responses in A and in B.
    #[derive(Default)]
    struct Txn {
        req_a: [u64; 2],
        req_b: [u64; 2],
        resp_in: [bool; 2],
    }
    let mut txns: HashMap<(u8, i64), Txn> = HashMap::new();
    for (side, packets) in [(0, a), (1, b)] {
        for p in packets {
            let Some(t) = p.snmp else { continue };
            let e = txns.entry((t.version, t.id)).or_default();
            if t.response {
                e.resp_in[side] = true;
            } else {
                let from_a = if side == 0 {
                    forward_a(p)
                } else {
                    forward_b(p)
                };
                let count = if from_a { &mut e.req_a } else { &mut e.req_b };
                count[side] += 1;
            }
        }
    }
    let mut r = SnmpReport::default();
    for t in txns.values() {
        // The requester's side (0 A, 1 B) and its requests per capture.
        let (requester, req) = if t.req_a != [0, 0] {
            (0, t.req_a)
        } else if t.req_b != [0, 0] {
            (1, t.req_b)
        } else {
            continue; // a response to a request before the captures began
        };
        let responder = 1 - requester;
        r.requests += 1;
        r.resends += req[requester].saturating_sub(1);
        if t.resp_in[requester] {
            r.answered += 1;
        } else if t.resp_in[responder] {
            r.response_lost += 1;
        } else if req[responder] > 0 {
            r.unanswered += 1;
        } else {
            r.request_lost += 1;
        }
    }
    r
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
    /// SNMP requests followed to their responses.
    pub snmp: SnmpReport,
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
    let snmp = snmp_report(a, b, forward_a, forward_b);
    Report {
        host_a,
        host_b,
        offset_ns: offset,
        drift_ppm: slope * 1e6,
        snmp,
        matched: pair_a.iter().filter(|p| p.is_some()).count() as u64,
        flows: reports,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(src: &str, id: i64, response: bool) -> Seen {
        Seen {
            number: 0,
            ts_ns: 0,
            flow: None,
            src: src.parse().ok(),
            key: None,
            tcp: None,
            ttl: None,
            snmp: Some(SnmpTxn {
                version: 1,
                id,
                response,
            }),
        }
    }

    #[test]
    fn every_snmp_outcome() {
        let (cpe, mgr) = ("192.168.1.10", "198.51.100.20");
        // B (the manager) polls; A is the agent.
        let b = vec![
            msg(mgr, 1, false), // answered
            msg(cpe, 1, true),
            msg(mgr, 2, false), // request lost
            msg(mgr, 3, false), // response lost
            msg(mgr, 4, false), // unanswered
            msg(mgr, 4, false), // … and resent
            msg(cpe, 9, true),  // a response to a poll before the capture
        ];
        let a = vec![
            msg(mgr, 1, false),
            msg(cpe, 1, true),
            msg(mgr, 3, false),
            msg(cpe, 3, true),
            msg(mgr, 4, false),
        ];
        let host_a = a[1].src;
        let host_b = b[0].src;
        let r = snmp_report(&a, &b, |p| p.src == host_a, |p| p.src != host_b);
        assert_eq!(
            r,
            SnmpReport {
                requests: 4,
                answered: 1,
                request_lost: 1,
                response_lost: 1,
                unanswered: 1,
                resends: 1,
            }
        );
        // The BER reader: a v2c GetRequest, a v3 message, garbage.
        let get = [
            0x30, 0x19, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0,
            0x0c, 0x02, 0x02, 0xff, 0x85, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
        ];
        assert_eq!(
            snmp_txn(&get),
            Some(SnmpTxn {
                version: 1,
                id: -123,
                response: false
            })
        );
        let v3 = [
            0x30, 0x10, 0x02, 0x01, 0x03, 0x30, 0x0b, 0x02, 0x02, 0x30, 0x39, 0x02, 0x02, 0x05,
            0xdc, 0x04, 0x01, 0x00,
        ];
        assert_eq!(
            snmp_txn(&v3),
            Some(SnmpTxn {
                version: 3,
                id: 12345,
                response: true
            })
        );
        for n in 0..get.len() {
            assert_eq!(snmp_txn(&get[..n]), None);
        }
        assert_eq!(snmp_txn(b"GET / HTTP/1.1"), None);
    }
}
