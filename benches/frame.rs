//! Frame operations at the size of a day of T4 data: four files of one
//! node, 1 440 one-minute samples each, 100–500 columns, clocks drifting
//! apart (the shape of the corpus's smtfb1 files).
//!
//! The anchor is pandas (`combine_first`, `merge_asof`, `resample`), run
//! through the Python benches of netmon-py; this bench keeps the Rust side
//! measured.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use netmon::core::{Aggregation, Frame, Resample};

const S: i64 = 1_000_000_000;

fn node_file(columns: usize, offset_ms: i64, prefix: &str) -> Frame {
    let index: Vec<i64> = (0..1440)
        .map(|i| i * 60 * S + offset_ms * 1_000_000 + i * 1_000_000)
        .collect();
    let cols = (0..columns).map(|c| {
        let values = (0..1440)
            .map(|i| ((i * 7 + c as i64 * 13) % 1000) as f64)
            .collect();
        (format!("{prefix}{c}"), values)
    });
    Frame::from_columns(index, cols).expect("valid frame")
}

fn bench(c: &mut Criterion) {
    let files = [
        node_file(531, 10, "[MON.SYST]comp"),
        node_file(42, 0, "[MON.DSK]disk"),
        node_file(24, 10, "[MON.SCS]scs"),
        node_file(190, 700, "[MON.FCM]fcm"),
    ];
    let refs: Vec<&Frame> = files.iter().collect();
    let mut g = c.benchmark_group("frame");
    g.bench_function("merge_union 4 files", |b| {
        b.iter(|| Frame::merge_union(black_box(&refs)).expect("merge"))
    });
    g.bench_function("merge_nearest 4 files ±1s", |b| {
        b.iter(|| Frame::merge_nearest(black_box(&refs), Duration::from_secs(1)).expect("merge"))
    });
    let r = Resample::new(Duration::from_secs(900)).expect("period");
    g.bench_function("resample 15min mean+max 531 cols", |b| {
        b.iter(|| {
            r.apply_many(black_box(&files[0]), &[Aggregation::Mean, Aggregation::Max])
                .expect("resample")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
