//! Collection over SSH/SFTP from the systems of a settings file: through
//! the gateway (one SSH session, a `direct-tcpip` channel per system; no
//! local tunnel) or directly; host keys checked against known_hosts. Each
//! system runs the same pipeline as any other source; one failing system
//! is reported and the others go on.

use std::sync::Arc;
use std::time::Duration;

use indicatif::MultiProgress;
use netmon::core::{Civil, FileEntry, Frame};
use netmon::ssh::{Auth, HostKeys, Session, Target};
use netmon::t4::{FileSelector, Kinds};
use tokio::sync::Semaphore;

use crate::pipeline::{Processing, SystemData, process_system};
use crate::settings::{self, Endpoint, Settings};

/// How to collect.
#[derive(Debug, Clone)]
pub struct Collect {
    /// Server keys accepted.
    pub keys: HostKeys,
    /// Every file, not only the day's.
    pub all: bool,
    /// The day whose files are taken.
    pub day: Civil,
    /// Run the remote log command.
    pub logs: bool,
    /// Systems collected at once.
    pub parallel: usize,
    /// Longest wait for the remote log command.
    pub log_timeout: Duration,
    /// Where each system's mirror is kept (`<root>/<system>/`): only new
    /// or grown files are transferred again.
    pub mirror_root: std::path::PathBuf,
}

fn target(e: &Endpoint) -> Target {
    Target {
        host: e.host.clone(),
        port: e.port,
        user: e.username.clone(),
        auth: match &e.auth {
            settings::Auth::Password(p) => Auth::Password(p.clone()),
            settings::Auth::Key { path, passphrase } => Auth::Key {
                path: path.clone(),
                passphrase: passphrase.clone(),
            },
        },
        timeout: e.timeout,
    }
}

fn failed(name: &str, source: String, error: String) -> SystemData {
    SystemData {
        name: name.to_string(),
        source,
        frame: Frame::new(),
        kinds: Kinds::new(),
        files: Vec::new(),
        error: Some(error),
        calc_warnings: Vec::new(),
        instances: Default::default(),
        interval: None,
        transfer: Duration::ZERO,
        processing: Duration::ZERO,
    }
}

/// Collects every system; returns their data and log outputs.
pub async fn collect(
    settings: &Settings,
    how: &Processing,
    opts: &Collect,
    bars: &MultiProgress,
) -> (Vec<SystemData>, Vec<(String, String)>) {
    // One gateway session for every system behind it.
    let gateway: Option<Result<Arc<Session>, String>> = match &settings.gateway {
        Some(gw) if settings.systems.iter().any(|s| s.use_gateway) => Some(
            Session::connect(&target(gw), &opts.keys)
                .await
                .map(Arc::new)
                .map_err(|e| format!("gateway: {e}")),
        ),
        _ => None,
    };
    let limit = Arc::new(Semaphore::new(opts.parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, system) in settings.systems.iter().cloned().enumerate() {
        let gateway = gateway.clone();
        let how = how.clone();
        let opts = opts.clone();
        let log_cmd = settings.misc.remote_log_cmd.clone();
        let limit = limit.clone();
        let bar = bars.add(crate::system_bar(&system.name));
        tasks.spawn(async move {
            bar.set_message("waiting");
            let _permit = limit.acquire_owned().await;
            bar.set_message("connecting");
            let where_ = format!(
                "{}@{}:{}",
                system.endpoint.username, system.endpoint.host, system.endpoint.port
            );
            let t = target(&system.endpoint);
            let session = match (system.use_gateway, &gateway) {
                (true, Some(Ok(gw))) => gw
                    .connect_via(&t, &opts.keys)
                    .await
                    .map_err(|e| e.to_string()),
                (true, Some(Err(e))) => Err(e.clone()),
                (true, None) => Err("no gateway configured".to_string()),
                (false, _) => Session::connect(&t, &opts.keys)
                    .await
                    .map_err(|e| e.to_string()),
            };
            let session = match session {
                Ok(s) => s,
                Err(e) => {
                    bar.abandon_with_message(format!("FAILED: {e}"));
                    return (i, failed(&system.name, where_, e), None);
                }
            };
            let source = match session.sftp(&system.folder).await {
                Ok(s) => s,
                Err(e) => {
                    bar.abandon_with_message(format!("FAILED: {e}"));
                    return (i, failed(&system.name, where_, e.to_string()), None);
                }
            };
            let selector = if opts.all {
                FileSelector::all()
            } else {
                FileSelector::day(opts.day)
            }
            .cluster(system.cluster_id.as_deref().unwrap_or(""));
            let wanted = |e: &FileEntry| selector.matches(&e.name);
            let mirror = netmon::core::Mirror::new(
                opts.mirror_root.join(crate::store::file_safe(&system.name)),
            );
            let data =
                process_system(&system.name, &source, &wanted, &how, Some(&mirror), &bar).await;
            let log = match (&log_cmd, opts.logs) {
                (Some(cmd), true) if !cmd.trim().is_empty() => {
                    bar.set_message("log command");
                    Some(match session.exec(cmd, opts.log_timeout).await {
                        Ok(out) => {
                            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
                            if !out.stderr.is_empty() {
                                text.push_str("\n--- stderr ---\n");
                                text.push_str(&String::from_utf8_lossy(&out.stderr));
                            }
                            if let Some(status) = out.status.filter(|s| *s != 0) {
                                text.push_str(&format!("\n--- exit status {status} ---\n"));
                            }
                            text
                        }
                        Err(e) => format!("log command failed: {e}\n"),
                    })
                }
                _ => None,
            };
            crate::finish_bar(&bar, &data);
            (i, data, log)
        });
    }
    let mut results: Vec<(usize, SystemData, Option<String>)> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(r) => results.push(r),
            // A task that panicked is a bug; the others' results stand.
            Err(e) => eprintln!("smsc_monitor: a collection task failed: {e}"),
        }
    }
    results.sort_by_key(|(i, _, _)| *i);
    let logs = results
        .iter()
        .filter_map(|(_, d, l)| l.clone().map(|l| (d.name.clone(), l)))
        .collect();
    (results.into_iter().map(|(_, d, _)| d).collect(), logs)
}
