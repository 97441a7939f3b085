//! netmon: an embeddable library suite for network and telecom monitoring.
//!
//! This facade re-exports the member crates under short names:
//!
//! | module | crate | holds |
//! | --- | --- | --- |
//! | [`core`] | `netmon-core` | frames, timestamps, secrets, the collector traits |
//! | [`snmp`] | `netmon-snmp` | BER codec, SNMP v1/v2c/v3, USM, client, traps, agent |
//! | [`t4`] | `netmon-t4` | OpenVMS T4 statistics, merges, SMSC formulas |
//! | [`pcap`] | `netmon-pcap` | pcap/pcapng, wire formats, capture correlation |
//! | [`ssh`] | `netmon-ssh` | SFTP folders as collector sources, jump hosts, checked host keys, remote commands |
//!
//! The reference tools live in `examples/` and the benches in `benches/`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use netmon_core as core;
pub use netmon_pcap as pcap;
pub use netmon_snmp as snmp;
pub use netmon_ssh as ssh;
pub use netmon_t4 as t4;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
