//! The reader on the real T4 files of the corpus: shapes, spot values,
//! metadata, and the tail of junk after `Column Average`.

use netmon_core::Timestamp;
use netmon_t4::{Layout, Reader, ValueKind};
use netmon_testkit::corpus_file;

fn ts(s: &str) -> i64 {
    Timestamp::parse(s).unwrap().as_nanos()
}

#[test]
fn comp_format2_wrapped_header() {
    let Some(path) = corpus_file("t4/t4_smtfb1_19nov2015_0001_2359_comp.csv") else {
        return;
    };
    let t4 = Reader::new().read_path(&path).unwrap();
    assert_eq!((t4.frame.len(), t4.frame.width()), (1438, 531));
    assert_eq!(t4.layout, Layout::Format2);
    assert_eq!(t4.blocks, 1);
    assert_eq!(t4.time_column, "[MON]Sample Time");
    assert!(
        t4.issues.is_empty(),
        "{:?}",
        &t4.issues[..t4.issues.len().min(5)]
    );
    assert_eq!(t4.meta.node.as_deref(), Some("NODE_1"));
    // The other three time columns are dropped, names kept verbatim.
    assert!(
        !t4.frame
            .names()
            .iter()
            .any(|n| n.to_lowercase().contains("sample time"))
    );
    assert!(
        t4.frame.names().iter().any(|n| n.starts_with(' ')),
        "leading spaces kept"
    );
    assert_eq!(t4.frame.index_ns()[0], ts("2015-11-19T00:02:00.010Z"));
    assert_eq!(t4.frame.index_ns()[1437], ts("2015-11-19T23:59:21.740Z"));
    let ints = t4
        .kinds
        .iter()
        .filter(|k| **k == ValueKind::Integer)
        .count();
    assert_eq!(ints, 168, "t4.md §1.7: 168 int columns");
}

#[test]
fn disk_and_scs_format1() {
    for (file, cols) in [
        ("t4/t4_smtfb1_19nov2015_0001_2359_disk.csv", 42),
        ("t4/t4_smtfb1_19nov2015_0001_2359_scs.csv", 24),
    ] {
        let Some(path) = corpus_file(file) else {
            return;
        };
        let t4 = Reader::new().read_path(&path).unwrap();
        assert_eq!((t4.frame.len(), t4.frame.width()), (1438, cols), "{file}");
        assert_eq!(t4.layout, Layout::Format1, "{file}");
        assert_eq!(t4.time_column, "[MON]Sample Time");
        assert!(t4.issues.is_empty(), "{file}: {:?}", t4.issues);
        assert_eq!(t4.meta.node.as_deref(), Some("NODE_1"));
        assert_eq!(t4.frame.index_ns()[0], ts("2015-11-19T00:02:00.010Z"));
        assert!(t4.kinds.iter().all(|k| *k == ValueKind::Float), "{file}");
    }
    let Some(path) = corpus_file("t4/t4_smtfb1_19nov2015_0001_2359_disk.csv") else {
        return;
    };
    let t4 = Reader::new().read_path(&path).unwrap();
    // The first data row: 19-NOV-2015 00:02:00.01 ,0.00,0.00,0.00,106.67,0.07,…
    assert_eq!(t4.frame.names()[0], "[MON.DSK]OpRt NODE_1$DKA100");
    assert_eq!(t4.frame.row(0).unwrap()[..5], [0.0, 0.0, 0.0, 106.67, 0.07]);
}

#[test]
fn test_data_tlviz_merged() {
    let Some(path) = corpus_file("t4/test_data.csv") else {
        return;
    };
    let t4 = Reader::new().read_path(&path).unwrap();
    assert_eq!((t4.frame.len(), t4.frame.width()), (286, 930));
    assert_eq!(t4.meta.node.as_deref(), Some("SYSTEM1"));
    assert_eq!(t4.time_column, "Sample Time");
    assert_eq!(
        t4.frame.value(0, "Counter00_message_BUFFERED"),
        Some(106340.0)
    );
    assert_eq!(t4.frame.value(0, "Counter00_TIMEUP"), Some(19190717.0));
    assert_eq!(t4.frame.index_ns()[0], ts("2014-01-01T00:04:23Z"));
    assert_eq!(t4.sample_interval(), Some(300.0));
    let ints = t4
        .kinds
        .iter()
        .filter(|k| **k == ValueKind::Integer)
        .count();
    assert_eq!(ints, 150, "t4.md §1.7: 150 int columns");
}

#[test]
fn stream_bytes_path_and_parallel_agree() {
    let files: Vec<std::path::PathBuf> = [
        "t4/t4_smtfb1_19nov2015_0001_2359_comp.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_disk.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_scs.csv",
        "t4/test_data.csv",
    ]
    .iter()
    .filter_map(|f| corpus_file(f))
    .collect();
    if files.len() < 4 {
        return;
    }
    let reader = Reader::builder().buffer(4096).build();
    let parallel = Reader::new().read_paths(&files);
    for (path, par) in files.iter().zip(parallel) {
        let bytes = std::fs::read(path).unwrap();
        let a = Reader::new().read_bytes("x", &bytes).unwrap();
        let b = reader.read("x", &bytes[..], None).unwrap();
        let c = par.unwrap();
        assert_eq!(a.frame, b.frame, "{}", path.display());
        assert_eq!(a.frame, c.frame, "{}", path.display());
        assert_eq!(a.kinds, c.kinds);
    }
}

#[test]
fn plain_csv_of_test_data_is_byte_identical() {
    let (Some(t4), Some(plain)) = (
        corpus_file("t4/test_data.csv"),
        corpus_file("t4/plain_data.csv"),
    ) else {
        return;
    };
    let t4 = Reader::new().read_path(&t4).unwrap();
    let kinds = t4.kind_map();
    let mut out = Vec::new();
    let opts = netmon_t4::WriteOptions {
        kinds: Some(&kinds),
        ..Default::default()
    };
    netmon_t4::write_plain(&mut out, &t4.frame, &opts).unwrap();
    let want = std::fs::read(plain).unwrap();
    if out != want {
        let at = out
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(out.len().min(want.len()));
        let show = |b: &[u8]| {
            String::from_utf8_lossy(&b[at.saturating_sub(60)..(at + 60).min(b.len())]).into_owned()
        };
        panic!(
            "differs at byte {at} (lengths {} / {}):\nours: {}\nwant: {}",
            out.len(),
            want.len(),
            show(&out),
            show(&want)
        );
    }
}

#[test]
fn t4_format2_round_trip_on_every_corpus_file() {
    for file in [
        "t4/t4_smtfb1_19nov2015_0001_2359_comp.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_disk.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_scs.csv",
        "t4/test_data.csv",
    ] {
        let Some(path) = corpus_file(file) else {
            return;
        };
        let t4 = Reader::new().read_path(&path).unwrap();
        let kinds = t4.kind_map();
        let mut out = Vec::new();
        let opts = netmon_t4::WriteOptions {
            kinds: Some(&kinds),
            ..Default::default()
        };
        netmon_t4::write_t4(&mut out, &t4.frame, &opts).unwrap();
        let back = Reader::new().read_bytes("round-trip", &out).unwrap();
        assert!(back.issues.is_empty(), "{file}: {:?}", back.issues);
        assert_eq!(back.frame.names(), t4.frame.names(), "{file}");
        assert_eq!(back.frame.index_ns(), t4.frame.index_ns(), "{file}");
        assert_eq!(back.kinds, t4.kinds, "{file}");
        for ((name, a), (_, b)) in back.frame.columns().zip(t4.frame.columns()) {
            let same = a
                .iter()
                .zip(b)
                .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
            assert!(same, "{file}: column {name:?} differs");
        }
    }
}

#[test]
fn golden_calc_values_in_both_modes() {
    use netmon_t4::calc::{CalcFile, Context, Mode, Warning};
    let (Some(data), Some(calc)) = (
        corpus_file("t4/test_data.csv"),
        corpus_file("t4/test_calc.cfg"),
    ) else {
        return;
    };
    let t4 = Reader::new().read_path(&data).unwrap();
    for mode in [Mode::LeftToRight, Mode::Precedence] {
        let mut frame = t4.frame.clone();
        let file = CalcFile::from_path(&calc, mode).unwrap();
        let report = file.apply(&mut frame, &Context::with_interval(300.0));
        let col = |n: &str| {
            frame
                .column(n)
                .unwrap_or_else(|| panic!("{mode:?}: no {n}: {report:?}"))
        };
        assert_eq!(
            col("Counter00_%BUFFER_FULL")[..2],
            [316.8532176428055, 324.8358640636298],
            "{mode:?}"
        );
        assert_eq!(col("Counter00_buffered_total")[0], 19192435.0, "{mode:?}");
        assert_eq!(
            col("Counter00_sum_time_waiting")[0],
            0.22173415023974427,
            "{mode:?}"
        );
        // Counter00_%buffer_full (lower case) is a different, existing
        // column; nothing in this file is skipped or missing.
        assert!(
            !report
                .warnings
                .iter()
                .any(|w| matches!(w, Warning::MissingColumn { .. })),
            "{mode:?}: {:?}",
            report.warnings
        );
        assert_eq!(report.added.len(), 12, "{mode:?}: {:?}", report.added);
    }
}

/// The corpus has three of the four files of node smtfb1 (t4.md's fourth,
/// `fcm`, with its own clock, is not in it; with it t4Monitor's union is
/// 2876 × 787). comp, disk and scs share their clock: one row per sample.
#[test]
fn merges_of_one_node() {
    use std::time::Duration;
    let files: Vec<_> = [
        "t4/t4_smtfb1_19nov2015_0001_2359_comp.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_disk.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_scs.csv",
    ]
    .iter()
    .filter_map(|f| corpus_file(f))
    .collect();
    if files.len() < 3 {
        return;
    }
    let read: Vec<_> = Reader::new()
        .read_paths(&files)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let refs: Vec<_> = read.iter().collect();
    let union = netmon_t4::merge_union(&refs, Some("SMSC-1")).unwrap();
    assert_eq!(
        (union.frame.len(), union.frame.width()),
        (1438, 531 + 42 + 24)
    );
    assert_eq!(union.frame.tags().system.as_deref(), Some("SMSC-1"));
    assert_eq!(union.frame.tags().node.as_deref(), Some("NODE_1"));
    let empty: usize = union
        .frame
        .columns()
        .map(|(_, c)| c.iter().filter(|v| v.is_nan()).count())
        .sum();
    assert_eq!(empty, 0, "a shared clock leaves no hole");
    assert_eq!(
        union
            .kinds
            .values()
            .filter(|k| **k == ValueKind::Integer)
            .count(),
        168
    );

    // Shift one file's clock by 0.7 s, as fcm's is: the union doubles the
    // rows and empties half the cells, the ±1 s merge keeps one row per
    // sample and no hole.
    let mut shifted = read[1].clone();
    let index: Vec<i64> = shifted
        .frame
        .index_ns()
        .iter()
        .map(|t| t + 700_000_000)
        .collect();
    let columns: Vec<(String, Vec<f64>)> = shifted
        .frame
        .columns()
        .map(|(n, c)| (n.to_string(), c.to_vec()))
        .collect();
    shifted.frame = netmon_core::Frame::from_columns(index, columns).unwrap();
    let refs = [&read[0], &shifted];
    let union = netmon_t4::merge_union(&refs, None).unwrap();
    assert_eq!((union.frame.len(), union.frame.width()), (2876, 573));
    let near = netmon_t4::merge_nearest(&refs, Duration::from_secs(1), None).unwrap();
    assert_eq!((near.frame.len(), near.frame.width()), (1438, 573));
    let holes: usize = near
        .frame
        .columns()
        .map(|(_, c)| c.iter().filter(|v| v.is_nan()).count())
        .sum();
    assert_eq!(holes, 0);
}
