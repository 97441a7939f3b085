//! netmon-pcap: packet captures for netmon.
//!
//! | layer | start from |
//! | --- | --- |
//! | files | [`SliceReader`] (in memory), [`StreamReader`] (any `Read`, constant memory) |
//! | pcapng options, name records, interface statistics, secrets | [`pcapng`] ([`Packet::comment`], [`Packet::flags`], [`Block::options`], [`Block::name_records`], [`Block::interface_stats`]) |
//! | frames → Wireshark's fields | [`dissect::dissect_frame`] (lax; checksums verified; tunnels and ICMP quotes followed) |
//! | frame → UDP/TCP payload | [`transport()`] |
//! | conversations | [`flows::FlowTable`] (per direction: packets, bytes, times, TCP flags, retransmissions, gaps) |
//! | capture quality | [`lint::Lint`] (truncation, snap length, time order, duplicates, checksums, offload) |
//! | two captures of the same traffic | [`correlate::correlate`] (NAT-proof keys, clock offset and drift, lost vs missed, delay, jitter) |
//! | IP fragments | [`defrag::Defragmenter`] (any order, repeats, bounded memory, timeouts) |
//! | one header read in place | [`wire::Ipv4View`] and the other views (Ethernet, IPv6, TCP, UDP, ICMP) |
//! | headers to change and write back | [`wire`] (Ethernet/VLAN, LLC/SNAP, SLL, SLL2, null, ARP, IPv4 with typed options, IPv6 with extension headers, TCP with every option, UDP, ICMP/ICMPv6, GRE, VXLAN, Geneve) |
//! | writing | [`write::PcapWriter`], [`write::PcapngWriter`] (interface names, comments, EPB flags) |
//! | benchmark input | [`synth::write_mix`] |

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub use netmon_core as core;

pub mod correlate;
pub mod defrag;
pub mod dissect;
pub mod file;
pub mod flows;
pub mod lint;
pub mod pcapng;
pub mod synth;
pub mod transport;
pub mod wire;
pub mod write;

pub use file::{
    Block, FileError, FileErrorKind, Packet, SliceReader, StreamReader, capture_drops,
    pcapng_blocks,
};
pub use transport::{Protocol, Transport, transport};
