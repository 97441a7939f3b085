//! `snmp_poll_fleet`: 1,000 simulated agents on loopback ports (one
//! process, `agent::serve::Fleet`), polled from one socket by
//! `poller::Poller`, one 20-varbind GetRequest each per round; the figure
//! is requests per second (target ≥ 20,000 on 2 cores, agents and poller
//! sharing them). `FLEET_SIZE` and `FLEET_IN_FLIGHT` change the setup.

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netmon::snmp::agent::serve::Fleet;
use netmon::snmp::engine::client::Security;
use netmon::snmp::engine::retry::RetryPolicy;
use netmon::snmp::poller::Poller;
use netmon::snmp::{Oid, Version};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn twenty_oids() -> Vec<Oid> {
    let mut oids: Vec<Oid> = ["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0"]
        .iter()
        .map(|s| s.parse().expect("oid"))
        .collect();
    for i in 1..=3 {
        for col in [8, 10, 11, 16, 17, 14] {
            oids.push(format!("1.3.6.1.2.1.2.2.1.{col}.{i}").parse().expect("oid"));
        }
    }
    assert_eq!(oids.len(), 20);
    oids
}

fn bench(c: &mut Criterion) {
    let size = env("FLEET_SIZE", 1000);
    let in_flight = env("FLEET_IN_FLIGHT", 256);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (fleet, mut poller) = rt.block_on(async {
        let fleet = Fleet::spawn(size, "127.0.0.1".parse().expect("ip"), None, b"public")
            .await
            .expect("fleet");
        let mut p = Poller::bind("127.0.0.1:0".parse().expect("addr"), in_flight)
            .await
            .expect("poller");
        for a in fleet.addrs() {
            p.add_target(
                *a,
                Version::V2c,
                Security::Community(b"public".to_vec()),
                RetryPolicy {
                    timeout: Duration::from_millis(500),
                    retries: 3,
                    backoff: 1.0,
                    deadline: None,
                },
            );
        }
        (fleet, p)
    });
    let oids = twenty_oids();
    let mut g = c.benchmark_group("snmp_poll_fleet");
    g.throughput(Throughput::Elements(size as u64));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    let mut failed = 0;
    let mut rounds = 0u64;
    let mut busy = Duration::ZERO;
    g.bench_function(format!("{size}_agents_get20"), |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                let r = rt.block_on(poller.get_all(&oids));
                failed += r.iter().filter(|x| x.is_err()).count();
            }
            let e = t.elapsed();
            rounds += iters;
            busy += e;
            e
        })
    });
    g.finish();
    let per_s = (rounds as f64 * size as f64) / busy.as_secs_f64();
    let s = poller.stats();
    eprintln!(
        "snmp_poll_fleet: {rounds} rounds of {size} GETs (20 varbinds, {in_flight} in flight): {per_s:.0} requests/s; {failed} failed; {} sent, {} received",
        s.sent, s.received
    );
    rt.block_on(fleet.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);
