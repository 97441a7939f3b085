//! Bidirectional flows: conversations by 5-tuple (protocol, the two
//! addresses and ports; ICMP echo by identifier), with per-direction
//! packets, bytes, first and last time, the TCP flags seen,
//! retransmissions and sequence gaps. Memory is bounded: past the flow
//! limit, packets of new flows are counted, not tracked.
//!
//! ```
//! use netmon_pcap::flows::FlowTable;
//! use netmon_pcap::dissect::dissect;
//! use netmon_pcap::transport::link;
//! let mut t = FlowTable::new(1000);
//! let frame = [0u8; 14]; // no IP: not a flow
//! t.add(0, 14, &dissect(link::ETHERNET, &frame));
//! assert_eq!(t.len(), 0);
//! assert_eq!(t.not_ip(), 1);
//! ```

use std::collections::HashMap;
use std::net::IpAddr;

use crate::dissect::Fields;

/// One end of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// Address.
    pub addr: IpAddr,
    /// Port (ICMP echo: the identifier; other protocols: 0).
    pub port: u16,
}

/// A flow's identity, its two ends in a fixed order (the smaller first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    /// IP protocol number.
    pub protocol: u8,
    /// The smaller end.
    pub a: Endpoint,
    /// The larger end.
    pub b: Endpoint,
}

/// One direction of a flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Direction {
    /// Packets.
    pub packets: u64,
    /// Octets on the wire.
    pub bytes: u64,
    /// First packet's time (ns since the epoch).
    pub first_ns: i128,
    /// Last packet's time.
    pub last_ns: i128,
    /// TCP flags seen (OR of the 12 bits).
    pub tcp_flags: u16,
    /// TCP segments carrying data already seen (retransmissions, or
    /// reordering).
    pub retransmissions: u64,
    /// Times the sequence jumped past what was expected (data missing
    /// from the capture or from the path).
    pub gaps: u64,
    /// Octets skipped by those jumps.
    pub gap_bytes: u64,
    /// The next sequence number expected.
    next_seq: Option<u32>,
}

impl Direction {
    fn add(&mut self, ts_ns: i128, wire_len: u64, f: &Fields) {
        if self.packets == 0 {
            self.first_ns = ts_ns;
        }
        self.packets += 1;
        self.bytes += wire_len;
        self.last_ns = self.last_ns.max(ts_ns);
        let (Some(flags), Some(seq)) = (f.tcp_flags, f.tcp_seq) else {
            return;
        };
        self.tcp_flags |= flags;
        let len = f.tcp_payload_len.unwrap_or(0);
        // SYN and FIN take one sequence number each.
        let span = len + u32::from(flags & 0x02 != 0) + u32::from(flags & 0x01 != 0);
        if flags & 0x04 != 0 || span == 0 {
            return; // RST and pure ACKs tell nothing about the data
        }
        let end = seq.wrapping_add(span);
        match self.next_seq {
            None => self.next_seq = Some(end),
            Some(next) => {
                let ahead = seq.wrapping_sub(next) as i32;
                if ahead > 0 {
                    self.gaps += 1;
                    self.gap_bytes += ahead as u64;
                    self.next_seq = Some(end);
                } else if (end.wrapping_sub(next) as i32) <= 0 {
                    self.retransmissions += 1;
                } else {
                    self.next_seq = Some(end);
                }
            }
        }
    }
}

/// A flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Its identity.
    pub key: FlowKey,
    /// From `key.a` to `key.b`.
    pub a_to_b: Direction,
    /// From `key.b` to `key.a`.
    pub b_to_a: Direction,
}

impl Flow {
    /// Packets both ways.
    pub fn packets(&self) -> u64 {
        self.a_to_b.packets + self.b_to_a.packets
    }
}

/// The flows of a capture.
#[derive(Debug, Clone)]
pub struct FlowTable {
    index: HashMap<FlowKey, usize>,
    flows: Vec<Flow>,
    limit: usize,
    untracked: u64,
    not_ip: u64,
}

impl FlowTable {
    /// A table of at most `limit` flows.
    pub fn new(limit: usize) -> Self {
        FlowTable {
            index: HashMap::new(),
            flows: Vec::new(),
            limit,
            untracked: 0,
            not_ip: 0,
        }
    }

    /// The flow of a packet's fields, if it has one: the outer IP header
    /// and its own transport.
    pub fn key_of(f: &Fields) -> Option<(FlowKey, bool)> {
        let (protocol, v6) = f.ip_proto?;
        let (src, dst) = if v6 {
            (IpAddr::V6(f.ipv6_src?), IpAddr::V6(f.ipv6_dst?))
        } else {
            (IpAddr::V4(f.ip_src?), IpAddr::V4(f.ip_dst?))
        };
        let (sp, dp) = match protocol {
            6 => f.tcp_ports()?,
            17 => f.udp_ports()?,
            1 | 58 => f.icmp_echo.map_or((0, 0), |(id, _)| (id, id)),
            _ => (0, 0),
        };
        let s = Endpoint {
            addr: src,
            port: sp,
        };
        let d = Endpoint {
            addr: dst,
            port: dp,
        };
        Some(if s <= d {
            (
                FlowKey {
                    protocol,
                    a: s,
                    b: d,
                },
                true,
            )
        } else {
            (
                FlowKey {
                    protocol,
                    a: d,
                    b: s,
                },
                false,
            )
        })
    }

    /// Adds a packet seen at `ts_ns`, `wire_len` octets long.
    pub fn add(&mut self, ts_ns: i128, wire_len: u64, f: &Fields) {
        let Some((key, forward)) = FlowTable::key_of(f) else {
            self.not_ip += 1;
            return;
        };
        let i = match self.index.get(&key) {
            Some(i) => *i,
            None if self.flows.len() >= self.limit => {
                self.untracked += 1;
                return;
            }
            None => {
                self.flows.push(Flow {
                    key,
                    a_to_b: Direction::default(),
                    b_to_a: Direction::default(),
                });
                self.index.insert(key, self.flows.len() - 1);
                self.flows.len() - 1
            }
        };
        let flow = &mut self.flows[i];
        let dir = if forward {
            &mut flow.a_to_b
        } else {
            &mut flow.b_to_a
        };
        dir.add(ts_ns, wire_len, f);
    }

    /// Flows in the order they were first seen.
    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// How many flows.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// True without flows.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Packets of flows beyond the limit.
    pub fn untracked(&self) -> u64 {
        self.untracked
    }

    /// Packets without an IP flow (ARP, STP, cut headers, …).
    pub fn not_ip(&self) -> u64 {
        self.not_ip
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn tcp(src: u8, sport: u16, dport: u16, seq: u32, len: u32, flags: u16) -> Fields {
        Fields {
            ip_src: Some(Ipv4Addr::new(10, 0, 0, src)),
            ip_dst: Some(Ipv4Addr::new(10, 0, 0, 3 - src)),
            ip_proto: Some((6, false)),
            tcp_src_port: Some(sport),
            tcp_dst_port: Some(dport),
            tcp_seq: Some(seq),
            tcp_ack: Some(0),
            tcp_flags: Some(flags),
            tcp_payload_len: Some(len),
            ..Fields::default()
        }
    }

    #[test]
    fn both_directions_retransmissions_and_gaps() {
        let mut t = FlowTable::new(10);
        t.add(1, 60, &tcp(1, 40000, 80, 100, 0, 0x002)); // SYN
        t.add(2, 60, &tcp(2, 80, 40000, 900, 0, 0x012)); // SYN/ACK
        t.add(3, 1500, &tcp(1, 40000, 80, 101, 1000, 0x018));
        t.add(4, 1500, &tcp(1, 40000, 80, 101, 1000, 0x018)); // again
        t.add(5, 1500, &tcp(1, 40000, 80, 3101, 1000, 0x018)); // 2000 missing
        t.add(6, 60, &tcp(2, 80, 40000, 901, 0, 0x010));
        assert_eq!(t.len(), 1);
        let f = t.flows()[0];
        let (fwd, back) = if f.key.a.port == 40000 {
            (f.a_to_b, f.b_to_a)
        } else {
            (f.b_to_a, f.a_to_b)
        };
        assert_eq!((fwd.packets, fwd.bytes), (4, 4560));
        assert_eq!((back.packets, back.bytes), (2, 120));
        assert_eq!((fwd.retransmissions, fwd.gaps, fwd.gap_bytes), (1, 1, 2000));
        assert_eq!(fwd.tcp_flags, 0x01a);
        assert_eq!((fwd.first_ns, fwd.last_ns), (1, 5));
        // The limit: a second flow is counted, not kept.
        let mut small = FlowTable::new(1);
        small.add(1, 60, &tcp(1, 1, 2, 0, 0, 2));
        small.add(1, 60, &tcp(1, 3, 4, 0, 0, 2));
        assert_eq!((small.len(), small.untracked()), (1, 1));
    }
}
