//! The store: what one run keeps, in `store_folder`.
//!
//! ```text
//! data_<YYYYmmdd_HHMM>.csv        every system, t4Monitor's layout: Sample Time,system,<columns>
//! data_<YYYYmmdd_HHMM>.parquet    the same, typed: timestamp[ns, UTC], string, int64 or float64
//!                                 (missing samples are nulls), readable by pandas and pyarrow
//! logs_<system>_<tag>.txt         each system's log-monitor output, when there is some
//! manifest_<tag>.json             systems, files, rows, errors, durations
//! ```
//!
//! Every file is written to a temporary name and renamed, so a reader
//! never sees half a file. No setting and no secret is stored.

use std::io::Write;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use anyhow::Context;
use arrow_array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use netmon::core::Frame;
use netmon::t4::{Kinds, ValueKind, write_plain_systems};

use crate::pipeline::{FileOutcome, SystemData};

/// A system name as part of a file name: letters, digits, `-` and `_`
/// kept, anything else (a path separator, `..`) made `_`.
pub fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "_".into() } else { s }
}

/// Writes `path` through a temporary file in the same folder.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
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

/// Writes the systems' frames as one Parquet file, rows in the order of
/// the CSV store. A column is int64 where the CSV writes integers (every
/// value of every system integral), else float64; NaN is stored as null.
fn write_parquet(
    w: &mut (dyn Write + Send),
    systems: &[(&str, &Frame)],
    kinds: &Kinds,
) -> anyhow::Result<()> {
    let frames: Vec<&Frame> = systems.iter().map(|(_, f)| *f).collect();
    let names = Frame::union_names(&frames);
    let integer = |n: &str| {
        kinds.get(n) == Some(&ValueKind::Integer)
            && systems.iter().all(|(_, f)| {
                f.column(n)
                    .is_some_and(|c| c.iter().all(|v| v.fract() == 0.0 && v.abs() < 9.0e15))
            })
    };
    let int_columns: Vec<bool> = names.iter().map(|n| integer(n)).collect();
    let mut fields = vec![
        Field::new(
            "Sample Time",
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            false,
        ),
        Field::new("system", DataType::Utf8, false),
    ];
    for (n, int) in names.iter().zip(&int_columns) {
        let t = if *int {
            DataType::Int64
        } else {
            DataType::Float64
        };
        fields.push(Field::new(*n, t, true));
    }
    let schema = Arc::new(Schema::new(fields));
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .build();
    let mut writer = parquet::arrow::ArrowWriter::try_new(w, schema.clone(), Some(props))?;
    for (system, frame) in systems {
        let rows = frame.len();
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(
                TimestampNanosecondArray::from(frame.index_ns().to_vec()).with_timezone("UTC"),
            ),
            Arc::new(StringArray::from(vec![*system; rows])),
        ];
        for (n, int) in names.iter().zip(&int_columns) {
            let values = frame.column(n);
            let cell = |i: usize| {
                values
                    .and_then(|c| c.get(i).copied())
                    .filter(|v| !v.is_nan())
            };
            columns.push(if *int {
                Arc::new(
                    (0..rows)
                        .map(|i| cell(i).map(|v| v as i64))
                        .collect::<Int64Array>(),
                )
            } else {
                Arc::new((0..rows).map(cell).collect::<Float64Array>())
            });
        }
        writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
    }
    writer.close()?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
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
    data_parquet: Option<String>,
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
    let (data_csv, data_parquet) = if with_data.is_empty() {
        (None, None)
    } else {
        let csv = folder.join(format!("data_{tag}.csv"));
        write_atomically(&csv, |w| write_plain_systems(w, &with_data, Some(&kinds)))?;
        let parquet = folder.join(format!("data_{tag}.parquet"));
        write_atomically(&parquet, |w| {
            write_parquet(w, &with_data, &kinds).map_err(|e| std::io::Error::other(e.to_string()))
        })?;
        let names = (Some(file_name(&csv)), Some(file_name(&parquet)));
        written.extend([csv, parquet]);
        names
    };
    for (system, text) in logs {
        let path = folder.join(format!("logs_{}_{tag}.txt", file_safe(system)));
        write_atomically(&path, |w| w.write_all(text.as_bytes()))?;
        written.push(path);
    }
    let manifest = Manifest {
        tag,
        started: started.to_string(),
        seconds,
        data_csv,
        data_parquet,
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

/// The newest `data_*.parquet` of a store folder, or the file itself.
pub fn find_run(path: &Path) -> anyhow::Result<PathBuf> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    let mut runs: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("reading {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = file_name(p);
            n.starts_with("data_") && n.ends_with(".parquet")
        })
        .collect();
    runs.sort();
    runs.pop()
        .with_context(|| format!("no data_*.parquet run in {}", path.display()))
}

/// Reads a stored run back: each system's frame, in the stored order.
pub fn read_run(path: &Path) -> anyhow::Result<Vec<(String, Frame)>> {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type, TimestampNanosecondType};
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("{}: not a Parquet file", path.display()))?
        .build()?;
    let mut systems: Vec<(String, Frame)> = Vec::new();
    for batch in reader {
        let batch = batch.with_context(|| format!("reading {}", path.display()))?;
        let schema = batch.schema();
        let (Some(time), Some(system)) = (
            batch.column_by_name("Sample Time"),
            batch.column_by_name("system"),
        ) else {
            anyhow::bail!(
                "{}: not a netmon store (no Sample Time and system columns)",
                path.display()
            );
        };
        let time = time
            .as_primitive_opt::<TimestampNanosecondType>()
            .with_context(|| format!("{}: Sample Time is not a timestamp[ns]", path.display()))?;
        let system = system
            .as_string_opt::<i32>()
            .with_context(|| format!("{}: system is not text", path.display()))?;
        for row in 0..batch.num_rows() {
            let name = system.value(row);
            let at = match systems.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    let names = schema.fields().iter().skip(2).map(|f| f.name().clone());
                    systems.push((name.to_string(), Frame::with_columns(names)?));
                    systems.len() - 1
                }
            };
            let values: Vec<f64> = batch
                .columns()
                .iter()
                .skip(2)
                .map(|c| {
                    if c.is_null(row) {
                        f64::NAN
                    } else if let Some(f) = c.as_primitive_opt::<Float64Type>() {
                        f.value(row)
                    } else if let Some(i) = c.as_primitive_opt::<Int64Type>() {
                        i.value(row) as f64
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            systems[at].1.push_row(
                netmon::core::Timestamp::from_nanos(time.value(row)),
                &values,
            )?;
        }
    }
    // A system has NaN columns for what only other systems have: drop them.
    for (name, frame) in &mut systems {
        let empty: Vec<String> = frame
            .columns()
            .filter(|(_, c)| c.iter().all(|v| v.is_nan()))
            .map(|(n, _)| n.to_string())
            .collect();
        for n in empty {
            frame.remove_column(&n);
        }
        frame.tags_mut().system = Some(name.clone());
    }
    Ok(systems)
}

#[cfg(test)]
mod tests {
    #[test]
    fn system_names_stay_in_their_folder() {
        assert_eq!(super::file_safe("SMSC-1"), "SMSC-1");
        assert_eq!(super::file_safe("../../etc"), "______etc");
        assert_eq!(super::file_safe("a/b\\c d"), "a_b_c_d");
        assert_eq!(super::file_safe(""), "_");
    }
}
