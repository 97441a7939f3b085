//! One system's run, whatever the source: list, select, fetch, parse,
//! merge, calculate. The source is a `FileSource` (an in-memory simulator,
//! a local folder, and SFTP as it lands), so this code never changes with
//! the transport.

use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use netmon::core::{FileEntry, FileSource, Frame, Mirror, SyncKind};
use netmon::t4::calc::{CalcFile, Context, Warning};
use netmon::t4::metrics::{self, Instances, SmscParams};
use netmon::t4::{Kinds, Reader, merge_union};

/// What happened to one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileOutcome {
    /// Its name in the source.
    pub name: String,
    /// Size of the file.
    pub bytes: u64,
    /// Bytes transferred for it (less than its size when only the part it
    /// grew by was fetched; 0 when unchanged).
    pub fetched: u64,
    /// `new`, `grown`, `unchanged` or `replaced` when a mirror is kept.
    pub sync: Option<&'static str>,
    /// Rows read (0 on failure).
    pub rows: usize,
    /// Damage met and worked around.
    pub issues: u64,
    /// Why it could not be used, if it could not.
    pub error: Option<String>,
}

/// A system after processing.
#[derive(Debug, Clone)]
pub struct SystemData {
    /// The system's name.
    pub name: String,
    /// Where its files came from.
    pub source: String,
    /// Merged samples with the calculated columns.
    pub frame: Frame,
    /// Value kinds for the writers.
    pub kinds: Kinds,
    /// Each selected file.
    pub files: Vec<FileOutcome>,
    /// Why the system could not be collected at all, if so.
    pub error: Option<String>,
    /// Warnings of the calculations, as text.
    pub calc_warnings: Vec<String>,
    /// The SMSC metric instances found.
    pub instances: Instances,
    /// The sample interval used, seconds.
    pub interval: Option<f64>,
    /// Time spent fetching.
    pub transfer: Duration,
    /// Time spent parsing, merging and calculating.
    pub processing: Duration,
}

impl SystemData {
    /// A system read back from a stored run.
    pub fn stored(name: &str, run: &std::path::Path, frame: Frame) -> Self {
        SystemData {
            name: name.to_string(),
            source: format!("store:{}", run.display()),
            instances: Instances::detect(&frame),
            frame,
            kinds: Kinds::new(),
            files: Vec::new(),
            error: None,
            calc_warnings: Vec::new(),
            interval: None,
            transfer: Duration::ZERO,
            processing: Duration::ZERO,
        }
    }

    /// Bytes of the files read.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    /// Bytes transferred.
    pub fn fetched(&self) -> u64 {
        self.files.iter().map(|f| f.fetched).sum()
    }
}

/// How to process.
#[derive(Debug, Clone, Default)]
pub struct Processing {
    /// The user's calculations file, applied before the metric sets.
    pub calc: Option<CalcFile>,
    /// System constants of the metric sets.
    pub params: SmscParams,
    /// Extra named constants for the calculations file.
    pub constants: Vec<(String, f64)>,
}

fn describe(w: &Warning) -> String {
    match w {
        Warning::MissingColumn { line, name } => {
            format!("calc line {line}: no column {name:?}: NaN")
        }
        Warning::Skipped { line, name } => format!("calc line {line}: {name:?} exists; skipped"),
        Warning::Text { line, name, text } => {
            format!("calc line {line}: t4Monitor would store the text {text:?} in {name:?}")
        }
        Warning::ScalarDivisionByZero { line } => format!("calc line {line}: division by zero"),
    }
}

/// Runs one system: never fails, a failure is recorded in the result.
pub async fn process_system(
    name: &str,
    source: &dyn FileSource,
    wanted: &(dyn Fn(&FileEntry) -> bool + Sync),
    how: &Processing,
    mirror: Option<&Mirror>,
    bar: &ProgressBar,
) -> SystemData {
    let mut data = SystemData {
        name: name.to_string(),
        source: source.describe(),
        frame: Frame::new(),
        kinds: Kinds::new(),
        files: Vec::new(),
        error: None,
        calc_warnings: Vec::new(),
        instances: Instances::default(),
        interval: None,
        transfer: Duration::ZERO,
        processing: Duration::ZERO,
    };
    let started = Instant::now();
    bar.set_message("listing");
    let listing = match source.list().await {
        Ok(l) => l,
        Err(e) => {
            data.error = Some(format!("listing {}: {e}", source.describe()));
            data.transfer = started.elapsed();
            return data;
        }
    };
    data.transfer = started.elapsed();
    let reader = Reader::new();
    let mut read = Vec::new();
    let selected: Vec<&FileEntry> = listing.iter().filter(|e| wanted(e)).collect();
    bar.set_length(selected.len() as u64);
    for entry in selected {
        bar.set_message(format!("fetching {}", entry.name));
        let fetch = Instant::now();
        let mut outcome = FileOutcome {
            name: entry.name.clone(),
            bytes: 0,
            fetched: 0,
            sync: None,
            rows: 0,
            issues: 0,
            error: None,
        };
        let bytes = match mirror {
            Some(m) => m.sync(source, entry).await.map(|s| {
                outcome.fetched = s.fetched;
                outcome.sync = Some(match s.kind {
                    SyncKind::New => "new",
                    SyncKind::Grown => "grown",
                    SyncKind::Unchanged => "unchanged",
                    SyncKind::Replaced => "replaced",
                });
                s.data
            }),
            None => source
                .read(&entry.name)
                .await
                .inspect(|b| outcome.fetched = b.len() as u64),
        };
        data.transfer += fetch.elapsed();
        let parse = Instant::now();
        match bytes {
            Err(e) => outcome.error = Some(e.to_string()),
            Ok(bytes) => {
                outcome.bytes = bytes.len() as u64;
                match reader.read_bytes(&entry.name, &bytes) {
                    Ok(t4) => {
                        outcome.rows = t4.frame.len();
                        outcome.issues = t4.issue_count;
                        read.push(t4);
                    }
                    Err(e) => outcome.error = Some(e.to_string()),
                }
            }
        }
        data.processing += parse.elapsed();
        data.files.push(outcome);
        bar.inc(1);
    }
    bar.set_message("processing");
    if read.is_empty() {
        if data.files.is_empty() {
            data.error = Some(format!("no T4 file selected in {}", source.describe()));
        } else {
            data.error = Some("no selected file could be read".into());
        }
        return data;
    }
    let calc_start = Instant::now();
    let refs: Vec<_> = read.iter().collect();
    match merge_union(&refs, Some(name)) {
        Ok(merged) => {
            data.frame = merged.frame;
            data.kinds = merged.kinds;
        }
        Err(e) => {
            data.error = Some(format!("merging: {e}"));
            return data;
        }
    }
    data.interval = read.iter().find_map(|f| f.sample_interval());
    let mut params = how.params;
    if let Some(i) = data.interval {
        params.interval = i;
    }
    let mut ctx: Context = metrics::context(&params);
    for (k, v) in &how.constants {
        ctx = ctx.constant(k, *v);
    }
    if let Some(calc) = &how.calc {
        let report = calc.apply(&mut data.frame, &ctx);
        data.calc_warnings
            .extend(report.warnings.iter().map(describe));
    }
    data.instances = Instances::detect(&data.frame);
    let report = metrics::apply(&mut data.frame, &data.instances, &params);
    data.calc_warnings
        .extend(report.warnings.iter().map(describe));
    data.processing += calc_start.elapsed();
    data
}
