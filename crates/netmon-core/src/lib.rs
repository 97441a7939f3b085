//! netmon-core: the domain model every netmon workflow shares.
//!
//! # Architecture
//!
//! netmon-core knows no protocol and does no I/O of its own (beside the
//! local-folder source); it depends on no async runtime. The protocol
//! crates (`netmon-snmp`, `netmon-t4`, `netmon-pcap`) produce and consume
//! its types, and the workflows in `examples/` glue them together.
//!
//! | layer | start from |
//! | --- | --- |
//! | time | [`Timestamp`]: i64 nanoseconds UTC, parsing and `strftime` |
//! | data | [`Frame`]: columnar time-indexed `f64` table with [`Tags`]; [`ColumnSelector`], merges, [`Resample`] |
//! | inputs | [`FileSource`] and [`SampleSource`]: the transport-agnostic collector traits; [`LocalFolder`], [`MemorySource`], [`SimulatedSamples`]; [`Mirror`] fetches only what is new |
//! | secrets | [`Secret`]: masked in `Debug`, `Display` and `Serialize` |
//! | settings | [`ini::Ini`]: INI files as Python's configparser reads them, with line numbers |
//! | errors | [`Error`] with [`Position`] |
//!
//! # Example: two sources, one pipeline
//!
//! ```
//! use netmon_core::{fetch_all, FileSource, MemorySource};
//! # tokio_test_block_on(async {
//! let source = MemorySource::new("demo");
//! source.insert("t4_node1_comp.csv", &b"..."[..], None)?;
//! source.insert("readme.txt", &b"..."[..], None)?;
//! // Any FileSource works here: a LocalFolder, an SFTP folder …
//! let files = fetch_all(&source, |f| f.name.ends_with(".csv")).await?;
//! assert_eq!(files.len(), 1);
//! # Ok::<(), netmon_core::Error>(())
//! # })?;
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! # Ok::<(), netmon_core::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod collector;
pub mod error;
pub mod frame;
pub mod ini;
pub mod mirror;
pub mod secret;
pub mod time;

pub use collector::{
    ChunkReader, Fetched, FileEntry, FileSource, LocalFolder, MemorySource, Sample, SampleBatch,
    SampleSource, SimulatedSamples, fetch_all, poll_series,
};
pub use error::{Error, Position, Result};
pub use frame::{Aggregation, ColumnSelector, ColumnStats, Frame, Resample, Slab, Tags};
pub use mirror::{Mirror, SyncKind, Synced};
pub use secret::Secret;
pub use time::{Civil, Timestamp};
