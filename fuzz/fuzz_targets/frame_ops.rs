//! Frame operations driven by bytes, on frames that own their columns or
//! share one slab: building, merging, resampling and selecting never
//! panic, and merges keep their invariants (sorted index, no more valid
//! cells out than in).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use netmon_core::{Aggregation, ColumnSelector, Frame, Resample, Slab, Timestamp};

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map(|(f, r)| (*f, r)).unwrap_or((0, &[]));
        self.0 = rest;
        first
    }
    fn i64(&mut self) -> i64 {
        let mut v = 0i64;
        for _ in 0..8 {
            v = (v << 8) | i64::from(self.u8());
        }
        v
    }
}

fn frame(b: &mut Bytes<'_>) -> Frame {
    let names = ["a", "b", "c"];
    let width = usize::from(b.u8() % 4);
    let mut f = Frame::with_columns(names.iter().take(width).copied()).unwrap_or_default();
    for _ in 0..b.u8() % 16 {
        let t = match b.u8() % 4 {
            0 => b.i64(),
            _ => i64::from(b.u8()) * 500_000_000,
        };
        let values: Vec<f64> = (0..f.width())
            .map(|_| match b.u8() {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => f64::NEG_INFINITY,
                v => f64::from(v),
            })
            .collect();
        let _ = f.push_row(Timestamp::from_nanos(t), &values);
    }
    if b.u8() % 2 == 0 { into_slab(f) } else { f }
}

/// The same frame with its columns in one slab (as a reader makes them),
/// a row of room between them.
fn into_slab(f: Frame) -> Frame {
    let owned = f.clone();
    let (index, columns, tags) = f.into_parts();
    let rows = index.len();
    let stride = rows + 1;
    let mut slab = Slab::zeroed(columns.len() * stride);
    for (c, (_, values)) in columns.iter().enumerate() {
        slab.as_mut_slice()[c * stride..c * stride + rows].copy_from_slice(values);
    }
    let names = columns.into_iter().map(|(n, _)| n);
    let g = Frame::from_slab(index, names, slab, stride).expect("slab frame").with_tags(tags);
    assert_eq!(g, owned, "slab frame differs");
    g
}

fn valid_cells(f: &Frame) -> usize {
    f.columns().map(|(_, c)| c.iter().filter(|v| !v.is_nan()).count()).sum()
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let frames: Vec<Frame> = (0..b.u8() % 4).map(|_| frame(&mut b)).collect();
    let refs: Vec<&Frame> = frames.iter().collect();
    let cells_in: usize = frames.iter().map(valid_cells).sum();

    if let Ok(u) = Frame::merge_union(&refs) {
        assert!(u.index_ns().windows(2).all(|w| w[0] < w[1]));
        assert!(valid_cells(&u) <= cells_in);
    }
    let tol = Duration::from_nanos(u64::from(b.u8()) * 100_000_000);
    if let Ok(n) = Frame::merge_nearest(&refs, tol) {
        assert!(n.is_sorted());
        assert!(valid_cells(&n) <= cells_in);
    }
    let period = Duration::from_nanos(1 + u64::from(b.u8()) * 250_000_000);
    if let Ok(r) = Resample::new(period) {
        for f in &frames {
            let _ = r.max_periods(10_000).fill_gaps(b.u8() % 2 == 0).apply_many(f, &Aggregation::ALL);
        }
    }
    let pattern: String = (0..b.u8() % 8).map(|_| char::from(b.u8() % 96 + 32)).collect();
    if let Ok(sel) = ColumnSelector::new().include(&pattern) {
        for f in &frames {
            let s = f.select(&sel);
            assert_eq!(s.len(), f.len());
        }
    }
});
