//! A file read in parts on several threads gives exactly what one thread
//! gives — frame, value kinds, metadata, issues with their line numbers —
//! or declines (and `read_path` then reads it on one thread). Checked on
//! clean generated files, on damage spread across the cut points, on
//! glued files and on the corpus's Format-1 files.

use netmon_t4::{Reader, T4File};
use netmon_testkit::corpus_file;

fn same(a: &T4File, b: &T4File, what: &str) {
    assert_eq!(a.frame.names(), b.frame.names(), "{what}: names");
    assert_eq!(a.frame.index_ns(), b.frame.index_ns(), "{what}: index");
    for ((name, x), (_, y)) in a.frame.columns().zip(b.frame.columns()) {
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert!(bits(x) == bits(y), "{what}: column {name:?} differs");
    }
    assert_eq!(a.kinds, b.kinds, "{what}: kinds");
    assert_eq!(a.meta, b.meta, "{what}: metadata");
    assert_eq!(
        (a.layout, a.blocks, &a.time_column),
        (b.layout, b.blocks, &b.time_column),
        "{what}: layout"
    );
    assert_eq!(a.issues, b.issues, "{what}: issues");
    assert_eq!(a.issue_count, b.issue_count, "{what}: issue count");
    assert_eq!(a.frame.tags(), b.frame.tags(), "{what}: tags");
}

/// Reads `bytes` on one thread and in 2, 3 and 7 parts, each part
/// written straight into the final columns and, apart, joined after;
/// returns how many of the split readings each way took (not declined).
fn check(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Taken {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let one = Reader::builder().threads(1).build().read_path(&path);
    let reader = Reader::builder().max_issues(50).build();
    let one_capped = Reader::builder()
        .threads(1)
        .max_issues(50)
        .build()
        .read_path(&path);
    // The columns in one slab (the default) or in a vector each: the
    // same file, whichever way a thread or the direct split stores them.
    let vecs = Reader::builder().threads(1).slab(false).build();
    if let (Ok(one), Ok(vecs)) = (&one, vecs.read_path(&path)) {
        same(one, &vecs, &format!("{name} without a slab"));
        assert_eq!(one.frame.slab_columns(), one.frame.width(), "{name}");
        assert_eq!(vecs.frame.slab_columns(), 0, "{name}");
        let direct = Reader::builder().max_issues(50).slab(false).build();
        if let Some(split) = direct.read_path_in_parts(&path, 2, Some(true)) {
            same(&split, &vecs, &format!("{name} in 2 parts without a slab"));
            assert_eq!(split.frame.slab_columns(), 0, "{name}");
        }
    }
    let mut taken = Taken::default();
    for parts in [2, 3, 7] {
        for direct in [true, false] {
            if let Some(split) = reader.read_path_in_parts(&path, parts, Some(direct)) {
                *if direct {
                    &mut taken.direct
                } else {
                    &mut taken.joined
                } += 1;
                same(
                    &split,
                    one_capped.as_ref().expect("one thread read it"),
                    &format!("{name} in {parts} parts (direct: {direct})"),
                );
                if direct {
                    assert_eq!(split.frame.slab_columns(), split.frame.width(), "{name}");
                }
            }
        }
    }
    // Planned, then parsed into the caller's values: the same file.
    for parts in [2, 3] {
        let Some(plan) = reader.plan_path_in_parts(&path, parts) else {
            continue;
        };
        let mut values = vec![-1.0; plan.width() * plan.rows()];
        assert!(
            reader.read_plan(&plan, &mut values[1..]).is_none(),
            "{name}: short values taken"
        );
        let Some(file) = reader.read_plan(&plan, &mut values) else {
            continue;
        };
        taken.planned += 1;
        assert_eq!(file.frame.width(), 0, "{name}");
        let rows = plan.rows();
        let columns = (plan.names().iter().enumerate())
            .map(|(c, n)| (n.clone(), values[c * rows..(c + 1) * rows].to_vec()));
        let mut planned = file.clone();
        planned.frame = netmon_core::Frame::from_columns(file.frame.index_ns().to_vec(), columns)
            .unwrap()
            .with_tags(file.frame.tags().clone());
        same(
            &planned,
            one_capped.as_ref().expect("one thread read it"),
            &format!("{name} planned in {parts} parts"),
        );
    }
    // What read_path does by default (threads as the machine has) equals
    // one thread too, errors included.
    let default = Reader::new().read_path(&path);
    match (&default, &one) {
        (Ok(a), Ok(b)) => same(a, b, &format!("{name} by default")),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("{name}: {default:?} vs {one:?}"),
    }
    taken
}

/// How many split readings each way took.
#[derive(Debug, Default, PartialEq)]
struct Taken {
    direct: usize,
    joined: usize,
    /// Planned readings taken (2 and 3 parts).
    planned: usize,
}

impl Taken {
    fn all() -> Self {
        Taken {
            direct: 3,
            joined: 3,
            planned: 2,
        }
    }
}

fn synthetic(mb: f64) -> Option<Vec<u8>> {
    let comp = corpus_file("t4/t4_smtfb1_19nov2015_0001_2359_comp.csv")?;
    let source = std::fs::read(comp).unwrap();
    let mut out = Vec::new();
    netmon_t4::synth::write_synthetic(&source, &mut out, (mb * 1e6) as u64).unwrap();
    Some(out)
}

/// The data lines of a CRLF file, as (start, end) byte ranges, after the
/// END tag.
fn data_lines(bytes: &[u8]) -> Vec<(usize, usize)> {
    let text = std::str::from_utf8(bytes).unwrap();
    let start = text.find("$$$ END COLUMN HEADERS $$$\r\n").unwrap() + 28;
    let mut out = Vec::new();
    let mut at = start;
    for line in text[start..].split_inclusive('\n') {
        out.push((at, at + line.len()));
        at += line.len();
    }
    out
}

#[test]
fn clean_files_split_and_agree() {
    let Some(bytes) = synthetic(3.0) else { return };
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        check(dir.path(), "clean.csv", &bytes),
        Taken::all(),
        "the clean file was not split"
    );
    // No `Column Average` line at the end, and a last line without CRLF.
    let cut = &bytes[..bytes.len() - "Column Average, 99999\r\n".len() - 2];
    assert_eq!(check(dir.path(), "no_average.csv", cut), Taken::all());
}

#[test]
fn damage_across_the_cut_points() {
    let Some(bytes) = synthetic(3.0) else { return };
    let dir = tempfile::tempdir().unwrap();
    let lines = data_lines(&bytes);

    // A value that is not a number every 97 rows: issues, plain rows.
    let mut cells = Vec::new();
    let mut last = 0;
    for (i, (s, e)) in lines.iter().enumerate() {
        cells.extend_from_slice(&bytes[last..*s]);
        let line = &bytes[*s..*e];
        if i % 97 == 5 {
            let text = String::from_utf8_lossy(line).replacen(",", ",x", 2);
            cells.extend_from_slice(text.as_bytes());
        } else {
            cells.extend_from_slice(line);
        }
        last = *e;
    }
    cells.extend_from_slice(&bytes[last..]);
    assert_eq!(
        check(dir.path(), "cells.csv", &cells),
        Taken::all(),
        "invalid cells need not stop the split"
    );

    // Rows whose time is garbage, and rows with too many fields, every
    // 89 rows: the parts may decline, never disagree.
    let mut rows = Vec::new();
    let mut last = 0;
    for (i, (s, e)) in lines.iter().enumerate() {
        rows.extend_from_slice(&bytes[last..*s]);
        let line = &bytes[*s..*e];
        match i % 89 {
            3 => rows.extend_from_slice(b"garbage,1,2\r\n"),
            4 => {
                rows.extend_from_slice(&line[..line.len() - 2]);
                rows.extend_from_slice(b",1,2,3\r\n");
            }
            _ => rows.extend_from_slice(line),
        }
        last = *e;
    }
    rows.extend_from_slice(&bytes[last..]);
    // Garbage times are not rows for the count either; the dropped rows
    // with extra fields make the direct way's counts wrong: it declines.
    let taken = check(dir.path(), "rows.csv", &rows);
    assert_eq!(taken.direct, 0, "{taken:?}");

    // Cut inside a row.
    check(dir.path(), "cut.csv", &bytes[..bytes.len() * 2 / 3 + 17]);
}

#[test]
fn glued_files_agree() {
    let Some(a) = synthetic(1.5) else { return };
    let dir = tempfile::tempdir().unwrap();
    // Two files glued by T4 merge: the second block right after the
    // first's rows, then after a Column Average line and junk.
    let body = &a[..a.len() - "Column Average, 99999\r\n".len()];
    let mut glued = body.to_vec();
    glued.extend_from_slice(&a);
    check(dir.path(), "glued.csv", &glued);
    let mut with_average = a.clone();
    with_average.extend_from_slice(b"\0\0\0junk after the averages\r\n");
    with_average.extend_from_slice(&a);
    check(dir.path(), "glued_average.csv", &with_average);
}

#[test]
fn corpus_files_agree() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "t4/t4_smtfb1_19nov2015_0001_2359_comp.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_disk.csv",
        "t4/t4_smtfb1_19nov2015_0001_2359_scs.csv",
        "t4/test_data.csv",
    ] {
        let Some(path) = corpus_file(name) else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let taken = check(dir.path(), name.trim_start_matches("t4/"), &bytes);
        assert!(
            taken.direct > 0 && taken.joined > 0 && taken.planned > 0,
            "{name}: {taken:?}"
        );
    }
}
