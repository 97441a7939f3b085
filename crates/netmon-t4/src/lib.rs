//! netmon-t4: HP OpenVMS T4/TLViz CSV statistics for netmon.
//!
//! Planned layers: a streaming T4 reader into [`netmon_core::Frame`]
//! (Format 1, Format 2, glued files, zip archives), writers (T4 Format 2,
//! plain CSV), per-system merges, and the calculation language with the
//! built-in SMSC metric sets. This crate is being built; today it only
//! re-exports the shared model it builds on.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub use netmon_core as core;
