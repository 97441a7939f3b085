//! The reference tools in examples/ run on their embedded defaults, so
//! that they cannot rot. This file runs the example binaries that
//! `cargo build --examples` (or a plain `cargo test`) puts in
//! `target/<profile>/examples/`; ./scripts/test.sh builds them first.

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples/<name>`, next to this test's `deps/` folder.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build --examples` first (./scripts/test.sh does)",
        path.display()
    );
    path
}

#[test]
fn smsc_monitor_runs_on_its_simulator() {
    let store = tempfile_dir("smsc_store");
    let out = Command::new(example("smsc_monitor"))
        .args([
            "--systems",
            "2",
            "--hours",
            "3",
            "--period",
            "30",
            "--store",
        ])
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
    // Two nodes on clocks 0.7 s apart merge into one row per minute; node 2
    // misses the sample of every 97th epoch minute (two in these 3 h, so
    // 2 rows x 4 of its columns are empty).
    assert!(
        stdout.contains("SMSC1: 180 rows x 8 columns after merging, 8 empty cells"),
        "{stdout}"
    );
    assert!(stdout.contains("SMSC2:"), "{stdout}");
    let csv = std::fs::read_to_string(store.join("SMSC1_20151119.csv")).expect("stored CSV");
    assert_eq!(csv.lines().count(), 181, "header + 180 rows");
    assert!(csv.starts_with("time,NODE_1 [MON.SYST]Cpu Busy,"));

    // The union merge keeps both clocks: twice the rows, half of them empty
    // per node.
    let out = Command::new(example("smsc_monitor"))
        .args([
            "--systems",
            "1",
            "--hours",
            "3",
            "--merge",
            "union",
            "--store",
        ])
        .arg(&store)
        .output()
        .expect("run smsc_monitor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("SMSC1: 358 rows x 8 columns"), "{stdout}");
    std::fs::remove_dir_all(&store).ok();
}

#[test]
fn smsc_monitor_rejects_bad_arguments() {
    for (args, needle) in [
        (&["--start", "2015-13-01"][..], "column 6"),
        (&["--tolerance", "-1"][..], "--tolerance"),
        (&["--systems", "0"][..], "systems"),
    ] {
        let out = Command::new(example("smsc_monitor"))
            .args(args)
            .output()
            .expect("run smsc_monitor");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

fn tempfile_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netmon-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
