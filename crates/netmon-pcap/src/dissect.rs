//! A lax, one-pass decode of a captured frame into the fields analysts
//! and Wireshark agree on: addresses, VLAN, ports, TCP flags, sequence
//! numbers, ICMP types and checksum status, each the **first occurrence**
//! in the packet (outer before inner, as `tshark -E occurrence=f`).
//!
//! It never fails: it decodes what is there and says where it stopped
//! ([`Fields::stopped`]). Tunnels (GRE, ERSPAN, VXLAN, Geneve, IP in IP)
//! are followed into their inner packet, ICMP and ICMPv6 errors into the
//! header they quote, and the first fragment of a fragmented datagram
//! into its transport header; checksums are verified (not enforced) where
//! the whole segment was captured.
//!
//! ```
//! use netmon_pcap::dissect::{dissect, ChecksumStatus};
//! use netmon_pcap::transport::link;
//! let mut frame = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
//! frame.extend_from_slice(&[0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0x66, 0xce, 10, 0, 0, 1, 10, 0, 0, 2]);
//! frame.extend_from_slice(&[0x30, 0x39, 0, 161, 0, 8, 0, 0]);
//! let f = dissect(link::ETHERNET, &frame);
//! assert_eq!(f.udp_ports(), Some((12345, 161)));
//! assert_eq!(f.ip_checksum, Some(ChecksumStatus::Good));
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::transport::link;

/// A checksum as found: verified good, bad, or not verifiable (the
/// segment was cut by the capture, or it is a fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumStatus {
    /// Bad (Wireshark's 0).
    Bad,
    /// Good (Wireshark's 1).
    Good,
    /// Not verifiable (Wireshark's 2).
    Unverified,
    /// Not present: a UDP checksum of zero over IPv4 (Wireshark's 3).
    NotPresent,
}

impl ChecksumStatus {
    /// Wireshark's number for it.
    pub fn code(self) -> u8 {
        match self {
            ChecksumStatus::Bad => 0,
            ChecksumStatus::Good => 1,
            ChecksumStatus::Unverified => 2,
            ChecksumStatus::NotPresent => 3,
        }
    }
}

/// The layer decoding stopped in, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// The layer.
    pub layer: &'static str,
    /// Offset in the frame.
    pub offset: usize,
    /// Why.
    pub reason: &'static str,
}

/// The first occurrence of each field (each may be missing alone: a
/// header cut inside its addresses still gives the source).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// Ethernet source.
    pub eth_src: Option<[u8; 6]>,
    /// Ethernet destination.
    pub eth_dst: Option<[u8; 6]>,
    /// The first 802.1Q VLAN ID (802.1ad service tags are not VLAN IDs
    /// here, as in Wireshark's `vlan.id`).
    pub vlan: Option<u16>,
    /// IPv4 source.
    pub ip_src: Option<Ipv4Addr>,
    /// IPv4 destination.
    pub ip_dst: Option<Ipv4Addr>,
    /// IPv4 header checksum.
    pub ip_checksum: Option<ChecksumStatus>,
    /// IPv6 source.
    pub ipv6_src: Option<Ipv6Addr>,
    /// IPv6 destination.
    pub ipv6_dst: Option<Ipv6Addr>,
    /// TCP source port.
    pub tcp_src_port: Option<u16>,
    /// TCP destination port.
    pub tcp_dst_port: Option<u16>,
    /// TCP flags (the 12 bits of Wireshark's `tcp.flags`).
    pub tcp_flags: Option<u16>,
    /// Raw sequence number.
    pub tcp_seq: Option<u32>,
    /// Raw acknowledgement number.
    pub tcp_ack: Option<u32>,
    /// TCP checksum.
    pub tcp_checksum: Option<ChecksumStatus>,
    /// UDP source port.
    pub udp_src_port: Option<u16>,
    /// UDP destination port.
    pub udp_dst_port: Option<u16>,
    /// UDP checksum.
    pub udp_checksum: Option<ChecksumStatus>,
    /// ICMP type.
    pub icmp_type: Option<u8>,
    /// ICMP checksum (over the message, no pseudo-header).
    pub icmp_checksum: Option<ChecksumStatus>,
    /// ICMPv6 checksum (with the IPv6 pseudo-header).
    pub icmpv6_checksum: Option<ChecksumStatus>,
    /// ICMPv6 type.
    pub icmpv6_type: Option<u8>,
    /// The protocol the first IP header carries (6 TCP, 17 UDP, 1 ICMP,
    /// 47 GRE, …) and whether that header is IPv6: the outer transport,
    /// for flows.
    pub ip_proto: Option<(u8, bool)>,
    /// TCP payload length (from the IP lengths, not the capture).
    pub tcp_payload_len: Option<u32>,
    /// UDP payload length (from the UDP length when sane).
    pub udp_payload_len: Option<u32>,
    /// The first IP header's TTL or hop limit.
    pub ip_ttl: Option<u8>,
    /// ICMP/ICMPv6 echo identifier and sequence number.
    pub icmp_echo: Option<(u16, u16)>,
    /// Where decoding stopped short of the end, if it did.
    pub stopped: Option<Stop>,
}

impl Fields {
    /// TCP source and destination ports, when both were captured.
    pub fn tcp_ports(&self) -> Option<(u16, u16)> {
        Some((self.tcp_src_port?, self.tcp_dst_port?))
    }

    /// UDP source and destination ports, when both were captured.
    pub fn udp_ports(&self) -> Option<(u16, u16)> {
        Some((self.udp_src_port?, self.udp_dst_port?))
    }
}

fn mac_at(b: &[u8], at: usize) -> Option<[u8; 6]> {
    b.get(at..at + 6)?.try_into().ok()
}

fn v4_at(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

fn v6_at(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    let a: [u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(a))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The Internet checksum's one's-complement sum of `data` added to
/// `sum`, folded to 16 bits (any length: the sum is kept in 64 bits).
pub fn ones_sum(sum: u32, data: &[u8]) -> u32 {
    // 32-bit big-endian words into a 64-bit sum (no overflow below 16
    // GiB): the one's-complement sum of 16-bit words folds out of it.
    let mut acc = u64::from(sum);
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        acc += u64::from(u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    }
    let mut rest = words.remainder().chunks_exact(2);
    for c in &mut rest {
        acc += u64::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = rest.remainder() {
        acc += u64::from(*last) << 8;
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u32
}

/// Where the transport header's addresses come from, for the
/// pseudo-header.
#[derive(Debug, Clone, Copy)]
enum Pseudo {
    V4(Ipv4Addr, Ipv4Addr),
    V6(Ipv6Addr, Ipv6Addr),
}

impl Pseudo {
    fn sum(self, proto: u8, len: usize) -> u32 {
        let mut s = 0;
        match self {
            Pseudo::V4(a, b) => {
                s = ones_sum(s, &a.octets());
                s = ones_sum(s, &b.octets());
            }
            Pseudo::V6(a, b) => {
                s = ones_sum(s, &a.octets());
                s = ones_sum(s, &b.octets());
            }
        }
        s + u32::from(proto) + (len as u32 & 0xffff) + ((len as u32) >> 16)
    }
}

/// The payload of a network layer: its bytes as captured, the length
/// the header declares (None when it cannot be trusted), and whether the
/// transport checksum can be verified at all.
#[derive(Debug, Clone, Copy)]
struct L4<'a> {
    data: &'a [u8],
    declared: Option<usize>,
    pseudo: Pseudo,
    verifiable: bool,
    /// Inside an ICMP error (a quoted header): never verified.
    quoted: bool,
}

struct Dissector<'f> {
    f: &'f mut Fields,
    depth: u8,
    /// The capture cut the frame (caplen < the length on the wire).
    truncated: bool,
    /// Octets captured: a stop is never reported beyond them.
    frame_len: usize,
    /// Verify checksums (else their fields stay `None`).
    checksums: bool,
}

/// What [`dissect_with`] does besides decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Verify the IPv4, TCP and UDP checksums (default: yes).
    pub checksums: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { checksums: true }
    }
}

impl Dissector<'_> {
    fn stop(&mut self, layer: &'static str, offset: usize, reason: &'static str) {
        if self.f.stopped.is_none() {
            self.f.stopped = Some(Stop {
                layer,
                // A field missing past the end: decoding stopped at the end.
                offset: offset.min(self.frame_len),
                reason,
            });
        }
    }

    fn ethernet(&mut self, data: &[u8], base: usize) {
        // Cisco ISL: its own 26-octet header around an Ethernet frame
        // (Wireshark's eth fields then belong to the inner frame).
        if matches!(data.get(..5), Some([0x01 | 0x03, 0x00, 0x0c, 0x00, 0x00])) {
            if let Some(inner) = data.get(26..) {
                return self.tunnel(|s| s.ethernet(inner, base + 26));
            }
            return self.stop("isl", base, "cut header");
        }
        // Both addresses or none (as Wireshark shows a cut header).
        if self.f.eth_src.is_none()
            && self.f.eth_dst.is_none()
            && let (Some(dst), Some(src)) = (mac_at(data, 0), mac_at(data, 6))
        {
            self.f.eth_dst = Some(dst);
            self.f.eth_src = Some(src);
        }
        let Some(t) = be16(data, 12) else {
            return self.stop("eth", base + 12, "cut before the type");
        };
        self.ethertype(t, data, 14, base);
    }

    /// Everything from the type/length field on.
    fn ethertype(&mut self, mut t: u16, data: &[u8], mut at: usize, base: usize) {
        loop {
            match t {
                0x8100 | 0x9100 | 0x88a8 => {
                    let Some(tci) = be16(data, at) else {
                        return self.stop("vlan", base + at, "cut tag");
                    };
                    if t != 0x88a8 && self.f.vlan.is_none() {
                        self.f.vlan = Some(tci & 0x0fff);
                    }
                    let Some(next) = be16(data, at + 2) else {
                        return self.stop("vlan", base + at + 2, "cut before the type");
                    };
                    t = next;
                    at += 4;
                }
                0xd28b => {
                    // Arista AVSP: subtype, version, then a 64- or 48-bit
                    // timestamp, then the real type.
                    // Timestamp formats 0x?10 (64-bit) and 0x?20 (48-bit)
                    // are followed, others not (as Wireshark 4.0).
                    let ts = match be16(data, at + 2).unwrap_or(0) & 0xff {
                        0x10 => 8,
                        0x20 => 6,
                        _ => {
                            return self.stop("avsp", base + at, "timestamp format not followed");
                        }
                    };
                    let Some(next) = be16(data, at + 4 + ts) else {
                        return self.stop("avsp", base + at, "cut header");
                    };
                    t = next;
                    at += 6 + ts;
                }
                0x88e5 => {
                    // MACsec SecTAG; an encrypted payload ends here.
                    let Some(&tci) = data.get(at) else {
                        return self.stop("macsec", base + at, "cut SecTAG");
                    };
                    if tci & 0x0c != 0 {
                        return;
                    }
                    let tag = if tci & 0x20 != 0 { 14 } else { 6 };
                    let Some(next) = be16(data, at + tag) else {
                        return self.stop("macsec", base + at, "cut SecTAG");
                    };
                    t = next;
                    at += tag + 2;
                }
                0x8909 => {
                    // Cisco MetaData: 6 octets of SGT and options, then the
                    // type.
                    let Some(next) = be16(data, at + 6) else {
                        return self.stop("cmd", base + at, "cut header");
                    };
                    t = next;
                    at += 8;
                }
                0x8847 | 0x8848 => {
                    // MPLS: labels to the bottom of the stack, then IP by
                    // its version.
                    loop {
                        let Some(&bos) = data.get(at + 2) else {
                            return self.stop("mpls", base + at, "cut label");
                        };
                        at += 4;
                        if bos & 1 != 0 {
                            break;
                        }
                    }
                    let rest = data.get(at..).unwrap_or_default();
                    return match rest.first().map(|b| b >> 4) {
                        Some(4) => self.ipv4(rest, base + at),
                        Some(6) => self.ipv6(rest, base + at),
                        _ => {}
                    };
                }
                0..=1500 => {
                    // 802.3 length: LLC, and SNAP behind AA AA 03.
                    let llc = data.get(at..).unwrap_or_default();
                    if llc.len() >= 8 && llc[0] == 0xaa && llc[1] == 0xaa && llc[2] == 0x03 {
                        let Some(next) = be16(llc, 6) else { return };
                        t = next;
                        at += 8;
                        if t <= 1500 {
                            return;
                        }
                    } else {
                        return;
                    }
                }
                _ => break,
            }
        }
        let rest = data.get(at..).unwrap_or_default();
        self.network(t, rest, base + at);
    }

    fn network(&mut self, ethertype: u16, data: &[u8], base: usize) {
        match ethertype {
            0x0800 => self.ipv4(data, base),
            0x86dd => self.ipv6(data, base),
            _ => {}
        }
    }

    fn ip_by_version(&mut self, data: &[u8], base: usize) {
        match data.first().map(|b| b >> 4) {
            Some(4) => self.ipv4(data, base),
            Some(6) => self.ipv6(data, base),
            Some(_) => self.stop("ip", base, "not IP version 4 or 6"),
            None => self.stop("ip", base, "empty"),
        }
    }

    fn ipv4(&mut self, data: &[u8], base: usize) {
        let Some(&vihl) = data.first() else {
            return self.stop("ipv4", base, "empty");
        };
        if vihl >> 4 == 6 {
            // Wireshark's IPv4 dissector hands version 6 to IPv6.
            return self.ipv6(data, base);
        }
        let ihl = usize::from(vihl & 0x0f) * 4;
        if vihl >> 4 != 4 || ihl < 20 {
            return self.stop("ipv4", base, "bad version or header length");
        }
        let total = be16(data, 2).map(usize::from);
        // As Wireshark: a total length below the header's is bogus (no
        // fields); zero is TCP segmentation offload (the captured length).
        if let Some(t) = total
            && t != 0
            && t < ihl
        {
            return self.stop("ipv4", base, "total length below the header length");
        }
        let first = self.f.ip_src.is_none() && self.f.ip_dst.is_none();
        if first {
            self.f.ip_src = v4_at(data, 12);
            self.f.ip_dst = v4_at(data, 16);
        }
        if self.f.ip_ttl.is_none() {
            self.f.ip_ttl = data.get(8).copied();
        }
        let (Some(src), Some(dst)) = (v4_at(data, 12), v4_at(data, 16)) else {
            return self.stop("ipv4", base, "cut before the addresses");
        };
        let Some(header) = data.get(..ihl) else {
            return self.stop("ipv4", base, "cut inside the header");
        };
        if first && self.checksums {
            self.f.ip_checksum = Some(if ones_sum(0, header) == 0xffff {
                ChecksumStatus::Good
            } else {
                ChecksumStatus::Bad
            });
        }
        let frag = be16(data, 6).unwrap_or(0);
        let offset = frag & 0x1fff;
        let more = frag & 0x2000 != 0;
        if offset != 0 {
            return; // a later fragment: no transport header here
        }
        let proto = data[9];
        let total = match total {
            Some(0) | None => data.len(),
            // A header that claims more than a frame carried whole (not
            // cut by the capture): the frame's octets are the datagram.
            Some(t) if t > data.len() && !self.truncated => data.len(),
            Some(t) => t,
        };
        let end = total.min(data.len());
        let payload = data.get(ihl..end).unwrap_or_default();
        let l4 = L4 {
            data: payload,
            declared: Some(total - ihl),
            pseudo: Pseudo::V4(src, dst),
            verifiable: !more,
            quoted: false,
        };
        self.transport(proto, l4, base + ihl);
    }

    /// IPv6 (fields of a header cut short are shown as far as they go).
    fn ipv6(&mut self, data: &[u8], base: usize) {
        if data.first().map(|b| b >> 4) != Some(6) {
            return self.stop("ipv6", base, "not version 6");
        }
        if self.f.ipv6_src.is_none() && self.f.ipv6_dst.is_none() {
            self.f.ipv6_src = v6_at(data, 8);
            self.f.ipv6_dst = v6_at(data, 24);
        }
        if self.f.ip_ttl.is_none() {
            self.f.ip_ttl = data.get(7).copied();
        }
        let (Some(src), Some(dst)) = (v6_at(data, 8), v6_at(data, 24)) else {
            return self.stop("ipv6", base, "cut before the addresses");
        };
        let plen = usize::from(be16(data, 4).unwrap_or(0));
        let mut next = data[6];
        // Payload length 0: a jumbogram if a hop-by-hop Jumbo option says
        // so (below), else nothing.
        let jumbo_possible = plen == 0 && next == 0;
        let (end, mut declared) = if jumbo_possible {
            (data.len(), None)
        } else {
            ((40 + plen).min(data.len()), Some(plen))
        };
        let body = data.get(..end).unwrap_or(data);
        let mut at = 40;
        let mut fragment_more = false;
        let mut first_header = true;
        loop {
            match next {
                143 => {
                    // Ethernet in IPv6 (segment routing).
                    let inner = body.get(at..).unwrap_or_default();
                    return self.tunnel(|s| s.ethernet(inner, base + at));
                }
                0 | 43 | 60 | 135 | 139 | 140 => {
                    if next == 0 && !first_header {
                        return self.stop("ipv6", base + at, "hop-by-hop header not first");
                    }
                    let (Some(&n), Some(&len)) = (body.get(at), body.get(at + 1)) else {
                        return self.stop("ipv6", base + at, "cut extension header");
                    };
                    let len = (usize::from(len) + 1) * 8;
                    if next == 0 && plen == 0 {
                        // Jumbo payload option: the real length.
                        if let Some(j) =
                            jumbo_length(body.get(at + 2..at + len).unwrap_or_default())
                        {
                            declared = Some(j as usize);
                        }
                    }
                    if at + len > body.len() {
                        return self.stop("ipv6", base + at, "extension header runs past the data");
                    }
                    next = n;
                    at += len;
                    if let Some(d) = declared.as_mut() {
                        *d = d.saturating_sub(len);
                    }
                }
                44 => {
                    let (Some(&n), Some(fo)) = (body.get(at), be16(body, at + 2)) else {
                        return self.stop("ipv6", base + at, "cut fragment header");
                    };
                    if fo & 0xfff8 != 0 {
                        return; // a later fragment
                    }
                    fragment_more = fo & 1 != 0;
                    next = n;
                    at += 8;
                    if let Some(d) = declared.as_mut() {
                        *d = d.saturating_sub(8);
                    }
                }
                51 => {
                    let (Some(&n), Some(&len)) = (body.get(at), body.get(at + 1)) else {
                        return self.stop("ipv6", base + at, "cut AH");
                    };
                    let len = (usize::from(len) + 2) * 4;
                    if at + len > body.len() {
                        return self.stop("ipv6", base + at, "AH runs past the data");
                    }
                    next = n;
                    at += len;
                    if let Some(d) = declared.as_mut() {
                        *d = d.saturating_sub(len);
                    }
                }
                _ => break,
            }
            first_header = false;
        }
        let payload = body.get(at..).unwrap_or_default();
        let l4 = L4 {
            data: payload,
            declared,
            pseudo: Pseudo::V6(src, dst),
            verifiable: !fragment_more && declared.is_none_or(|d| d <= payload.len()),
            quoted: false,
        };
        self.transport(next, l4, base + at);
    }

    fn transport(&mut self, proto: u8, l4: L4<'_>, base: usize) {
        if self.f.ip_proto.is_none() && !l4.quoted {
            self.f.ip_proto = Some((proto, matches!(l4.pseudo, Pseudo::V6(..))));
        }
        match proto {
            6 => self.tcp(l4, base),
            17 => self.udp(l4, base),
            1 => self.icmp(l4, base),
            58 => self.icmpv6(l4, base),
            4 => self.tunnel(|d| d.ipv4(l4.data, base)),
            41 => self.tunnel(|d| d.ipv6(l4.data, base)),
            47 => self.gre(l4.data, base),
            103 => {
                // PIMv2 Register: 8 octets, then the data packet.
                if l4.data.first() == Some(&0x21)
                    && let Some(inner) = l4.data.get(8..)
                {
                    self.tunnel(|s| s.ip_by_version(inner, base + 8));
                }
            }
            _ => {}
        }
    }

    /// An inner packet, with a bound on nesting.
    fn tunnel(&mut self, inner: impl FnOnce(&mut Self)) {
        if self.depth >= 8 {
            return self.stop("tunnel", 0, "nested too deep");
        }
        self.depth += 1;
        inner(self);
        self.depth -= 1;
    }

    fn checksum(&self, proto: u8, l4: &L4<'_>, stored_zero_means_none: bool) -> ChecksumStatus {
        let len = match l4.declared {
            Some(d) => d,
            None => l4.data.len(),
        };
        if stored_zero_means_none && !l4.quoted && be16(l4.data, 6) == Some(0) {
            return ChecksumStatus::NotPresent;
        }
        if l4.quoted || !l4.verifiable || len > l4.data.len() {
            return ChecksumStatus::Unverified;
        }
        let seg = &l4.data[..len];
        let s = ones_sum(l4.pseudo.sum(proto, len), seg);
        if s == 0xffff {
            ChecksumStatus::Good
        } else {
            ChecksumStatus::Bad
        }
    }

    /// ICMP (no pseudo-header) or ICMPv6 (`Some(58)`: with it).
    fn icmp_checksum(&self, l4: &L4<'_>, pseudo_proto: Option<u8>) -> ChecksumStatus {
        let len = l4.declared.unwrap_or(l4.data.len());
        if l4.quoted || !l4.verifiable || len > l4.data.len() || len < 4 {
            return ChecksumStatus::Unverified;
        }
        let seg = &l4.data[..len];
        let start = pseudo_proto.map_or(0, |p| l4.pseudo.sum(p, len));
        if ones_sum(start, seg) == 0xffff {
            ChecksumStatus::Good
        } else {
            ChecksumStatus::Bad
        }
    }

    fn tcp(&mut self, l4: L4<'_>, base: usize) {
        if self.f.tcp_src_port.is_some() {
            return;
        }
        let d = l4.data;
        self.f.tcp_src_port = be16(d, 0);
        self.f.tcp_dst_port = be16(d, 2);
        self.f.tcp_seq = be32(d, 4);
        self.f.tcp_ack = be32(d, 8);
        self.f.tcp_flags = be16(d, 12).map(|x| x & 0x0fff);
        if d.len() < 20 {
            return self.stop("tcp", base, "cut inside the header");
        }
        let header = usize::from(d[12] >> 4) * 4;
        let segment = l4.declared.unwrap_or(d.len());
        self.f.tcp_payload_len = segment.checked_sub(header).map(|n| n as u32);
        if self.checksums {
            self.f.tcp_checksum = Some(self.checksum(6, &l4, false));
        }
    }

    fn udp(&mut self, l4: L4<'_>, base: usize) {
        let d = l4.data;
        let first = self.f.udp_src_port.is_none();
        if first {
            self.f.udp_src_port = be16(d, 0);
            self.f.udp_dst_port = be16(d, 2);
        }
        let (Some(_), Some(dp)) = (be16(d, 0), be16(d, 2)) else {
            return self.stop("udp", base, "cut before the ports");
        };
        if first && d.len() >= 8 {
            let ul = usize::from(be16(d, 4).unwrap_or(0));
            self.f.udp_payload_len = Some(if ul >= 8 {
                (ul - 8) as u32
            } else {
                l4.declared.unwrap_or(d.len()).saturating_sub(8) as u32
            });
        }
        if first && self.checksums && d.len() >= 8 {
            let mut l = l4;
            // The UDP length, when sane, is the datagram's.
            if let Some(ul) = be16(d, 4).map(usize::from)
                && ul >= 8
            {
                l.declared = Some(ul);
            }
            let zero_is_none = matches!(l.pseudo, Pseudo::V4(..));
            self.f.udp_checksum = Some(self.checksum(17, &l, zero_is_none));
        }
        let payload = d.get(8..).unwrap_or_default();
        if be16(d, 4) == Some(0) {
            // Length 0 (a jumbogram's, RFC 2675): Wireshark 4.0 stops here.
            return;
        }
        // VXLAN and Geneve carry Ethernet frames.
        if dp == 4789 && payload.len() >= 8 && payload[0] & 0x08 != 0 {
            let inner = &payload[8..];
            self.tunnel(|s| s.ethernet(inner, base + 16));
        } else if dp == 6081 && payload.len() >= 8 && payload[0] >> 6 == 0 {
            let opts = usize::from(payload[0] & 0x3f) * 4;
            let proto = be16(payload, 2).unwrap_or(0);
            if let Some(inner) = payload.get(8 + opts..) {
                self.tunnel(|s| s.encapsulated(proto, inner, base + 16 + opts));
            }
        }
    }

    /// A GRE or Geneve protocol type: Ethernet bridged, else an ethertype
    /// (IP, MPLS, VLAN, Cisco MetaData, …).
    fn encapsulated(&mut self, proto: u16, inner: &[u8], base: usize) {
        match proto {
            0x6558 => self.ethernet(inner, base),
            0..=1500 => {}
            p => self.ethertype(p, inner, 0, base),
        }
    }

    fn gre(&mut self, d: &[u8], base: usize) {
        let (Some(flags), Some(proto)) = (be16(d, 0), be16(d, 2)) else {
            return self.stop("gre", base, "cut header");
        };
        if flags & 0x7 != 0 {
            return; // GRE version 1 (PPTP) and others: not followed
        }
        let mut at = 4;
        for bit in [0x8000u16, 0x2000, 0x1000] {
            // checksum(+reserved), key, sequence number
            if flags & bit != 0 {
                at += 4;
            }
        }
        let Some(inner) = d.get(at..) else {
            return self.stop("gre", base, "cut header");
        };
        match proto {
            0x88be if flags & 0x1000 == 0 => {
                // ERSPAN type I (no sequence number): the frame itself.
                self.tunnel(|s| s.ethernet(inner, base + at));
            }
            0x88be => {
                // ERSPAN type II: 8 octets, then the mirrored frame.
                if let Some(frame) = inner.get(8..) {
                    self.tunnel(|s| s.ethernet(frame, base + at + 8));
                }
            }
            0x22eb => {
                // ERSPAN type III: 12 octets, 8 more with the O flag.
                let o = inner.get(11).is_some_and(|b| b & 1 != 0);
                if let Some(frame) = inner.get(if o { 20 } else { 12 }..) {
                    self.tunnel(|s| s.ethernet(frame, base + at + 12));
                }
            }
            0x883e => {
                // WCCP redirect: a 4-octet header, then the IP packet.
                if let Some(packet) = inner.get(4..) {
                    self.tunnel(|s| s.ip_by_version(packet, base + at + 4));
                }
            }
            p => self.tunnel(|s| s.encapsulated(p, inner, base + at)),
        }
    }

    /// A header quoted in an ICMP error: its IP and transport, never
    /// checksummed.
    fn quoted(&mut self, inner: &[u8], base: usize, v6: bool) {
        self.depth += 1;
        if self.depth < 8 {
            let before = self.f.clone();
            if v6 {
                self.ipv6(inner, base);
            } else {
                self.ipv4(inner, base);
            }
            // Quoted transport headers are partial: unverified.
            if before.tcp_checksum.is_none() && self.f.tcp_checksum.is_some() {
                self.f.tcp_checksum = Some(ChecksumStatus::Unverified);
            }
            if before.udp_checksum.is_none() && self.f.udp_checksum.is_some() {
                self.f.udp_checksum = Some(ChecksumStatus::Unverified);
            }
        }
        self.depth -= 1;
    }

    fn icmp(&mut self, l4: L4<'_>, base: usize) {
        let Some(&t) = l4.data.first() else {
            return self.stop("icmp", base, "empty");
        };
        if self.f.icmp_type.is_none() {
            self.f.icmp_type = Some(t);
            if matches!(t, 0 | 8) {
                self.f.icmp_echo =
                    Some((be16(l4.data, 4).unwrap_or(0), be16(l4.data, 6).unwrap_or(0)));
            }
            if self.checksums {
                self.f.icmp_checksum = Some(self.icmp_checksum(&l4, None));
            }
        }
        if matches!(t, 3 | 4 | 5 | 11 | 12)
            && let Some(inner) = l4.data.get(8..)
        {
            self.quoted(inner, base + 8, false);
        }
    }

    fn icmpv6(&mut self, l4: L4<'_>, base: usize) {
        let Some(&t) = l4.data.first() else {
            return self.stop("icmpv6", base, "empty");
        };
        if self.f.icmpv6_type.is_none() {
            self.f.icmpv6_type = Some(t);
            if self.checksums {
                self.f.icmpv6_checksum = Some(self.icmp_checksum(&l4, Some(58)));
            }
            if matches!(t, 128 | 129) && self.f.icmp_echo.is_none() {
                self.f.icmp_echo =
                    Some((be16(l4.data, 4).unwrap_or(0), be16(l4.data, 6).unwrap_or(0)));
            }
        }
        if matches!(t, 1..=4)
            && let Some(inner) = l4.data.get(8..)
        {
            self.quoted(inner, base + 8, true);
        }
    }
}

/// The Jumbo Payload option (type 0xC2) in a hop-by-hop header's options.
fn jumbo_length(opts: &[u8]) -> Option<u32> {
    let mut at = 0;
    while at < opts.len() {
        match opts[at] {
            0 => at += 1,
            0xc2 => return be32(opts, at + 2),
            _ => at += 2 + usize::from(*opts.get(at + 1)?),
        }
    }
    None
}

/// Decodes a frame of `link_type` (LINKTYPE_*) captured whole.
pub fn dissect(link_type: u16, data: &[u8]) -> Fields {
    dissect_frame(link_type, data, data.len())
}

/// Decodes a frame of `link_type` of which `data` was captured out of
/// `wire_len` octets (a capture cut by the snap length leaves checksums
/// unverifiable; a whole frame whose IP header claims more is taken as
/// it is, as Wireshark does).
pub fn dissect_frame(link_type: u16, data: &[u8], wire_len: usize) -> Fields {
    dissect_with(link_type, data, wire_len, Options::default())
}

/// As [`dissect_frame`], with [`Options`] (checksums skipped when only
/// the headers matter).
pub fn dissect_with(link_type: u16, data: &[u8], wire_len: usize, options: Options) -> Fields {
    let mut f = Fields::default();
    dissect_into(link_type, data, wire_len, options, &mut f);
    f
}

/// As [`dissect_with`], into `f` (overwritten whole): a loop over many
/// frames can keep one [`Fields`] instead of moving a new one out each
/// time.
pub fn dissect_into(
    link_type: u16,
    data: &[u8],
    wire_len: usize,
    options: Options,
    f: &mut Fields,
) {
    // The common case (Ethernet, at most one 802.1Q tag, IPv4 without
    // options or fragmentation or IPv6 without extension headers, TCP or
    // UDP, captured whole) has a
    // straight path; it gives exactly the fields of the general one
    // (tested on the corpus and the generated mix).
    if link_type == link::ETHERNET
        && wire_len <= data.len()
        && fast_ethernet_ip(data, options.checksums, f)
    {
        return;
    }
    *f = Fields::default();
    general(link_type, data, wire_len, options, f);
}

/// Ethernet [802.1Q], then IPv4 (IHL 5, unfragmented) or IPv6 (no
/// extension header), its length within the frame, carrying TCP or UDP
/// (not VXLAN or Geneve): writes the fields and says yes, or leaves `f`
/// alone for the general path.
#[inline]
fn fast_ethernet_ip(d: &[u8], checksums: bool, f: &mut Fields) -> bool {
    let Some(h) = d.first_chunk::<14>() else {
        return false;
    };
    if matches!(h[..5], [0x01 | 0x03, 0x00, 0x0c, 0x00, 0x00]) {
        return false; // Cisco ISL
    }
    let mut t = u16::from_be_bytes([h[12], h[13]]);
    let (mut at, mut vlan) = (14, None);
    if t == 0x8100 {
        let Some(tag) = d.get(14..).and_then(|x| x.first_chunk::<4>()) else {
            return false;
        };
        vlan = Some(u16::from_be_bytes([tag[0], tag[1]]) & 0x0fff);
        t = u16::from_be_bytes([tag[2], tag[3]]);
        at = 18;
    }
    let Some(ip) = d.get(at..) else { return false };
    // The transport segment, the pseudo-header, and the network fields.
    let (l4, pseudo, proto, ttl, ip_checksum) = match t {
        0x0800 => {
            let Some(iph) = ip.first_chunk::<20>() else {
                return false;
            };
            let total = usize::from(u16::from_be_bytes([iph[2], iph[3]]));
            if iph[0] != 0x45
                || total < 20
                || total > ip.len()
                || u16::from_be_bytes([iph[6], iph[7]]) & 0x3fff != 0
            {
                return false;
            }
            let src = Ipv4Addr::new(iph[12], iph[13], iph[14], iph[15]);
            let dst = Ipv4Addr::new(iph[16], iph[17], iph[18], iph[19]);
            (
                &ip[20..total],
                Pseudo::V4(src, dst),
                iph[9],
                iph[8],
                checksums.then(|| verdict(ones_sum(0, iph))),
            )
        }
        0x86dd => {
            let Some(iph) = ip.first_chunk::<40>() else {
                return false;
            };
            let plen = usize::from(u16::from_be_bytes([iph[4], iph[5]]));
            if iph[0] >> 4 != 6 || plen == 0 || 40 + plen > ip.len() {
                return false;
            }
            let src = Ipv6Addr::from(*iph[8..].first_chunk::<16>().unwrap_or(&[0; 16]));
            let dst = Ipv6Addr::from(*iph[24..].first_chunk::<16>().unwrap_or(&[0; 16]));
            (
                &ip[40..40 + plen],
                Pseudo::V6(src, dst),
                iph[6],
                iph[7],
                None,
            )
        }
        _ => return false,
    };
    match proto {
        6 => {
            let Some(th) = l4.first_chunk::<20>() else {
                return false;
            };
            let header = usize::from(th[12] >> 4) * 4;
            *f = Fields {
                tcp_src_port: Some(u16::from_be_bytes([th[0], th[1]])),
                tcp_dst_port: Some(u16::from_be_bytes([th[2], th[3]])),
                tcp_seq: Some(u32::from_be_bytes([th[4], th[5], th[6], th[7]])),
                tcp_ack: Some(u32::from_be_bytes([th[8], th[9], th[10], th[11]])),
                tcp_flags: Some(u16::from_be_bytes([th[12], th[13]]) & 0x0fff),
                tcp_payload_len: l4.len().checked_sub(header).map(|n| n as u32),
                tcp_checksum: checksums.then(|| verdict(ones_sum(pseudo.sum(6, l4.len()), l4))),
                ..Fields::default()
            };
        }
        17 => {
            let Some(uh) = l4.first_chunk::<8>() else {
                return false;
            };
            let dp = u16::from_be_bytes([uh[2], uh[3]]);
            if dp == 4789 || dp == 6081 {
                return false; // VXLAN, Geneve: the general path follows them
            }
            let ul = usize::from(u16::from_be_bytes([uh[4], uh[5]]));
            let len = if ul >= 8 { ul } else { l4.len() };
            let v4 = matches!(pseudo, Pseudo::V4(..));
            *f = Fields {
                udp_src_port: Some(u16::from_be_bytes([uh[0], uh[1]])),
                udp_dst_port: Some(dp),
                udp_payload_len: Some((len - 8) as u32),
                udp_checksum: checksums.then(|| {
                    if v4 && uh[6] == 0 && uh[7] == 0 {
                        ChecksumStatus::NotPresent
                    } else if len > l4.len() {
                        ChecksumStatus::Unverified
                    } else {
                        verdict(ones_sum(pseudo.sum(17, len), &l4[..len]))
                    }
                }),
                ..Fields::default()
            };
        }
        _ => return false,
    }
    f.eth_dst = Some([h[0], h[1], h[2], h[3], h[4], h[5]]);
    f.eth_src = Some([h[6], h[7], h[8], h[9], h[10], h[11]]);
    f.vlan = vlan;
    match pseudo {
        Pseudo::V4(a, b) => (f.ip_src, f.ip_dst) = (Some(a), Some(b)),
        Pseudo::V6(a, b) => (f.ipv6_src, f.ipv6_dst) = (Some(a), Some(b)),
    }
    f.ip_ttl = Some(ttl);
    f.ip_proto = Some((proto, matches!(pseudo, Pseudo::V6(..))));
    f.ip_checksum = ip_checksum;
    true
}

fn verdict(sum: u32) -> ChecksumStatus {
    if sum == 0xffff {
        ChecksumStatus::Good
    } else {
        ChecksumStatus::Bad
    }
}

/// The general path alone, without the straight one: for the fuzz
/// target that checks both agree.
#[doc(hidden)]
pub fn dissect_general(link_type: u16, data: &[u8], wire_len: usize, options: Options) -> Fields {
    let mut f = Fields::default();
    general(link_type, data, wire_len, options, &mut f);
    f
}

/// Every link type and layer, lax.
fn general(link_type: u16, data: &[u8], wire_len: usize, options: Options, f: &mut Fields) {
    let mut d = Dissector {
        f,
        depth: 0,
        truncated: wire_len > data.len(),
        frame_len: data.len(),
        checksums: options.checksums,
    };
    match link_type {
        link::ETHERNET => d.ethernet(data, 0),
        link::LINUX_SLL => match (be16(data, 2), be16(data, 14)) {
            (Some(arphrd), Some(proto)) => {
                d.sll(arphrd, proto, data.get(16..).unwrap_or_default(), 16)
            }
            _ => d.stop("sll", 0, "cut header"),
        },
        link::LINUX_SLL2 => match (be16(data, 8), be16(data, 0)) {
            (Some(arphrd), Some(proto)) => {
                d.sll(arphrd, proto, data.get(20..).unwrap_or_default(), 20)
            }
            _ => d.stop("sll2", 0, "cut header"),
        },
        link::NULL | link::LOOP => match data.get(4..) {
            Some(rest) => d.ip_by_version(rest, 4),
            None => d.stop("null", 0, "cut header"),
        },
        link::RAW | link::RAW_OPENBSD | link::RAW_BSD => d.ip_by_version(data, 0),
        link::IPV4 => d.ipv4(data, 0),
        link::IPV6 => d.ipv6(data, 0),
        _ => d.stop("link", 0, "link type not decoded"),
    }
}

impl Dissector<'_> {
    /// Linux cooked capture: the protocol field is an ethertype for
    /// Ethernet-like devices, loopback and IP tunnels.
    fn sll(&mut self, _arphrd: u16, proto: u16, rest: &[u8], base: usize) {
        match proto {
            // ETH_P_802_2 (LLC) and ETH_P_802_3 (Novell raw): no IP here.
            0x0001 | 0x0004 => {}
            p => self.ethertype(p, rest, 0, base),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(vlan: bool, l4: &[u8], proto: u8) -> Vec<u8> {
        let mut p = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        if vlan {
            p.extend_from_slice(&[0x81, 0x00, 0x00, 0x07]);
        }
        p.extend_from_slice(&[0x08, 0x00]);
        let total = (20 + l4.len()) as u16;
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        let c = !(ones_sum(0, &ip) as u16);
        ip[10..12].copy_from_slice(&c.to_be_bytes());
        p.extend_from_slice(&ip);
        p.extend_from_slice(l4);
        p
    }

    fn tcp_segment(good: bool) -> Vec<u8> {
        let mut t = vec![
            0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
        ];
        t.extend_from_slice(b"hello");
        let pseudo = Pseudo::V4(Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        let c = !(ones_sum(pseudo.sum(6, t.len()), &t) as u16);
        t[16..18].copy_from_slice(&(if good { c } else { c ^ 1 }).to_be_bytes());
        t
    }

    #[test]
    fn tcp_fields_and_checksums() {
        let p = frame(true, &tcp_segment(true), 6);
        let f = dissect(link::ETHERNET, &p);
        assert_eq!(f.vlan, Some(7));
        assert_eq!(f.tcp_ports(), Some((12345, 80)));
        assert_eq!(
            (f.tcp_seq, f.tcp_ack, f.tcp_flags),
            (Some(1), Some(2), Some(0x018))
        );
        assert_eq!(f.tcp_checksum, Some(ChecksumStatus::Good));
        assert_eq!(f.ip_checksum, Some(ChecksumStatus::Good));
        let bad = dissect(link::ETHERNET, &frame(false, &tcp_segment(false), 6));
        assert_eq!(bad.tcp_checksum, Some(ChecksumStatus::Bad));
        // Cut by the capture: unverifiable.
        let cut = dissect_frame(link::ETHERNET, &p[..p.len() - 2], p.len());
        assert_eq!(cut.tcp_checksum, Some(ChecksumStatus::Unverified));
        // A whole frame whose IP header claims two more octets: checked
        // over what is there, as Wireshark does, and bad.
        let short = dissect(link::ETHERNET, &p[..p.len() - 2]);
        assert_eq!(short.tcp_checksum, Some(ChecksumStatus::Bad));
        // Every prefix decodes, cut or whole.
        for n in 0..p.len() {
            let _ = dissect(link::ETHERNET, &p[..n]);
            let _ = dissect_frame(link::ETHERNET, &p[..n], p.len());
        }
    }

    /// The straight path and the general one agree field for field on
    /// the generated mix and on every Ethernet packet of the corpus, with
    /// and without checksums, whole or cut.
    #[test]
    fn straight_path_equals_the_general_one() {
        let general_of = |data: &[u8], wire: usize, checksums: bool| {
            let mut f = Fields::default();
            general(link::ETHERNET, data, wire, Options { checksums }, &mut f);
            f
        };
        let mut mix = Vec::new();
        crate::synth::write_mix(&mut mix, 2_000_000).unwrap();
        let mut frames: Vec<Vec<u8>> = crate::SliceReader::new(&mix)
            .unwrap()
            .map(|p| p.unwrap().data.to_vec())
            .collect();
        if let Some(dir) = netmon_testkit::corpus_file("pcap/tcpdump") {
            for e in std::fs::read_dir(dir).unwrap() {
                let Ok(data) = std::fs::read(e.unwrap().path()) else {
                    continue;
                };
                let Ok(r) = crate::SliceReader::new(&data) else {
                    continue;
                };
                frames.extend(
                    r.map_while(Result::ok)
                        .filter(|p| p.link_type == link::ETHERNET)
                        .map(|p| p.data.to_vec()),
                );
            }
        }
        let mut straight = 0;
        for d in &frames {
            for checksums in [false, true] {
                let opts = Options { checksums };
                let mut scratch = Fields::default();
                straight += usize::from(fast_ethernet_ip(d, checksums, &mut scratch));
                assert_eq!(
                    dissect_with(link::ETHERNET, d, d.len(), opts),
                    general_of(d, d.len(), checksums),
                    "{d:02x?}"
                );
                // Cut by the capture: always the general path.
                let cut = &d[..d.len() * 2 / 3];
                assert_eq!(
                    dissect_with(link::ETHERNET, cut, d.len(), opts),
                    general_of(cut, d.len(), checksums)
                );
                // Damaged lengths and flags take the same turns.
                let mut bad = d.clone();
                for at in [16, 17, 18, 19, 20, 21, 38, 39, 46, 47, 58, 59, 66] {
                    if let Some(b) = bad.get_mut(at) {
                        *b ^= 0x5a;
                    }
                }
                assert_eq!(
                    dissect_with(link::ETHERNET, &bad, bad.len(), opts),
                    general_of(&bad, bad.len(), checksums),
                    "{bad:02x?}"
                );
            }
        }
        assert!(
            straight > frames.len() / 2,
            "{straight} of {}",
            frames.len()
        );
    }

    #[test]
    fn word_sum_equals_the_16_bit_definition() {
        let mut x = 0x1234_5678_9abc_def1u64;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let mut want: u64 = 0x1_2345;
            for c in data.chunks(2) {
                want += u64::from(c[0]) << 8 | u64::from(*c.get(1).unwrap_or(&0));
            }
            while want > 0xffff {
                want = (want & 0xffff) + (want >> 16);
            }
            assert_eq!(ones_sum(0x1_2345, &data), want as u32, "{len}");
        }
    }

    #[test]
    fn checksums_of_jumbo_sizes_do_not_overflow() {
        // Found by the pcap_read fuzz target: 128 KiB of 0xff overflowed
        // a 32-bit sum.
        let big = vec![0xffu8; 1 << 20];
        assert_eq!(ones_sum(0xffff, &big), 0xffff);
        assert_eq!(ones_sum(0, &[0x12, 0x34, 0x56]), 0x1234 + 0x5600);
    }

    #[test]
    fn icmp_error_quotes_udp_and_tunnels_reach_inner() {
        // ICMP port unreachable quoting IPv4 + UDP 53 → 33000.
        let inner = frame(false, &[0x80, 0xe8, 0, 53, 0, 8, 0, 0], 17);
        let mut icmp = vec![3, 3, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&inner[14..]);
        let f = dissect(link::ETHERNET, &frame(false, &icmp, 1));
        assert_eq!(f.icmp_type, Some(3));
        assert_eq!(f.udp_ports(), Some((33000, 53)));
        assert_eq!(f.udp_checksum, Some(ChecksumStatus::Unverified), "quoted");
        // VXLAN: the inner Ethernet's TCP is the first TCP.
        let mut vx = vec![
            0x12, 0x34, 0x12, 0xb5, 0, 0, 0, 0, 0x08, 0, 0, 0, 0, 0, 1, 0,
        ];
        let t = frame(false, &tcp_segment(true), 6);
        vx.extend_from_slice(&t);
        let len = vx.len() as u16;
        vx[4..6].copy_from_slice(&len.to_be_bytes());
        let f = dissect(link::ETHERNET, &frame(true, &vx, 17));
        assert_eq!(f.udp_ports(), Some((4660, 4789)));
        assert_eq!(f.tcp_ports(), Some((12345, 80)));
        assert_eq!(f.eth_src, Some([2, 0, 0, 0, 0, 1]), "outer first");
    }
}
