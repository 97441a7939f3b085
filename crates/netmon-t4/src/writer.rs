//! Writers: t4Monitor's plain CSV, and T4 Format 2.

use std::collections::HashMap;
use std::io::{self, Write};

use netmon_core::frame::push_csv_field;
use netmon_core::{Frame, Timestamp};

use crate::number::push_py_float;
use crate::reader::{END_TAG, START_TAG, T4File, ValueKind};

/// How columns are written: by name, [`ValueKind::Float`] when absent.
pub type Kinds = HashMap<String, ValueKind>;

impl T4File {
    /// The value kind of each column, by name, for the writers.
    pub fn kind_map(&self) -> Kinds {
        self.frame
            .names()
            .iter()
            .cloned()
            .zip(self.kinds.iter().copied())
            .collect()
    }
}

/// Options of [`write_plain`] and [`write_t4`].
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    /// Value kinds by column name: integer columns are written without a
    /// decimal point, as pandas writes int64 columns. Absent: every
    /// column is written as floats.
    pub kinds: Option<&'a Kinds>,
    /// Plain CSV only: a `system` column after the time, holding this
    /// value (t4Monitor's store layout `Sample Time,system,<columns>`).
    pub system: Option<&'a str>,
    /// T4 only: the first line (default: `<node>, netmon Version: <v>,
    /// File Type Format 2`).
    pub first_line: Option<&'a str>,
}

fn push_value(line: &mut String, v: f64, kind: ValueKind) {
    if v.is_nan() {
        return;
    }
    if kind == ValueKind::Integer && v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
        use std::fmt::Write;
        let _ = write!(line, "{}", v as i64);
    } else {
        push_py_float(line, v);
    }
}

fn column_kinds(frame: &Frame, kinds: Option<&Kinds>) -> Vec<ValueKind> {
    frame
        .names()
        .iter()
        .map(|n| {
            kinds
                .and_then(|k| k.get(n).copied())
                .unwrap_or(ValueKind::Float)
        })
        .collect()
}

/// Writes t4Monitor's plain CSV: `Sample Time,<names>` (or
/// `Sample Time,system,<names>`), then one row per sample with stamps as
/// `2014-Jan-01 00:04:23.00` (t4Monitor writes the `.00` literally,
/// dropping fractions), floats as Python's `repr`, integer columns as
/// integers and NaN as empty cells; LF line ends.
///
/// The plain CSV of the corpus's `test_data.csv` is byte for byte the
/// `plain_data.csv` t4Monitor wrote.
pub fn write_plain<W: Write>(mut out: W, frame: &Frame, opts: &WriteOptions<'_>) -> io::Result<()> {
    let kinds = column_kinds(frame, opts.kinds);
    let mut line = String::with_capacity(16 * 1024);
    line.push_str("Sample Time");
    if opts.system.is_some() {
        line.push_str(",system");
    }
    for name in frame.names() {
        line.push(',');
        push_csv_field(&mut line, name);
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    let columns: Vec<&[f64]> = frame.columns().map(|(_, c)| c).collect();
    for (row, &t) in frame.index_ns().iter().enumerate() {
        line.clear();
        Timestamp::from_nanos(t).format_into("%Y-%b-%d %H:%M:%S.00", &mut line);
        if let Some(system) = opts.system {
            line.push(',');
            push_csv_field(&mut line, system);
        }
        for (c, kind) in columns.iter().zip(&kinds) {
            line.push(',');
            push_value(&mut line, c[row], *kind);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// Writes several systems' frames as one plain CSV, t4Monitor's store
/// layout: `Sample Time,system,<every column of every system>`, each
/// system's rows in turn, empty cells where a system lacks a column.
pub fn write_plain_systems<W: Write>(
    mut out: W,
    systems: &[(&str, &Frame)],
    kinds: Option<&Kinds>,
) -> io::Result<()> {
    let frames: Vec<&Frame> = systems.iter().map(|(_, f)| *f).collect();
    let names = Frame::union_names(&frames);
    let kind_of = |n: &str| {
        kinds
            .and_then(|k| k.get(n).copied())
            .unwrap_or(ValueKind::Float)
    };
    let mut line = String::with_capacity(16 * 1024);
    line.push_str("Sample Time,system");
    for n in &names {
        line.push(',');
        push_csv_field(&mut line, n);
    }
    line.push('\n');
    out.write_all(line.as_bytes())?;
    for (system, frame) in systems {
        let columns: Vec<(Option<&[f64]>, ValueKind)> = names
            .iter()
            .map(|n| (frame.column(n), kind_of(n)))
            .collect();
        for (row, &t) in frame.index_ns().iter().enumerate() {
            line.clear();
            Timestamp::from_nanos(t).format_into("%Y-%b-%d %H:%M:%S.00", &mut line);
            line.push(',');
            push_csv_field(&mut line, system);
            for (c, kind) in &columns {
                line.push(',');
                if let Some(v) = c.and_then(|c| c.get(row)) {
                    push_value(&mut line, *v, *kind);
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    out.flush()
}

/// Writes T4 Format 2: the first line, the names on one line between the
/// START and END tags (time column first, named `Sample Time`), then rows
/// stamped `19-NOV-2015 00:02:00.01` with as many fraction digits as the
/// time needs, CRLF line ends. [`Reader`](crate::Reader) reads it back to
/// the same frame (names, times and values).
///
/// Fails with [`io::ErrorKind::InvalidInput`] for a column name the format
/// cannot carry: one with a comma or a line break, or one containing
/// "sample time" (the reader would take it for a time column).
pub fn write_t4<W: Write>(mut out: W, frame: &Frame, opts: &WriteOptions<'_>) -> io::Result<()> {
    if let Some(bad) = frame
        .names()
        .iter()
        .find(|n| n.contains([',', '\n', '\r']) || n.to_ascii_lowercase().contains("sample time"))
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("column {bad:?} cannot be written to a T4 header"),
        ));
    }
    let kinds = column_kinds(frame, opts.kinds);
    let default_first;
    let first = match opts.first_line {
        Some(l) => l,
        None => {
            let node = frame
                .tags()
                .node
                .as_deref()
                .or(frame.tags().system.as_deref())
                .unwrap_or("NETMON");
            default_first = format!(
                "{node}, netmon Version: {}, File Type Format 2",
                env!("CARGO_PKG_VERSION")
            );
            &default_first
        }
    };
    let mut line = String::with_capacity(16 * 1024);
    line.push_str(first.trim_end());
    line.push_str("\r\n");
    line.push_str(START_TAG);
    line.push_str("\r\nSample Time");
    for name in frame.names() {
        line.push(',');
        line.push_str(name);
    }
    line.push_str("\r\n");
    line.push_str(END_TAG);
    line.push_str("\r\n");
    out.write_all(line.as_bytes())?;
    let columns: Vec<&[f64]> = frame.columns().map(|(_, c)| c).collect();
    for (row, &t) in frame.index_ns().iter().enumerate() {
        line.clear();
        let t = Timestamp::from_nanos(t);
        t.format_into("%d-%^b-%Y %H:%M:%S", &mut line);
        let ns = t.to_civil().nanosecond;
        if ns != 0 {
            let digits = format!("{ns:09}");
            line.push('.');
            line.push_str(digits.trim_end_matches('0'));
        } else {
            line.push_str(".00");
        }
        for (c, kind) in columns.iter().zip(&kinds) {
            line.push(',');
            push_value(&mut line, c[row], *kind);
        }
        line.push_str("\r\n");
        out.write_all(line.as_bytes())?;
    }
    out.write_all(b"Column Average, 99999\r\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems_in_one_store_csv() {
        let a = Frame::from_columns(vec![0], [("x", vec![1.0]), ("y", vec![2.5])]).unwrap();
        let b = Frame::from_columns(
            vec![60_000_000_000],
            [("y", vec![f64::NAN]), ("z", vec![3.0])],
        )
        .unwrap();
        let kinds: Kinds = [("x".to_string(), ValueKind::Integer)]
            .into_iter()
            .collect();
        let mut out = Vec::new();
        write_plain_systems(&mut out, &[("SMSC-1", &a), ("SMSC,2", &b)], Some(&kinds)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Sample Time,system,x,y,z\n\
             1970-Jan-01 00:00:00.00,SMSC-1,1,2.5,\n\
             1970-Jan-01 00:01:00.00,\"SMSC,2\",,,3.0\n"
        );
    }
}
