//! `snmp_walk_agent`: what netmon's agent costs per varbind in a bulk
//! walk, beside what snmpd costs for the same walk.
//!
//! The requests of a whole-tree bulk walk (max-repetitions 25, v2c) are
//! recorded once, then replayed into `Agent::handle`: the agent's CPU per
//! varbind, without sockets. Two trees: a simulated router with 300
//! interfaces, and snmpd's own tree (walked with snmpwalk, replayed
//! through `agent::dump`) when snmpd from `../shared/interop` can start.
//! snmpd's CPU for the same walk is read from /proc while `snmpbulkwalk
//! -Cr25` walks it (snmp.md §5 measured ~13–29 µs per varbind); both
//! figures are printed. Target: netmon at most a tenth of snmpd's.

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netmon::snmp::agent::sim::Device;
use netmon::snmp::agent::{Access, Agent, Reply, dump, mib::Mib};
use netmon::snmp::engine::client::{ClientEngine, Event, Security};
use netmon::snmp::engine::retry::RetryPolicy;
use netmon::snmp::{Oid, PduType, Value, VarBind, Version};

fn agent(mib: Mib) -> Agent {
    Agent::builder(mib)
        .community("public", Access::read_only())
        .build()
}

/// The request datagrams of a whole-tree bulk walk, and the varbinds it
/// returned.
fn record_walk(agent: &mut Agent) -> (Vec<Vec<u8>>, usize) {
    let now = Instant::now();
    let mut e = ClientEngine::new(
        Version::V2c,
        Security::Community(b"public".to_vec()),
        RetryPolicy::default(),
        7,
    );
    let mut requests = Vec::new();
    let mut varbinds = 0;
    let mut at: Oid = "1".parse().expect("oid");
    loop {
        e.send(
            now,
            PduType::GetBulkRequest,
            vec![VarBind::null(at.clone())],
            0,
            25,
        );
        let d = e.poll_transmit().expect("request");
        let Reply::Send(answer) = agent.handle(now, &d) else {
            panic!("no answer")
        };
        requests.push(d);
        e.handle_datagram(now, &answer);
        let Some(Event::Response {
            result: Ok(pdu), ..
        }) = e.poll_event()
        else {
            panic!("no response")
        };
        let mut done = false;
        for vb in pdu.varbinds {
            if vb.value == Value::EndOfMibView {
                done = true;
                break;
            }
            varbinds += 1;
            at = vb.name;
        }
        if done {
            return (requests, varbinds);
        }
    }
}

/// snmpd's CPU seconds so far (utime + stime, clock ticks of 1/100 s).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn snmpd_tree_and_cpu() -> Option<(String, f64)> {
    let snmpd = netmon_testkit::snmpd::start_snmpd()?;
    let target = format!("127.0.0.1:{}", snmpd.port);
    let walk = Command::new(netmon_testkit::tool("snmpwalk")?)
        .args(["-v2c", "-c", "public", "-On", &target, ".1"])
        .env("MIBS", "")
        .output()
        .ok()?;
    let tree = String::from_utf8_lossy(&walk.stdout).into_owned();
    let bulkwalk = netmon_testkit::tool("snmpbulkwalk")?;
    let before = cpu_seconds(snmpd.pid())?;
    let mut lines = 0;
    let rounds = 10;
    for _ in 0..rounds {
        let out = Command::new(&bulkwalk)
            .args(["-v2c", "-c", "public", "-On", "-Cr25", &target, ".1"])
            .env("MIBS", "")
            .output()
            .ok()?;
        lines += out.stdout.iter().filter(|b| **b == b'\n').count();
    }
    let cpu = cpu_seconds(snmpd.pid())? - before;
    let per = cpu / lines as f64 * 1e6;
    eprintln!(
        "snmpd 5.9.3: {rounds} bulk walks (-Cr25) of {} lines: {cpu:.2} CPU-s, {per:.2} µs per varbind",
        lines / rounds
    );
    Some((tree, per))
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("snmp_walk_agent");
    g.measurement_time(Duration::from_secs(5));
    let mut trees = vec![(
        "simulated_router_300_ifs",
        agent(Device::new(1).interfaces(300).mib(Instant::now())),
    )];
    let snmpd = snmpd_tree_and_cpu();
    match &snmpd {
        Some((tree, _)) => trees.push(("snmpd_tree_replayed", agent(dump::parse(tree).mib))),
        None => eprintln!("SKIPPED snmpd_tree_replayed: snmpd or the interop config is missing"),
    }
    for (name, mut a) in trees {
        let (requests, varbinds) = record_walk(&mut a);
        g.throughput(Throughput::Elements(varbinds as u64));
        let now = Instant::now();
        let mut total = Duration::ZERO;
        let mut runs = 0u32;
        g.bench_function(name, |b| {
            b.iter(|| {
                let t = Instant::now();
                for r in &requests {
                    black_box(a.handle(now, black_box(r)));
                }
                total += t.elapsed();
                runs += 1;
            })
        });
        let per = total.as_secs_f64() / f64::from(runs.max(1)) / varbinds as f64 * 1e6;
        let vs = snmpd
            .as_ref()
            .map(|(_, s)| format!(", snmpd/netmon {:.0}×", s / per))
            .unwrap_or_default();
        eprintln!("netmon agent, {name}: {varbinds} varbinds, {per:.3} µs per varbind{vs}");
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
