//! netmon-t4: HP OpenVMS T4/TLViz CSV statistics for netmon.
//!
//! # Architecture
//!
//! | layer | start from |
//! | --- | --- |
//! | reading | [`Reader`] → [`T4File`] (a [`netmon_core::Frame`] plus metadata, value kinds and [`Issue`]s) |
//! | reading a large file into memory of the caller's (NumPy) | [`Reader::plan_path`] → [`Plan`], [`Reader::read_plan`] |
//! | writing | [`write_plain`], [`write_t4`] |
//! | derived columns | [`calc::CalcFile`] (t4Monitor's calc files; precedence or left-to-right) |
//! | merging and file selection | [`merge_union`], [`merge_nearest`], [`FileSelector`] |
//! | SMSC metric sets (GIW, SMH, SSD, GHLR, IP7, SIW) | [`metrics`] |
//! | simulated SMSC (a day of PML counters as T4 files) | [`sim::SmscSim`] |
//! | benchmark input | [`synth::write_synthetic`] |
//!
//! The reader streams line by line: a file of any size costs the frame it
//! produces plus a 1 MiB buffer. A file whose size is known goes into one
//! [`netmon_core::Slab`] that the frame's columns share
//! ([`ReaderBuilder::slab`]), and a large file is cut into parts parsed on
//! as many threads ([`ReaderBuilder::threads`]). Bad rows are skipped and
//! reported with their line and column ([`Issue`]), never failing the
//! file; only a file with no usable header is an [`Error`].

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod calc;
pub mod error;
pub mod merge;
pub mod metrics;
pub mod number;
pub mod reader;
pub mod sim;
mod stamp;
pub mod synth;
pub mod writer;

pub use error::{Error, Issue, IssueKind, Result};
pub use merge::{FileSelector, Merged, merge_nearest, merge_union};
pub use reader::{Layout, Metadata, Plan, Reader, ReaderBuilder, T4File, ValueKind};
pub use writer::{Kinds, WriteOptions, write_plain, write_plain_systems, write_t4};
