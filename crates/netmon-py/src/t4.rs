//! `netmon.t4`: T4 files read into one NumPy block (the GIL released
//! while files are read and merged), what a file holds, calc files and the
//! SMSC metric sets evaluated over NumPy columns, and the two writers.
//!
//! Values leave as one float64 NumPy array per column that owns the Rust
//! buffer (no copy); they come in as one `(columns, rows)` array.

use std::collections::HashMap;
use std::time::Duration;

use numpy::{IntoPyArray, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use netmon_core::{Frame, Tags};
use netmon_t4::calc::{CalcFile, Context, Mode, Warning};
use netmon_t4::metrics::{self, Instances};
use netmon_t4::{
    Error as T4Error, Kinds, Layout, Reader, T4File, ValueKind, WriteOptions, merge_nearest,
    merge_union, write_plain, write_t4,
};

use crate::ParseError;

/// A netmon-t4 error as a Python exception: `OSError` for files that
/// cannot be opened, else `netmon.ParseError` with `file`, `line` and
/// `column` where the error knows them.
pub(crate) fn t4_err(py: Python<'_>, e: &T4Error) -> PyErr {
    if let T4Error::Io { path, source } = e {
        return PyOSError::new_err((
            source.raw_os_error().unwrap_or(0),
            source.to_string(),
            path.display().to_string(),
        ));
    }
    let err = ParseError::new_err(e.to_string());
    let value = err.value(py);
    let file = match e {
        T4Error::Format { file, .. } | T4Error::Calc { file, .. } | T4Error::Zip { file, .. } => {
            Some(file.clone())
        }
        _ => None,
    };
    let position = e.position();
    let _ = value.setattr("file", file);
    let _ = value.setattr("line", position.and_then(|p| p.line));
    let _ = value.setattr("column", position.and_then(|p| p.column));
    err
}

/// One input of [`t4_read`]: a path (a `.zip` archive is read member by
/// member), or bytes with the name to report them under.
#[derive(FromPyObject)]
pub(crate) enum Source {
    Path(String),
    Bytes(String, Vec<u8>),
}

fn read_sources(reader: &Reader, sources: &[Source]) -> Vec<Result<T4File, T4Error>> {
    let mut paths = Vec::new();
    let mut slots = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        if let Source::Path(p) = s
            && !is_zip(p)
        {
            paths.push(p.as_str());
            slots.push(i);
        }
    }
    // Plain files in parallel, then each source in the order given.
    let mut parallel: Vec<Option<Result<T4File, T4Error>>> =
        reader.read_paths(&paths).into_iter().map(Some).collect();
    let mut out = Vec::new();
    let mut next = 0;
    for (i, s) in sources.iter().enumerate() {
        match s {
            Source::Path(p) if is_zip(p) => match reader.read_zip(p) {
                Ok(members) => out.extend(members),
                Err(e) => out.push(Err(e)),
            },
            Source::Path(_) => {
                debug_assert_eq!(slots[next], i);
                if let Some(r) = parallel[next].take() {
                    out.push(r);
                }
                next += 1;
            }
            Source::Bytes(name, data) => out.push(reader.read_bytes(name, data)),
        }
    }
    out
}

fn is_zip(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Columns handed to NumPy as they are: each array owns its Rust buffer,
/// so nothing is copied and the memory peak stays one frame.
fn arrays<'py>(
    py: Python<'py>,
    columns: Vec<(String, Vec<f64>)>,
) -> PyResult<(Vec<String>, Bound<'py, PyList>)> {
    let mut names = Vec::with_capacity(columns.len());
    let list = PyList::empty(py);
    for (name, values) in columns {
        list.append(values.into_pyarray(py))?;
        names.push(name);
    }
    Ok((names, list))
}

fn layout_name(l: Layout) -> &'static str {
    match l {
        Layout::Format1 => "format1",
        Layout::Format2 => "format2",
    }
}

/// What a file holds, kept once its values went into the merged frame.
struct Facts {
    name: String,
    rows: usize,
    columns: usize,
    interval: Option<f64>,
    span: Option<(i64, i64)>,
    meta: netmon_t4::Metadata,
    layout: Layout,
    blocks: usize,
    time_column: String,
    issues: Vec<netmon_t4::Issue>,
    issue_count: u64,
}

impl Facts {
    fn of(f: &mut T4File) -> Self {
        Facts {
            name: std::mem::take(&mut f.name),
            rows: f.frame.len(),
            columns: f.frame.width(),
            interval: f.sample_interval(),
            span: f
                .frame
                .time_range()
                .map(|(s, e)| (s.as_nanos(), e.as_nanos())),
            meta: std::mem::take(&mut f.meta),
            layout: f.layout,
            blocks: f.blocks,
            time_column: std::mem::take(&mut f.time_column),
            issues: std::mem::take(&mut f.issues),
            issue_count: f.issue_count,
        }
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("name", &self.name)?;
        d.set_item("rows", self.rows)?;
        d.set_item("columns", self.columns)?;
        d.set_item("node", &self.meta.node)?;
        d.set_item("hardware", &self.meta.hardware)?;
        d.set_item("header_interval", self.meta.sample_interval)?;
        d.set_item("interval", self.interval)?;
        d.set_item("cpus", self.meta.cpus)?;
        d.set_item("memory_mb", self.meta.memory_mb)?;
        d.set_item("first_line", &self.meta.line)?;
        d.set_item("layout", layout_name(self.layout))?;
        d.set_item("blocks", self.blocks)?;
        d.set_item("time_column", &self.time_column)?;
        d.set_item("start_ns", self.span.map(|s| s.0))?;
        d.set_item("end_ns", self.span.map(|s| s.1))?;
        let issues = PyList::empty(py);
        for i in &self.issues {
            issues.append((format!("{:?}", i.kind), i.line, i.column, &i.text))?;
        }
        d.set_item("issues", issues)?;
        d.set_item("issue_count", self.issue_count)?;
        Ok(d)
    }
}

/// A failed input: `(kind, message, file, line, column, errno)`; kind is
/// `io` for a file that cannot be opened (with its OS error number), else
/// `parse`.
fn failure<'py>(py: Python<'py>, e: &T4Error) -> PyResult<Bound<'py, PyAny>> {
    let kind = if matches!(e, T4Error::Io { .. }) {
        "io"
    } else {
        "parse"
    };
    let file = match e {
        T4Error::Format { file, .. } | T4Error::Calc { file, .. } | T4Error::Zip { file, .. } => {
            Some(file.clone())
        }
        T4Error::Io { path, .. } => Some(path.display().to_string()),
        _ => None,
    };
    let p = e.position();
    let errno = match e {
        T4Error::Io { source, .. } => source.raw_os_error(),
        _ => None,
    };
    Ok((
        kind,
        e.to_string(),
        file,
        p.and_then(|p| p.line),
        p.and_then(|p| p.column),
        errno,
    )
        .into_pyobject(py)?
        .into_any())
}

/// Reads T4 files (paths, zip archives, bytes) and merges them into one
/// frame: `union` (t4Monitor's outer union, first file wins) or `nearest`
/// (samples within `tolerance` seconds share a row). One file is returned
/// as read. Returns `rows`, `index` (int64 ns), `names`, `columns` (one
/// float64 array per name; for one large file, `values` instead: one
/// `(columns, rows)` array), `integer` (per column: written as
/// integers), `files` (what each file holds), `failed` (the inputs that
/// could not be read) and the merged `system` and `node`. `threads`
/// parse one file (0: the available cores).
#[pyfunction]
#[pyo3(signature = (sources, system=None, merge="union", tolerance=None, max_issues=1000, threads=0))]
pub(crate) fn t4_read<'py>(
    py: Python<'py>,
    sources: Vec<Source>,
    system: Option<String>,
    merge: &str,
    tolerance: Option<f64>,
    max_issues: usize,
    threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let tolerance = match (merge, tolerance) {
        ("union", None) => None,
        ("union", Some(_)) => {
            return Err(PyValueError::new_err(
                "tolerance applies to merge=\"nearest\"",
            ));
        }
        ("nearest", t) => {
            let t = t.unwrap_or(0.0);
            if !t.is_finite() || t < 0.0 {
                return Err(PyValueError::new_err(format!(
                    "tolerance must be a finite number of seconds >= 0, not {t}"
                )));
            }
            Some(Duration::from_secs_f64(t))
        }
        (other, _) => {
            return Err(PyValueError::new_err(format!(
                "merge must be \"union\" or \"nearest\", not {other:?}"
            )));
        }
    };
    // One vector per column: NumPy takes each over without a copy, where
    // a slab's columns would be copied out of it.
    let reader = Reader::builder()
        .max_issues(max_issues)
        .threads(threads)
        .slab(false)
        .build();
    if let [Source::Path(path)] = sources.as_slice()
        && !is_zip(path)
        && let Some(d) = read_planned(py, &reader, path, system.as_deref())?
    {
        return Ok(d);
    }
    let (files, failed, merged) = py.detach(|| {
        let results = read_sources(&reader, &sources);
        let mut files = Vec::new();
        let mut failed = Vec::new();
        for r in results {
            match r {
                Ok(f) => files.push(f),
                Err(e) => failed.push(e),
            }
        }
        let facts: Vec<Facts> = files.iter_mut().map(Facts::of).collect();
        let merged = match files.len() {
            0 => Ok(None),
            1 => {
                let f = &mut files[0];
                let kinds = f.kind_map();
                let mut frame = std::mem::take(&mut f.frame);
                if let Some(s) = &system {
                    frame.tags_mut().system = Some(s.clone());
                }
                Ok(Some((frame, kinds)))
            }
            _ => {
                let refs: Vec<&T4File> = files.iter().collect();
                match tolerance {
                    Some(t) => merge_nearest(&refs, t, system.as_deref()),
                    None => merge_union(&refs, system.as_deref()),
                }
                .map(|m| Some((m.frame, m.kinds)))
            }
        };
        // The files' own frames are no longer needed: free them before
        // the values are handed over.
        drop(files);
        (facts, failed, merged)
    });
    let merged = merged.map_err(|e| t4_err(py, &e))?;
    let d = PyDict::new(py);
    let infos = PyList::empty(py);
    for f in &files {
        infos.append(f.to_dict(py)?)?;
    }
    d.set_item("files", infos)?;
    let fails = PyList::empty(py);
    for e in &failed {
        fails.append(failure(py, e)?)?;
    }
    d.set_item("failed", fails)?;
    let (frame, kinds) = merged.unwrap_or_default();
    let rows = frame.len();
    let (index, columns, tags) = frame.into_parts();
    let integer: Vec<bool> = columns
        .iter()
        .map(|(n, _)| kinds.get(n) == Some(&ValueKind::Integer))
        .collect();
    let (names, values) = arrays(py, columns)?;
    d.set_item("rows", rows)?;
    d.set_item("index", index.into_pyarray(py))?;
    d.set_item("names", names)?;
    d.set_item("columns", values)?;
    d.set_item("integer", integer)?;
    d.set_item("system", tags.system)?;
    d.set_item("node", tags.node)?;
    Ok(d)
}

/// One large file read straight into a NumPy array of its own (one
/// allocation, which NumPy maps with huge pages): its rows counted first
/// ([`Reader::plan_path`]), the `(columns, rows)` array made, then the
/// parts parsed into it on their threads. The dict is `t4_read`'s, with
/// `values` (the 2-D array) for `columns`. `None` where the file is not
/// cut into parts or declines (`t4_read` then reads it as usual).
fn read_planned<'py>(
    py: Python<'py>,
    reader: &Reader,
    path: &str,
    system: Option<&str>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(plan) = py.detach(|| reader.plan_path(path)) else {
        return Ok(None);
    };
    let values = PyArray2::<f64>::zeros(py, [plan.width(), plan.rows()], false);
    let file = {
        let mut guard = values.readwrite();
        let slice = guard.as_slice_mut()?;
        py.detach(|| reader.read_plan(&plan, slice))
    };
    let Some(mut file) = file else {
        return Ok(None);
    };
    let mut facts = Facts::of(&mut file);
    facts.columns = plan.width();
    let integer: Vec<bool> = file
        .kinds
        .iter()
        .map(|k| *k == ValueKind::Integer)
        .collect();
    let mut frame = std::mem::take(&mut file.frame);
    if let Some(s) = system {
        frame.tags_mut().system = Some(s.to_string());
    }
    let rows = frame.len();
    let (index, _, tags) = frame.into_parts();
    let d = PyDict::new(py);
    d.set_item("files", PyList::new(py, [facts.to_dict(py)?])?)?;
    d.set_item("failed", PyList::empty(py))?;
    d.set_item("rows", rows)?;
    d.set_item("index", index.into_pyarray(py))?;
    d.set_item("names", plan.names())?;
    d.set_item("values", values)?;
    d.set_item("integer", integer)?;
    d.set_item("system", tags.system)?;
    d.set_item("node", tags.node)?;
    Ok(Some(d))
}

/// What one T4 file holds (see [`Facts`]); damage that stops the file
/// raises `netmon.ParseError`.
#[pyfunction]
pub(crate) fn t4_info<'py>(py: Python<'py>, path: String) -> PyResult<Bound<'py, PyDict>> {
    let r = py.detach(|| Reader::new().read_path(&path));
    let mut f = r.map_err(|e| t4_err(py, &e))?;
    Facts::of(&mut f).to_dict(py)
}

/// A frame from an int64 ns index and a `(columns, rows)` float64 array.
fn frame_from(
    index: PyReadonlyArray1<'_, i64>,
    names: Vec<String>,
    values: PyReadonlyArray2<'_, f64>,
) -> PyResult<Frame> {
    let index = index.as_slice()?.to_vec();
    let values = values.as_array();
    let (width, rows) = values.dim();
    if width != names.len() || rows != index.len() {
        return Err(PyValueError::new_err(format!(
            "values are {width}×{rows}, expected {}×{} (columns × rows)",
            names.len(),
            index.len()
        )));
    }
    let columns = names
        .into_iter()
        .zip(values.outer_iter())
        .map(|(n, c)| (n, c.to_vec()));
    Frame::from_columns(index, columns).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Evaluates a calc file (its text, or a path) over the columns. Returns
/// the columns written (`names`, `columns`: one array each),
/// `warnings` as `(kind, line, name, text)` and `divisions_by_zero`.
#[pyfunction]
#[pyo3(signature = (index, names, values, calc, is_path, compat=false, constants=None, interval=None, overwrite=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn t4_apply_calcs<'py>(
    py: Python<'py>,
    index: PyReadonlyArray1<'_, i64>,
    names: Vec<String>,
    values: PyReadonlyArray2<'_, f64>,
    calc: String,
    is_path: bool,
    compat: bool,
    constants: Option<HashMap<String, f64>>,
    interval: Option<f64>,
    overwrite: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let mode = if compat {
        Mode::LeftToRight
    } else {
        Mode::Precedence
    };
    let calc = if is_path {
        py.detach(|| CalcFile::from_path(&calc, mode))
    } else {
        CalcFile::parse_named("<text>", &calc, mode)
    }
    .map_err(|e| t4_err(py, &e))?;
    let mut frame = frame_from(index, names, values)?;
    let mut ctx = Context {
        interval,
        overwrite,
        ..Context::default()
    };
    for (k, v) in constants.unwrap_or_default() {
        ctx = ctx.constant(k.trim_start_matches('$'), v);
    }
    let (report, columns) = py.detach(move || {
        let report = calc.apply(&mut frame, &ctx);
        let (_, columns, _) = frame.into_parts();
        let mut wanted: HashMap<&str, usize> = HashMap::new();
        for (i, n) in report.added.iter().enumerate() {
            wanted.insert(n, i);
        }
        let mut picked: Vec<Option<(String, Vec<f64>)>> = vec![None; report.added.len()];
        for (n, c) in columns {
            if let Some(&i) = wanted.get(n.as_str()) {
                picked[i] = Some((n, c));
            }
        }
        (report, picked.into_iter().flatten().collect::<Vec<_>>())
    });
    let (names, values) = arrays(py, columns)?;
    let d = PyDict::new(py);
    d.set_item("columns", values)?;
    d.set_item("names", names)?;
    let warnings = PyList::empty(py);
    for w in &report.warnings {
        let t: (&str, u64, &str, Option<&str>) = match w {
            Warning::MissingColumn { line, name } => ("missing_column", *line, name, None),
            Warning::Skipped { line, name } => ("skipped", *line, name, None),
            Warning::Text { line, name, text } => ("text", *line, name, Some(text)),
            Warning::ScalarDivisionByZero { line } => ("scalar_division_by_zero", *line, "", None),
        };
        warnings.append(t)?;
    }
    d.set_item("warnings", warnings)?;
    d.set_item("divisions_by_zero", report.divisions_by_zero)?;
    Ok(d)
}

/// The instances of each metric class found among column names.
#[pyfunction]
pub(crate) fn t4_instances<'py>(
    py: Python<'py>,
    names: Vec<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let found = detect(names)?;
    let d = PyDict::new(py);
    d.set_item("giw", found.giw)?;
    d.set_item("smh", found.smh)?;
    d.set_item("ssd", found.ssd)?;
    d.set_item("ghlr", found.ghlr)?;
    d.set_item("ip7", found.ip7)?;
    d.set_item("siw", found.siw)?;
    d.set_item("nodes", found.nodes)?;
    Ok(d)
}

fn detect(names: Vec<String>) -> PyResult<Instances> {
    let mut unique = names;
    unique.sort();
    unique.dedup();
    let frame = Frame::with_columns(unique).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(Instances::detect(&frame))
}

/// The calc text (precedence mode) of the metric classes (`giw`, `smh`
/// with its nodes, `ssd`, `ghlr`, `ip7`, `siw`, or `all`) for the
/// instances found among the column names.
#[pyfunction]
pub(crate) fn t4_metrics_text(names: Vec<String>, classes: Vec<String>) -> PyResult<String> {
    let found = detect(names)?;
    let mut only = Instances::default();
    for c in &classes {
        match c.as_str() {
            "all" => only = found.clone(),
            "giw" => only.giw.clone_from(&found.giw),
            "smh" => {
                only.smh.clone_from(&found.smh);
                only.nodes.clone_from(&found.nodes);
            }
            "ssd" => only.ssd.clone_from(&found.ssd),
            "ghlr" => only.ghlr.clone_from(&found.ghlr),
            "ip7" => only.ip7.clone_from(&found.ip7),
            "siw" => only.siw.clone_from(&found.siw),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown metric class {other:?} (giw, smh, ssd, ghlr, ip7, siw, all)"
                )));
            }
        }
    }
    Ok(metrics::calc_text(&only))
}

/// Writes columns as t4Monitor's plain CSV (`plain`) or T4 Format 2
/// (`t4`) to a path, or returns the text when `path` is None.
#[pyfunction]
#[pyo3(signature = (format, index, names, values, integer, path=None, system=None, node=None, first_line=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn t4_write(
    py: Python<'_>,
    format: &str,
    index: PyReadonlyArray1<'_, i64>,
    names: Vec<String>,
    values: PyReadonlyArray2<'_, f64>,
    integer: Vec<bool>,
    path: Option<String>,
    system: Option<String>,
    node: Option<String>,
    first_line: Option<String>,
) -> PyResult<Option<String>> {
    if integer.len() != names.len() {
        return Err(PyValueError::new_err("one integer flag per column"));
    }
    let kinds: Kinds = names
        .iter()
        .zip(&integer)
        .map(|(n, &i)| {
            let k = if i {
                ValueKind::Integer
            } else {
                ValueKind::Float
            };
            (n.clone(), k)
        })
        .collect();
    let mut frame = frame_from(index, names, values)?;
    *frame.tags_mut() = Tags {
        system: system.clone(),
        node,
        ..Tags::default()
    };
    let plain = match format {
        "plain" => true,
        "t4" => false,
        other => return Err(PyValueError::new_err(format!("unknown format {other:?}"))),
    };
    let written = py.detach(|| -> std::io::Result<Option<Vec<u8>>> {
        let opts = WriteOptions {
            kinds: Some(&kinds),
            system: if plain { system.as_deref() } else { None },
            first_line: first_line.as_deref(),
        };
        let write = |out: &mut dyn std::io::Write| {
            if plain {
                write_plain(out, &frame, &opts)
            } else {
                write_t4(out, &frame, &opts)
            }
        };
        match &path {
            Some(p) => {
                let mut out = std::io::BufWriter::with_capacity(
                    1 << 20,
                    std::fs::File::create(p)
                        .map_err(|e| std::io::Error::new(e.kind(), format!("{p}: {e}")))?,
                );
                write(&mut out)?;
                Ok(None)
            }
            None => {
                let mut out = Vec::new();
                write(&mut out)?;
                Ok(Some(out))
            }
        }
    });
    match written {
        Ok(Some(bytes)) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Ok(None) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            Err(PyValueError::new_err(e.to_string()))
        }
        Err(e) => Err(PyOSError::new_err(e.to_string())),
    }
}

/// Writes the deterministic large T4 file of the benchmarks (t4.md §6.2)
/// from a CRLF Format-2 source file: at least `size` bytes. Returns
/// `(rows, bytes)`.
#[pyfunction]
pub(crate) fn t4_synth(
    py: Python<'_>,
    source: String,
    output: String,
    size: u64,
) -> PyResult<(u64, u64)> {
    py.detach(|| -> std::io::Result<(u64, u64)> {
        let data = std::fs::read(&source)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{source}: {e}")))?;
        let out = std::fs::File::create(&output)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{output}: {e}")))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        let s = netmon_t4::synth::write_synthetic(&data, &mut out, size)?;
        std::io::Write::flush(&mut out)?;
        Ok((s.rows, s.bytes))
    })
    .map_err(|e| PyOSError::new_err(e.to_string()))
}
