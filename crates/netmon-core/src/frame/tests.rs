use std::time::Duration;

use super::*;
use crate::{Aggregation, Resample};

const S: i64 = 1_000_000_000;
const NAN: f64 = f64::NAN;

fn t(secs: i64) -> Timestamp {
    Timestamp::from_nanos(secs * S)
}

/// A frame from seconds and rows of values.
fn frame(names: &[&str], rows: &[(i64, &[f64])]) -> Frame {
    let mut f = Frame::with_columns(names.iter().copied()).unwrap();
    for (secs, values) in rows {
        f.push_row(t(*secs), values).unwrap();
    }
    f
}

/// Column values with NaN written as None, for readable assertions.
fn col(f: &Frame, name: &str) -> Vec<Option<f64>> {
    f.column(name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", f.names()))
        .iter()
        .map(|v| if v.is_nan() { None } else { Some(*v) })
        .collect()
}

fn secs(f: &Frame) -> Vec<i64> {
    f.index_ns().iter().map(|n| n / S).collect()
}

// ---------------------------------------------------------------- building

#[test]
fn build_and_borrow() {
    let f = frame(&["a", "b"], &[(0, &[1.0, 2.0]), (60, &[3.0, NAN])]);
    assert_eq!(f.len(), 2);
    assert_eq!(f.width(), 2);
    assert_eq!(f.names(), ["a", "b"]);
    assert_eq!(f.column("a"), Some(&[1.0, 3.0][..]));
    assert_eq!(col(&f, "b"), [Some(2.0), None]);
    assert_eq!(f.column("A"), None, "names are case-sensitive");
    assert_eq!(f.value(1, "a"), Some(3.0));
    assert_eq!(f.value(2, "a"), None);
    assert_eq!(f.row(0), Some(vec![1.0, 2.0]));
    assert_eq!(f.row(2), None);
    assert_eq!(f.timestamp(1), Some(t(60)));
    assert_eq!(f.timestamp(9), None);
    assert_eq!(f.time_range(), Some((t(0), t(60))));
    assert_eq!(f.data_bytes(), 8 * 6);
    let stats = f.stats("b").unwrap();
    assert_eq!(
        (stats.count, stats.min, stats.max, stats.mean),
        (1, 2.0, 2.0, 2.0)
    );
}

#[test]
fn building_errors() {
    let mut f = frame(&["a", "b"], &[(0, &[1.0, 2.0])]);
    assert!(matches!(
        f.push_row(t(1), &[1.0]),
        Err(Error::RowLength {
            row: 1,
            expected: 2,
            found: 1
        })
    ));
    assert!(matches!(
        f.add_column("a", vec![0.0]),
        Err(Error::DuplicateColumn { .. })
    ));
    assert!(matches!(
        f.add_column("c", vec![0.0, 1.0]),
        Err(Error::ColumnLength {
            expected: 1,
            found: 2,
            ..
        })
    ));
    assert!(matches!(
        Frame::with_columns(["x", "x"]),
        Err(Error::DuplicateColumn { .. })
    ));
    assert!(matches!(
        Frame::from_columns(vec![0, 1], [("x", vec![1.0])]),
        Err(Error::ColumnLength { .. })
    ));
    assert!(matches!(
        Frame::new().add_column("x", vec![1.0]),
        Err(Error::ColumnLength {
            expected: 0,
            found: 1,
            ..
        })
    ));
    // The failed calls left the frame as it was.
    assert_eq!(f, frame(&["a", "b"], &[(0, &[1.0, 2.0])]));
}

#[test]
fn columns_add_set_remove_rename() {
    let mut f = frame(&["a", "b", "c"], &[(0, &[1.0, 2.0, 3.0])]);
    f.set_column("b", vec![20.0]).unwrap();
    f.set_column("d", vec![4.0]).unwrap();
    assert!(f.set_column("d", vec![]).is_err());
    assert_eq!(f.remove_column("a"), Some(vec![1.0]));
    assert_eq!(f.remove_column("a"), None);
    assert_eq!(f.names(), ["b", "c", "d"]);
    assert_eq!(f.position("d"), Some(2));
    assert_eq!(f.column("c"), Some(&[3.0][..]));
    assert!(f.rename_column("c", "C").unwrap());
    assert!(!f.rename_column("zz", "y").unwrap());
    assert!(f.rename_column("C", "b").is_err());
    assert!(f.rename_column("b", "b").unwrap());
    assert_eq!(f.names(), ["b", "C", "d"]);
    assert_eq!(f.column("C"), Some(&[3.0][..]));
    assert_eq!(f.column("c"), None);
    f.column_mut("d").unwrap()[0] = 40.0;
    assert_eq!(f.value(0, "d"), Some(40.0));
}

#[test]
fn push_record_grows_columns() {
    let mut f = Frame::new();
    f.push_record(t(0), [("a", 1.0)]);
    f.push_record(t(1), [("b", 2.0), ("a", 3.0), ("b", 9.0)]);
    f.push_record(t(2), []);
    assert_eq!(f.names(), ["a", "b"]);
    assert_eq!(col(&f, "a"), [Some(1.0), Some(3.0), None]);
    assert_eq!(col(&f, "b"), [None, Some(2.0), None]);
}

#[test]
fn sort_slice_append() {
    let mut f = frame(
        &["a"],
        &[(30, &[3.0]), (10, &[1.0]), (20, &[2.0]), (10, &[1.5])],
    );
    assert!(!f.is_sorted());
    f.sort_by_time();
    assert!(f.is_sorted());
    assert_eq!(secs(&f), [10, 10, 20, 30]);
    assert_eq!(
        col(&f, "a"),
        [Some(1.0), Some(1.5), Some(2.0), Some(3.0)],
        "stable"
    );
    let s = f.slice_time(t(10), t(30));
    assert_eq!(secs(&s), [10, 10, 20]);
    assert!(f.slice_time(t(31), t(40)).is_empty());

    let mut top = frame(&["a", "b"], &[(0, &[1.0, 2.0])]);
    let bottom = frame(&["b", "c"], &[(60, &[3.0, 4.0])]).with_tags(Tags::system("S1"));
    top.append(&bottom);
    assert_eq!(secs(&top), [0, 60]);
    assert_eq!(top.names(), ["a", "b", "c"]);
    assert_eq!(col(&top, "a"), [Some(1.0), None]);
    assert_eq!(col(&top, "b"), [Some(2.0), Some(3.0)]);
    assert_eq!(col(&top, "c"), [None, Some(4.0)]);
    assert_eq!(top.tags().system.as_deref(), Some("S1"));
}

/// A frame of `names` over one slab: column `i` holds `i * 10 + row`,
/// `stride` apart.
fn slab_frame(names: &[&str], rows: usize, stride: usize) -> Frame {
    let mut slab = Slab::zeroed(names.len() * stride);
    for (i, v) in slab.as_mut_slice().iter_mut().enumerate() {
        *v = ((i / stride) * 10 + i % stride) as f64;
    }
    Frame::from_slab(
        (0..rows as i64).map(|r| r * S).collect(),
        names.iter().copied(),
        slab,
        stride,
    )
    .unwrap()
}

#[test]
fn slab_columns_read_in_place_and_copy_on_write() {
    let f = slab_frame(&["a", "b", "c"], 3, 5);
    assert_eq!(f.slab_columns(), 3);
    assert_eq!(f.column("b"), Some(&[10.0, 11.0, 12.0][..]));
    assert_eq!(f.row(2), Some(vec![2.0, 12.0, 22.0]));
    // Equal to the same values in vectors of their own.
    let owned = frame(
        &["a", "b", "c"],
        &[
            (0, &[0.0, 10.0, 20.0]),
            (1, &[1.0, 11.0, 21.0]),
            (2, &[2.0, 12.0, 22.0]),
        ],
    );
    assert_eq!(f, owned);
    assert_eq!(f.data_bytes(), owned.data_bytes());

    // Changing a column of one frame copies that column out; a clone
    // sharing the slab keeps the old values.
    let mut g = f.clone();
    g.column_mut("b").unwrap()[0] = -1.0;
    assert_eq!(g.slab_columns(), 2);
    assert_eq!(g.column("b"), Some(&[-1.0, 11.0, 12.0][..]));
    assert_eq!(f.column("b"), Some(&[10.0, 11.0, 12.0][..]));
    g.push_row(t(3), &[3.0, 13.0, 23.0]).unwrap();
    assert_eq!(g.slab_columns(), 0);
    assert_eq!(g.column("c"), Some(&[20.0, 21.0, 22.0, 23.0][..]));
    assert_eq!(f.len(), 3);

    // Taken apart, the values are copied out of the slab.
    let mut h = f.clone();
    assert_eq!(h.remove_column("a"), Some(vec![0.0, 1.0, 2.0]));
    let (index, columns, _) = h.into_parts();
    assert_eq!(index, [0, S, 2 * S]);
    assert_eq!(columns[1], ("c".to_string(), vec![20.0, 21.0, 22.0]));

    // Row operations give owned columns with the right values.
    let mut back = slab_frame(&["a", "b"], 3, 3);
    back.sort_by_time();
    let slice = back.slice_time(t(1), t(3));
    assert_eq!(slice.column("b"), Some(&[11.0, 12.0][..]));
    back.append(&slice);
    assert_eq!(back.column("a"), Some(&[0.0, 1.0, 2.0, 1.0, 2.0][..]));
}

#[test]
fn slab_frame_errors_and_mapping() {
    let too_few = Frame::from_slab(vec![0, 1, 2], ["a", "b"], Slab::zeroed(5), 3);
    assert!(
        matches!(too_few, Err(Error::ColumnLength { .. })),
        "{too_few:?}"
    );
    let narrow = Frame::from_slab(vec![0, 1, 2], ["a"], Slab::zeroed(9), 2);
    assert!(
        matches!(narrow, Err(Error::ColumnLength { .. })),
        "{narrow:?}"
    );
    let twice = Frame::from_slab(vec![0], ["a", "a"], Slab::zeroed(2), 1);
    assert!(
        matches!(twice, Err(Error::DuplicateColumn { .. })),
        "{twice:?}"
    );
    let empty = Frame::from_slab(Vec::new(), Vec::<String>::new(), Slab::zeroed(0), 0).unwrap();
    assert_eq!((empty.len(), empty.width()), (0, 0));

    // Small slabs live on the heap; large ones in a mapping of their own
    // (on Linux advised for huge pages). Both start zeroed.
    let small = Slab::zeroed(1000);
    assert!(!small.is_mapped());
    let large = Slab::zeroed(1 << 20);
    assert!(large.is_mapped(), "{large:?}");
    assert_eq!(large.len(), 1 << 20);
    assert!(large.as_slice().iter().all(|&v| v == 0.0));
    assert!(small.as_slice().iter().all(|&v| v == 0.0) && small.len() == 1000);
}

#[test]
fn equality_treats_nan_as_equal() {
    let a = frame(&["a"], &[(0, &[NAN])]);
    let b = frame(&["a"], &[(0, &[NAN])]);
    assert_eq!(a, b);
    assert_ne!(a, frame(&["a"], &[(0, &[0.0])]));
    assert_ne!(a, frame(&["b"], &[(0, &[NAN])]));
    assert_ne!(a, a.clone().with_tags(Tags::system("x")));
}

#[test]
fn debug_display_csv() {
    let mut f = frame(&["a", "b,\"c\""], &[(0, &[1.5, NAN]), (60, &[0.1, 2.0])]);
    f.tags_mut().node = Some("NODE_1".into());
    let dbg = format!("{f:?}");
    assert!(dbg.contains("rows: 2") && dbg.contains("NODE_1"), "{dbg}");
    let shown = f.to_string();
    assert!(
        shown.contains("1970-01-01T00:01:00Z") && shown.contains("0.1000"),
        "{shown}"
    );
    let mut csv = Vec::new();
    f.write_csv(&mut csv).unwrap();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "time,a,\"b,\"\"c\"\"\"\n1970-01-01T00:00:00Z,1.5,\n1970-01-01T00:01:00Z,0.1,2\n"
    );
}

// --------------------------------------------------------------- selection

#[test]
fn select_by_regex_case_insensitive_with_exclusions() {
    let f = frame(
        &[
            "[MON.SYST]Cpu Busy",
            "[MON.SYST]Direct I/O Rate",
            "SMH_CPU",
            "smh_queue",
            "GIW_x",
        ],
        &[(0, &[1.0, 2.0, 3.0, 4.0, 5.0])],
    );
    let all = f.select(&ColumnSelector::new());
    assert_eq!(all, f);

    let sel = ColumnSelector::new().include("^smh").unwrap();
    assert_eq!(f.selected_names(&sel), ["SMH_CPU", "smh_queue"]);

    let sel = ColumnSelector::new()
        .include("cpu")
        .unwrap()
        .include("giw")
        .unwrap()
        .exclude("^smh")
        .unwrap();
    let s = f.select(&sel);
    assert_eq!(s.names(), ["[MON.SYST]Cpu Busy", "GIW_x"]);
    assert_eq!(col(&s, "GIW_x"), [Some(5.0)]);
    assert_eq!(s.index_ns(), f.index_ns());

    let sel = ColumnSelector::new().exclude_text("[mon.syst]");
    assert_eq!(f.selected_names(&sel), ["SMH_CPU", "smh_queue", "GIW_x"]);

    let sel = ColumnSelector::new().include("nothing-matches").unwrap();
    let none = f.select(&sel);
    assert_eq!((none.width(), none.len()), (0, 1));
}

#[test]
fn bad_patterns_are_errors() {
    let e = ColumnSelector::new().include("[MON.SYST").unwrap_err();
    assert!(
        matches!(&e, Error::Pattern { pattern, .. } if pattern == "[MON.SYST"),
        "{e}"
    );
    // A pattern whose compiled form is huge fails instead of eating memory.
    assert!(ColumnSelector::new().include(r"\w{1000}{1000}").is_err());
}

// ------------------------------------------------------------- union merge

#[test]
fn union_merge_different_timestamps_and_columns() {
    let a = frame(&["x", "y"], &[(0, &[1.0, 10.0]), (120, &[3.0, NAN])])
        .with_tags(Tags::system("SMSC1"));
    let b = frame(
        &["y", "z"],
        &[
            (60, &[20.0, 200.0]),
            (120, &[30.0, 300.0]),
            (0, &[99.0, 100.0]),
        ],
    );
    let m = Frame::merge_union(&[&a, &b]).unwrap();
    assert_eq!(secs(&m), [0, 60, 120]);
    assert_eq!(m.names(), ["x", "y", "z"]);
    assert_eq!(col(&m, "x"), [Some(1.0), None, Some(3.0)]);
    // y: a wins at 0; a has NaN at 120 so b fills it (combine_first).
    assert_eq!(col(&m, "y"), [Some(10.0), Some(20.0), Some(30.0)]);
    assert_eq!(col(&m, "z"), [Some(100.0), Some(200.0), Some(300.0)]);
    assert_eq!(m.tags().system.as_deref(), Some("SMSC1"));
    assert!(m.is_sorted());

    // Order matters: the first frame wins.
    let m2 = Frame::merge_union(&[&b, &a]).unwrap();
    assert_eq!(m2.names(), ["y", "z", "x"]);
    assert_eq!(col(&m2, "y"), [Some(99.0), Some(20.0), Some(30.0)]);
}

#[test]
fn union_merge_duplicate_timestamps_first_row_wins() {
    let a = frame(&["x"], &[(0, &[1.0]), (0, &[2.0]), (0, &[NAN])]);
    let b = frame(&["x"], &[(0, &[3.0])]);
    let m = Frame::merge_union(&[&a, &b]).unwrap();
    assert_eq!(secs(&m), [0]);
    assert_eq!(col(&m, "x"), [Some(1.0)]);
}

#[test]
fn union_merge_edge_cases() {
    assert_eq!(Frame::merge_union(&[]).unwrap(), Frame::new());
    let empty = Frame::new();
    let a = frame(&["x"], &[(5, &[1.0])]);
    assert_eq!(Frame::merge_union(&[&empty, &a]).unwrap(), a);
    assert_eq!(Frame::merge_union(&[&a, &empty]).unwrap(), a);
    assert_eq!(Frame::merge_union(&[&a]).unwrap(), a);
    // Columns without rows still make it into the result.
    let cols_only = Frame::with_columns(["q"]).unwrap();
    let m = Frame::merge_union(&[&a, &cols_only]).unwrap();
    assert_eq!(m.names(), ["x", "q"]);
    assert_eq!(col(&m, "q"), [None]);
}

#[test]
fn union_merge_refuses_absurd_sizes() {
    // 70 000 distinct rows × 40 000 distinct columns would be 22 GiB.
    let a = Frame::from_columns((0..70_000).collect(), [("a", vec![0.0; 70_000])]).unwrap();
    let mut b = Frame::from_columns(vec![-1], Vec::<(String, Vec<f64>)>::new()).unwrap();
    for i in 0..40_000 {
        b.add_column(format!("c{i}"), vec![0.0]).unwrap();
    }
    assert!(matches!(
        Frame::merge_union(&[&a, &b]),
        Err(Error::TooLarge { .. })
    ));
}

// ----------------------------------------------------------- nearest merge

#[test]
fn nearest_merge_aligns_drifting_clocks() {
    // Two T4 files of one node: 60 s samples, the second clock 0.7 s late
    // and one sample missing.
    let ms = S / 1000;
    let a = Frame::from_columns(vec![0, 60 * S, 120 * S], [("cpu", vec![1.0, 2.0, 3.0])]).unwrap();
    let b = Frame::from_columns(
        vec![700 * ms, 120 * S + 700 * ms],
        [("disk", vec![10.0, 30.0])],
    )
    .unwrap();
    let m = Frame::merge_nearest(&[&a, &b], Duration::from_secs(1)).unwrap();
    assert_eq!(m.index_ns(), a.index_ns(), "reference timestamps kept");
    assert_eq!(col(&m, "cpu"), [Some(1.0), Some(2.0), Some(3.0)]);
    assert_eq!(col(&m, "disk"), [Some(10.0), None, Some(30.0)]);

    // The union of the same frames has 5 rows and 4 empty cells.
    let u = Frame::merge_union(&[&a, &b]).unwrap();
    assert_eq!(u.len(), 5);
}

#[test]
fn nearest_merge_keeps_unmatched_rows() {
    let a = frame(&["a"], &[(0, &[1.0]), (100, &[2.0])]);
    let b = frame(
        &["b"],
        &[(50, &[5.0]), (101, &[6.0]), (300, &[7.0]), (-20, &[8.0])],
    );
    let m = Frame::merge_nearest(&[&a, &b], Duration::from_secs(2)).unwrap();
    assert_eq!(secs(&m), [-20, 0, 50, 100, 300]);
    assert_eq!(col(&m, "a"), [None, Some(1.0), None, Some(2.0), None]);
    assert_eq!(
        col(&m, "b"),
        [Some(8.0), None, Some(5.0), Some(6.0), Some(7.0)]
    );
}

#[test]
fn nearest_merge_one_row_per_reference_row() {
    // Two rows of b within tolerance of the same row of a: the nearer one
    // is matched, the other kept as its own row.
    let a = frame(&["a"], &[(10, &[1.0])]);
    let b = frame(&["b"], &[(8, &[2.0]), (11, &[3.0])]);
    let m = Frame::merge_nearest(&[&a, &b], Duration::from_secs(5)).unwrap();
    assert_eq!(secs(&m), [8, 10]);
    assert_eq!(col(&m, "a"), [None, Some(1.0)]);
    assert_eq!(col(&m, "b"), [Some(2.0), Some(3.0)]);

    // Equidistant: the earlier row of b wins; ties between two reference
    // rows go to the earlier reference row.
    let b = frame(&["b"], &[(12, &[4.0]), (8, &[5.0])]);
    let m = Frame::merge_nearest(&[&a, &b], Duration::from_secs(5)).unwrap();
    assert_eq!(secs(&m), [10, 12]);
    assert_eq!(col(&m, "b"), [Some(5.0), Some(4.0)]);
    let a2 = frame(&["a"], &[(0, &[1.0]), (10, &[2.0])]);
    let b2 = frame(&["b"], &[(5, &[9.0])]);
    let m = Frame::merge_nearest(&[&a2, &b2], Duration::from_secs(5)).unwrap();
    assert_eq!(col(&m, "b"), [Some(9.0), None]);
}

#[test]
fn nearest_merge_first_wins_and_folds() {
    let a = frame(&["x"], &[(0, &[1.0]), (60, &[NAN])]).with_tags(Tags::system("A"));
    let b = frame(&["x", "y"], &[(1, &[2.0, 20.0]), (61, &[3.0, 30.0])]);
    let c = frame(&["y", "z"], &[(59, &[99.0, 7.0]), (200, &[NAN, 8.0])]);
    let m = Frame::merge_nearest(&[&a, &b, &c], Duration::from_secs(2)).unwrap();
    assert_eq!(secs(&m), [0, 60, 200]);
    assert_eq!(col(&m, "x"), [Some(1.0), Some(3.0), None]);
    assert_eq!(col(&m, "y"), [Some(20.0), Some(30.0), None]);
    assert_eq!(col(&m, "z"), [None, Some(7.0), Some(8.0)]);
    assert_eq!(m.tags().system.as_deref(), Some("A"));
}

#[test]
fn nearest_merge_zero_tolerance_and_edges() {
    let a = frame(&["a"], &[(30, &[3.0]), (0, &[1.0])]);
    let b = frame(&["b"], &[(0, &[5.0]), (1, &[6.0])]);
    let m = Frame::merge_nearest(&[&a, &b], Duration::ZERO).unwrap();
    assert_eq!(secs(&m), [0, 1, 30]);
    assert_eq!(col(&m, "b"), [Some(5.0), Some(6.0), None]);
    assert_eq!(
        Frame::merge_nearest(&[], Duration::ZERO).unwrap(),
        Frame::new()
    );
    let empty = Frame::new();
    let m = Frame::merge_nearest(&[&empty, &a], Duration::from_secs(1)).unwrap();
    assert_eq!(secs(&m), [0, 30]);
    let m = Frame::merge_nearest(&[&a, &empty], Duration::from_secs(1)).unwrap();
    assert_eq!(secs(&m), [0, 30]);
    assert!(matches!(
        Frame::merge_nearest(&[&a], Duration::from_secs(u64::MAX)),
        Err(Error::InvalidDuration { .. })
    ));
}

// -------------------------------------------------------------- resampling

#[test]
fn resample_mean_and_max_with_gaps() {
    let f = frame(
        &["load", "errors"],
        &[
            (0, &[1.0, 0.0]),
            (100, &[3.0, NAN]),
            (299, &[5.0, 2.0]),
            // 300..600 empty
            (900, &[NAN, NAN]),
            (1000, &[10.0, 4.0]),
        ],
    )
    .with_tags(Tags::system("R1"));
    let r = Resample::new(Duration::from_secs(300)).unwrap();
    let [mean, max]: [Frame; 2] = r
        .apply_many(&f, &[Aggregation::Mean, Aggregation::Max])
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(secs(&mean), [0, 300, 600, 900]);
    assert_eq!(col(&mean, "load"), [Some(3.0), None, None, Some(10.0)]);
    assert_eq!(col(&mean, "errors"), [Some(1.0), None, None, Some(4.0)]);
    assert_eq!(col(&max, "load"), [Some(5.0), None, None, Some(10.0)]);
    assert_eq!(mean.tags().system.as_deref(), Some("R1"));

    let sparse = r.fill_gaps(false).apply(&f, Aggregation::Mean).unwrap();
    assert_eq!(secs(&sparse), [0, 900]);
    assert_eq!(col(&sparse, "load"), [Some(3.0), Some(10.0)]);
}

#[test]
fn resample_every_aggregation() {
    let f = frame(
        &["v"],
        &[
            (70, &[4.0]),
            (10, &[2.0]),
            (20, &[NAN]),
            (30, &[6.0]),
            (200, &[NAN]),
        ],
    );
    let r = Resample::new(Duration::from_secs(100)).unwrap();
    let got = |a| col(&r.apply(&f, a).unwrap(), "v");
    assert_eq!(got(Aggregation::Mean), [Some(4.0), None, None]);
    assert_eq!(got(Aggregation::Max), [Some(6.0), None, None]);
    assert_eq!(got(Aggregation::Min), [Some(2.0), None, None]);
    assert_eq!(got(Aggregation::Sum), [Some(12.0), None, None]);
    assert_eq!(got(Aggregation::Count), [Some(3.0), Some(0.0), Some(0.0)]);
    // First and last in time order, not row order.
    assert_eq!(got(Aggregation::First), [Some(2.0), None, None]);
    assert_eq!(got(Aggregation::Last), [Some(4.0), None, None]);
    assert_eq!(
        Aggregation::ALL.map(Aggregation::name).join(","),
        "mean,max,min,sum,count,first,last"
    );
}

#[test]
fn resample_origin_negative_times_and_limits() {
    let f = frame(&["v"], &[(-61, &[1.0]), (-1, &[2.0]), (0, &[3.0])]);
    let m = f
        .resample(Duration::from_secs(60), Aggregation::Mean)
        .unwrap();
    assert_eq!(secs(&m), [-120, -60, 0]);
    assert_eq!(col(&m, "v"), [Some(1.0), Some(2.0), Some(3.0)]);

    let r = Resample::new(Duration::from_secs(60))
        .unwrap()
        .origin(t(30));
    let m = r.apply(&f, Aggregation::Mean).unwrap();
    assert_eq!(secs(&m), [-90, -30]);
    assert_eq!(col(&m, "v"), [Some(1.0), Some(2.5)]);

    assert!(matches!(
        Resample::new(Duration::ZERO),
        Err(Error::InvalidDuration { .. })
    ));
    let wide = frame(&["v"], &[(0, &[1.0]), (86_400 * 365 * 200, &[2.0])]);
    assert!(matches!(
        wide.resample(Duration::from_secs(1), Aggregation::Max),
        Err(Error::TooLarge { .. })
    ));
    // Without gap filling the same frame is two periods.
    let r = Resample::new(Duration::from_secs(1))
        .unwrap()
        .fill_gaps(false);
    assert_eq!(r.apply(&wide, Aggregation::Max).unwrap().len(), 2);
    assert!(matches!(
        r.max_periods(1).apply(&wide, Aggregation::Max),
        Err(Error::TooLarge { .. })
    ));
    // No period limit at all: the cell limit still refuses before
    // allocating 10^16 periods.
    let unlimited = Resample::new(Duration::from_nanos(1))
        .unwrap()
        .max_periods(usize::MAX);
    let span = Frame::from_columns(vec![0, 10_000_000 * S], [("v", vec![1.0, 2.0])]).unwrap();
    assert!(matches!(
        unlimited.apply(&span, Aggregation::Max),
        Err(Error::TooLarge {
            what: "resampled cells",
            ..
        })
    ));
    let no_columns =
        Frame::from_columns(vec![0, 10_000_000 * S], Vec::<(String, Vec<f64>)>::new()).unwrap();
    assert!(unlimited.apply(&no_columns, Aggregation::Max).is_err());
    // 5 000 000 periods are within max_periods, but not for 500 columns.
    let mut many =
        Frame::from_columns(vec![0, 5_000_000 * S - 1], Vec::<(String, Vec<f64>)>::new()).unwrap();
    for i in 0..500 {
        many.add_column(format!("c{i}"), vec![1.0, 2.0]).unwrap();
    }
    assert!(matches!(
        many.resample(Duration::from_secs(1), Aggregation::Mean),
        Err(Error::TooLarge {
            what: "resampled cells",
            ..
        })
    ));
    // A period that would start before the representable range.
    let edge = Frame::from_columns(vec![i64::MIN + 5], [("v", vec![1.0])]).unwrap();
    assert!(matches!(
        edge.resample(Duration::from_secs(3600), Aggregation::Max),
        Err(Error::TimeRange { .. })
    ));
}

#[test]
fn resample_empty_frames() {
    let r = Resample::new(Duration::from_secs(60)).unwrap();
    let m = r.apply(&Frame::new(), Aggregation::Mean).unwrap();
    assert!(m.is_empty() && m.width() == 0);
    let cols_only = Frame::with_columns(["a", "b"]).unwrap();
    let m = r.apply(&cols_only, Aggregation::Max).unwrap();
    assert!(m.is_empty());
    assert_eq!(m.names(), ["a", "b"]);
    assert!(r.apply_many(&cols_only, &[]).unwrap().is_empty());
}

// ------------------------------------------------- randomized invariants

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn random_frame(rng: &mut Rng) -> Frame {
    let names = ["a", "b", "c", "d"];
    let mut f = Frame::new();
    for name in names {
        if rng.below(2) == 0 {
            f.add_column(name, Vec::new()).unwrap();
        }
    }
    let rows = rng.below(12);
    for _ in 0..rows {
        let time = match rng.below(10) {
            0 => i64::MIN + rng.below(1000) as i64,
            1 => i64::MAX - rng.below(1000) as i64,
            _ => (rng.below(40) as i64 - 10) * S / 2,
        };
        let values: Vec<f64> = (0..f.width())
            .map(|_| {
                if rng.below(4) == 0 {
                    NAN
                } else {
                    rng.below(100) as f64
                }
            })
            .collect();
        f.push_row(Timestamp::from_nanos(time), &values).unwrap();
    }
    f
}

/// Every non-NaN input cell is somewhere in a merge result (union: unless
/// an earlier frame had a value at that time and column).
#[test]
fn randomized_merges_and_resamples_keep_invariants() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2_000 {
        let frames: Vec<Frame> = (0..rng.below(4)).map(|_| random_frame(&mut rng)).collect();
        let refs: Vec<&Frame> = frames.iter().collect();

        let u = Frame::merge_union(&refs).unwrap();
        assert!(u.is_sorted());
        assert!(u.index_ns().windows(2).all(|w| w[0] < w[1]), "unique times");
        for f in &frames {
            for (name, values) in f.columns() {
                let out = u.column(name).unwrap();
                for (row, v) in values.iter().enumerate() {
                    let pos = u.index_ns().binary_search(&f.index_ns()[row]).unwrap();
                    assert!(!out[pos].is_nan() || v.is_nan());
                }
            }
        }

        let tol = Duration::from_nanos(rng.below(3) * S as u64);
        let n = Frame::merge_nearest(&refs, tol).unwrap();
        assert!(n.is_sorted());
        let input_cells: usize = frames
            .iter()
            .flat_map(|f| {
                f.columns()
                    .map(|(_, c)| c.iter().filter(|v| !v.is_nan()).count())
            })
            .sum();
        let output_cells: usize = n
            .columns()
            .map(|(_, c)| c.iter().filter(|v| !v.is_nan()).count())
            .sum();
        assert!(output_cells <= input_cells);
        let rows_in: usize = frames.iter().map(Frame::len).sum();
        assert!(n.len() <= rows_in);
        assert!(n.len() >= frames.iter().map(Frame::len).max().unwrap_or(0));

        for f in &frames {
            let period = Duration::from_nanos(1 + rng.below(5 * S as u64));
            let r = Resample::new(period).unwrap().max_periods(1000);
            if let Ok(out) = r.apply_many(f, &Aggregation::ALL) {
                let count = &out[4];
                for (name, values) in f.columns() {
                    let valid = values.iter().filter(|v| !v.is_nan()).count() as f64;
                    let counted: f64 = count.column(name).unwrap().iter().sum();
                    assert_eq!(valid, counted, "every valid sample counted once");
                }
                // Sorted frames take the run-reduction path, unsorted ones
                // the scatter path: both must agree (values are small
                // integers, so sums are exact in any order).
                let mut sorted = f.clone();
                sorted.sort_by_time();
                let mut reversed = sorted.take_rows(&(0..sorted.len()).rev().collect::<Vec<_>>());
                if reversed.is_sorted() && reversed.len() > 1 {
                    // All rows at one instant: append one earlier row to
                    // force the scatter path.
                    let first = reversed.timestamp(0).unwrap();
                    let row = vec![1.0; reversed.width()];
                    reversed
                        .push_row(first.saturating_add_nanos(-1), &row)
                        .unwrap();
                    sorted = reversed.clone();
                    sorted.sort_by_time();
                }
                // Same rows, so the same outcome; First and Last may differ
                // only in the order of rows with equal timestamps, so the
                // comparison stops at Count.
                match (
                    r.apply_many(&sorted, &Aggregation::ALL),
                    r.apply_many(&reversed, &Aggregation::ALL),
                ) {
                    (Ok(a), Ok(b)) => {
                        for (x, y) in a.iter().zip(&b).take(5) {
                            assert_eq!(x, y, "run path and scatter path differ");
                        }
                    }
                    (Err(_), Err(_)) => {}
                    (a, b) => panic!("outcomes differ: {a:?} / {b:?}"),
                }
            }
        }
    }
}
