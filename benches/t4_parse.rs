//! T4 parsing throughput on the ~200 MB Format-2 file of t4.md §6.2,
//! generated here from the corpus's `comp` file (byte-identical to the
//! research's file, sha256 ca75fed9…a7a34) and never committed.
//!
//! The anchor is the pandas path t4Monitor uses, measured in t4.md §6.2 on
//! the same bytes: pandas 3.1.1 22.3 MB/s, t4Monitor's own stack (pandas
//! 0.19.2) 13.5 MB/s; run `python benches/python/t4_pandas.py FILE` for a
//! side-by-side number on this machine.
//!
//! `T4_BENCH_MB` changes the size (default 200; 2 when `cargo test` runs
//! the bench once).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netmon::t4::Reader;

fn synthetic_file() -> Option<PathBuf> {
    let comp = netmon_testkit::corpus_dir().join("t4/t4_smtfb1_19nov2015_0001_2359_comp.csv");
    let Ok(source) = std::fs::read(&comp) else {
        eprintln!(
            "SKIPPED t4_parse: {} not found (set NETMON_CORPUS)",
            comp.display()
        );
        return None;
    };
    // `cargo test` runs benches once without `--bench`: a small file will do.
    let benching = std::env::args().any(|a| a == "--bench");
    let default_mb = if benching { 200.0 } else { 2.0 };
    let mb: f64 = std::env::var("T4_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_mb);
    let path = std::env::temp_dir().join(format!("netmon_t4_bench_{mb}MB.csv"));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let out = std::io::BufWriter::new(std::fs::File::create(&tmp).expect("create bench file"));
        netmon::t4::synth::write_synthetic(&source, out, (mb * 1e6) as u64).expect("generate");
        std::fs::rename(&tmp, &path).expect("rename bench file");
    }
    Some(path)
}

fn bench(c: &mut Criterion) {
    let Some(path) = synthetic_file() else { return };
    let bytes = std::fs::metadata(&path).expect("bench file").len();
    let mut g = c.benchmark_group("t4_parse");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    // `netmon`: one core, the figure; `netmon_threads`: the file
    // cut into parts parsed on every core (`read_path`'s default).
    for (name, threads) in [("netmon", 1), ("netmon_threads", 0)] {
        let reader = Reader::builder().threads(threads).build();
        g.bench_function(name, |b| {
            b.iter(|| {
                let t4 = reader.read_path(black_box(&path)).expect("parse");
                assert_eq!(t4.frame.width(), 531);
                t4
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
