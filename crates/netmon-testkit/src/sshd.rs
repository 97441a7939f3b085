//! A real OpenSSH server for tests: `sshd` on a free loopback port with
//! its own host key, configuration and authorized key in a temporary
//! folder (key login only), killed when dropped.

use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

/// A running sshd.
#[derive(Debug)]
pub struct Sshd {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its folder: `host_key(.pub)`, `client_key(.pub)`, `sshd_config`, `sshd.log`.
    pub dir: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes an ed25519 key pair without passphrase.
pub fn keygen(keygen: &Path, path: &Path) {
    let ok = Command::new(keygen)
        .args(["-q", "-t", "ed25519", "-N", ""])
        .arg("-f")
        .arg(path)
        .status()
        .expect("run ssh-keygen")
        .success();
    assert!(ok, "ssh-keygen failed");
}

/// Starts sshd; `None` (with a printed reason) where it cannot run, and a
/// panic under CI.
pub fn start_sshd() -> Option<Sshd> {
    let sshd = crate::tool("sshd")?;
    let ssh_keygen = crate::tool("ssh-keygen")?;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .ok()?
        .stdout
        .starts_with(b"0");
    if !is_root {
        let reason = "sshd needs root to run (privilege separation)";
        assert!(!crate::in_ci(), "{reason}; CI runs as root");
        crate::print_skip(reason);
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    keygen(&ssh_keygen, &dir.path().join("host_key"));
    keygen(&ssh_keygen, &dir.path().join("client_key"));
    std::fs::copy(
        dir.path().join("client_key.pub"),
        dir.path().join("authorized_keys"),
    )
    .unwrap();
    std::fs::create_dir_all("/run/sshd").unwrap();
    let d = dir.path().display().to_string();
    // A port chosen free can be taken by another test's sshd before ours
    // binds it: ours then exits, so it must still be running once the port
    // answers, else another port is tried.
    for _attempt in 0..10 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
             PidFile {d}/sshd.pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n\
             KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nPermitRootLogin prohibit-password\n\
             Subsystem sftp internal-sftp\nAllowTcpForwarding yes\nLogLevel ERROR\n"
        );
        std::fs::write(dir.path().join("sshd_config"), config).expect("write sshd_config");
        // sshd logs to a file of its own (the readiness probe makes it
        // complain about a connection closed before the handshake).
        let log = std::fs::File::create(dir.path().join("sshd.log")).expect("sshd.log");
        let child = Command::new(&sshd)
            .args(["-D", "-e", "-f"])
            .arg(dir.path().join("sshd_config"))
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let mut child = child;
        let mut ready = false;
        for _ in 0..100 {
            if !matches!(child.try_wait(), Ok(None)) {
                break; // exited: the port was taken
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                std::thread::sleep(Duration::from_millis(100));
                ready = matches!(child.try_wait(), Ok(None));
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if ready {
            // Dropping the guard kills and reaps sshd.
            return Some(Sshd { child, port, dir });
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("sshd did not start (see {d}/sshd.log)");
}

impl Sshd {
    /// A known_hosts line for this server.
    pub fn known_hosts_line(&self) -> String {
        let key = std::fs::read_to_string(self.dir.path().join("host_key.pub")).unwrap_or_default();
        format!("[127.0.0.1]:{} {key}", self.port)
    }

    /// The user the tests log in as (the one running them).
    pub fn user() -> String {
        let out = Command::new("id").arg("-un").output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|_| "root".into())
    }
}
