//! Zero-copy views: a header read in place, its length checked once by
//! `new_checked`, each field read on demand, the payload borrowed (and
//! the owned `Repr` one call away). Ethernet II (with its VLAN tags),
//! IPv4, IPv6, TCP, UDP and ICMP/ICMPv6.
//!
//! ```
//! use netmon_pcap::wire::{EthernetView, Ipv4View, UdpView};
//! let mut frame = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
//! frame.extend_from_slice(&[0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0x66, 0xce, 10, 0, 0, 1, 10, 0, 0, 2]);
//! frame.extend_from_slice(&[0x30, 0x39, 0, 161, 0, 8, 0, 0]);
//! let eth = EthernetView::new_checked(&frame).unwrap();
//! let ip = Ipv4View::new_checked(eth.payload()).unwrap();
//! assert!(ip.verify_checksum());
//! let udp = UdpView::new_checked(ip.payload()).unwrap();
//! assert_eq!((udp.src_port(), udp.dst_port()), (12345, 161));
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{
    EthernetRepr, IcmpRepr, Ipv4Repr, Ipv6Repr, TcpRepr, UdpRepr, VlanTag, WireError, err,
};
use crate::dissect::ones_sum;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// An Ethernet II header and its 802.1Q/802.1ad/0x9100 tags, in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthernetView<'a> {
    b: &'a [u8],
    /// Offset of the ethertype after the tags.
    type_at: usize,
}

impl<'a> EthernetView<'a> {
    /// The header (tags followed, at most 8), or where it is cut.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, WireError> {
        let mut at = 12;
        for _ in 0..=8 {
            let Some(t) = b.get(at..at + 2) else {
                return Err(err("Ethernet header cut short", b.len()));
            };
            if !matches!(u16::from_be_bytes([t[0], t[1]]), 0x8100 | 0x88a8 | 0x9100) {
                return Ok(EthernetView { b, type_at: at });
            }
            at += 4;
        }
        Err(err("more than 8 VLAN tags", at))
    }

    /// Destination address.
    pub fn dst(&self) -> [u8; 6] {
        [
            self.b[0], self.b[1], self.b[2], self.b[3], self.b[4], self.b[5],
        ]
    }

    /// Source address.
    pub fn src(&self) -> [u8; 6] {
        [
            self.b[6], self.b[7], self.b[8], self.b[9], self.b[10], self.b[11],
        ]
    }

    /// The tags, outermost first.
    pub fn tags(&self) -> impl Iterator<Item = VlanTag> + 'a {
        let b = self.b;
        (12..self.type_at).step_by(4).map(move |at| VlanTag {
            tpid: u16_at(b, at),
            tci: u16_at(b, at + 2),
        })
    }

    /// The type after the tags (a length for 802.3 frames).
    pub fn ethertype(&self) -> u16 {
        u16_at(self.b, self.type_at)
    }

    /// The header's length.
    pub fn header_len(&self) -> usize {
        self.type_at + 2
    }

    /// What follows the header.
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.type_at + 2..]
    }

    /// The owned representation.
    pub fn to_repr(&self) -> EthernetRepr {
        EthernetRepr {
            dst: self.dst(),
            src: self.src(),
            tags: self.tags().collect(),
            ethertype: self.ethertype(),
        }
    }
}

/// An IPv4 header in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4View<'a> {
    b: &'a [u8],
}

impl<'a> Ipv4View<'a> {
    /// The header, checked: version 4, header length from 20 to what is
    /// there. The total length is not enforced (see [`Ipv4View::payload`]).
    pub fn new_checked(b: &'a [u8]) -> Result<Self, WireError> {
        let &vihl = b.first().ok_or(err("IPv4 header empty", 0))?;
        if vihl >> 4 != 4 {
            return Err(err("not IPv4", 0));
        }
        let ihl = usize::from(vihl & 0x0f) * 4;
        if ihl < 20 {
            return Err(err("IPv4 header length below 20", 0));
        }
        if b.len() < ihl {
            return Err(err("IPv4 header cut short", b.len()));
        }
        Ok(Ipv4View { b })
    }

    /// Header length in octets.
    pub fn header_len(&self) -> usize {
        usize::from(self.b[0] & 0x0f) * 4
    }

    /// DSCP and ECN.
    pub fn tos(&self) -> u8 {
        self.b[1]
    }

    /// Total length field.
    pub fn total_len(&self) -> u16 {
        u16_at(self.b, 2)
    }

    /// Identification.
    pub fn id(&self) -> u16 {
        u16_at(self.b, 4)
    }

    /// Don't fragment.
    pub fn dont_frag(&self) -> bool {
        self.b[6] & 0x40 != 0
    }

    /// More fragments.
    pub fn more_frags(&self) -> bool {
        self.b[6] & 0x20 != 0
    }

    /// Fragment offset in octets.
    pub fn frag_offset(&self) -> u16 {
        (u16_at(self.b, 6) & 0x1fff) * 8
    }

    /// Time to live.
    pub fn ttl(&self) -> u8 {
        self.b[8]
    }

    /// Protocol of the payload.
    pub fn protocol(&self) -> u8 {
        self.b[9]
    }

    /// Header checksum as found.
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, 10)
    }

    /// Source.
    pub fn src(&self) -> Ipv4Addr {
        Ipv4Addr::new(self.b[12], self.b[13], self.b[14], self.b[15])
    }

    /// Destination.
    pub fn dst(&self) -> Ipv4Addr {
        Ipv4Addr::new(self.b[16], self.b[17], self.b[18], self.b[19])
    }

    /// The options octets.
    pub fn options(&self) -> &'a [u8] {
        &self.b[20..self.header_len()]
    }

    /// Whether the header checksum is right.
    pub fn verify_checksum(&self) -> bool {
        ones_sum(0, &self.b[..self.header_len()]) == 0xffff
    }

    /// The payload: up to the total length, or what was captured when
    /// that is less (or the field is 0, as under segmentation offload).
    pub fn payload(&self) -> &'a [u8] {
        let total = usize::from(self.total_len());
        let end = if total == 0 {
            self.b.len()
        } else {
            total.clamp(self.header_len(), self.b.len())
        };
        &self.b[self.header_len()..end]
    }

    /// The pseudo-header sum for a transport segment of `len` octets.
    pub fn pseudo_sum(&self, len: usize) -> u32 {
        ones_sum(0, &self.b[12..20]) + u32::from(self.protocol()) + len as u32
    }

    /// The owned representation (typed options).
    pub fn to_repr(&self) -> Result<Ipv4Repr, WireError> {
        Ipv4Repr::parse(self.b).map(|r| r.0)
    }
}

/// The fixed IPv6 header in place (extension headers: [`Ipv6Repr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6View<'a> {
    b: &'a [u8],
}

impl<'a> Ipv6View<'a> {
    /// The header, checked: version 6, 40 octets there.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, WireError> {
        if b.len() < 40 {
            return Err(err("IPv6 header cut short", b.len()));
        }
        if b[0] >> 4 != 6 {
            return Err(err("not IPv6", 0));
        }
        Ok(Ipv6View { b })
    }

    /// Traffic class.
    pub fn traffic_class(&self) -> u8 {
        (u32_at(self.b, 0) >> 20) as u8
    }

    /// Flow label.
    pub fn flow_label(&self) -> u32 {
        u32_at(self.b, 0) & 0x000f_ffff
    }

    /// Payload length field.
    pub fn payload_len(&self) -> u16 {
        u16_at(self.b, 4)
    }

    /// Next header.
    pub fn next_header(&self) -> u8 {
        self.b[6]
    }

    /// Hop limit.
    pub fn hop_limit(&self) -> u8 {
        self.b[7]
    }

    /// Source.
    pub fn src(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.b[8..24]);
        Ipv6Addr::from(a)
    }

    /// Destination.
    pub fn dst(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.b[24..40]);
        Ipv6Addr::from(a)
    }

    /// What follows the fixed header, up to the payload length (or what
    /// was captured; all of it for a jumbogram's 0).
    pub fn payload(&self) -> &'a [u8] {
        let plen = usize::from(self.payload_len());
        let end = if plen == 0 {
            self.b.len()
        } else {
            (40 + plen).min(self.b.len())
        };
        &self.b[40..end]
    }

    /// The owned representation with the extension headers.
    pub fn to_repr(&self) -> Result<Ipv6Repr, WireError> {
        Ipv6Repr::parse(self.b).map(|r| r.0)
    }
}

/// A TCP header in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpView<'a> {
    b: &'a [u8],
}

impl<'a> TcpView<'a> {
    /// The header, checked: 20 octets, data offset from 20 to what is
    /// there.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, WireError> {
        if b.len() < 20 {
            return Err(err("TCP header cut short", b.len()));
        }
        let hlen = usize::from(b[12] >> 4) * 4;
        if hlen < 20 {
            return Err(err("TCP header length below 20", 12));
        }
        if b.len() < hlen {
            return Err(err("TCP options cut short", b.len()));
        }
        Ok(TcpView { b })
    }

    /// Source port.
    pub fn src_port(&self) -> u16 {
        u16_at(self.b, 0)
    }

    /// Destination port.
    pub fn dst_port(&self) -> u16 {
        u16_at(self.b, 2)
    }

    /// Sequence number.
    pub fn seq(&self) -> u32 {
        u32_at(self.b, 4)
    }

    /// Acknowledgement number.
    pub fn ack(&self) -> u32 {
        u32_at(self.b, 8)
    }

    /// Header length in octets.
    pub fn header_len(&self) -> usize {
        usize::from(self.b[12] >> 4) * 4
    }

    /// The 12 flag bits (NS CWR ECE URG ACK PSH RST SYN FIN and the
    /// three reserved).
    pub fn flags(&self) -> u16 {
        u16_at(self.b, 12) & 0x0fff
    }

    /// Window.
    pub fn window(&self) -> u16 {
        u16_at(self.b, 14)
    }

    /// Checksum as found.
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, 16)
    }

    /// Urgent pointer.
    pub fn urgent(&self) -> u16 {
        u16_at(self.b, 18)
    }

    /// The options octets.
    pub fn options(&self) -> &'a [u8] {
        &self.b[20..self.header_len()]
    }

    /// The payload (as captured).
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.header_len()..]
    }

    /// Whether the checksum over the whole segment is right, given the
    /// pseudo-header sum for its length.
    pub fn verify_checksum(&self, pseudo: u32) -> bool {
        ones_sum(pseudo, self.b) == 0xffff
    }

    /// The owned representation (typed options).
    pub fn to_repr(&self) -> Result<TcpRepr, WireError> {
        TcpRepr::parse(self.b).map(|r| r.0)
    }
}

/// A UDP header in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpView<'a> {
    b: &'a [u8],
}

impl<'a> UdpView<'a> {
    /// The header, checked: 8 octets there.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, WireError> {
        if b.len() < 8 {
            return Err(err("UDP header cut short", b.len()));
        }
        Ok(UdpView { b })
    }

    /// Source port.
    pub fn src_port(&self) -> u16 {
        u16_at(self.b, 0)
    }

    /// Destination port.
    pub fn dst_port(&self) -> u16 {
        u16_at(self.b, 2)
    }

    /// Length field.
    pub fn len(&self) -> u16 {
        u16_at(self.b, 4)
    }

    /// Whether the length field says no payload.
    pub fn is_empty(&self) -> bool {
        self.len() <= 8
    }

    /// Checksum as found (0: none, over IPv4).
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, 6)
    }

    /// The payload: up to the length field when it is sane, else what
    /// was captured.
    pub fn payload(&self) -> &'a [u8] {
        let l = usize::from(self.len());
        let end = if l >= 8 {
            l.min(self.b.len())
        } else {
            self.b.len()
        };
        &self.b[8..end]
    }

    /// The owned representation.
    pub fn to_repr(&self) -> UdpRepr {
        UdpRepr {
            src_port: self.src_port(),
            dst_port: self.dst_port(),
            length: self.len(),
            checksum: self.checksum(),
        }
    }
}

/// An ICMP or ICMPv6 header in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpView<'a> {
    b: &'a [u8],
}

impl<'a> IcmpView<'a> {
    /// The header, checked: 8 octets there.
    pub fn new_checked(b: &'a [u8]) -> Result<Self, WireError> {
        if b.len() < 8 {
            return Err(err("ICMP header cut short", b.len()));
        }
        Ok(IcmpView { b })
    }

    /// Type.
    pub fn icmp_type(&self) -> u8 {
        self.b[0]
    }

    /// Code.
    pub fn code(&self) -> u8 {
        self.b[1]
    }

    /// Checksum as found.
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, 2)
    }

    /// Echo identifier and sequence (types 0, 8, 128, 129).
    pub fn echo(&self) -> Option<(u16, u16)> {
        matches!(self.icmp_type(), 0 | 8 | 128 | 129)
            .then(|| (u16_at(self.b, 4), u16_at(self.b, 6)))
    }

    /// What follows the 8 octets (for errors: the quoted packet).
    pub fn payload(&self) -> &'a [u8] {
        &self.b[8..]
    }

    /// Whether the checksum is right (ICMPv4: `pseudo` 0; ICMPv6: the
    /// IPv6 pseudo-header sum).
    pub fn verify_checksum(&self, pseudo: u32) -> bool {
        ones_sum(pseudo, self.b) == 0xffff
    }

    /// The owned representation.
    pub fn to_repr(&self) -> IcmpRepr {
        IcmpRepr {
            icmp_type: self.icmp_type(),
            code: self.code(),
            checksum: self.checksum(),
            rest: [self.b[4], self.b[5], self.b[6], self.b[7]],
        }
    }
}
