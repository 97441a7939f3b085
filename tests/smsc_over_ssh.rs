//! smsc_monitor end to end against a real OpenSSH server (Debian's
//! openssh-server) on loopback: the server holds the corpus's T4 folder and
//! is also the gateway; one system is reached through it, another points at
//! a closed port. Host keys are checked against a known_hosts file.

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    netmon_testkit::example_binary(name)
}

#[test]
fn collects_through_the_gateway_and_reports_the_system_that_is_down() {
    let Some(t4) = netmon_testkit::corpus_file("t4") else {
        return;
    };
    let Some(sshd) = netmon_testkit::sshd::start_sshd() else {
        return;
    };
    let dir = sshd.dir.path();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = dir.join("settings.cfg");
    std::fs::write(
        &settings,
        format!(
            "[DEFAULT]\nusername = {user}\nidentity_file = {key}\nfolder = {folder}\nssh_timeout = 10\n\n\
             [GATEWAY]\nip_or_hostname = 127.0.0.1\nssh_port = {port}\n\n\
             [MISC]\nremote_log_cmd = echo 'SMSC log monitor: -E-, <license> & more'\n\n\
             [SMSC-A]\nip_or_hostname = 127.0.0.1\nssh_port = {port}\ncluster_id = SMTFB1\n\n\
             [SMSC-B]\nip_or_hostname = 127.0.0.1\nssh_port = {closed}\nuse_gateway = no\n",
            user = netmon_testkit::sshd::Sshd::user(),
            key = dir.join("client_key").display(),
            folder = t4.display(),
            port = sshd.port,
        ),
    )
    .unwrap();
    let known_hosts = dir.join("known_hosts");
    std::fs::write(&known_hosts, sshd.known_hosts_line()).unwrap();
    let out = Command::new(example("smsc_monitor"))
        .arg("--settings")
        .arg(&settings)
        .arg("--all")
        .arg("--known-hosts")
        .arg(&known_hosts)
        .arg("--store")
        .arg(dir.join("store"))
        .arg("--reports")
        .arg(dir.join("reports"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one system is down\n{stdout}\n{stderr}"
    );
    // comp, disk and scs of node smtfb1 (not test_data.csv nor plain_data.csv).
    assert!(
        stdout.contains("SMSC-A: 1438 rows x 597 columns from 3 file(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("SMSC-B: 0 rows") && stdout.contains("cannot connect"),
        "{stdout}"
    );

    let stored: Vec<String> = std::fs::read_dir(dir.join("store"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let log = stored
        .iter()
        .find(|n| n.starts_with("logs_SMSC-A_"))
        .expect("SMSC-A's log kept");
    let text = std::fs::read_to_string(dir.join("store").join(log)).unwrap();
    assert!(
        text.contains("SMSC log monitor: -E-, <license> & more"),
        "{text}"
    );
    let manifest = stored.iter().find(|n| n.starts_with("manifest_")).unwrap();
    let m = std::fs::read_to_string(dir.join("store").join(manifest)).unwrap();
    assert!(
        m.contains("\"SMSC-B\"") && m.contains("cannot connect"),
        "{m}"
    );
    assert!(
        !m.contains("client_key") || !m.contains("BEGIN OPENSSH"),
        "no key material stored"
    );

    let a = std::fs::read_to_string(dir.join("reports/SMSC-A.html")).unwrap();
    assert!(
        a.contains("&lt;license&gt; &amp; more"),
        "log text escaped in the report"
    );
    assert!(a.contains("sftp://"), "the source is named");
    let b = std::fs::read_to_string(dir.join("reports/SMSC-B.html")).unwrap();
    assert!(b.contains("FAILED"));

    // An unknown host key stops the gateway and every system behind it.
    std::fs::write(&known_hosts, "").unwrap();
    let out = Command::new(example("smsc_monitor"))
        .arg("--settings")
        .arg(&settings)
        .arg("--all")
        .arg("--noreports")
        .arg("--known-hosts")
        .arg(&known_hosts)
        .arg("--store")
        .arg(dir.join("store2"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("gateway: 127.0.0.1") && stdout.contains("unknown host key SHA256:"),
        "{stdout}"
    );
}
