//! The columns of a file read in one go share one slab
//! ([`netmon_t4::ReaderBuilder::slab`]); the values are the same as in one
//! vector per column whatever happens on the way: a size hint too small
//! (the slab grows) or too large, a later block that brings a new column
//! (the values move out of the slab), no hint at all (vectors), a long
//! padding after the rows (vectors).

use netmon_t4::{Reader, T4File};

/// A header block of `names` then `rows` rows on `day`, one a second,
/// the cells after the time from `cells(row)`.
fn block(text: &mut String, day: &str, names: &str, rows: usize, cells: impl Fn(usize) -> String) {
    text.push_str("$$$ START COLUMN HEADERS $$$\r\n");
    text.push_str(&format!("[MON]Sample Time,{names}\r\n"));
    text.push_str("$$$ END COLUMN HEADERS $$$\r\n");
    for r in 0..rows {
        let (h, m, s) = (r / 3600, r / 60 % 60, r % 60);
        text.push_str(&format!("{day} {h:02}:{m:02}:{s:02}.00,{}\r\n", cells(r)));
    }
}

const META: &str = "NODE_1,Sample Interval: 60\r\n";

/// Two glued blocks; the second has a column the first has not.
fn glued(rows: usize) -> Vec<u8> {
    let mut text = String::from(META);
    block(&mut text, "19-NOV-2015", "A,B", rows, |r| {
        format!(" {r}.5,{}", r * 2)
    });
    block(&mut text, "20-NOV-2015", "B,C", rows, |r| {
        format!("{},7", r * 3)
    });
    text.into_bytes()
}

/// One block of `rows` rows of two columns.
fn plain(rows: usize) -> Vec<u8> {
    let mut text = String::from(META);
    block(&mut text, "19-NOV-2015", "A,B", rows, |r| {
        format!(" {r}.5,{}", r * 2)
    });
    text.into_bytes()
}

fn values(t: &T4File) -> Vec<(String, Vec<u64>)> {
    t.frame
        .columns()
        .map(|(n, c)| (n.to_string(), c.iter().map(|v| v.to_bits()).collect()))
        .collect()
}

fn vectors() -> Reader {
    Reader::builder().slab(false).build()
}

#[test]
fn a_new_column_moves_the_values_out_of_the_slab() {
    let bytes = glued(300);
    let slab = Reader::new().read_bytes("glued.csv", &bytes).unwrap();
    let vecs = vectors().read_bytes("glued.csv", &bytes).unwrap();
    assert_eq!(slab.frame.names(), ["A", "B", "C"]);
    assert_eq!(slab.frame.len(), 600);
    assert_eq!(values(&slab), values(&vecs));
    assert_eq!(slab.frame.index_ns(), vecs.frame.index_ns());
    assert_eq!(slab.frame.value(1, "A"), Some(1.5));
    assert!(slab.frame.value(301, "A").unwrap().is_nan());
    assert!(slab.frame.value(1, "C").unwrap().is_nan());
    assert_eq!(slab.frame.value(301, "B"), Some(3.0));
    // The slab had no room for C: every column moved to a vector.
    assert_eq!(slab.frame.slab_columns(), 0);
}

#[test]
fn wrong_size_hints_give_the_same_frame() {
    let bytes = plain(5000);
    let exact = vectors().read_bytes("plain.csv", &bytes).unwrap();
    assert_eq!(exact.frame.len(), 5000);
    assert_eq!(exact.frame.slab_columns(), 0);
    let len = bytes.len() as u64;
    // Too small a hint: the slab grows (more than once for 1/50).
    for hint in [len / 50, len / 3, len, len * 4] {
        let t = Reader::new()
            .read("plain.csv", &bytes[..], Some(hint))
            .unwrap();
        assert_eq!(values(&t), values(&exact), "hint {hint}");
        assert_eq!(t.frame.index_ns(), exact.frame.index_ns(), "hint {hint}");
        assert_eq!(t.frame.slab_columns(), 2, "hint {hint}");
    }
    // No hint: a stream of unknown length grows vectors.
    let t = Reader::new().read("plain.csv", &bytes[..], None).unwrap();
    assert_eq!(values(&t), values(&exact));
    assert_eq!(t.frame.slab_columns(), 0);
    // From bytes: the slab.
    let t = Reader::new().read_bytes("plain.csv", &bytes).unwrap();
    assert_eq!(values(&t), values(&exact));
    assert_eq!(t.frame.slab_columns(), 2);
}

#[test]
fn a_file_without_rows_has_empty_columns() {
    let bytes = plain(0);
    let t = Reader::new().read_bytes("empty.csv", &bytes).unwrap();
    assert_eq!((t.frame.len(), t.frame.width()), (0, 2));
    assert_eq!(t.frame.column("B"), Some(&[][..]));
}

#[test]
fn a_long_tail_after_the_rows_keeps_vectors() {
    // The size of a file that ends in 100 KiB of NUL padding overstates
    // its rows: one slab sized from it would be mostly room to spare.
    let mut padded = plain(50);
    padded.extend_from_slice(b"Column Average, 99999\r\n");
    let short = padded.clone();
    padded.extend(std::iter::repeat_n(0u8, 100 << 10));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("padded.csv");
    std::fs::write(&path, &padded).unwrap();
    let exact = vectors().read_bytes("short.csv", &short).unwrap();
    for t in [
        Reader::new().read_bytes("padded.csv", &padded).unwrap(),
        Reader::builder()
            .threads(1)
            .build()
            .read_path(&path)
            .unwrap(),
    ] {
        assert_eq!(values(&t), values(&exact));
        assert_eq!(t.frame.len(), 50);
        assert_eq!(t.frame.slab_columns(), 0);
    }
    // A little padding: the slab.
    let mut little = short.clone();
    little.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(&path, &little).unwrap();
    let t = Reader::builder()
        .threads(1)
        .build()
        .read_path(&path)
        .unwrap();
    assert_eq!(values(&t), values(&exact));
    assert_eq!(t.frame.slab_columns(), 2);
}
