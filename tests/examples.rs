//! The reference tools in examples/ run on their embedded defaults, so
//! that they cannot rot. This file runs the example binaries that
//! `cargo build --examples` (or a plain `cargo test`) puts in
//! `target/<profile>/examples/`; ./scripts/test.sh builds them first.

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    netmon_testkit::example_binary(name)
}

#[test]
fn smsc_monitor_runs_on_its_simulator() {
    let store = tempfile_dir("smsc_store");
    let out = Command::new(example("smsc_monitor"))
        .args(["--systems", "2", "--day", "2015-11-19", "--store"])
        .arg(&store)
        .output()
        .expect("run smsc_monitor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Five class files per system (the stale and foreign files are not
    // selected), a day of 5-minute samples, every metric set computed.
    assert!(
        stdout.contains("SMSC-1: 288 rows x 238 columns from 5 file(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("SMSC-2: 288 rows x 238 columns from 5 file(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("licence usage %") && stdout.contains("MO accepted %"),
        "{stdout}"
    );
    let stored: Vec<_> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let csv = stored
        .iter()
        .find(|n| n.starts_with("data_") && n.ends_with(".csv"))
        .expect("data CSV");
    let manifest = stored
        .iter()
        .find(|n| n.starts_with("manifest_"))
        .expect("manifest");
    let text = std::fs::read_to_string(store.join(csv)).unwrap();
    assert_eq!(
        text.lines().count(),
        1 + 2 * 288,
        "header + both systems' rows"
    );
    assert!(text.starts_with("Sample Time,system,GIW_11_MOSM_OK,"));
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("2015-Nov-19 00:00:00.00,SMSC-1,")
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(store.join(manifest)).unwrap()).unwrap();
    assert_eq!(m["systems"][1]["name"], "SMSC-2");
    let parquet = m["data_parquet"].as_str().expect("parquet in the manifest");
    assert!(store.join(parquet).is_file());
    assert_eq!(m["systems"][1]["files"].as_array().unwrap().len(), 5);
    assert_eq!(m["systems"][0]["error"], serde_json::Value::Null);
    assert!(
        stored.iter().all(|n| !n.ends_with('~')),
        "no temporary file left: {stored:?}"
    );
    std::fs::remove_dir_all(&store).ok();
}

#[test]
fn smsc_monitor_local_files_and_failures() {
    let Some(data) = corpus("t4/test_data.csv") else {
        return;
    };
    let Some(calc) = corpus("t4/test_calc.cfg") else {
        return;
    };
    let store = tempfile_dir("smsc_local");
    let out = Command::new(example("smsc_monitor"))
        .args([
            "--compat",
            "left-to-right",
            "--system",
            "System_1",
            "--calc",
        ])
        .arg(&calc)
        .arg("--store")
        .arg(&store)
        .arg("--localcsv")
        .arg(&data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("System_1: 286 rows x 942 columns from 1 file(s)"),
        "{stdout}"
    );
    // A file that is no T4 file fails its system (exit 1), and says why.
    let junk = store.join("junk.csv");
    std::fs::write(&junk, "not, a, t4 file\n").unwrap();
    let out = Command::new(example("smsc_monitor"))
        .arg("--store")
        .arg(&store)
        .arg("--localcsv")
        .arg(&junk)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAILED: no selected file could be read") && stdout.contains("junk.csv"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&store).ok();
}

#[test]
fn smsc_monitor_rejects_bad_arguments() {
    for (args, needle) in [
        (&["--day", "2015-13-01"][..], "column 6"),
        (&["--const", "retq_max"][..], "NAME=VALUE"),
        (&["--systems", "0"][..], "systems"),
        (&["--config"][..], "--settings"),
    ] {
        let out = Command::new(example("smsc_monitor"))
            .args(args)
            .output()
            .expect("run smsc_monitor");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

fn tempfile_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netmon-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn corpus(rel: &str) -> Option<PathBuf> {
    netmon_testkit::corpus_file(rel)
}

#[test]
fn t4_tool_info_convert_merge_calc() {
    let (Some(data), Some(plain), Some(calc), Some(comp), Some(disk)) = (
        corpus("t4/test_data.csv"),
        corpus("t4/plain_data.csv"),
        corpus("t4/test_calc.cfg"),
        corpus("t4/t4_smtfb1_19nov2015_0001_2359_comp.csv"),
        corpus("t4/t4_smtfb1_19nov2015_0001_2359_disk.csv"),
    ) else {
        return;
    };
    let dir = tempfile_dir("t4_tool");
    let t4 = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(example("t4"))
            .args(args)
            .output()
            .expect("run t4");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let os = |s: &str| std::ffi::OsString::from(s);

    let (code, out, err) = t4(&[os("info").as_os_str(), comp.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("rows x columns  1438 x 531") && out.contains("NODE_1"),
        "{out}"
    );

    // convert --to plain reproduces t4Monitor's plain CSV byte for byte.
    let target = dir.join("plain.csv");
    let (code, _, err) = t4(&[
        os("convert").as_os_str(),
        data.as_os_str(),
        os("-o").as_os_str(),
        target.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        std::fs::read(&target).unwrap() == std::fs::read(&plain).unwrap(),
        "plain CSV differs"
    );

    // merge: comp and disk share their clock, so the union has 1438 rows.
    let merged = dir.join("merged.csv");
    let (code, out, err) = t4(&[
        os("merge").as_os_str(),
        comp.as_os_str(),
        disk.as_os_str(),
        os("--system").as_os_str(),
        os("SMSC-1").as_os_str(),
        os("-o").as_os_str(),
        merged.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("1438 rows x 573 columns"), "{out}");
    let head = std::fs::read_to_string(&merged).unwrap();
    assert!(head.starts_with("Sample Time,system,"), "{}", &head[..80]);
    assert!(
        head.lines()
            .nth(1)
            .unwrap()
            .starts_with("2015-Nov-19 00:02:00.00,SMSC-1,")
    );

    // calc in compatibility mode: the golden value.
    let out_csv = dir.join("calc.csv");
    let (code, _, err) = t4(&[
        os("calc").as_os_str(),
        os("--calc").as_os_str(),
        calc.as_os_str(),
        os("--compat").as_os_str(),
        os("left-to-right").as_os_str(),
        os("--only-results").as_os_str(),
        data.as_os_str(),
        os("-o").as_os_str(),
        out_csv.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(&out_csv).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("2014-Jan-01 00:04:23.00,316.8532176428055,"),
        "{text:.200}"
    );

    // Errors: an unreadable file is reported, the others still processed;
    // a bad calc file stops with its position.
    let bad_calc = dir.join("bad.cfg");
    std::fs::write(&bad_calc, "X = (A + \n").unwrap();
    let (code, _, err) = t4(&[
        os("calc").as_os_str(),
        os("--calc").as_os_str(),
        bad_calc.as_os_str(),
        data.as_os_str(),
        os("-o").as_os_str(),
        out_csv.as_os_str(),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bad.cfg: line 1, column 10: an operand"),
        "{err}"
    );
    let missing = dir.join("missing.csv");
    let (code, out, err) = t4(&[
        os("info").as_os_str(),
        missing.as_os_str(),
        disk.as_os_str(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("missing.csv") && out.contains("1438 x 42"),
        "{err}{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn smsc_monitor_checks_and_prints_settings() {
    let dir = tempfile_dir("settings");
    let good = dir.join("settings.cfg");
    std::fs::write(
        &good,
        "[DEFAULT]\nusername = smsc\npassword = hunter2\nfolder = smsc$root:[monitor.out]\n\n\
         [GATEWAY]\nip_or_hostname = 127.0.0.1\n\n[SMSC-1]\nip_or_hostname = 10.1.1.1\ncluster_id = smsc-1\n",
    )
    .unwrap();
    let out = Command::new(example("smsc_monitor"))
        .arg("--settings")
        .arg(&good)
        .arg("--config")
        .output()
        .expect("run smsc_monitor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("[SMSC-1]") && stdout.contains("password = *****"),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2"), "{stdout}");

    // A run collects: here from a loopback port where nothing listens, so
    // the system fails (exit 1), is reported, and no password is shown.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = dir.join("down.cfg");
    std::fs::write(
        &down,
        format!(
            "[DEFAULT]\nusername = smsc\npassword = hunter2\nssh_timeout = 5\n\n\
             [SMSC-9]\nip_or_hostname = 127.0.0.1\nssh_port = {closed}\nuse_gateway = no\n"
        ),
    )
    .unwrap();
    let out = netmon_testkit::smsc_monitor_in(&dir)
        .arg("--settings")
        .arg(&down)
        .arg("--known-hosts")
        .arg(dir.join("known_hosts"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "[SMSC-9] (line 6) smsc@127.0.0.1:{closed} (password)"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("SMSC-9: 0 rows")
            && stdout.contains("FAILED")
            && stdout.contains("cannot connect"),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2"));
    let report = std::fs::read_to_string(dir.join("reports/SMSC-9.html")).unwrap();
    assert!(report.contains("FAILED") && !report.contains("hunter2"));

    let bad = dir.join("bad.cfg");
    std::fs::write(
        &bad,
        "[SMSC-1]\nuse_gateway = no\nusername = u\npassword = p\nip_or_hostname = 10.1.1.1\nssh_port = twenty-two\n",
    )
    .unwrap();
    let out = Command::new(example("smsc_monitor"))
        .arg("--settings")
        .arg(&bad)
        .arg("--config")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.cfg: line 6") && stderr.contains("ssh_port"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Reports from a stored run (`--local`) show what the run's own reports
/// showed: the store keeps every value.
#[test]
fn smsc_monitor_reports_again_from_the_store() {
    let dir = tempfile_dir("smsc_relocal");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(example("smsc_monitor"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (store, first, again) = (dir.join("store"), dir.join("first"), dir.join("again"));
    run(&[
        "--systems".as_ref(),
        "2".as_ref(),
        "--day".as_ref(),
        "2015-11-19".as_ref(),
        "--store".as_ref(),
        store.as_os_str(),
        "--reports".as_ref(),
        first.as_os_str(),
    ]);
    let out = run(&[
        "--local".as_ref(),
        store.as_os_str(),
        "--system".as_ref(),
        "SMSC-2".as_ref(),
        "--reports".as_ref(),
        again.as_os_str(),
    ]);
    assert!(out.contains(": 1 system(s)"), "{out}");
    let section = |html: &str, id: &str| -> String {
        let start = html
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no {id}"));
        let end = start + html[start..].find("</section>").unwrap();
        html[start..end].to_string()
    };
    let a = std::fs::read_to_string(first.join("SMSC-2.html")).unwrap();
    let b = std::fs::read_to_string(again.join("SMSC-2.html")).unwrap();
    for id in ["important", "graphs"] {
        assert!(section(&a, id) == section(&b, id), "section {id} differs");
    }
    assert!(
        !again.join("SMSC-1.html").exists(),
        "--system keeps one system"
    );
    // Not a store: a clear error.
    let out = Command::new(example("smsc_monitor"))
        .arg("--local")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no data_*.parquet run"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A t4Monitor-style Jinja template (its variable names and loop) renders
/// the system pages; a broken template stops with its name.
#[test]
fn smsc_monitor_renders_a_user_template() {
    let dir = tempfile_dir("smsc_template");
    let template = dir.join("mine.html");
    std::fs::write(
        &template,
        "<html><head><title>{{ data.system }} on {{ data.date_time }}</title><style>{{ css }}</style></head><body>\
         <h1>Status of {{ data.system }} ({{ data.year }})</h1>\
         {% for graph in render_graphs() %}{% if graph %}<p><b>{{ graph[0] }}</b><img src=\"{{ graph[1] }}\"></p>{% endif %}{% endfor %}\
         {{ report.important }}\
         <pre>{% for line in data.logs[data.system] %}{{ line }}{% endfor %}</pre></body></html>",
    )
    .unwrap();
    let out = netmon_testkit::smsc_monitor_in(&dir)
        .args(["--systems", "1", "--day", "2015-11-19", "--template"])
        .arg(&template)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(dir.join("reports/SMSC-1.html")).unwrap();
    assert!(page.contains("<h1>Status of SMSC-1 ("), "{page:.300}");
    assert!(
        page.matches("<img src=\"data:image/svg+xml;base64,")
            .count()
            >= 10
    );
    assert!(
        page.contains("<section id=\"important\">"),
        "report parts come through as HTML"
    );
    // The simulated log monitor's output, escaped by the template engine.
    assert!(page.contains("-E- delivery retry queue above 80 %"));
    assert!(!page.contains("{{") && !page.contains("{%"));

    std::fs::write(&template, "{% for x in %}").unwrap();
    let out = netmon_testkit::smsc_monitor_in(&dir)
        .args(["--systems", "1", "--day", "2015-11-19", "--template"])
        .arg(&template)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("mine.html"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs `snmp decode` and returns (exit code, JSON lines, stderr).
fn snmp_decode(args: &[&std::ffi::OsStr]) -> (i32, Vec<serde_json::Value>, String) {
    let out = Command::new(example("snmp"))
        .arg("decode")
        .args(args)
        .output()
        .expect("run snmp");
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn snmp_decode_prints_every_message_of_the_netsnmp_capture() {
    let Some(pcap) = corpus("snmp/pcap/netsnmp-5.9.3-loopback.pcap") else {
        return;
    };
    let users = [
        "shaAesUser:SHA:authpass123:AES:privpass123",
        "sha256Aes256:SHA-256:authpass123:AES-256:privpass123",
        "md5DesUser:MD5:authpass123:DES:privpass123",
        "authOnlyUser:SHA-512:authpass123",
        "sha224Aes192:SHA-224:authpass123:AES-192:privpass123",
        "sha384Aes256:SHA-384:authpass123:AES-256:privpass123",
        "sha1Aes256:SHA:authpass123:AES-256:privpass123",
        "md5Aes192:MD5:authpass123:AES-192:privpass123",
        "sha1Aes256C:SHA:authpass123:AES-256-C:privpass123",
        "md5Aes192C:MD5:authpass123:AES-192-C:privpass123",
        "trapUser:SHA:authpass123:AES:privpass123",
        "informUser:SHA-256:authpass123:AES:privpass123",
    ];
    let mut args: Vec<std::ffi::OsString> = vec![pcap.into(), "--port".into(), "16161".into()];
    args.extend(["--port".into(), "16162".into()]);
    for u in users {
        args.extend(["--usm".into(), u.into()]);
    }
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let (code, lines, stderr) = snmp_decode(&refs);
    assert_eq!(lines.len(), 94, "{stderr}");
    // The one failure is the request sent with a wrong password, which the
    // agent answered with usmStatsWrongDigests; it still gets its line.
    let errors: Vec<_> = lines.iter().filter(|l| l.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["auth"], "wrong digest");
    assert_eq!(
        code, 1,
        "a message that could not be authenticated sets status 1"
    );
    let decrypted = lines.iter().filter(|l| l["decrypted"] == true).count();
    assert!(decrypted >= 30, "{decrypted}");
    // Every version, TCP, traps and informs are there.
    for v in ["1", "2c", "3"] {
        assert!(lines.iter().any(|l| l["version"] == v), "no v{v}");
    }
    assert!(lines.iter().any(|l| l["transport"] == "tcp"));
    for pdu in [
        "trap",
        "snmpV2-trap",
        "informRequest",
        "getBulkRequest",
        "report",
        "set-request",
    ] {
        assert!(lines.iter().any(|l| l["pdu"] == pdu), "no {pdu}");
    }
    let bulk = lines.iter().find(|l| l["pdu"] == "getBulkRequest").unwrap();
    assert!(bulk["max_repetitions"].as_i64().unwrap() > 0);
    // Every varbind has the three fields.
    for l in &lines {
        for vb in l["varbinds"].as_array().into_iter().flatten() {
            assert!(vb["oid"].as_str().unwrap().starts_with(".1."), "{vb}");
            assert!(vb["type"].is_string() && vb.get("value").is_some(), "{vb}");
        }
    }
}

#[test]
fn snmp_decode_raw_ber_and_malformed_captures() {
    let (Some(readme), Some(malformed)) = (
        netmon_testkit::snmp_readme_messages(),
        corpus("snmp/malformed/snmp-oid-subidentifier-too-long.pcap"),
    ) else {
        return;
    };
    let dir = tempfile_dir("snmp_decode");
    let raw = dir.join("two-messages.ber");
    // Two messages back to back in one raw file.
    let mut both = readme.counter64.clone();
    both.extend_from_slice(&readme.getresponse10);
    std::fs::write(&raw, &both).unwrap();
    let (code, lines, stderr) = snmp_decode(&[raw.as_os_str()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 2);
    let values: Vec<_> = lines[0]["varbinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].to_string())
        .collect();
    assert_eq!(values, ["9223372036854775808", "18446744073709551615", "7"]);
    assert_eq!(lines[1]["offset"], readme.counter64.len());
    assert_eq!(lines[1]["varbinds"].as_array().unwrap().len(), 10);
    assert_eq!(lines[1]["varbinds"][8]["type"], "Counter64");

    // A damaged message: its line carries the error and where.
    let (code, lines, _) = snmp_decode(&[malformed.as_os_str()]);
    assert_eq!(code, 1);
    let err = lines[0]["error"].as_str().unwrap();
    assert!(err.contains("object identifier at byte"), "{err}");
    assert_eq!(
        lines[0]["version"], "1",
        "fields before the damage are kept"
    );

    // Usage errors: status 2 and a message.
    let (code, _, stderr) =
        snmp_decode(&[raw.as_os_str(), "--usm".as_ref(), "bob:SHA9:x".as_ref()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown authentication protocol"),
        "{stderr}"
    );
    let (code, _, stderr) = snmp_decode(&["/nonexistent/file.pcap".as_ref()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/file.pcap"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs a command with `MIBS=""`; (status, stdout, stderr).
fn run_tool(cmd: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(cmd)
        .args(args)
        .env("MIBS", "")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Values that move between two walks (counters, clocks, load) masked.
fn mask_volatile(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            for t in [
                "Counter32: ",
                "Counter64: ",
                "Gauge32: ",
                "Timeticks: ",
                "INTEGER: ",
                "Float: ",
            ] {
                if let Some(i) = l.find(t) {
                    return format!("{}#", &l[..i + t.len()]);
                }
            }
            l.to_string()
        })
        .collect()
}

#[test]
fn snmp_requests_print_what_net_snmp_prints() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    let (Some(snmpget), Some(snmpwalk), Some(snmpbulkwalk)) = (
        netmon_testkit::tool("snmpget"),
        netmon_testkit::tool("snmpwalk"),
        netmon_testkit::tool("snmpbulkwalk"),
    ) else {
        return;
    };
    let ours = example("snmp");
    let target = format!("127.0.0.1:{}", snmpd.port);
    let v3 = [
        "-v3",
        "-u",
        "sha1Aes256C",
        "-l",
        "authPriv",
        "-a",
        "SHA",
        "-A",
        "authpass123",
        "-x",
        "AES-256-C",
        "-X",
        "privpass123",
    ];
    // get: every type of the system group and the interface table, the
    // empty string, the exceptions; byte for byte (no moving values).
    let oids = [
        ".1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.2.1.1.2.0",
        ".1.3.6.1.2.1.1.5.0",
        ".1.3.6.1.2.1.2.1.0",
        ".1.3.6.1.2.1.2.2.1.2.1",
        ".1.3.6.1.2.1.2.2.1.5.1",
        ".1.3.6.1.2.1.2.2.1.6.1",
        ".1.3.6.1.2.1.4.20.1.1.127.0.0.1",
        ".1.3.6.1.2.1.1.99.0",
        ".1.3.6.1.2.1.1.5.99",
    ];
    for version in [&["-v2c", "-c", "public"][..], &v3[..]] {
        let mut args: Vec<&str> = version.to_vec();
        args.extend(["-On", &target]);
        args.extend(oids);
        let theirs = run_tool(&snmpget, &args);
        let mut our_args = vec!["get"];
        our_args.extend(&args);
        assert_eq!(run_tool(&ours, &our_args), theirs, "get {version:?}");
    }
    // v1 noSuchName: the same error text and status.
    let args = ["-v1", "-c", "public", "-On", &target, ".1.3.6.1.2.1.1.99.0"];
    let theirs = run_tool(&snmpget, &args);
    assert_eq!(theirs.0, 2);
    let mut our_args = vec!["get"];
    our_args.extend(args);
    assert_eq!(run_tool(&ours, &our_args), theirs);
    // A timeout: the same message and status 1.
    let args = [
        "-v2c",
        "-c",
        "wrong",
        "-t",
        "0.2",
        "-r",
        "0",
        "-On",
        &target,
        ".1.3.6.1.2.1.1.5.0",
    ];
    let theirs = run_tool(&snmpget, &args);
    assert_eq!(theirs.0, 1);
    let mut our_args = vec!["get"];
    our_args.extend(args);
    assert_eq!(run_tool(&ours, &our_args), theirs);

    // set: a writable object, then one that is not, then without write
    // access: output, error texts and statuses as snmpset's.
    let snmpset = netmon_testkit::tool("snmpset").expect("snmp package");
    for (community, oid, value) in [
        ("private", ".1.3.6.1.2.1.1.6.0", "rack 4"),
        ("private", ".1.3.6.1.2.1.1.5.0", "renamed"),
        ("public", ".1.3.6.1.2.1.1.6.0", "rack 5"),
    ] {
        let args = ["-v2c", "-c", community, "-On", &target, oid, "s", value];
        let theirs = run_tool(&snmpset, &args);
        let mut our_args = vec!["set"];
        our_args.extend(args);
        assert_eq!(run_tool(&ours, &our_args), theirs, "set {community} {oid}");
    }

    // walk (v3 authPriv) of the system group, and a bulkwalk of the whole
    // tree: identical but for values that move between the two walks.
    let mut args: Vec<&str> = v3.to_vec();
    args.extend(["-On", &target, ".1.3.6.1.2.1.1"]);
    let theirs = run_tool(&snmpwalk, &args);
    let mut our_args = vec!["walk"];
    our_args.extend(&args);
    let mine = run_tool(&ours, &our_args);
    assert_eq!((mine.0, &mine.2), (theirs.0, &theirs.2));
    assert_eq!(mask_volatile(&mine.1), mask_volatile(&theirs.1));

    let args = ["-v2c", "-c", "public", "-On", "-Cr10", &target, ".1"];
    let theirs = run_tool(&snmpbulkwalk, &args);
    let mut our_args = vec!["bulkwalk"];
    our_args.extend(args);
    let mine = run_tool(&ours, &our_args);
    assert_eq!(mine.0, theirs.0);
    let (a, b) = (mask_volatile(&mine.1), mask_volatile(&theirs.1));
    assert!(a.len() > 1000, "{}", a.len());
    // Processes come and go between the walks (hrSWRunTable), and the
    // date moves: a handful of lines may differ, no more.
    // (Compared as sets, so that one process more shifts nothing.)
    let sa: std::collections::BTreeSet<&String> = a.iter().collect();
    let sb: std::collections::BTreeSet<&String> = b.iter().collect();
    let differing = sa.symmetric_difference(&sb).count();
    assert!(
        differing <= a.len() / 100,
        "{differing} of {} lines differ from snmpbulkwalk's",
        a.len()
    );
    assert_eq!(a.last(), b.last(), "both end with the endOfMibView line");
}

/// `snmp agent` running in the background, killed on drop.
struct AgentProcess {
    child: std::process::Child,
    target: String,
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `snmp agent` with `args` on a free port; ready when snmpget
/// with `probe` (its community or v3 flags) gets an answer.
fn start_agent(args: &[&str], snmpget: &std::path::Path, probe: &[&str]) -> AgentProcess {
    let port = netmon_testkit::snmpd::free_port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(example("snmp"))
        .args(["agent", "--listen", &listen, "--duration", "120"])
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start snmp agent");
    let agent = AgentProcess {
        child,
        target: listen,
    };
    for _ in 0..100 {
        let mut a: Vec<&str> = probe.to_vec();
        a.extend([
            "-t",
            "0.1",
            "-r",
            "0",
            "-On",
            &agent.target,
            ".1.3.6.1.2.1.1.1.0",
        ]);
        if run_tool(snmpget, &a).0 == 0 {
            return agent;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("snmp agent did not answer on {}", agent.target);
}

#[test]
fn net_snmp_tools_against_the_agent() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    let (Some(snmpget), Some(snmpwalk), Some(snmpbulkwalk), Some(snmpset)) = (
        netmon_testkit::tool("snmpget"),
        netmon_testkit::tool("snmpwalk"),
        netmon_testkit::tool("snmpbulkwalk"),
        netmon_testkit::tool("snmpset"),
    ) else {
        return;
    };
    let dir = tempfile_dir("agent-interop");
    let user = "sha1Aes256C:SHA:authpass123:AES-256-C:privpass123";
    let v3 = [
        "-v3",
        "-u",
        "sha1Aes256C",
        "-l",
        "authPriv",
        "-a",
        "SHA",
        "-A",
        "authpass123",
        "-x",
        "AES-256-C",
        "-X",
        "privpass123",
    ];
    let v2c = ["-v2c", "-c", "public"];

    // Replay: snmpd's whole tree, dumped by snmpwalk, served by the agent
    // and walked again by snmpwalk (v2c) and snmpbulkwalk (v3 authPriv):
    // the same lines, byte for byte.
    let (code, dump, _) = run_tool(
        &snmpwalk,
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &format!("127.0.0.1:{}", snmpd.port),
            ".1",
        ],
    );
    assert_eq!(code, 0);
    let dump_file = dir.join("snmpd.walk");
    std::fs::write(&dump_file, &dump).unwrap();
    let replay = start_agent(
        &[
            "-c",
            "public",
            "--user",
            user,
            "--walk",
            dump_file.to_str().unwrap(),
        ],
        &snmpget,
        &v2c,
    );
    let replayable: Vec<&str> = dump.lines().filter(|l| !l.contains("= Opaque: ")).collect();
    assert!(replayable.len() > 1000, "{}", replayable.len());
    let (code, walked, err) = run_tool(
        &snmpwalk,
        &["-v2c", "-c", "public", "-On", &replay.target, ".1"],
    );
    assert_eq!(code, 0, "{err}");
    let walked: Vec<&str> = walked.lines().collect();
    for (a, b) in walked.iter().zip(&replayable) {
        assert_eq!(a, b);
    }
    assert_eq!(walked.len(), replayable.len());
    let mut args: Vec<&str> = v3.to_vec();
    args.extend(["-On", "-Cr25", &replay.target, ".1"]);
    let (code, bulk, err) = run_tool(&snmpbulkwalk, &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(bulk.lines().collect::<Vec<_>>(), walked);
    drop(replay);

    // The simulated router: get and set with v2c and v3 authPriv, and
    // snmpset's error texts and statuses for what may not be written.
    let sim = start_agent(
        &["-c", "public", "--rw-community", "private", "--user", user],
        &snmpget,
        &v2c,
    );
    let name = ".1.3.6.1.2.1.1.5.0";
    let (code, out, _) = run_tool(
        &snmpset,
        &[
            "-v2c",
            "-c",
            "private",
            "-On",
            &sim.target,
            name,
            "s",
            "edge-7",
        ],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, ".1.3.6.1.2.1.1.5.0 = STRING: \"edge-7\"\n")
    );
    let mut args: Vec<&str> = v3.to_vec();
    args.extend([
        "-On",
        &sim.target,
        name,
        ".1.3.6.1.2.1.2.2.1.2.3",
        ".1.3.6.1.2.1.1.9.0",
    ]);
    let (code, out, _) = run_tool(&snmpget, &args);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        ".1.3.6.1.2.1.1.5.0 = STRING: \"edge-7\"\n\
         .1.3.6.1.2.1.2.2.1.2.3 = STRING: \"GigabitEthernet0/3\"\n\
         .1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID\n"
    );
    let mut args: Vec<&str> = v3.to_vec();
    args.extend([
        "-On",
        &sim.target,
        ".1.3.6.1.2.1.1.6.0",
        "s",
        "row 9",
        ".1.3.6.1.2.1.1.1.0",
        "s",
        "x",
    ]);
    let (code, _, err) = run_tool(&snmpset, &args);
    assert_eq!(code, 2);
    assert!(
        err.contains("Reason: notWritable") && err.contains("Failed object: .1.3.6.1.2.1.1.1.0"),
        "{err}"
    );
    let (code, _, err) = run_tool(
        &snmpset,
        &["-v2c", "-c", "public", "-On", &sim.target, name, "s", "x"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("Reason: noAccess"), "{err}");
    // The bulk walk of the simulated interfaces: 4 rows of 17 columns.
    let (code, out, _) = run_tool(
        &snmpbulkwalk,
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &sim.target,
            ".1.3.6.1.2.1.2.2",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4 * 17);
    // A wrong v3 password: net-snmp's authentication failure.
    let mut args: Vec<&str> = v3.to_vec();
    args[8] = "wrongpass123";
    args.extend(["-On", &sim.target, name]);
    let (code, _, err) = run_tool(&snmpget, &args);
    assert_eq!(code, 1);
    assert!(err.contains("Authentication failure"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn notifications_between_netmon_and_net_snmp() {
    let (Some(snmptrap), Some(snmpinform)) = (
        netmon_testkit::tool("snmptrap"),
        netmon_testkit::tool("snmpinform"),
    ) else {
        return;
    };
    let ours = example("snmp");
    // net-snmp's snmptrap and snmpinform to netmon's trapd.
    let port = netmon_testkit::snmpd::free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut trapd = Command::new(&ours)
        .args([
            "trapd",
            "--listen",
            &listen,
            "-c",
            "public",
            "--count",
            "5",
            "--duration",
            "60",
        ])
        .args(["--user", "trapUser:SHA:authpass123:AES:privpass123"])
        .args(["--user", "informUser:SHA-256:authpass123:AES:privpass123"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start trapd");
    // Ready when it says it listens.
    let mut stderr = std::io::BufReader::new(trapd.stderr.take().expect("stderr"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    assert!(first.contains("listening"), "{first}");
    let v3 = |user: &str, auth: &str| {
        vec![
            "-v3".to_string(),
            "-u".into(),
            user.into(),
            "-l".into(),
            "authPriv".into(),
            "-a".into(),
            auth.into(),
            "-A".into(),
            "authpass123".into(),
            "-x".into(),
            "AES".into(),
            "-X".into(),
            "privpass123".into(),
        ]
    };
    let sends: Vec<(&std::path::Path, Vec<String>)> = vec![
        (
            &snmptrap,
            vec![
                "-v1".into(),
                "-c".into(),
                "public".into(),
                listen.clone(),
                ".1.3.6.1.4.1.9999".into(),
                "10.1.2.3".into(),
                "6".into(),
                "1".into(),
                "".into(),
            ],
        ),
        (
            &snmptrap,
            vec![
                "-v2c".into(),
                "-c".into(),
                "public".into(),
                listen.clone(),
                "".into(),
                ".1.3.6.1.4.1.9999.0.2".into(),
                ".1.3.6.1.2.1.1.5.0".into(),
                "s".into(),
                "edge \"7\"".into(),
            ],
        ),
        (
            &snmpinform,
            vec![
                "-v2c".into(),
                "-c".into(),
                "public".into(),
                listen.clone(),
                "".into(),
                ".1.3.6.1.4.1.9999.0.3".into(),
            ],
        ),
        (
            &snmptrap,
            [
                v3("trapUser", "SHA"),
                vec![
                    "-e".into(),
                    "0x8000000001020304".into(),
                    listen.clone(),
                    "".into(),
                    ".1.3.6.1.4.1.9999.0.4".into(),
                ],
            ]
            .concat(),
        ),
        (
            &snmpinform,
            [
                v3("informUser", "SHA-256"),
                vec![listen.clone(), "".into(), ".1.3.6.1.4.1.9999.0.5".into()],
            ]
            .concat(),
        ),
    ];
    for (tool, args) in &sends {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = run_tool(tool, &a);
        assert_eq!(code, 0, "{} {a:?}: {err}", tool.display());
    }
    let out = trapd.stdout.take().expect("stdout");
    let lines: Vec<serde_json::Value> = std::io::BufRead::lines(std::io::BufReader::new(out))
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    // --count 5: it exits by itself, successfully.
    assert!(trapd.wait().unwrap().success());
    let field = |i: usize, k: &str| lines[i][k].as_str().unwrap_or_default().to_string();
    assert_eq!(
        (field(0, "kind"), field(0, "trap_oid")),
        ("trap-v1".into(), ".1.3.6.1.4.1.9999.0.1".into())
    );
    assert_eq!(field(0, "agent_addr"), "10.1.2.3");
    assert_eq!(
        (field(1, "kind"), field(1, "version")),
        ("trap".into(), "2c".into())
    );
    assert_eq!(lines[1]["varbinds"][2]["value"], "edge \"7\"");
    assert_eq!(
        (field(2, "kind"), field(2, "trap_oid")),
        ("inform".into(), ".1.3.6.1.4.1.9999.0.3".into())
    );
    assert_eq!(
        (field(3, "user"), field(3, "engine_id"), field(3, "level")),
        (
            "trapUser".into(),
            "8000000001020304".into(),
            "authPriv".into()
        )
    );
    assert_eq!(
        (field(4, "kind"), field(4, "user")),
        ("inform".into(), "informUser".into())
    );

    // netmon's trap and inform to net-snmp's snmptrapd.
    let Some(snmptrapd) = netmon_testkit::snmpd::start_snmptrapd() else {
        return;
    };
    let target = format!("127.0.0.1:{}", snmptrapd.port);
    let sends: Vec<(&str, Vec<String>)> = vec![
        (
            "trap",
            vec![
                "-v".into(),
                "1".into(),
                "-c".into(),
                "public".into(),
                target.clone(),
                ".1.3.6.1.4.1.9999".into(),
                "10.1.2.3".into(),
                "6".into(),
                "11".into(),
                "".into(),
            ],
        ),
        (
            "trap",
            vec![
                "-v".into(),
                "2c".into(),
                "-c".into(),
                "public".into(),
                target.clone(),
                "".into(),
                ".1.3.6.1.4.1.9999.0.12".into(),
                ".1.3.6.1.2.1.1.5.0".into(),
                "s".into(),
                "from-netmon".into(),
            ],
        ),
        (
            "inform",
            vec![
                "-v".into(),
                "2c".into(),
                "-c".into(),
                "public".into(),
                target.clone(),
                "".into(),
                ".1.3.6.1.4.1.9999.0.13".into(),
            ],
        ),
        (
            "trap",
            [
                v3("trapUser", "SHA"),
                vec![
                    "-e".into(),
                    "8000000001020304".into(),
                    target.clone(),
                    "".into(),
                    ".1.3.6.1.4.1.9999.0.14".into(),
                ],
            ]
            .concat(),
        ),
        (
            "inform",
            [
                v3("informUser", "SHA-256"),
                vec![target.clone(), "".into(), ".1.3.6.1.4.1.9999.0.15".into()],
            ]
            .concat(),
        ),
    ];
    for (cmd, args) in &sends {
        let mut a: Vec<&str> = vec![cmd];
        a.extend(args.iter().map(String::as_str));
        let (code, _, err) = run_tool(&ours, &a);
        assert_eq!(code, 0, "{a:?}: {err}");
    }
    // snmptrapd logs each (traps asynchronously: wait for the last).
    let start = std::time::Instant::now();
    let want = [
        ".1.3.6.1.4.1.9999",
        ".1.3.6.1.4.1.9999.0.12",
        ".1.3.6.1.4.1.9999.0.13",
        ".1.3.6.1.4.1.9999.0.14",
        ".1.3.6.1.4.1.9999.0.15",
    ];
    loop {
        let log = snmptrapd.log();
        if want.iter().all(|w| log.contains(w)) && log.contains("from-netmon") {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "snmptrapd did not log every notification:\n{log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn snmp_requests_over_tcp_print_what_net_snmp_prints() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    let (Some(snmpget), Some(snmpbulkwalk)) = (
        netmon_testkit::tool("snmpget"),
        netmon_testkit::tool("snmpbulkwalk"),
    ) else {
        return;
    };
    let ours = example("snmp");
    let target = format!("tcp:127.0.0.1:{}", snmpd.port);
    for version in [
        &["-v2c", "-c", "public"][..],
        &[
            "-v3",
            "-u",
            "sha256Aes256",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "authpass123",
            "-x",
            "AES-256",
            "-X",
            "privpass123",
        ][..],
    ] {
        let mut args: Vec<&str> = version.to_vec();
        args.extend([
            "-On",
            &target,
            ".1.3.6.1.2.1.1.5.0",
            ".1.3.6.1.2.1.2.2.1.2.1",
            ".1.3.6.1.2.1.1.99.0",
        ]);
        let theirs = run_tool(&snmpget, &args);
        assert_eq!(theirs.0, 0, "{}", theirs.2);
        let mut our_args = vec!["get"];
        our_args.extend(&args);
        assert_eq!(
            run_tool(&ours, &our_args),
            theirs,
            "get over TCP {version:?}"
        );
        // The interface table over TCP: the names do not move.
        let mut args: Vec<&str> = version.to_vec();
        args.extend(["-On", "-Cr7", &target, ".1.3.6.1.2.1.2.2.1.2"]);
        let theirs = run_tool(&snmpbulkwalk, &args);
        let mut our_args = vec!["bulkwalk"];
        our_args.extend(&args);
        assert_eq!(
            run_tool(&ours, &our_args),
            theirs,
            "bulkwalk over TCP {version:?}"
        );
    }
}

/// Files where pcapdump and tshark 4.0 differ on purpose, with the reason.
const PCAPDUMP_DELIBERATE: [(&str, &str); 8] = [
    (
        "nhrp-trace.pcap",
        "NHRP error indications quote a packet; NHRP is not decoded",
    ),
    (
        "various_gre.pcap",
        "Cisco MetaData inside keyed GRE: a header layout not decoded",
    ),
    (
        "sflow-print-v6.pcap",
        "sFlow samples carry packet headers; sFlow is not decoded",
    ),
    (
        "sflow_expanded.pcap",
        "sFlow samples carry packet headers; sFlow is not decoded",
    ),
    (
        "of13_ericsson.pcapng",
        "OpenFlow packet-in/out carry packets; OpenFlow is not decoded",
    ),
    (
        "nsh.pcap",
        "Network Service Header payloads are not decoded",
    ),
    (
        "hoobr_rt6_print.pcap",
        "a 41-octet 'IPv6' packet of version 3: tshark shows its destination",
    ),
    (
        "tcp_header_heapoverflow.pcap",
        "a TCP header cut at 10 octets: tshark omits the sequence number",
    ),
];

/// tshark's 18 fields of pcap.md §3.5 for one file.
fn tshark_fields(tshark: &std::path::Path, file: &std::path::Path) -> Vec<String> {
    netmon_testkit::tshark_fields(
        tshark,
        file,
        &[
            "frame.number",
            "eth.src",
            "eth.dst",
            "vlan.id",
            "ip.src",
            "ip.dst",
            "ipv6.src",
            "ipv6.dst",
            "tcp.srcport",
            "tcp.dstport",
            "tcp.flags",
            "tcp.seq_raw",
            "tcp.ack_raw",
            "udp.srcport",
            "udp.dstport",
            "icmp.type",
            "icmpv6.type",
            "tcp.checksum.status",
        ],
    )
}

#[test]
fn pcapdump_agrees_with_tshark_on_the_tcpdump_corpus() {
    let Some(dir) = netmon_testkit::corpus_file("pcap/tcpdump") else {
        return;
    };
    let Some(tshark) = netmon_testkit::tool("tshark") else {
        return;
    };
    let pcapdump = example("pcapdump");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    assert!(files.len() > 400, "{}", files.len());
    // Two at a time: tshark takes a quarter of a second to start.
    let results: Vec<(String, usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let chunks: Vec<&[std::path::PathBuf]> = files.chunks(files.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (tshark, pcapdump) = (&tshark, &pcapdump);
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|f| {
                            let theirs = tshark_fields(tshark, f);
                            let out = Command::new(pcapdump).arg(f).output().expect("pcapdump");
                            let ours: Vec<String> = String::from_utf8_lossy(&out.stdout)
                                .lines()
                                .map(str::to_string)
                                .collect();
                            let name = f.file_name().unwrap().to_string_lossy().into_owned();
                            assert_eq!(
                                ours.len(),
                                theirs.len(),
                                "{name}: packet count (pcapdump {} vs tshark {})",
                                ours.len(),
                                theirs.len()
                            );
                            let differing: Vec<String> = ours
                                .iter()
                                .zip(&theirs)
                                .filter(|(a, b)| a != b)
                                .map(|(a, b)| format!("ours   {a}\ntshark {b}"))
                                .collect();
                            let same = ours.len() - differing.len();
                            (name, ours.len(), same, differing)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let total: usize = results.iter().map(|r| r.1).sum();
    let same: usize = results.iter().map(|r| r.2).sum();
    let identical_files = results.iter().filter(|r| r.1 == r.2).count();
    println!(
        "pcapdump vs tshark: {same} of {total} packets identical ({:.2} %), {identical_files} of {} files",
        100.0 * same as f64 / total as f64,
        results.len()
    );
    for (name, _, _, differing) in &results {
        if differing.is_empty() {
            continue;
        }
        let reason = PCAPDUMP_DELIBERATE
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, r)| *r);
        match reason {
            Some(r) => println!("  {name}: {} packets differ: {r}", differing.len()),
            None => panic!(
                "{name}: {} packets differ from tshark, and no reason is listed:\n{}",
                differing.len(),
                differing[..differing.len().min(3)].join("\n")
            ),
        }
    }
    assert!(same * 1000 >= total * 997, "agreement below 99.7 %");
}

/// Frames, and bytes unless tshark rounded them to kB.
type Counts = (u64, Option<u64>);

/// tshark's conversation table (`-q -z conv,PROTO`): for each pair of
/// ends as tshark orders them, (frames, bytes or None when tshark rounds
/// them to kB) from the first to the second and back.
fn tshark_conversations(
    tshark: &std::path::Path,
    file: &std::path::Path,
    proto: &str,
) -> std::collections::BTreeMap<(String, String), (Counts, Counts)> {
    let out = Command::new(tshark)
        .args(["-n", "-q", "-r"])
        .arg(file)
        .args(["-z", &format!("conv,{proto}")])
        .output()
        .expect("tshark");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut map = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| l.contains("<->")) {
        let t: Vec<&str> = line.split_whitespace().collect();
        let bytes = |n: &str, unit: &str| (unit == "bytes").then(|| n.parse().unwrap());
        // A <-> B  frames(B→A) bytes unit  frames(A→B) bytes unit …
        let to_a = (t[3].parse().unwrap(), bytes(t[4], t[5]));
        let to_b = (t[6].parse().unwrap(), bytes(t[7], t[8]));
        // tshark splits a TCP conversation at a new SYN (port reuse):
        // rows of the same ends are summed.
        let e = map
            .entry((t[0].to_string(), t[2].to_string()))
            .or_insert(((0, Some(0)), (0, Some(0))));
        let add = |x: &mut (u64, Option<u64>), y: (u64, Option<u64>)| {
            x.0 += y.0;
            x.1 = x.1.zip(y.1).map(|(a, b)| a + b);
        };
        add(&mut e.0, to_b);
        add(&mut e.1, to_a);
    }
    map
}

#[test]
fn pcapdump_flows_agree_with_tshark_conversations() {
    let Some(tshark) = netmon_testkit::tool("tshark") else {
        return;
    };
    let dir = tempfile_dir("flows");
    let mix = dir.join("mix.pcap");
    netmon::pcap::synth::write_mix(
        std::io::BufWriter::new(std::fs::File::create(&mix).unwrap()),
        2_000_000,
    )
    .unwrap();
    let out = Command::new(example("pcapdump"))
        .args(["--flows"])
        .arg(&mix)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // tshark writes IPv6 ends without brackets.
    let end = |s: &str| s.replace(['[', ']'], "");
    let mut ours = std::collections::BTreeMap::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let n = |i: usize| c[i].parse::<u64>().unwrap();
        ours.insert(
            (c[0].to_string(), end(c[1]), end(c[2])),
            ((n(3), n(4)), (n(5), n(6))),
        );
    }
    let mut compared = 0;
    for proto in ["tcp", "udp"] {
        let theirs = tshark_conversations(&tshark, &mix, proto);
        assert!(theirs.len() > 100, "{proto}: {}", theirs.len());
        for ((a, b), (a_to_b, b_to_a)) in &theirs {
            // Our ends are ordered; tshark's are as first seen.
            let (mine_ab, mine_ba) = match (
                ours.get(&(proto.to_string(), a.clone(), b.clone())),
                ours.get(&(proto.to_string(), b.clone(), a.clone())),
            ) {
                (Some(x), _) => (x.0, x.1),
                (_, Some(x)) => (x.1, x.0),
                _ => panic!("{proto} {a} <-> {b}: not among our flows"),
            };
            for (mine, theirs) in [(mine_ab, a_to_b), (mine_ba, b_to_a)] {
                assert_eq!(mine.0, theirs.0, "{proto} {a} <-> {b}: frames");
                if let Some(bytes) = theirs.1 {
                    assert_eq!(mine.1, bytes, "{proto} {a} <-> {b}: bytes");
                }
            }
            compared += 1;
        }
        let ours_of_proto = ours.keys().filter(|k| k.0 == proto).count();
        assert_eq!(
            ours_of_proto,
            theirs.len(),
            "{proto}: as many conversations"
        );
    }
    assert!(compared > 1000, "{compared}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn pcapdump_lint_finds_what_was_damaged() {
    let dir = tempfile_dir("lint");
    let mut mix = Vec::new();
    netmon::pcap::synth::write_mix(&mut mix, 400_000).unwrap();
    let packets: Vec<_> = netmon::pcap::SliceReader::new(&mix)
        .unwrap()
        .map(|p| p.unwrap())
        .collect();
    let path = dir.join("damaged.pcap");
    let mut w =
        netmon::pcap::write::PcapWriter::new(std::fs::File::create(&path).unwrap(), 1, 65535, true)
            .unwrap();
    let mut corrupted = 0;
    for (i, p) in packets.iter().enumerate() {
        let mut data = p.data.to_vec();
        let mut ts = p.ts_ns;
        if i == 20 {
            ts -= 1_000_000_000; // a second back
        }
        if i % 50 == 7 && data.len() > 100 {
            let last = data.len() - 1;
            data[last] ^= 0x5a; // payload octet: the TCP/UDP checksum breaks
            corrupted += 1;
        }
        w.packet(ts, &data, p.orig_len).unwrap();
        if i == 10 {
            w.packet(ts + 1000, &data, p.orig_len).unwrap(); // captured twice
        }
    }
    w.into_inner().unwrap();
    let out = Command::new(example("pcapdump"))
        .args(["--lint"])
        .arg(&path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("duplicate frames: 1 (frames 12)"),
        "{report}"
    );
    assert!(
        report.contains("time going backwards: 1 (frames 22)"),
        "{report}"
    );
    assert!(
        report.contains(&format!("bad TCP/UDP checksums: {corrupted} ")),
        "{corrupted}: {report}"
    );
    assert!(!report.contains("offload"), "{report}");
    // tshark counts the same bad checksums.
    if let Some(tshark) = netmon_testkit::tool("tshark") {
        let out = Command::new(tshark)
            .args(["-n", "-r"])
            .arg(&path)
            .args([
                "-o",
                "tcp.check_checksum:TRUE",
                "-o",
                "udp.check_checksum:TRUE",
                "-Y",
                "tcp.checksum.status == 0 || udp.checksum.status == 0",
                "-T",
                "fields",
                "-e",
                "frame.number",
            ])
            .output()
            .unwrap();
        let bad = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(bad, corrupted, "tshark's bad checksums");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn pcapdump_correlate_reports_the_two_sides() {
    let dir = tempfile_dir("correlate");
    let (a, b, truth) = netmon::pcap::synth::two_sided(&netmon::pcap::synth::TwoSided {
        segments: 200,
        offset_ns: -1_500_000_000,
        drift_ppm: 20.0,
        delay_ns: 8_000_000,
        jitter_ns: 2_000_000,
        lose_every: 11,
        miss_every: 7,
        duplicate: None,
        snmp_request_lost_every: 0,
        snmp_response_lost_every: 4,
    });
    let (pa, pb) = (dir.join("cpe.pcap"), dir.join("server.pcap"));
    std::fs::write(&pa, a).unwrap();
    std::fs::write(&pb, b).unwrap();
    let out = Command::new(example("pcapdump"))
        .args(["correlate"])
        .args([&pa, &pb])
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["host_a"], "192.168.1.10");
    assert!(
        (r["offset_ms"].as_f64().unwrap() + 1500.0).abs() < 0.5,
        "{}",
        r["offset_ms"]
    );
    let tcp: Vec<&serde_json::Value> = r["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["a"].as_str().unwrap().starts_with("tcp"))
        .collect();
    let sum = |key: &str| -> u64 { tcp.iter().map(|f| f["a_to_b"][key].as_u64().unwrap()).sum() };
    assert_eq!(sum("lost_on_path"), u64::from(truth.lost));
    assert_eq!(sum("missed_by_capture"), u64::from(truth.missed));
    assert_eq!(sum("matched"), u64::from(truth.delivered));
    assert_eq!(r["snmp"]["requests"], 20);
    assert_eq!(r["snmp"]["response_lost"], truth.snmp_response_lost);
    assert_eq!(r["snmp"]["answered"], 20 - truth.snmp_response_lost);
    // The text report says the same in words.
    let out = Command::new(example("pcapdump"))
        .args(["correlate"])
        .args([&pa, &pb])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let offset: f64 = text
        .split("B's clock minus A's: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    assert!((offset + 1500.0).abs() < 0.5, "{text}");
    assert!(
        text.contains("(at B: tcp 198.51.100.20:443 <-> 203.0.113.5:60000)"),
        "{text}"
    );
    assert!(
        text.contains("SNMP: 20 requests, 15 answered, 0 requests lost, 5 responses lost"),
        "{text}"
    );
    // A missing file: status 2 and its name.
    let out = Command::new(example("pcapdump"))
        .args(["correlate", "/nonexistent.pcap"])
        .arg(&pb)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.pcap"));
    std::fs::remove_dir_all(&dir).ok();
}
