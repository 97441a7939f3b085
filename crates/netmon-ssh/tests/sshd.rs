//! Against a real OpenSSH server: `sshd` from Debian's openssh-server runs
//! on a loopback port with its own host key, configuration and authorized
//! key in a temporary folder, serves the corpus's T4 folder over SFTP, and
//! is also its own jump host.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use netmon_core::FileSource;
use netmon_ssh::{Auth, Error, HostKeys, Session, Target};
use netmon_testkit::sshd::{Sshd, keygen, start_sshd};

fn user() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn target(s: &Sshd) -> Target {
    Target {
        host: "127.0.0.1".into(),
        port: s.port,
        user: user(),
        auth: Auth::Key {
            path: s.dir.path().join("client_key"),
            passphrase: None,
        },
        timeout: Duration::from_secs(10),
    }
}

/// A known_hosts file holding the server's real key.
fn known(s: &Sshd) -> HostKeys {
    let path = s.dir.path().join("known_hosts");
    let key = std::fs::read_to_string(s.dir.path().join("host_key.pub")).unwrap();
    std::fs::write(&path, format!("[127.0.0.1]:{} {key}", s.port)).unwrap();
    HostKeys {
        known_hosts: path,
        trust_on_first_use: false,
    }
}

fn corpus_t4() -> Option<PathBuf> {
    netmon_testkit::corpus_file("t4")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sftp_folder_reads_t4_files_like_a_local_folder() {
    let (Some(s), Some(t4)) = (start_sshd(), corpus_t4()) else {
        return;
    };
    let session = Session::connect(&target(&s), &known(&s)).await.unwrap();
    let remote = session.sftp(&t4.display().to_string()).await.unwrap();
    let local = netmon_core::LocalFolder::new(&t4);
    let (r, l) = (remote.list().await.unwrap(), local.list().await.unwrap());
    let names = |v: &[netmon_core::FileEntry]| {
        v.iter()
            .map(|e| (e.name.clone(), e.size))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&r), names(&l), "same files, same sizes");
    assert!(r.iter().all(|e| e.modified.is_some()));

    let bytes = remote.read("test_data.csv").await.unwrap();
    assert!(bytes[..] == std::fs::read(t4.join("test_data.csv")).unwrap()[..]);
    let parsed = netmon_t4::Reader::new()
        .read_bytes("test_data.csv", &bytes)
        .unwrap();
    assert_eq!((parsed.frame.len(), parsed.frame.width()), (286, 930));

    // Only what a file grew by: a read from an offset.
    let tail = remote.read_from("test_data.csv", 1_000_000).await.unwrap();
    assert!(tail[..] == bytes[1_000_000..]);
    assert!(remote.read("missing.csv").await.unwrap_err().is_not_found());
    assert!(matches!(
        remote.read("../etc/passwd").await,
        Err(netmon_core::Error::InvalidFileName { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_with_output_status_and_timeout() {
    let Some(s) = start_sshd() else { return };
    let session = Session::connect(&target(&s), &known(&s)).await.unwrap();
    let out = session
        .exec(
            "echo hello; echo trouble >&2; exit 3",
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert_eq!(out.stdout, b"hello\n");
    assert_eq!(out.stderr, b"trouble\n");
    assert_eq!(out.status, Some(3));
    let e = session
        .exec("sleep 5", Duration::from_millis(500))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_jump_host() {
    let (Some(s), Some(t4)) = (start_sshd(), corpus_t4()) else {
        return;
    };
    let keys = known(&s);
    let gateway = Session::connect(&target(&s), &keys).await.unwrap();
    let inner = gateway.connect_via(&target(&s), &keys).await.unwrap();
    let remote = inner.sftp(&t4.display().to_string()).await.unwrap();
    assert!(
        remote
            .list()
            .await
            .unwrap()
            .iter()
            .any(|e| e.name == "test_data.csv")
    );
    let out = inner
        .exec("echo inner", Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(out.stdout, b"inner\n");
    // A target the gateway cannot reach fails clearly.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut unreachable = target(&s);
    unreachable.port = closed;
    let e = gateway.connect_via(&unreachable, &keys).await.unwrap_err();
    assert!(
        matches!(e, Error::Connect { .. }) && e.to_string().contains("through 127.0.0.1"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_keys_are_checked() {
    let Some(s) = start_sshd() else { return };
    let t = target(&s);
    let path = s.dir.path().join("fresh_known_hosts");
    let strict = HostKeys {
        known_hosts: path.clone(),
        trust_on_first_use: false,
    };
    let e = Session::connect(&t, &strict).await.unwrap_err();
    assert!(
        matches!(&e, Error::UnknownHostKey { fingerprint, .. } if fingerprint.starts_with("SHA256:")),
        "{e}"
    );
    assert!(
        !path.exists(),
        "nothing recorded without trust on first use"
    );

    let tofu = HostKeys {
        known_hosts: path.clone(),
        trust_on_first_use: true,
    };
    Session::connect(&t, &tofu).await.unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains(&format!("[127.0.0.1]:{}", s.port))
    );
    Session::connect(&t, &strict).await.unwrap();

    // Another key recorded for this host: refused, whatever the policy.
    let other = s.dir.path().join("other_key");
    keygen(&netmon_testkit::tool("ssh-keygen").unwrap(), &other);
    let key = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    std::fs::write(&path, format!("[127.0.0.1]:{} {key}", s.port)).unwrap();
    let e = Session::connect(&t, &tofu).await.unwrap_err();
    assert!(matches!(e, Error::HostKeyChanged { line: 1, .. }), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_clear() {
    let Some(s) = start_sshd() else { return };
    let keys = known(&s);
    let mut wrong = target(&s);
    wrong.auth = Auth::Key {
        path: s.dir.path().join("host_key"),
        passphrase: None,
    };
    let e = Session::connect(&wrong, &keys).await.unwrap_err();
    assert!(
        matches!(e, Error::Auth { .. }) && e.to_string().contains("host_key"),
        "{e}"
    );

    let mut password = target(&s);
    password.auth = Auth::Password(netmon_core::Secret::new("hunter2".into()));
    let e = Session::connect(&password, &keys).await.unwrap_err();
    assert!(
        matches!(e, Error::Auth { .. }) && !e.to_string().contains("hunter2"),
        "{e}"
    );

    let mut missing = target(&s);
    missing.auth = Auth::Key {
        path: s.dir.path().join("nope"),
        passphrase: None,
    };
    assert!(matches!(
        Session::connect(&missing, &keys).await,
        Err(Error::Key { .. })
    ));

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut down = target(&s);
    down.port = closed;
    let e = Session::connect(&down, &keys).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e}");
}
