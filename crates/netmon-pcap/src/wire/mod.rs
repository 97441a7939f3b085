//! Wire formats as owned representations (smoltcp's `Repr` style): each
//! parses from the octets of its header and emits them back, so a packet
//! can be read, changed and written. Link layers: Ethernet II with VLAN
//! tags, 802.2 LLC/SNAP, Linux SLL and SLL2, BSD null; ARP; IPv4 with
//! typed options, IPv6 with its extension headers; TCP with every
//! option, UDP, ICMP and ICMPv6; GRE, VXLAN and Geneve. The common headers
//! (Ethernet, IPv4, IPv6, TCP, UDP, ICMP) also have zero-copy views
//! ([`Ipv4View`] …) whose fields are read in place; the lax reading of
//! whole frames, tunnels and all, is [`crate::dissect`]. `parse(emit(r)) == r` for every
//! representation, and canonical headers from real captures re-emit
//! octet for octet (see the tests).
//!
//! ```
//! use netmon_pcap::wire::{TcpOption, TcpRepr};
//! let t = TcpRepr {
//!     src_port: 40000, dst_port: 443, seq: 1, ack: 0, flags: 0x002, window: 64240,
//!     urgent: 0, options: vec![TcpOption::Mss(1460), TcpOption::Nop, TcpOption::Nop, TcpOption::SackPermitted],
//! };
//! let mut octets = Vec::new();
//! t.emit(&mut octets).unwrap();
//! assert_eq!(TcpRepr::parse(&octets).unwrap().0, t);
//! ```

mod arp;
mod ethernet;
mod icmp;
mod ipv4;
mod ipv6;
mod link;
mod tcp;
mod tunnel;
mod udp;
mod view;

pub use arp::ArpRepr;
pub use ethernet::{EthernetRepr, VlanTag};
pub use icmp::IcmpRepr;
pub use ipv4::{Ipv4Option, Ipv4Repr};
pub use ipv6::{Ipv6Extension, Ipv6Option, Ipv6Repr};
pub use link::{LlcControl, LlcRepr, NullRepr, Sll2Repr, SllRepr, Snap};
pub use tcp::{TcpOption, TcpRepr};
pub use tunnel::{GeneveOption, GeneveRepr, GreRepr, VxlanRepr};
pub use udp::UdpRepr;
pub use view::{EthernetView, IcmpView, Ipv4View, Ipv6View, TcpView, UdpView};

use std::fmt;

/// Why octets are not a header of the kind asked for: what and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireError {
    /// What is wrong.
    pub what: &'static str,
    /// Offset in the octets given.
    pub offset: usize,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at octet {}", self.what, self.offset)
    }
}

impl std::error::Error for WireError {}

pub(crate) fn err(what: &'static str, offset: usize) -> WireError {
    WireError { what, offset }
}

pub(crate) fn be16(b: &[u8], at: usize) -> Result<u16, WireError> {
    b.get(at..at + 2)
        .map(|x| u16::from_be_bytes([x[0], x[1]]))
        .ok_or(err("cut short", b.len()))
}

pub(crate) fn be32(b: &[u8], at: usize) -> Result<u32, WireError> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
        .ok_or(err("cut short", b.len()))
}
