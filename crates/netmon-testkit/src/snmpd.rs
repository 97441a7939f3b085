//! net-snmp's `snmpd` and `snmptrapd` for tests: the interop
//! configurations of `../shared/interop` on a free loopback port (UDP on
//! 127.0.0.1 and ::1, and TCP on 127.0.0.1 for snmpd), persistent files
//! in a temporary folder, killed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A running snmpd or snmptrapd.
#[derive(Debug)]
pub struct Snmpd {
    child: Child,
    daemon: PathBuf,
    conf: PathBuf,
    /// The port (UDP and TCP).
    pub port: u16,
    /// Its folder: the configuration, `daemon.log`, persistent state.
    pub dir: tempfile::TempDir,
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Snmpd {
    /// The daemon's process ID (to read its CPU time in /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// The interop folder: `NETMON_INTEROP`, else `../shared/interop`.
pub fn interop_dir() -> PathBuf {
    std::env::var_os("NETMON_INTEROP")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join("../shared/interop"))
}

/// A port free for UDP and TCP on 127.0.0.1 and UDP on ::1 (racy, as any
/// such probe, but fine for tests on loopback).
pub fn free_port() -> u16 {
    // A port free for both UDP and TCP on 127.0.0.1 (and ::1).
    for _ in 0..50 {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
            && std::net::UdpSocket::bind(("::1", port)).is_ok()
        {
            return port;
        }
    }
    panic!("no free port")
}

/// Starts snmpd with the interop users and communities; `None` (with a
/// printed reason) when snmpd or the interop folder is missing, a panic
/// under CI.
pub fn start_snmpd() -> Option<Snmpd> {
    start("snmpd", "agentAddress", |port| {
        format!("agentAddress udp:127.0.0.1:{port},udp6:[::1]:{port},tcp:127.0.0.1:{port}")
    })
}

/// Starts snmptrapd from the interop `snmptrapd.conf` (trapUser bound to
/// engine 0x8000000001020304, informUser for informs, community public)
/// on a free port; it logs every notification to [`Snmpd::log`].
pub fn start_snmptrapd() -> Option<Snmpd> {
    start("snmptrapd", "snmpTrapdAddr", |port| {
        format!("snmpTrapdAddr udp:127.0.0.1:{port},udp6:[::1]:{port}")
    })
}

impl Snmpd {
    /// Stops the daemon (SIGTERM) and starts it again on the same port
    /// with the same folder, so its persistent state (engine ID, boots,
    /// now one more) carries over.
    pub fn restart(mut self) -> Snmpd {
        // SIGTERM, so that it saves its state (boots) as on a clean stop.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        let log = self.dir.path().join("daemon.log");
        let _ = std::fs::remove_file(&log);
        // -C keeps snmpd from its default files, the persistent one too:
        // name it, so that boots grows as on a real restart.
        let persistent = self.dir.path().join("persistent").join("snmpd.conf");
        let mut conf = self.conf.clone().into_os_string();
        if persistent.is_file() {
            conf.push(",");
            conf.push(&persistent);
        }
        self.child = spawn(&self.daemon, std::path::Path::new(&conf), self.dir.path());
        wait_ready(&self.daemon, &log);
        self
    }

    /// What the daemon logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }
}

fn start(name: &str, directive: &str, address: impl Fn(u16) -> String) -> Option<Snmpd> {
    let daemon = crate::tool(name)?;
    let conf = interop_dir().join(format!("{name}.conf"));
    let Ok(text) = std::fs::read_to_string(&conf) else {
        let reason = format!("{} not found (set NETMON_INTEROP)", conf.display());
        assert!(!crate::in_ci(), "{reason}");
        crate::print_skip(&reason);
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with(directive) {
                address(port)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let conf = dir.path().join(format!("{name}.conf"));
    std::fs::write(&conf, text + "\n").unwrap();
    let log = dir.path().join("daemon.log");
    let child = spawn(&daemon, &conf, dir.path());
    let s = Snmpd {
        child,
        daemon: daemon.clone(),
        conf,
        port,
        dir,
    };
    wait_ready(&daemon, &log);
    Some(s)
}

fn spawn(daemon: &std::path::Path, conf: &std::path::Path, dir: &std::path::Path) -> Child {
    Command::new(daemon)
        .args(["-f", "-C", "-c"])
        .arg(conf)
        .arg("-Lf")
        .arg(dir.join("daemon.log"))
        .arg("-p")
        .arg(dir.join("daemon.pid"))
        .env("SNMP_PERSISTENT_DIR", dir.join("persistent"))
        .env("MIBS", "")
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", daemon.display()))
}

/// Ready once it has logged its banner (after binding its ports).
fn wait_ready(daemon: &std::path::Path, log: &std::path::Path) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if std::fs::read_to_string(log).is_ok_and(|t| t.contains("NET-SNMP version")) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "{} did not start: {}",
        daemon.display(),
        std::fs::read_to_string(log).unwrap_or_default()
    );
}
