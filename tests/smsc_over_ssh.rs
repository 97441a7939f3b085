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
    let out = netmon_testkit::smsc_monitor_in(dir)
        .arg("--settings")
        .arg(&settings)
        .arg("--all")
        .arg("--known-hosts")
        .arg(&known_hosts)
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

/// Between two runs a collector appends a sample to one file: the second
/// run transfers only that row (and the overlap it checks), and nothing of
/// the unchanged file.
#[test]
fn only_what_grew_is_fetched_again() {
    let (Some(disk), Some(data)) = (
        netmon_testkit::corpus_file("t4/t4_smtfb1_19nov2015_0001_2359_disk.csv"),
        netmon_testkit::corpus_file("t4/test_data.csv"),
    ) else {
        return;
    };
    let Some(sshd) = netmon_testkit::sshd::start_sshd() else {
        return;
    };
    let dir = sshd.dir.path();
    let serve = dir.join("serve");
    std::fs::create_dir_all(&serve).unwrap();
    std::fs::copy(&disk, serve.join("t4_smtfb1_disk.csv")).unwrap();
    std::fs::copy(&data, serve.join("t4_smtfb1_counters.csv")).unwrap();
    let settings = dir.join("settings.cfg");
    std::fs::write(
        &settings,
        format!(
            "[SMSC-G]\nip_or_hostname = 127.0.0.1\nssh_port = {}\nuse_gateway = no\nusername = {}\n\
             identity_file = {}\nfolder = {}\ncluster_id = smtfb1\n",
            sshd.port,
            netmon_testkit::sshd::Sshd::user(),
            dir.join("client_key").display(),
            serve.display()
        ),
    )
    .unwrap();
    let known_hosts = dir.join("known_hosts");
    std::fs::write(&known_hosts, sshd.known_hosts_line()).unwrap();
    let run = |store: &str| {
        let out = Command::new(example("smsc_monitor"))
            .arg("--settings")
            .arg(&settings)
            .args(["--all", "--noreports", "--nologs", "--known-hosts"])
            .arg(&known_hosts)
            .arg("--store")
            .arg(dir.join("store"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{store}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let manifests: Vec<PathBuf> = std::fs::read_dir(dir.join("store"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("manifest_")
            })
            .collect();
        let newest = manifests
            .iter()
            .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
            .unwrap();
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(newest).unwrap()).unwrap();
        // Remove it, so that the next run's manifest is the only one even
        // within the same minute.
        std::fs::remove_file(newest).unwrap();
        (stdout, m)
    };
    let file = |m: &serde_json::Value, name: &str| -> serde_json::Value {
        m["systems"][0]["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not in {m}"))
    };

    let (first, m) = run("first");
    assert!(first.contains("SMSC-G: 1724 rows"), "{first}");
    let c = file(&m, "t4_smtfb1_counters.csv");
    assert_eq!(
        (c["sync"].as_str(), c["fetched"].as_u64()),
        (Some("new"), c["bytes"].as_u64())
    );

    // The collector appends the next 5-minute sample.
    let text = std::fs::read_to_string(serve.join("t4_smtfb1_counters.csv")).unwrap();
    let last = text.lines().last().unwrap();
    let row = format!(
        "{}\n",
        last.replacen("01-JAN-2014 23:49:23", "01-JAN-2014 23:54:23", 1)
    );
    assert_ne!(row.trim_end(), last);
    std::fs::OpenOptions::new()
        .append(true)
        .open(serve.join("t4_smtfb1_counters.csv"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, row.as_bytes()))
        .unwrap();

    let (second, m) = run("second");
    assert!(
        second.contains("SMSC-G: 1725 rows"),
        "the new sample is there\n{second}"
    );
    let c = file(&m, "t4_smtfb1_counters.csv");
    assert_eq!(c["sync"], "grown");
    assert_eq!(
        c["fetched"].as_u64(),
        Some(netmon::core::mirror::OVERLAP + row.len() as u64)
    );
    let d = file(&m, "t4_smtfb1_disk.csv");
    assert_eq!(
        (d["sync"].as_str(), d["fetched"].as_u64()),
        (Some("unchanged"), Some(0))
    );
}
