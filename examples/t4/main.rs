//! t4 — read, convert and merge HP OpenVMS T4/TLViz statistics.
//!
//! ```text
//! t4 info FILE...                                   rows, columns, node, interval, time span, damage
//! t4 convert FILE... --to plain|t4 -o OUT           one file: OUT is the file; several: OUT is a folder
//! t4 merge FILE... [--tolerance SECONDS] -o OUT     one system's files into one plain CSV
//! t4 calc --calc CALC.cfg [--compat left-to-right] FILE... -o OUT
//!                                                   derived columns (t4Monitor calc files)
//! t4 calc --metrics [--const retq_max=N …] FILE... -o OUT
//!                                                   the built-in SMSC metric sets
//! t4 synth --from COMP.csv --size-mb 200 -o OUT     the benchmark's deterministic large file
//! ```
//!
//! Zip archives are read member by member (`.csv` members). `--stats`
//! prints throughput and peak memory; `--threads N` sets how many threads
//! parse one large file (0, the default: every core; several files are
//! read in parallel, one thread each). Exit status: 0 on success, 1 when a
//! file could not be read (the others are still processed), 2 on usage or
//! output errors.

/// `println!` that ends the program quietly when stdout has been closed
/// (`| head`) instead of panicking.
macro_rules! println {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(0);
        }
    }};
}

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use netmon::t4::{Reader, T4File, WriteOptions, merge_nearest, merge_union, write_plain, write_t4};

#[derive(Debug, Parser)]
#[command(version, about = "Read, convert and merge OpenVMS T4/TLViz statistics")]
struct Args {
    #[command(subcommand)]
    command: Command,
    /// Print throughput and peak memory on stderr.
    #[arg(long, global = true)]
    stats: bool,
    /// Threads one large file is parsed with (0: every core; 1: one).
    #[arg(long, global = true, default_value_t = 0)]
    threads: usize,
}

/// `--threads`, for the readers.
static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

#[derive(Debug, Clone, Copy, ValueEnum)]
enum To {
    /// `Sample Time,<columns>`, t4Monitor's plain CSV.
    Plain,
    /// T4 Format 2.
    T4,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Compat {
    /// t4Monitor's strictly left-to-right evaluation.
    LeftToRight,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Summarise T4 files: shape, node, interval, time span, damage found.
    Info {
        /// T4 CSV files or zip archives of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// List every issue, not only the first five per file.
        #[arg(long)]
        all_issues: bool,
    },
    /// Convert T4 files to plain CSV or T4 Format 2.
    Convert {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = To::Plain)]
        to: To,
        /// Output file (one input) or folder (several).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Merge the files of one system into one plain CSV.
    Merge {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Align samples within this many seconds on one row instead of
        /// t4Monitor's union of timestamps.
        #[arg(long)]
        tolerance: Option<f64>,
        /// System name written in a `system` column.
        #[arg(long)]
        system: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Apply a calculation file and/or the SMSC metric sets; several files
    /// are merged first (union, first file wins).
    Calc {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Calculation file (`NAME = expression` lines).
        #[arg(long = "calc", value_name = "CALCFILE")]
        calc_file: Option<PathBuf>,
        /// Evaluate as t4Monitor does (no operator precedence, its quirks).
        #[arg(long, value_enum)]
        compat: Option<Compat>,
        /// Add the built-in SMSC metric sets (GIW, SMH, SSD, GHLR, IP7, SIW)
        /// for the instances found in the data.
        #[arg(long)]
        metrics: bool,
        /// A named constant, `NAME=VALUE` (repeatable): retq_max,
        /// delivery_limit, delv_per_node_max, or any name the file uses.
        #[arg(long = "const", value_name = "NAME=VALUE")]
        constants: Vec<String>,
        /// Sample interval in seconds (default: the file header's, else
        /// the timestamps').
        #[arg(long)]
        interval: Option<f64>,
        /// Only the computed columns in the output.
        #[arg(long)]
        only_results: bool,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write the deterministic large Format-2 file the benchmarks read.
    Synth {
        /// A CRLF Format-2 T4 file whose header and rows are cycled.
        #[arg(long)]
        from: PathBuf,
        /// Target size in MB (10^6 bytes).
        #[arg(long, default_value_t = 200.0)]
        size_mb: f64,
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Reads files and archives; failures are reported and counted.
fn read_all(files: &[PathBuf]) -> (Vec<T4File>, usize) {
    let reader = Reader::builder()
        .threads(THREADS.get().copied().unwrap_or(0))
        .build();
    let (zips, plain): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")));
    let mut results = reader.read_paths(&plain);
    for z in zips {
        match reader.read_zip(z) {
            Ok(members) => results.extend(members),
            Err(e) => results.push(Err(e)),
        }
    }
    let mut ok = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(f) => ok.push(f),
            Err(e) => {
                failed += 1;
                eprintln!("t4: {e}");
            }
        }
    }
    (ok, failed)
}

/// Bytes of the files that exist.
fn total_size(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// Reads the inputs of a command that needs at least one file: the files,
/// their total size, and whether all of them could be read.
fn load(files: &[PathBuf]) -> anyhow::Result<(Vec<T4File>, u64, bool)> {
    let bytes = total_size(files);
    let (read, failed) = read_all(files);
    if read.is_empty() {
        bail!("no file could be read");
    }
    for f in &read {
        report_issues(f, false);
    }
    Ok((read, bytes, failed == 0))
}

fn report_issues(f: &T4File, all: bool) {
    let shown = if all {
        f.issues.len()
    } else {
        f.issues.len().min(5)
    };
    for i in &f.issues[..shown] {
        eprintln!("{}: {i}", f.name);
    }
    if f.issue_count > shown as u64 {
        eprintln!("{}: … {} more issues", f.name, f.issue_count - shown as u64);
    }
}

fn create(path: &Path) -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(std::io::BufWriter::with_capacity(1 << 20, file))
}

/// Writes through a temporary file renamed into place.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp~");
    let mut out = create(&tmp)?;
    write(&mut out).with_context(|| format!("writing {}", tmp.display()))?;
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(args: Args) -> anyhow::Result<bool> {
    let started = Instant::now();
    let mut input_bytes = 0u64;
    let mut frame_bytes = 0usize;
    let mut all_ok = true;
    match &args.command {
        Command::Info { files, all_issues } => {
            input_bytes = total_size(files);
            let (read, failed) = read_all(files);
            all_ok = failed == 0;
            for f in &read {
                frame_bytes += f.frame.data_bytes();
                let span = f
                    .frame
                    .time_range()
                    .map(|(a, b)| format!("{a} .. {b}"))
                    .unwrap_or_else(|| "no rows".into());
                println!("{}", f.name);
                println!("  rows x columns  {} x {}", f.frame.len(), f.frame.width());
                println!(
                    "  node            {}",
                    f.meta.node.as_deref().unwrap_or("-")
                );
                if let Some(hw) = &f.meta.hardware {
                    println!("  hardware        {hw}");
                }
                println!(
                    "  interval        {}",
                    f.sample_interval()
                        .map(|s| format!("{s} s"))
                        .unwrap_or_else(|| "-".into())
                );
                println!("  time span       {span}");
                println!(
                    "  layout          {:?}, {} header block(s)",
                    f.layout, f.blocks
                );
                println!("  issues          {}", f.issue_count);
                report_issues(f, *all_issues);
            }
        }
        Command::Convert { files, to, output } => {
            input_bytes = total_size(files);
            let (read, failed) = read_all(files);
            all_ok = failed == 0;
            let into_folder = read.len() > 1 || output.is_dir();
            if into_folder {
                std::fs::create_dir_all(output)
                    .with_context(|| format!("creating {}", output.display()))?;
            }
            for f in &read {
                report_issues(f, false);
                frame_bytes = frame_bytes.max(f.frame.data_bytes());
                let target = if into_folder {
                    let stem = Path::new(&f.name)
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned());
                    output.join(format!("{}.csv", stem.unwrap_or_else(|| "out".into())))
                } else {
                    output.clone()
                };
                let kinds = f.kind_map();
                let opts = WriteOptions {
                    kinds: Some(&kinds),
                    ..Default::default()
                };
                write_atomically(&target, |w| match to {
                    To::Plain => write_plain(w, &f.frame, &opts),
                    To::T4 => write_t4(w, &f.frame, &opts),
                })?;
                println!("{} -> {}", f.name, target.display());
            }
        }
        Command::Merge {
            files,
            tolerance,
            system,
            output,
        } => {
            let (read, bytes, ok) = load(files)?;
            (input_bytes, all_ok) = (bytes, ok);
            let refs: Vec<&T4File> = read.iter().collect();
            let merged = match tolerance {
                Some(s) if s.is_finite() && *s >= 0.0 => {
                    merge_nearest(&refs, Duration::from_secs_f64(*s), system.as_deref())?
                }
                Some(_) => bail!("--tolerance must be a number of seconds, 0 or more"),
                None => merge_union(&refs, system.as_deref())?,
            };
            frame_bytes = merged.frame.data_bytes();
            let opts = WriteOptions {
                kinds: Some(&merged.kinds),
                system: system.as_deref(),
                ..Default::default()
            };
            write_atomically(output, |w| write_plain(w, &merged.frame, &opts))?;
            println!(
                "{} files -> {}: {} rows x {} columns",
                read.len(),
                output.display(),
                merged.frame.len(),
                merged.frame.width()
            );
        }
        Command::Calc {
            files,
            calc_file,
            compat,
            metrics,
            constants,
            interval,
            only_results,
            output,
        } => {
            use netmon::t4::calc::{CalcFile, Mode, Warning};
            use netmon::t4::metrics::{self, Instances, SmscParams};
            if calc_file.is_none() && !metrics {
                bail!("nothing to compute: give --calc CALCFILE and/or --metrics");
            }
            let mode = if compat.is_some() {
                Mode::LeftToRight
            } else {
                Mode::Precedence
            };
            let calc = calc_file
                .as_ref()
                .map(|p| CalcFile::from_path(p, mode))
                .transpose()?;
            let (read, bytes, ok) = load(files)?;
            (input_bytes, all_ok) = (bytes, ok);
            let refs: Vec<&T4File> = read.iter().collect();
            let merged = merge_union(&refs, None)?;
            let mut frame = merged.frame;
            let interval = interval.or_else(|| read.iter().find_map(|f| f.sample_interval()));
            let mut params = SmscParams::default();
            if let Some(i) = interval {
                params.interval = i;
            }
            let mut ctx = metrics::context(&params);
            for c in constants {
                let (name, value) = netmon::t4::calc::parse_constant(c)
                    .map_err(|e| anyhow::anyhow!("--const {e}"))?;
                ctx = ctx.constant(&name, value);
            }
            let before: Vec<String> = frame.names().to_vec();
            let mut reports = Vec::new();
            if let Some(calc) = &calc {
                reports.push(calc.apply(&mut frame, &ctx));
            }
            if *metrics {
                let found = Instances::detect(&frame);
                let text = metrics::calc_text(&found);
                let set = CalcFile::parse_named("smsc metrics", &text, Mode::Precedence)?;
                reports.push(set.apply(&mut frame, &ctx));
            }
            for r in &reports {
                for w in &r.warnings {
                    match w {
                        Warning::MissingColumn { line, name } => {
                            eprintln!("t4: calc line {line}: no column {name:?}: NaN")
                        }
                        Warning::Skipped { line, name } => {
                            eprintln!("t4: calc line {line}: {name:?} exists; formula skipped")
                        }
                        Warning::Text { line, name, text } => eprintln!(
                            "t4: calc line {line}: t4Monitor would store the text {text:?} in {name:?}; no column"
                        ),
                        Warning::ScalarDivisionByZero { line } => {
                            eprintln!("t4: calc line {line}: division by zero: NaN")
                        }
                    }
                }
                if r.divisions_by_zero > 0 {
                    eprintln!(
                        "t4: {} cells divided by zero (IEEE: inf or NaN)",
                        r.divisions_by_zero
                    );
                }
            }
            if *only_results {
                for name in before {
                    frame.remove_column(&name);
                }
            }
            frame_bytes = frame.data_bytes();
            let added: usize = reports.iter().map(|r| r.added.len()).sum();
            let opts = WriteOptions {
                kinds: Some(&merged.kinds),
                ..Default::default()
            };
            write_atomically(output, |w| write_plain(w, &frame, &opts))?;
            println!(
                "{} file(s) -> {}: {} rows, {} computed columns",
                read.len(),
                output.display(),
                frame.len(),
                added
            );
        }
        Command::Synth {
            from,
            size_mb,
            output,
        } => {
            if !(size_mb.is_finite() && *size_mb > 0.0) {
                bail!("--size-mb must be a positive number");
            }
            let source =
                std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
            let target = (*size_mb * 1e6) as u64;
            let mut written = None;
            write_atomically(output, |w| {
                written = Some(netmon::t4::synth::write_synthetic(&source, w, target)?);
                Ok(())
            })?;
            if let Some(s) = written {
                println!("{}: {} rows, {} bytes", output.display(), s.rows, s.bytes);
            }
        }
    }
    if args.stats {
        let secs = started.elapsed().as_secs_f64();
        let peak = peak_rss_mib()
            .map(|m| format!("{m:.1} MiB"))
            .unwrap_or_else(|| "n/a".into());
        eprintln!(
            "stats: {:.3} s, {:.1} MB/s, frame {:.1} MiB, peak RSS {peak}",
            secs,
            input_bytes as f64 / 1e6 / secs.max(1e-9),
            frame_bytes as f64 / (1 << 20) as f64,
        );
    }
    Ok(all_ok)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let _ = THREADS.set(args.threads);
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("t4: {e:#}");
            ExitCode::from(2)
        }
    }
}
