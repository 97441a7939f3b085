//! The store: what one run keeps, in `store_folder`.
//!
//! ```text
//! data_<YYYYmmdd_HHMM>.csv        every system, t4Monitor's layout: Sample Time,system,<columns>
//! logs_<system>_<tag>.txt         each system's log-monitor output, when there is some
//! manifest_<tag>.json             systems, files, rows, errors, durations
//! ```
//!
//! Every file is written to a temporary name and renamed, so a reader
//! never sees half a file. No setting and no secret is stored.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use netmon::t4::{Kinds, write_plain_systems};

use crate::pipeline::{FileOutcome, SystemData};

/// Writes `path` through a temporary file in the same folder.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp~");
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    write(&mut out).with_context(|| format!("writing {}", tmp.display()))?;
    out.flush()
        .with_context(|| format!("writing {}", tmp.display()))?;
    drop(out);
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

#[derive(Debug, serde::Serialize)]
struct SystemManifest<'a> {
    name: &'a str,
    source: &'a str,
    rows: usize,
    columns: usize,
    bytes: u64,
    transfer_seconds: f64,
    processing_seconds: f64,
    error: Option<&'a str>,
    calc_warnings: &'a [String],
    files: &'a [FileOutcome],
}

#[derive(Debug, serde::Serialize)]
struct Manifest<'a> {
    tag: &'a str,
    started: String,
    seconds: f64,
    data_csv: Option<String>,
    systems: Vec<SystemManifest<'a>>,
}

/// Writes a run; returns the files written.
pub fn write_run(
    folder: &Path,
    tag: &str,
    started: netmon::core::Timestamp,
    seconds: f64,
    systems: &[SystemData],
    logs: &[(String, String)],
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    let mut written = Vec::new();
    let with_data: Vec<(&str, &netmon::core::Frame)> = systems
        .iter()
        .filter(|s| !s.frame.is_empty())
        .map(|s| (s.name.as_str(), &s.frame))
        .collect();
    let mut kinds = Kinds::new();
    for s in systems {
        for (k, v) in &s.kinds {
            kinds.entry(k.clone()).or_insert(*v);
        }
    }
    let data_csv = if with_data.is_empty() {
        None
    } else {
        let path = folder.join(format!("data_{tag}.csv"));
        write_atomically(&path, |w| write_plain_systems(w, &with_data, Some(&kinds)))?;
        written.push(path.clone());
        Some(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    };
    for (system, text) in logs {
        let path = folder.join(format!("logs_{system}_{tag}.txt"));
        write_atomically(&path, |w| w.write_all(text.as_bytes()))?;
        written.push(path);
    }
    let manifest = Manifest {
        tag,
        started: started.to_string(),
        seconds,
        data_csv,
        systems: systems
            .iter()
            .map(|s| SystemManifest {
                name: &s.name,
                source: &s.source,
                rows: s.frame.len(),
                columns: s.frame.width(),
                bytes: s.bytes(),
                transfer_seconds: s.transfer.as_secs_f64(),
                processing_seconds: s.processing.as_secs_f64(),
                error: s.error.as_deref(),
                calc_warnings: &s.calc_warnings,
                files: &s.files,
            })
            .collect(),
    };
    let path = folder.join(format!("manifest_{tag}.json"));
    write_atomically(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })?;
    written.push(path);
    Ok(written)
}
