//! `settings.cfg`: the SMSC monitor's settings, as the monitoring
//! procedure and t4Monitor write them.
//!
//! ```text
//! [DEFAULT]            inherited by every section below
//! ssh_timeout = 10
//! ssh_port = 22
//! folder = smsc$root:[monitor.out]
//! username = smsc
//! password = smsc      (or identity_file = ~/.ssh/id_ed25519)
//!
//! [GATEWAY]            the SSH jump host
//! ip_or_hostname = gw.example.net
//!
//! [MISC]               calculations_file, graphs_definition_file, html_template,
//!                      remote_log_cmd, store_folder, reports_folder
//!
//! [LOGMONITOR]         FILES, GREPS, WINDOWS, CMDS_LINES, OTHERCMDS_<n> (seed, Appendix b)
//!
//! [SMSC-1]             any other section is a monitored system
//! ip_or_hostname = 10.1.1.1
//! tunnel_port = 20970  (0: any free port)
//! cluster_id = smsc-1
//! use_gateway = yes
//! ```
//!
//! Paths in `[MISC]` are relative to the settings file's folder; the
//! store and report folders default to `./store` and `./reports`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use netmon::core::Secret;
use netmon::core::ini::{Entry, Ini};

type Result<T> = std::result::Result<T, netmon::core::Error>;

/// How to log in.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A password.
    // Read by the SSH login, the next step of the SMSC workflow; the tests
    // read it today.
    #[allow(dead_code)]
    Password(Secret<String>),
    /// A private key, with the password (if any) as its passphrase.
    Key {
        /// The key file.
        path: PathBuf,
        /// Its passphrase.
        passphrase: Option<Secret<String>>,
    },
}

/// An SSH endpoint: the gateway, or a system.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Host name or address.
    pub host: String,
    /// SSH port.
    pub port: u16,
    /// User name.
    pub username: String,
    /// Credentials.
    pub auth: Auth,
    /// Connect and command timeout.
    pub timeout: Duration,
}

/// One monitored system.
#[derive(Debug, Clone)]
pub struct System {
    /// The section name: the system's name in the store and reports.
    pub name: String,
    /// Line of its section header.
    pub line: u64,
    /// Where to log in (as seen from the gateway when one is used).
    pub endpoint: Endpoint,
    /// Local port of its tunnel (0: any free port), bound to 127.0.0.1.
    pub tunnel_port: u16,
    /// File-name filter (lower case), if any.
    pub cluster_id: Option<String>,
    /// The remote folder of the T4 files (`.` when empty).
    pub folder: String,
    /// Whether to go through the gateway.
    pub use_gateway: bool,
}

/// `[MISC]`.
#[derive(Debug, Clone)]
pub struct Misc {
    /// Calculations file.
    pub calculations_file: Option<PathBuf>,
    /// Graph list.
    pub graphs_definition_file: Option<PathBuf>,
    /// HTML template (a built-in one when absent).
    pub html_template: Option<PathBuf>,
    /// Command run on each system after collection, whose output goes to
    /// the report.
    pub remote_log_cmd: Option<String>,
    /// Where runs are stored.
    pub store_folder: PathBuf,
    /// Where reports are written.
    pub reports_folder: PathBuf,
}

/// `[LOGMONITOR]` (seed, Appendix b): what the remote log monitor scans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogMonitor {
    /// Log files.
    pub files: Vec<String>,
    /// Per file, the strings to search for.
    pub greps: Vec<Vec<String>>,
    /// Per file, the context windows (OpenVMS `search /window`).
    pub windows: Vec<Vec<u32>>,
    /// Other commands, in order.
    pub other_commands: Vec<String>,
}

/// The whole settings file. `Debug` leaves out the raw INI, which holds
/// passwords in clear.
#[derive(Clone)]
pub struct Settings {
    /// The parsed file (kept for `--config`).
    pub ini: Ini,
    /// The gateway, when `[GATEWAY]` is there.
    pub gateway: Option<Endpoint>,
    /// `[MISC]`.
    pub misc: Misc,
    /// `[LOGMONITOR]`, when there.
    pub log_monitor: Option<LogMonitor>,
    /// The systems, in file order.
    pub systems: Vec<System>,
}

/// Sections that are not systems.
const RESERVED: [&str; 3] = ["GATEWAY", "MISC", "LOGMONITOR"];

/// Keys whose values are secret.
const SECRET_KEYS: [&str; 1] = ["password"];

fn required(ini: &Ini, section: &str, key: &str, line: u64) -> Result<Entry> {
    match ini.get(section, key) {
        Some(e) if !e.value.trim().is_empty() => Ok(e),
        Some(e) => Err(ini.error(e.line, format!("[{section}] {key} is empty"))),
        None => Err(ini.error(
            line,
            format!("[{section}] needs {key} (in the section or in [DEFAULT])"),
        )),
    }
}

fn number<T: std::str::FromStr>(ini: &Ini, section: &str, e: &Entry, what: &str) -> Result<T> {
    e.value.trim().parse().map_err(|_| {
        ini.error(
            e.line,
            format!("[{section}] {} = {:?}: {what}", e.key, e.value),
        )
    })
}

/// configparser's booleans.
fn boolean(ini: &Ini, section: &str, e: &Entry) -> Result<bool> {
    match e.value.trim().to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        _ => Err(ini.error(
            e.line,
            format!(
                "[{section}] {} = {:?}: expected yes/no, true/false, on/off or 1/0",
                e.key, e.value
            ),
        )),
    }
}

/// t4Monitor strips quotes and spaces around passwords and key paths.
fn unquote(v: &str) -> String {
    v.trim().trim_matches(['"', '\'']).trim().to_string()
}

fn endpoint(ini: &Ini, section: &str, line: u64, base: &Path) -> Result<Endpoint> {
    let host = required(ini, section, "ip_or_hostname", line)?.value;
    let port = match ini.get(section, "ssh_port") {
        Some(e) => {
            number::<u16>(ini, section, &e, "not a port number (1 to 65535)").and_then(|p| {
                if p == 0 {
                    Err(ini.error(
                        e.line,
                        format!("[{section}] ssh_port = 0: not a port number"),
                    ))
                } else {
                    Ok(p)
                }
            })?
        }
        None => 22,
    };
    let username = required(ini, section, "username", line)?.value;
    let password = ini
        .get(section, "password")
        .map(|e| unquote(&e.value))
        .filter(|p| !p.is_empty());
    let key = ini
        .get(section, "identity_file")
        .map(|e| unquote(&e.value))
        .filter(|p| !p.is_empty());
    let auth = match (key, password) {
        (Some(path), password) => Auth::Key {
            path: expand(base, &path),
            passphrase: password.map(Secret::new),
        },
        (None, Some(password)) => Auth::Password(Secret::new(password)),
        (None, None) => {
            return Err(ini.error(line, format!("[{section}] needs password or identity_file")));
        }
    };
    let timeout = match ini.get(section, "ssh_timeout") {
        Some(e) => {
            let secs: f64 = number(ini, section, &e, "not a number of seconds")?;
            if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
                return Err(ini.error(
                    e.line,
                    format!("[{section}] ssh_timeout = {secs}: 0 to 3600 seconds"),
                ));
            }
            Duration::from_secs_f64(secs)
        }
        None => Duration::from_secs(10),
    };
    Ok(Endpoint {
        host,
        port,
        username,
        auth,
        timeout,
    })
}

/// `~/x` from the home folder; relative paths from the settings folder.
fn expand(base: &Path, path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    let p = PathBuf::from(path);
    if p.is_absolute() { p } else { base.join(p) }
}

/// Splits a `"a\b\c"` list of the log monitor section.
fn backslash_list(v: &str) -> Vec<String> {
    let v = v.trim().trim_matches('"');
    if v.is_empty() {
        return Vec::new();
    }
    v.split('\\').map(|s| s.trim().to_string()).collect()
}

fn log_monitor(ini: &Ini) -> Result<Option<LogMonitor>> {
    const S: &str = "LOGMONITOR";
    let Some(section) = ini.section(S) else {
        return Ok(None);
    };
    let own = |key: &str| section.entries.iter().find(|e| e.key == key);
    let mut lm = LogMonitor::default();
    if let Some(e) = own("files") {
        lm.files = backslash_list(&e.value);
    }
    if let Some(e) = own("greps") {
        lm.greps = backslash_list(&e.value)
            .iter()
            .map(|g| g.split(',').map(|s| s.trim().to_string()).collect())
            .collect();
    }
    if let Some(e) = own("windows") {
        lm.windows = backslash_list(&e.value)
            .iter()
            .map(|w| {
                w.split(',')
                    .map(|n| {
                        n.trim().parse::<u32>().map_err(|_| {
                            ini.error(
                                e.line,
                                format!("[{S}] windows: {n:?} is not a number of lines"),
                            )
                        })
                    })
                    .collect::<Result<Vec<u32>>>()
            })
            .collect::<Result<_>>()?;
    }
    if lm.greps.len() > lm.files.len() || lm.windows.len() > lm.files.len() {
        let line = own("greps")
            .or(own("windows"))
            .map_or(section.line, |e| e.line);
        return Err(ini.error(
            line,
            format!(
                "[{S}] more GREPS/WINDOWS groups than FILES ({})",
                lm.files.len()
            ),
        ));
    }
    let lines: usize = match own("cmds_lines") {
        Some(e) => number(ini, S, e, "not a count")?,
        None => section
            .entries
            .iter()
            .filter(|e| e.key.starts_with("othercmds"))
            .count(),
    };
    for n in 1..=lines {
        let key = format!("othercmds_{n}");
        match own(&key) {
            Some(e) => lm.other_commands.extend(
                backslash_list(&e.value)
                    .into_iter()
                    .map(|c| c.replace('`', "\"")),
            ),
            None => {
                return Err(ini.error(
                    section.line,
                    format!(
                        "[{S}] CMDS_LINES = {lines} but {} is missing",
                        key.to_uppercase()
                    ),
                ));
            }
        }
    }
    if let Some(e) = own("othercmds") {
        lm.other_commands.extend(
            backslash_list(&e.value)
                .into_iter()
                .map(|c| c.replace('`', "\"")),
        );
    }
    Ok(Some(lm))
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("file", &self.ini.file)
            .field("gateway", &self.gateway)
            .field("misc", &self.misc)
            .field("log_monitor", &self.log_monitor)
            .field("systems", &self.systems)
            .finish()
    }
}

impl Endpoint {
    /// `user@host:port (password|key FILE), timeout N s`: no secret.
    pub fn describe(&self) -> String {
        let auth = match &self.auth {
            Auth::Password(_) => "password".to_string(),
            Auth::Key { path, passphrase } => format!(
                "key {}{}",
                path.display(),
                if passphrase.is_some() {
                    " (with passphrase)"
                } else {
                    ""
                }
            ),
        };
        format!(
            "{}@{}:{} ({auth}), timeout {} s",
            self.username,
            self.host,
            self.port,
            self.timeout.as_secs_f64()
        )
    }
}

impl Settings {
    /// What a run would collect, one line per system (no secrets).
    pub fn plan(&self) -> Vec<String> {
        self.systems
            .iter()
            .map(|s| {
                let route = match (&self.gateway, s.use_gateway) {
                    (Some(gw), true) => format!(
                        "via gateway {}@{}:{}, tunnel 127.0.0.1:{}",
                        gw.username,
                        gw.host,
                        gw.port,
                        if s.tunnel_port == 0 {
                            "any".to_string()
                        } else {
                            s.tunnel_port.to_string()
                        }
                    ),
                    _ => "direct".to_string(),
                };
                format!(
                    "[{}] (line {}) {}, {route}, folder {}, files matching {:?}",
                    s.name,
                    s.line,
                    s.endpoint.describe(),
                    s.folder,
                    s.cluster_id.as_deref().unwrap_or("*")
                )
            })
            .collect()
    }

    /// Reads and checks a settings file.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|source| netmon::core::Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&path.display().to_string(), &text, base)
    }

    /// Checks settings text; `base` is the folder relative paths start from.
    pub fn parse(file: &str, text: &str, base: &Path) -> Result<Settings> {
        let ini = Ini::parse(file, text)?;
        let misc_line = ini.section("MISC").map_or(1, |s| s.line);
        let path_of = |key: &str| -> Result<Option<PathBuf>> {
            match ini
                .section("MISC")
                .and_then(|s| s.entries.iter().find(|e| e.key == key))
            {
                Some(e) if !e.value.trim().is_empty() => {
                    let p = expand(base, e.value.trim());
                    if !p.is_file() {
                        return Err(ini.error(
                            e.line,
                            format!("[MISC] {key}: {} is not a file", p.display()),
                        ));
                    }
                    Ok(Some(p))
                }
                _ => Ok(None),
            }
        };
        let folder_of = |key: &str, default: &str| -> PathBuf {
            ini.section("MISC")
                .and_then(|s| s.entries.iter().find(|e| e.key == key))
                .map(|e| e.value.trim().to_string())
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from(default), PathBuf::from)
        };
        let misc = Misc {
            calculations_file: path_of("calculations_file")?,
            graphs_definition_file: path_of("graphs_definition_file")?,
            html_template: path_of("html_template")?,
            remote_log_cmd: ini
                .section("MISC")
                .and_then(|s| s.entries.iter().find(|e| e.key == "remote_log_cmd"))
                .map(|e| e.value.clone()),
            store_folder: folder_of("store_folder", "store"),
            reports_folder: folder_of("reports_folder", "reports"),
        };
        let _ = misc_line;
        let gateway = match ini.section("GATEWAY") {
            Some(s) => Some(endpoint(&ini, "GATEWAY", s.line, base)?),
            None => None,
        };
        let mut systems = Vec::new();
        for s in ini
            .sections()
            .iter()
            .filter(|s| !RESERVED.contains(&s.name.as_str()))
        {
            let name = s.name.clone();
            let use_gateway = match ini.get(&name, "use_gateway") {
                Some(e) => boolean(&ini, &name, &e)?,
                None => true,
            };
            if use_gateway && gateway.is_none() {
                let line = ini.get(&name, "use_gateway").map_or(s.line, |e| e.line);
                return Err(ini.error(line, format!("[{name}] uses the gateway but there is no [GATEWAY] section (or set use_gateway = no)")));
            }
            let tunnel_port = match ini.get(&name, "tunnel_port") {
                Some(e) => {
                    number::<u16>(&ini, &name, &e, "not a port number (0 for any free port)")?
                }
                None => 0,
            };
            if tunnel_port != 0
                && let Some(other) = systems
                    .iter()
                    .find(|o: &&System| o.tunnel_port == tunnel_port)
            {
                let line = ini.get(&name, "tunnel_port").map_or(s.line, |e| e.line);
                return Err(ini.error(
                    line,
                    format!(
                        "[{name}] tunnel_port {tunnel_port} is already [{}]'s",
                        other.name
                    ),
                ));
            }
            let folder = ini
                .get(&name, "folder")
                .map(|e| e.value.trim().to_string())
                .unwrap_or_default();
            systems.push(System {
                endpoint: endpoint(&ini, &name, s.line, base)?,
                line: s.line,
                tunnel_port,
                cluster_id: ini
                    .get(&name, "cluster_id")
                    .map(|e| e.value.trim().to_lowercase())
                    .filter(|c| !c.is_empty()),
                folder: if folder.is_empty() {
                    ".".into()
                } else {
                    folder
                },
                use_gateway,
                name,
            });
        }
        if systems.is_empty() {
            return Err(ini.error(
                ini.sections().last().map_or(1, |s| s.line),
                "no system to monitor: add a [NAME] section per system",
            ));
        }
        Ok(Settings {
            log_monitor: log_monitor(&ini)?,
            ini,
            gateway,
            misc,
            systems,
        })
    }

    /// The merged settings as INI text, every section with its inherited
    /// values, secrets masked: what `--config` prints.
    pub fn masked(&self) -> String {
        let mut out = String::new();
        let mut names: Vec<&str> = vec!["GATEWAY", "MISC", "LOGMONITOR"];
        names.retain(|n| self.ini.section(n).is_some());
        names.extend(self.systems.iter().map(|s| s.name.as_str()));
        for name in names {
            let _ = writeln!(out, "[{name}]");
            for e in self.ini.merged(name) {
                let value = if SECRET_KEYS.contains(&e.key.as_str()) {
                    netmon::core::secret::MASK.to_string()
                } else {
                    e.value.replace('\n', "\n    ")
                };
                let from = if e.inherited {
                    "   # from [DEFAULT]"
                } else {
                    ""
                };
                let _ = writeln!(out, "{} = {value}{from}", e.key);
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's example, with its placeholders filled in.
    const SEED: &str = "[DEFAULT]\n\
        ssh_timeout = 10\n\
        ssh_port = 22\n\
        ip_or_hostname = 127.0.0.1\n\
        folder = smsc$root:[monitor.out]\n\
        username = smsc\n\
        password = smsc\n\
        \n\
        [GATEWAY]\n\
        username = gwuser\n\
        password = \"gw secret\"\n\
        ip_or_hostname = vpn.example.net\n\
        \n\
        [MISC]\n\
        remote_log_cmd = @smsc$root:[monitor]log_mon_onscreen\n\
        \n\
        [LOGMONITOR]\n\
        FILES                   = \"smsc$root:[log]smsc.log\\DSA0:[SYS%.SYSMGR]OPERATOR.LOG\"\n\
        GREPS                   = \"-e-,-w-,-f-,license\\-e-,-w-,-f-\"\n\
        WINDOWS                 = \"3,2\\3,3\"\n\
        CMDS_LINES              = 2\n\
        OTHERCMDS_1             = \"@CMG$TOOLS:smsc_check_entities\\show queue /batch/all\"\n\
        OTHERCMDS_2             = \"mon cluster/end=`+00:00:30` /summ=sys$scratch:mon.sum /nodisplay\"\n\
        \n\
        [SMSC-1]\n\
        ip_or_hostname = 10.1.1.1\n\
        tunnel_port = 20970\n\
        cluster_id = SMSC-1\n\
        \n\
        [SMSC-2]\n\
        ip_or_hostname = 10.1.1.2\n\
        tunnel_port = 0\n\
        cluster_id = smsc-2\n\
        use_gateway = no\n\
        identity_file = keys/smsc2\n";

    fn parse(text: &str) -> Result<Settings> {
        Settings::parse("settings.cfg", text, Path::new("/etc/netmon"))
    }

    #[test]
    fn the_seed_example() {
        let s = parse(SEED).unwrap();
        assert_eq!(s.systems.len(), 2);
        let a = &s.systems[0];
        assert_eq!(
            (a.name.as_str(), a.endpoint.host.as_str(), a.endpoint.port),
            ("SMSC-1", "10.1.1.1", 22)
        );
        assert_eq!(
            (a.tunnel_port, a.cluster_id.as_deref(), a.use_gateway),
            (20970, Some("smsc-1"), true)
        );
        assert_eq!(a.folder, "smsc$root:[monitor.out]");
        assert_eq!(a.endpoint.timeout, Duration::from_secs(10));
        assert!(matches!(&a.endpoint.auth, Auth::Password(p) if p.expose() == "smsc"));
        let b = &s.systems[1];
        assert!(!b.use_gateway);
        assert!(
            matches!(&b.endpoint.auth, Auth::Key { path, passphrase: Some(p) }
            if path == Path::new("/etc/netmon/keys/smsc2") && p.expose() == "smsc")
        );
        let gw = s.gateway.as_ref().unwrap();
        assert_eq!(
            (gw.host.as_str(), gw.username.as_str()),
            ("vpn.example.net", "gwuser")
        );
        assert!(
            matches!(&gw.auth, Auth::Password(p) if p.expose() == "gw secret"),
            "quotes stripped"
        );
        assert_eq!(s.misc.store_folder, PathBuf::from("store"));
        assert_eq!(
            s.misc.remote_log_cmd.as_deref(),
            Some("@smsc$root:[monitor]log_mon_onscreen")
        );
        let lm = s.log_monitor.as_ref().unwrap();
        assert_eq!(
            lm.files,
            ["smsc$root:[log]smsc.log", "DSA0:[SYS%.SYSMGR]OPERATOR.LOG"]
        );
        assert_eq!(lm.greps[0], ["-e-", "-w-", "-f-", "license"]);
        assert_eq!(lm.windows, [vec![3, 2], vec![3, 3]]);
        assert_eq!(lm.other_commands.len(), 3);
        assert!(
            lm.other_commands[2].contains("/end=\"+00:00:30\""),
            "` is a double quote"
        );
    }

    #[test]
    fn config_dump_masks_secrets() {
        let s = parse(SEED).unwrap();
        let dump = s.masked();
        assert!(
            !dump.contains("gw secret") && !dump.contains("= smsc\n"),
            "{dump}"
        );
        assert!(dump.contains("password = *****"), "{dump}");
        assert!(
            dump.contains("[SMSC-1]\nip_or_hostname = 10.1.1.1"),
            "{dump}"
        );
        assert!(dump.contains("ssh_port = 22   # from [DEFAULT]"), "{dump}");
        assert!(!format!("{s:?}").contains("gw secret"), "Debug masks too");
        let plan = s.plan().join("\n");
        assert!(plan.contains("[SMSC-1] (line 25) smsc@10.1.1.1:22 (password), timeout 10 s, via gateway gwuser@vpn.example.net:22, tunnel 127.0.0.1:20970"), "{plan}");
        assert!(plan.contains("[SMSC-2] (line 30) smsc@10.1.1.2:22 (key /etc/netmon/keys/smsc2 (with passphrase)), timeout 10 s, direct"), "{plan}");
        assert!(
            !plan.contains("gw secret") && !plan.contains("= smsc"),
            "{plan}"
        );
    }

    #[test]
    fn broken_files_say_file_and_line() {
        let cases: &[(&str, &str, u64, &str)] = &[
            ("ssh_port = 22", "ssh_port = 70000", 3, "not a port number"),
            ("ssh_port = 22", "ssh_port = 0", 3, "ssh_port = 0"),
            (
                "tunnel_port = 0\n",
                "tunnel_port = 20970\n",
                32,
                "already [SMSC-1]'s",
            ),
            ("use_gateway = no", "use_gateway = maybe", 34, "yes/no"),
            ("ssh_timeout = 10", "ssh_timeout = soon", 2, "seconds"),
            ("username = smsc\n", "username = \n", 6, "username is empty"),
            (
                "password = smsc\n",
                "",
                24,
                "[SMSC-1] needs password or identity_file",
            ),
            (
                "ip_or_hostname = 10.1.1.1",
                "ip_or_hostname =",
                26,
                "[SMSC-1] ip_or_hostname is empty",
            ),
            (
                "WINDOWS                 = \"3,2\\3,3\"",
                "WINDOWS = \"3,x\"",
                20,
                "not a number of lines",
            ),
            (
                "CMDS_LINES              = 2",
                "CMDS_LINES = 3",
                17,
                "OTHERCMDS_3 is missing",
            ),
            (
                "[MISC]\n",
                "[MISC]\ncalculations_file = nowhere.cfg\n",
                15,
                "is not a file",
            ),
        ];
        for (from, to, line, needle) in cases {
            let text = SEED.replacen(from, to, 1);
            assert_ne!(text, SEED, "{from:?} not in the fixture");
            let Err(e) = parse(&text) else {
                panic!("{to:?} was accepted");
            };
            let msg = e.to_string();
            assert!(msg.starts_with("settings.cfg: line"), "{msg}");
            assert_eq!(
                e.position().and_then(|p| p.line),
                Some(*line),
                "{to:?}: {msg}"
            );
            assert!(msg.contains(needle), "{to:?}: {msg}");
        }
        // No gateway at all while systems need it.
        let text = SEED.replacen("[GATEWAY]", "[OTHER]", 1);
        let e = parse(&text).unwrap_err();
        assert!(e.to_string().contains("no [GATEWAY] section"), "{e}");
        // No system.
        let e = parse("[DEFAULT]\nusername = x\n").unwrap_err();
        assert!(e.to_string().contains("no system to monitor"), "{e}");
    }
}
