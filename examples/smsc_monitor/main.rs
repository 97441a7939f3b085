//! smsc_monitor — the SMSC statistics workflow of the monitoring
//! procedure: collect each system's T4 (PML) statistics, merge them, apply
//! the calculations file and the SMSC metric sets, and store the run.
//!
//! ```text
//! smsc_monitor                               simulated SMSCs (the embedded default)
//! smsc_monitor --localcsv FILE... [--system S]   T4 files already on this machine
//! smsc_monitor --local STORE [--system S]         reports again from a stored run
//! smsc_monitor --settings settings.cfg           collect over SSH/SFTP as settings.cfg says
//! smsc_monitor --settings settings.cfg --config  check settings.cfg, print it (secrets masked)
//! ```
//!
//! Each run writes `store/` (data CSV and manifest) and `reports/` (one
//! HTML page per system and an index).
//!
//! Every system goes through the same pipeline whatever its source (an
//! in-memory simulator, local files, SFTP as it lands). A system that
//! fails is reported and the others go on; the exit status is 1 when any
//! system failed, 2 on usage or output errors.

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

mod collect;
mod pipeline;
mod report;
mod settings;
mod store;
mod svg;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use netmon::core::{Civil, FileEntry, FileSource, MemorySource, Timestamp};
use netmon::t4::FileSelector;
use netmon::t4::calc::{CalcFile, Mode};
use netmon::t4::sim::SmscSim;

use crate::pipeline::{Processing, SystemData, process_system};

/// Console detail, t4Monitor's levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum LogLevel {
    /// Every file, and how it was synced.
    Debug,
    /// Every file read.
    Info,
    /// Damage met, calculation warnings, failures (the default).
    Warning,
    /// Failures only.
    Error,
    /// Failures only.
    Critical,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Compat {
    /// t4Monitor's strictly left-to-right evaluation.
    LeftToRight,
}

/// Collect, merge and compute SMSC statistics.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Settings file (t4Monitor's settings.cfg).
    #[arg(long)]
    settings: Option<PathBuf>,
    /// Print the merged settings, secrets masked, and exit.
    #[arg(long, requires = "settings")]
    config: bool,
    /// known_hosts file the systems' and gateway's keys are checked against
    /// (default ~/.ssh/known_hosts).
    #[arg(long, value_name = "FILE")]
    known_hosts: Option<PathBuf>,
    /// Record unknown host keys instead of refusing them (first connection
    /// over a network you trust only).
    #[arg(long)]
    trust_on_first_use: bool,
    /// Do not run the remote log command.
    #[arg(long)]
    nologs: bool,
    /// Collect one system at a time.
    #[arg(long)]
    safe: bool,
    /// Console detail.
    #[arg(long, value_enum, default_value_t = LogLevel::Warning, ignore_case = true)]
    loglevel: LogLevel,
    /// Process these local T4 files (of one system) instead of collecting.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    localcsv: Vec<PathBuf>,
    /// Reports from a stored run instead of collecting: a store folder (its
    /// newest run) or a data_*.parquet file.
    #[arg(long, value_name = "STORE", conflicts_with = "localcsv")]
    local: Option<PathBuf>,
    /// The system name of --localcsv files (default: the first file's
    /// stem); with --local, the only system reported.
    #[arg(long)]
    system: Option<String>,
    /// Take every T4 file, not only today's.
    #[arg(long)]
    all: bool,
    /// Calculations file applied before the SMSC metric sets.
    #[arg(long = "calc", value_name = "CALCFILE")]
    calc_file: Option<PathBuf>,
    /// Evaluate the calculations file as t4Monitor does.
    #[arg(long, value_enum)]
    compat: Option<Compat>,
    /// A named constant `NAME=VALUE` (retq_max, delivery_limit,
    /// delv_per_node_max, or any name of the calculations file).
    #[arg(long = "const", value_name = "NAME=VALUE")]
    constants: Vec<String>,
    /// Folder the run is stored in (default: the settings' store_folder,
    /// else ./store).
    #[arg(long)]
    store: Option<PathBuf>,
    /// Folder the HTML reports are written to (default: the settings'
    /// reports_folder, else ./reports).
    #[arg(long)]
    reports: Option<PathBuf>,
    /// Graph list (t4Monitor's `regex[,regex...];title[;options]` lines);
    /// default: the built-in SMSC list.
    #[arg(long, value_name = "FILE")]
    graphs: Option<PathBuf>,
    /// Store the run but write no reports.
    #[arg(long)]
    noreports: bool,
    /// A Jinja HTML template for the system pages (t4Monitor's templates
    /// work); default: the settings' html_template, else netmon's layout.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Simulator: number of SMSC systems.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=64))]
    systems: u16,
    /// Simulator: the day simulated (default today, UTC).
    #[arg(long)]
    day: Option<String>,
}

/// One system to process: its name, source and file filter.
struct Job {
    name: String,
    source: Box<dyn FileSource>,
    selector: FileSelector,
}

fn today() -> Civil {
    let c = Timestamp::now().to_civil();
    Civil::date(c.year, c.month, c.day)
}

/// The simulated SMSCs: each system's day of T4 files behind its own
/// SSH/SFTP server on 127.0.0.1 (password login, its own host key,
/// recorded in `known_hosts`), and the settings that point at them. The
/// servers run while the returned handles are held.
async fn simulated(
    args: &Args,
    day: Civil,
    known_hosts: &std::path::Path,
) -> anyhow::Result<(Vec<netmon::ssh::server::RunningServer>, settings::Settings)> {
    use netmon::ssh::server::{ServerOptions, serve};
    let password = format!("{:x}{:x}", Timestamp::now().as_nanos(), std::process::id());
    const LOG_CMD: &str = "@smsc$root:[monitor]log_mon_onscreen";
    let mut text = format!(
        "[DEFAULT]\nusername = smsc\npassword = {password}\nfolder = smsc$root:[monitor.out]\n\
         use_gateway = no\nssh_timeout = 10\n\n[MISC]\nremote_log_cmd = {LOG_CMD}\n\n"
    );
    let mut lines = String::new();
    let mut servers = Vec::new();
    for n in 1..=args.systems {
        let name = format!("SMSC-{n}");
        let cluster = format!("smsc{n}");
        let sim = SmscSim::day(&name, &cluster, day, 0.6 + 0.3 * f64::from(n));
        let source = MemorySource::new(&name);
        let modified = Timestamp::from_civil(day).ok();
        for (file, bytes) in sim.files()? {
            source.insert(file, bytes, modified)?;
        }
        // A file of another cluster and a stale day: not selected.
        source.insert(
            format!("giw_smsc{}_01jan2000.csv", n + 100),
            Vec::new(),
            None,
        )?;
        let log = format!(
            "$ @smsc$root:[monitor]log_mon_onscreen\n\
             %SEARCH, smsc$root:[log]smsc.log: 2 matches for -E-\n\
             {:02}-NOV-2015 03:12:44 SMH0{} -E- delivery retry queue above 80 %\n\
             {:02}-NOV-2015 12:31:02 GIW_11 -W- license usage above 90 %\n\
             $ show queue /batch/all\nBatch queue SYS$BATCH, idle, on {}\n",
            day.day,
            n % 4,
            day.day,
            name.to_uppercase()
        );
        let server = serve(ServerOptions {
            user: "smsc".into(),
            password: netmon::core::Secret::new(password.clone()),
            files: std::sync::Arc::new(source),
            commands: std::collections::HashMap::from([(LOG_CMD.to_string(), (log, 0))]),
        })
        .await
        .context("starting a simulated SMSC's SSH server")?;
        text.push_str(&format!(
            "[{name}]\nip_or_hostname = 127.0.0.1\nssh_port = {}\ncluster_id = {cluster}\n\n",
            server.addr.port()
        ));
        lines.push_str(&server.known_hosts_line);
        servers.push(server);
    }
    if let Some(dir) = known_hosts.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(known_hosts, lines)
        .with_context(|| format!("writing {}", known_hosts.display()))?;
    let settings =
        settings::Settings::parse("simulator settings", &text, std::path::Path::new("."))?;
    Ok((servers, settings))
}

/// --localcsv: the given files as one system's source.
fn local_files(args: &Args) -> anyhow::Result<Vec<Job>> {
    let name = match &args.system {
        Some(s) => s.clone(),
        None => args.localcsv[0]
            .file_stem()
            .map_or_else(|| "local".to_string(), |s| s.to_string_lossy().into_owned()),
    };
    let source = MemorySource::new(format!("local:{name}"));
    for path in &args.localcsv {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .with_context(|| format!("{} is not a file", path.display()))?;
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        source.insert(file, bytes, None)?;
    }
    Ok(vec![Job {
        name,
        source: Box::new(source),
        selector: FileSelector::all(),
    }])
}

fn processing(args: &Args) -> anyhow::Result<Processing> {
    let mode = if args.compat.is_some() {
        Mode::LeftToRight
    } else {
        Mode::Precedence
    };
    let calc = args
        .calc_file
        .as_ref()
        .map(|p| CalcFile::from_path(p, mode))
        .transpose()?;
    let mut how = Processing {
        calc,
        ..Processing::default()
    };
    for c in &args.constants {
        let (name, value) =
            netmon::t4::calc::parse_constant(c).map_err(|e| anyhow::anyhow!("--const {e}"))?;
        match name.as_str() {
            "retq_max" => how.params.retq_max = value,
            "delivery_limit" => how.params.delivery_limit = value,
            "delv_per_node_max" => how.params.delv_per_node_max = value,
            other => how.constants.push((other.to_string(), value)),
        }
    }
    Ok(how)
}

/// The figures an operator looks at first, per system.
fn print_summary(s: &SystemData, level: LogLevel) {
    println!(
        "\n{}: {} rows x {} columns from {} file(s), {:.1} MB ({:.1} MB fetched); transfer {:.3} s, processing {:.3} s",
        s.name,
        s.frame.len(),
        s.frame.width(),
        s.files.len(),
        s.bytes() as f64 / 1e6,
        s.fetched() as f64 / 1e6,
        s.transfer.as_secs_f64(),
        s.processing.as_secs_f64()
    );
    if let Some(e) = &s.error {
        println!("  FAILED: {e}");
    }
    for f in s.files.iter().filter(|_| level <= LogLevel::Info) {
        let sync = match (level, f.sync) {
            (LogLevel::Debug, Some(k)) => format!(", {k}, {} bytes fetched", f.fetched),
            _ => String::new(),
        };
        println!(
            "  file {}: {} rows, {} bytes{sync}",
            f.name, f.rows, f.bytes
        );
    }
    for f in s
        .files
        .iter()
        .filter(|f| level <= LogLevel::Warning && (f.error.is_some() || f.issues > 0))
    {
        println!(
            "  {}: {}",
            f.name,
            f.error
                .clone()
                .unwrap_or_else(|| format!("{} rows skipped or repaired", f.issues))
        );
    }
    for w in s
        .calc_warnings
        .iter()
        .filter(|_| level <= LogLevel::Warning)
        .take(5)
    {
        println!("  {w}");
    }
    let mut header = false;
    for (suffix, what) in [
        ("_licence_usage_pct", "licence usage %"),
        ("_successful_fda_pct", "successful first delivery %"),
        ("_buffer_usage_pct", "buffer usage %"),
        ("_MOSM_accepted_pct", "MO accepted %"),
        ("_MTSM_accepted_pct", "MT accepted %"),
        ("_session_reject_pct", "session rejects %"),
    ] {
        // Over every instance of the metric: the range, the mean of the
        // means, and where the maximum is.
        let stats: Vec<(&String, netmon::core::ColumnStats)> = s
            .frame
            .names()
            .iter()
            .filter(|n| n.ends_with(suffix))
            .filter_map(|n| s.frame.stats(n).map(|st| (n, st)))
            .filter(|(_, st)| st.count > 0)
            .collect();
        let Some((worst, top)) = stats.iter().max_by(|a, b| a.1.max.total_cmp(&b.1.max)) else {
            continue;
        };
        if !header {
            println!(
                "  {:<30} {:>8} {:>8} {:>8}  worst instance",
                "metric", "min", "mean", "max"
            );
            header = true;
        }
        let min = stats
            .iter()
            .map(|(_, st)| st.min)
            .fold(f64::INFINITY, f64::min);
        let mean = stats.iter().map(|(_, st)| st.mean).sum::<f64>() / stats.len() as f64;
        let instance = worst.strip_suffix(suffix).unwrap_or(worst);
        println!(
            "  {what:<30} {min:>8.2} {mean:>8.2} {:>8.2}  {instance}",
            top.max
        );
    }
}

async fn run(args: Args) -> anyhow::Result<bool> {
    if let Some(path) = &args.settings {
        let settings = settings::Settings::load(path)?;
        if args.config {
            print!("{}", settings.masked());
            return Ok(true);
        }
        let keys = netmon::ssh::HostKeys {
            known_hosts: args.known_hosts.clone().unwrap_or_else(|| {
                std::env::var_os("HOME")
                    .map(PathBuf::from)
                    .unwrap_or_default()
                    .join(".ssh/known_hosts")
            }),
            trust_on_first_use: args.trust_on_first_use,
        };
        return run_settings(&args, &settings, keys, &path.display().to_string()).await;
    }
    let graphs = load_graphs(args.graphs.as_deref())?;
    if let Some(store) = &args.local {
        let run = store::find_run(store)?;
        let systems: Vec<SystemData> = store::read_run(&run)?
            .into_iter()
            .filter(|(name, _)| args.system.as_ref().is_none_or(|s| s == name))
            .map(|(name, frame)| SystemData::stored(&name, &run, frame))
            .collect();
        if systems.is_empty() {
            bail!(
                "{}: no system {:?} in this run",
                run.display(),
                args.system.as_deref().unwrap_or("")
            );
        }
        println!("{}: {} system(s)", run.display(), systems.len());
        for p in report::write_reports(
            &args
                .reports
                .clone()
                .unwrap_or_else(|| PathBuf::from("reports")),
            &systems,
            &graphs,
            &[],
            Timestamp::now(),
            args.template.as_deref(),
        )? {
            println!("report {}", p.display());
        }
        return Ok(true);
    }
    let how = processing(&args)?;
    let started = Timestamp::now();
    let clock = Instant::now();
    if args.localcsv.is_empty() {
        let day = parse_day(&args)?;
        println!(
            "smsc_monitor: {} simulated SMSC(s), {:04}-{:02}-{:02}, each behind its own SSH/SFTP server on 127.0.0.1",
            args.systems, day.year, day.month, day.day
        );
        let store = args.store.clone().unwrap_or_else(|| PathBuf::from("store"));
        let known_hosts = store.join("simulator_known_hosts");
        let (_servers, settings) = simulated(&args, day, &known_hosts).await?;
        let keys = netmon::ssh::HostKeys {
            known_hosts,
            trust_on_first_use: false,
        };
        return run_settings(&args, &settings, keys, "the simulator").await;
    }
    let jobs = local_files(&args)?;

    let bars = indicatif::MultiProgress::with_draw_target(
        indicatif::ProgressDrawTarget::stderr_with_hz(5),
    );
    let mut results = Vec::new();
    for job in &jobs {
        let bar = bars.add(system_bar(&job.name));
        let selector = &job.selector;
        let wanted = |e: &FileEntry| selector.matches(&e.name);
        let data = process_system(&job.name, job.source.as_ref(), &wanted, &how, None, &bar).await;
        finish_bar(&bar, &data);
        results.push(data);
    }
    let store_dir = args.store.clone().unwrap_or_else(|| PathBuf::from("store"));
    let reports_dir = args
        .reports
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports"));
    finish(
        &args,
        &results,
        &[],
        &graphs,
        started,
        clock,
        &store_dir,
        &reports_dir,
        args.template.as_deref(),
    )?;
    Ok(results.iter().all(|r| r.error.is_none()))
}

/// A system's progress bar: files fetched and what is happening (drawn
/// on stderr only when it is a terminal).
fn system_bar(name: &str) -> indicatif::ProgressBar {
    // Hidden until a MultiProgress adopts it: a bar drawn on its own first
    // leaves a stray line.
    let bar = indicatif::ProgressBar::hidden();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{prefix:>10} {bar:24.cyan/blue} {pos:>3}/{len:3} {msg}",
    ) {
        bar.set_style(style);
    }
    bar.set_prefix(name.to_string());
    bar
}

/// Ends a system's bar with its outcome.
fn finish_bar(bar: &indicatif::ProgressBar, data: &SystemData) {
    match &data.error {
        Some(e) => bar.abandon_with_message(format!("FAILED: {e}")),
        None => bar.finish_with_message(format!(
            "done: {} rows x {} columns",
            data.frame.len(),
            data.frame.width()
        )),
    }
}

/// A run over SSH as a settings file says (the simulator's too).
async fn run_settings(
    args: &Args,
    settings: &settings::Settings,
    keys: netmon::ssh::HostKeys,
    source_name: &str,
) -> anyhow::Result<bool> {
    let mut how = processing(args)?;
    if how.calc.is_none()
        && let Some(calc) = &settings.misc.calculations_file
    {
        let mode = if args.compat.is_some() {
            Mode::LeftToRight
        } else {
            Mode::Precedence
        };
        how.calc = Some(CalcFile::from_path(calc, mode)?);
    }
    let graph_file = args
        .graphs
        .clone()
        .or(settings.misc.graphs_definition_file.clone());
    let graphs = load_graphs(graph_file.as_deref())?;
    let day = parse_day(args)?;
    println!(
        "smsc_monitor: {} system(s) from {}{}",
        settings.systems.len(),
        source_name,
        if args.all {
            ", every file".to_string()
        } else {
            format!(", files of {:04}-{:02}-{:02}", day.year, day.month, day.day)
        }
    );
    for line in settings.plan() {
        println!("  {line}");
    }
    let started = Timestamp::now();
    let clock = Instant::now();
    let opts = collect::Collect {
        keys,
        all: args.all,
        day,
        logs: !args.nologs,
        parallel: if args.safe { 1 } else { 4 },
        log_timeout: std::time::Duration::from_secs(120),
        mirror_root: args
            .store
            .clone()
            .unwrap_or_else(|| settings.misc.store_folder.clone())
            .join("mirror"),
    };
    let bars = indicatif::MultiProgress::with_draw_target(
        indicatif::ProgressDrawTarget::stderr_with_hz(5),
    );
    let (results, logs) = collect::collect(settings, &how, &opts, &bars).await;
    let store_dir = args
        .store
        .clone()
        .unwrap_or_else(|| settings.misc.store_folder.clone());
    let reports_dir = args
        .reports
        .clone()
        .unwrap_or_else(|| settings.misc.reports_folder.clone());
    let template = args
        .template
        .clone()
        .or_else(|| settings.misc.html_template.clone());
    finish(
        args,
        &results,
        &logs,
        &graphs,
        started,
        clock,
        &store_dir,
        &reports_dir,
        template.as_deref(),
    )?;
    Ok(results.iter().all(|r| r.error.is_none()))
}

/// The graph list: a file, or the built-in one.
fn load_graphs(path: Option<&std::path::Path>) -> anyhow::Result<Vec<report::Graph>> {
    match path {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            report::parse_graphs(&p.display().to_string(), &text)
        }
        None => report::parse_graphs("built-in graph list", report::DEFAULT_GRAPHS),
    }
}

/// `--day`, else today (UTC).
fn parse_day(args: &Args) -> anyhow::Result<Civil> {
    Ok(match &args.day {
        Some(d) => {
            let t: Timestamp = d.parse().with_context(|| format!("--day {d:?}"))?;
            let c = t.to_civil();
            Civil::date(c.year, c.month, c.day)
        }
        None => today(),
    })
}

/// Summaries, store and reports of a run.
#[allow(clippy::too_many_arguments)]
fn finish(
    args: &Args,
    results: &[SystemData],
    logs: &[(String, String)],
    graphs: &[report::Graph],
    started: Timestamp,
    clock: Instant,
    store_dir: &std::path::Path,
    reports_dir: &std::path::Path,
    template: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    for r in results {
        print_summary(r, args.loglevel);
    }
    let tag = started.format("%Y%m%d_%H%M");
    let written = store::write_run(
        store_dir,
        &tag,
        started,
        clock.elapsed().as_secs_f64(),
        results,
        logs,
    )?;
    println!();
    for p in written {
        println!("stored {}", p.display());
    }
    if !args.noreports {
        for p in report::write_reports(
            reports_dir,
            results,
            graphs,
            logs,
            Timestamp::now(),
            template,
        )? {
            println!("report {}", p.display());
        }
    }
    let processing: f64 = results.iter().map(|r| r.processing.as_secs_f64()).sum();
    let transfer: f64 = results.iter().map(|r| r.transfer.as_secs_f64()).sum();
    let bytes: u64 = results.iter().map(|r| r.bytes()).sum();
    println!(
        "run: {:.3} s; transfer {:.3} s, processing {:.3} s for {:.1} MB ({:.1} ms/MB)",
        clock.elapsed().as_secs_f64(),
        transfer,
        processing,
        bytes as f64 / 1e6,
        processing * 1e3 / (bytes as f64 / 1e6).max(1e-9)
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("smsc_monitor: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("smsc_monitor: {e:#}");
            ExitCode::from(2)
        }
    }
}
