//! netmon-snmp: SNMP v1/v2c/v3 for netmon.
//!
//! Planned layers (see the project's DESIGN.md): a hand-written BER codec
//! (`ber`), borrowed and owned SNMP messages (`msg`), USM (`usm`), a
//! sans-IO request engine, and thin tokio drivers (client, trap receiver,
//! agent). This crate is being built; today it holds the BER layer
//! ([`ber`]) and object identifiers ([`oid`]).

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub use netmon_core as core;

pub mod ber;
pub mod oid;

pub use oid::Oid;
