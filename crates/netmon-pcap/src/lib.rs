//! netmon-pcap: packet captures for netmon.
//!
//! Planned layers: pcap and pcapng readers and writers (`file`),
//! zero-copy wire formats with owned representations (`wire`), flows,
//! two-sided capture correlation and the capture-sync protocol. This crate
//! is being built; today it holds a reader of pcap and pcapng files in
//! memory ([`mod@file`]) and the path from a captured frame to its UDP or TCP
//! payload ([`mod@transport`]).

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub use netmon_core as core;

pub mod dissect;
pub mod file;
pub mod synth;
pub mod transport;

pub use file::{FileError, Packet, SliceReader};
pub use transport::{Protocol, Transport, transport};
