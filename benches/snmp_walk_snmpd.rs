//! `snmp_walk_snmpd`: a whole-tree bulk walk (max-repetitions 25, v2c) of
//! the interop snmpd, by netmon's client in-process, by netmon's `snmp
//! bulkwalk` tool, and by net-snmp's `snmpbulkwalk`: wall time per walk
//! (criterion) and client CPU per walk (from /proc/self/stat: the
//! process's own time for the library, its children's for the tools).
//! snmp.md §5 measured snmpbulkwalk at ~0.14–0.22 s and 0.02–0.04 CPU-s
//! for ~7.5k varbinds. Targets: no slower than snmpbulkwalk, at most half
//! its client CPU.

use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use netmon::snmp::client::Client;
use netmon::snmp::engine::client::Security;
use netmon::snmp::engine::retry::RetryPolicy;
use netmon::snmp::{Oid, Version};

/// (own user+system, children's user+system) CPU seconds of this process.
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let tick = 100.0;
    let get = |i: usize| f.get(i).copied().unwrap_or(0.0) / tick;
    (get(11) + get(12), get(13) + get(14))
}

fn bench(c: &mut Criterion) {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        eprintln!("SKIPPED snmp_walk_snmpd: snmpd or the interop config is missing");
        return;
    };
    let Some(snmpbulkwalk) = netmon_testkit::tool("snmpbulkwalk") else {
        eprintln!("SKIPPED snmp_walk_snmpd: snmpbulkwalk is missing");
        return;
    };
    let target = format!("127.0.0.1:{}", snmpd.port);
    let ours = netmon_testkit::example_binary("snmp");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut client = rt
        .block_on(Client::connect(
            target.parse().expect("addr"),
            Version::V2c,
            Security::Community(b"public".to_vec()),
            RetryPolicy::default(),
        ))
        .expect("client");
    let root: Oid = "1".parse().expect("oid");
    let mut g = c.benchmark_group("snmp_walk_snmpd");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    let mut report = Vec::new();

    let mut walks = 0u32;
    let mut varbinds = 0usize;
    let before = cpu();
    g.bench_function("netmon_client", |b| {
        b.iter(|| {
            let (rows, end) = rt.block_on(client.bulk_walk(root.clone(), 25));
            assert!(end.is_complete(), "{end:?}");
            varbinds = rows.len();
            walks += 1;
        })
    });
    let after = cpu();
    report.push((
        "netmon client (in-process)",
        (after.0 - before.0) / f64::from(walks),
        varbinds,
    ));

    for (name, program, args) in [
        ("netmon snmp bulkwalk", ours.clone(), vec!["bulkwalk"]),
        ("net-snmp snmpbulkwalk", snmpbulkwalk.clone(), vec![]),
    ] {
        let mut walks = 0u32;
        let mut lines = 0usize;
        let before = cpu();
        g.bench_function(name.replace(' ', "_"), |b| {
            b.iter(|| {
                let out = Command::new(&program)
                    .args(&args)
                    .args(["-v2c", "-c", "public", "-On", "-Cr25", &target, ".1"])
                    .env("MIBS", "")
                    .output()
                    .expect("run");
                assert!(out.status.success());
                lines = out.stdout.iter().filter(|b| **b == b'\n').count();
                walks += 1;
            })
        });
        let after = cpu();
        report.push((name, (after.1 - before.1) / f64::from(walks), lines));
    }
    g.finish();
    for (name, cpu_s, n) in report {
        eprintln!(
            "snmp_walk_snmpd: {name}: {n} varbinds, {:.1} ms client CPU per walk",
            cpu_s * 1e3
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
