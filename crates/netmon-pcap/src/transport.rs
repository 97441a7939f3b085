//! Finding the transport payload of a packet: link layer (Ethernet II
//! with 802.1Q/802.1ad/0x9100 tags, Linux SLL and SLL2, BSD null and
//! loopback, raw IP), IPv4 (first fragments only) or IPv6 (hop-by-hop,
//! routing, fragment and destination options skipped), then UDP or TCP.
//!
//! This is the small path SNMP tools need; the full zero-copy wire
//! formats with checksums and every option come with the `wire` layer.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// LINKTYPE_* values understood here.
pub mod link {
    /// BSD loopback (host-order family word).
    pub const NULL: u16 = 0;
    /// Ethernet.
    pub const ETHERNET: u16 = 1;
    /// Raw IP (OpenBSD's number).
    pub const RAW_OPENBSD: u16 = 12;
    /// Raw IP (some BSDs).
    pub const RAW_BSD: u16 = 14;
    /// Raw IP.
    pub const RAW: u16 = 101;
    /// OpenBSD loopback (network-order family word).
    pub const LOOP: u16 = 108;
    /// Linux cooked capture v1.
    pub const LINUX_SLL: u16 = 113;
    /// Raw IPv4.
    pub const IPV4: u16 = 228;
    /// Raw IPv6.
    pub const IPV6: u16 = 229;
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: u16 = 276;
}

/// The transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
}

/// A UDP datagram's or TCP segment's payload with its addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport<'a> {
    /// UDP or TCP.
    pub protocol: Protocol,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// The payload (cut short when the capture was).
    pub payload: &'a [u8],
    /// Offset of the payload in the packet.
    pub payload_offset: usize,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// The network-layer packet and its ethertype.
fn network(link_type: u16, data: &[u8]) -> Option<(u16, usize)> {
    let ip_by_version = |at: usize| match data.get(at)? >> 4 {
        4 => Some((0x0800, at)),
        6 => Some((0x86dd, at)),
        _ => None,
    };
    match link_type {
        link::ETHERNET => {
            let mut at = 12;
            let mut ethertype = be16(data, at)?;
            // Tags of any depth.
            while matches!(ethertype, 0x8100 | 0x88a8 | 0x9100) {
                at += 4;
                ethertype = be16(data, at)?;
            }
            Some((ethertype, at + 2))
        }
        link::LINUX_SLL => Some((be16(data, 14)?, 16)),
        link::LINUX_SLL2 => Some((be16(data, 0)?, 20)),
        link::NULL | link::LOOP => ip_by_version(4),
        link::RAW | link::RAW_OPENBSD | link::RAW_BSD | link::IPV4 | link::IPV6 => ip_by_version(0),
        _ => None,
    }
}

/// The UDP or TCP payload of a captured packet, if it has one that can be
/// reached (not a later IPv4 fragment, not cut before the transport
/// header).
pub fn transport(link_type: u16, data: &[u8]) -> Option<Transport<'_>> {
    let (ethertype, at) = network(link_type, data)?;
    let (proto, src, dst, l4, l4_end) = match ethertype {
        0x0800 => {
            let ihl = usize::from(data.get(at)? & 0x0f) * 4;
            if ihl < 20 {
                return None;
            }
            let total = usize::from(be16(data, at + 2)?);
            let frag = be16(data, at + 6)?;
            if frag & 0x1fff != 0 {
                return None; // not the first fragment
            }
            let src: [u8; 4] = data.get(at + 12..at + 16)?.try_into().ok()?;
            let dst: [u8; 4] = data.get(at + 16..at + 20)?.try_into().ok()?;
            let end = if total >= ihl {
                (at + total).min(data.len())
            } else {
                data.len()
            };
            (
                *data.get(at + 9)?,
                IpAddr::V4(Ipv4Addr::from(src)),
                IpAddr::V4(Ipv4Addr::from(dst)),
                at + ihl,
                end,
            )
        }
        0x86dd => {
            let payload_len = usize::from(be16(data, at + 4)?);
            let mut next = *data.get(at + 6)?;
            let src: [u8; 16] = data.get(at + 8..at + 24)?.try_into().ok()?;
            let dst: [u8; 16] = data.get(at + 24..at + 40)?.try_into().ok()?;
            let end = if payload_len == 0 {
                data.len() // jumbogram or unknown: to the end of the capture
            } else {
                (at + 40 + payload_len).min(data.len())
            };
            let mut p = at + 40;
            loop {
                match next {
                    0 | 43 | 60 => {
                        let n = *data.get(p)?;
                        let len = (usize::from(*data.get(p + 1)?) + 1) * 8;
                        next = n;
                        p += len;
                    }
                    44 => {
                        let n = *data.get(p)?;
                        if be16(data, p + 2)? & 0xfff8 != 0 {
                            return None; // not the first fragment
                        }
                        next = n;
                        p += 8;
                    }
                    _ => break,
                }
            }
            (
                next,
                IpAddr::V6(Ipv6Addr::from(src)),
                IpAddr::V6(Ipv6Addr::from(dst)),
                p,
                end,
            )
        }
        _ => return None,
    };
    let seg = data.get(l4..l4_end.max(l4))?;
    let (protocol, header) = match proto {
        17 => (Protocol::Udp, 8),
        6 => (Protocol::Tcp, usize::from(seg.get(12)? >> 4) * 4),
        _ => return None,
    };
    if header < 8 || seg.len() < header {
        return None;
    }
    let mut payload = &seg[header..];
    if protocol == Protocol::Udp {
        // The UDP length, when sane, bounds the payload (Ethernet padding).
        let ulen = usize::from(be16(seg, 4)?);
        if ulen >= 8 && ulen - 8 < payload.len() {
            payload = &payload[..ulen - 8];
        }
    }
    Some(Transport {
        protocol,
        src,
        dst,
        src_port: be16(seg, 0)?,
        dst_port: be16(seg, 2)?,
        payload,
        payload_offset: l4 + header,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethernet_vlan_ipv4_udp() {
        let mut p = vec![0u8; 12];
        p.extend_from_slice(&[0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
        let ip_start = p.len();
        p.extend_from_slice(&[
            0x45, 0, 0, 31, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        p.extend_from_slice(&[0x04, 0x00, 0x00, 161, 0, 11, 0, 0, b'a', b'b', b'c']);
        p.extend_from_slice(&[0, 0, 0]); // Ethernet padding
        let t = transport(link::ETHERNET, &p).unwrap();
        assert_eq!(t.protocol, Protocol::Udp);
        assert_eq!((t.src_port, t.dst_port), (1024, 161));
        assert_eq!(t.payload, b"abc");
        assert_eq!(t.payload_offset, ip_start + 28);
        // Every prefix is handled without a panic.
        for n in 0..p.len() {
            let _ = transport(link::ETHERNET, &p[..n]);
        }
    }
}
