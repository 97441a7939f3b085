//! Every kind of damage gives a positioned error or issue, and the rest of
//! the file is still read. Fixtures are built here, byte by byte.

use netmon_core::Position;
use netmon_t4::{Error, IssueKind, Layout, Reader};

const META: &str = "NODE_1,Hw Name:HP rx3600,Sample Interval: 60, Memory Size: 24576 Mb, Cpus: 4";

fn f2(rows: &[&str]) -> String {
    let mut s = format!(
        "{META}\r\n$$$ START COLUMN HEADERS $$$\r\n[MON]Sample Time,A,B\r\n$$$ END COLUMN HEADERS $$$\r\n"
    );
    for r in rows {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s
}

fn read(text: &str) -> netmon_t4::Result<netmon_t4::T4File> {
    Reader::new().read_bytes("fixture.csv", text.as_bytes())
}

fn format_error(text: &str) -> (Position, String) {
    match read(text) {
        Err(e @ Error::Format { .. }) => (e.position().unwrap(), e.to_string()),
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn empty_files() {
    for text in ["", "\r\n\r\n", "   \n"] {
        let (pos, msg) = format_error(text);
        assert_eq!(pos, Position::line_column(1, 1));
        assert!(
            msg.contains("fixture.csv") && msg.contains("empty"),
            "{msg}"
        );
    }
}

#[test]
fn truncated_headers() {
    let (pos, msg) = format_error(&format!("{META}\r\n"));
    assert_eq!(pos.line, Some(1));
    assert!(msg.contains("cut short"), "{msg}");
    // Format 1 that stops after its date and time lines.
    let (pos, _) =
        format_error("NODE_1,  T4EXTR Version: \r\n19-NOV-2015,19-NOV-2015\r\n00:01,00:01\r\n");
    assert_eq!(pos.line, Some(3));
}

#[test]
fn missing_end_tag() {
    let text = format!(
        "{META}\r\n$$$ START COLUMN HEADERS $$$\r\n[MON]Sample Time,A\r\n19-NOV-2015 00:02:00.01,1\r\n"
    );
    let (pos, msg) = format_error(&text);
    assert_eq!(pos, Position::line_column(2, 1), "{msg}");
    assert!(msg.contains("END COLUMN HEADERS"), "{msg}");
}

#[test]
fn no_time_column() {
    let text =
        "NODE_1\r\n$$$ START COLUMN HEADERS $$$\r\nA,B\r\n$$$ END COLUMN HEADERS $$$\r\n1,2\r\n";
    let (pos, msg) = format_error(text);
    assert_eq!(pos.line, Some(4));
    assert!(msg.contains("Sample Time"), "{msg}");
}

#[test]
fn garbage_row_is_skipped_and_reported() {
    let t4 = read(&f2(&[
        "19-NOV-2015 00:02:00.01,1,2",
        "this is not a row,3,4",
        "19-NOV-2015 00:03:00.01,5,6",
    ]))
    .unwrap();
    assert_eq!(t4.frame.column("A"), Some(&[1.0, 5.0][..]));
    assert_eq!(t4.issues.len(), 1);
    let i = &t4.issues[0];
    assert_eq!((i.kind, i.line, i.column), (IssueKind::BadTimestamp, 6, 1));
    assert!(i.to_string().contains("line 6, column 1"), "{i}");
}

#[test]
fn nul_bytes_before_the_average_line() {
    let t4 = read(&f2(&[
        "19-NOV-2015 00:02:00.01,1,2",
        "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        "19-NOV-2015 00:03:00.01,3,\0\0",
        "Column Average, 99999",
        "\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        "19-NOV-2015 00:02:00.01,1,2",
    ]))
    .unwrap();
    assert_eq!(t4.frame.len(), 2, "rows after Column Average ignored");
    assert_eq!(t4.frame.column("A"), Some(&[1.0, 3.0][..]));
    assert!(t4.frame.column("B").unwrap()[1].is_nan());
    let kinds: Vec<_> = t4
        .issues
        .iter()
        .map(|i| (i.kind, i.line, i.column))
        .collect();
    assert_eq!(
        kinds,
        [
            (IssueKind::BadTimestamp, 6, 1),
            (IssueKind::InvalidValue, 7, 27)
        ]
    );
}

#[test]
fn file_cut_mid_row() {
    let mut text = f2(&["19-NOV-2015 00:02:00.01,1.5,2.5"]);
    text.push_str("19-NOV-2015 00:03:00.01,7.25,");
    let t4 = read(&text).unwrap();
    assert_eq!(t4.frame.len(), 2);
    assert_eq!(t4.frame.value(1, "A"), Some(7.25));
    assert!(t4.frame.value(1, "B").unwrap().is_nan());
    assert_eq!(t4.issues.len(), 1);
    assert_eq!(
        (t4.issues[0].kind, t4.issues[0].line),
        (IssueKind::CutShort, 6)
    );

    // Cut inside a number: the cut cell is not trusted.
    let mut text = f2(&[]);
    text.push_str("19-NOV-2015 00:03:00.01,12");
    let t4 = read(&text).unwrap();
    assert!(t4.frame.value(0, "A").unwrap().is_nan());
    assert_eq!(t4.issues[0].kind, IssueKind::CutShort);

    // A complete last row without a newline is not damage.
    let mut text = f2(&[]);
    text.push_str("19-NOV-2015 00:03:00.01,1,2");
    let t4 = read(&text).unwrap();
    assert!(t4.issues.is_empty());
    assert_eq!(t4.frame.row(0), Some(vec![1.0, 2.0]));
}

#[test]
fn extra_fields_skip_the_row_and_its_issues() {
    let t4 = read(&f2(&[
        "19-NOV-2015 00:02:00.01,x,2,9",
        "19-NOV-2015 00:03:00.01,3,4,,  ",
    ]))
    .unwrap();
    assert_eq!(t4.frame.len(), 1, "trailing empty fields are fine");
    assert_eq!(t4.frame.row(0), Some(vec![3.0, 4.0]));
    assert_eq!(t4.issues.len(), 1, "{:?}", t4.issues);
    assert_eq!(
        (t4.issues[0].kind, t4.issues[0].column),
        (IssueKind::ExtraFields, 29)
    );
    assert_eq!(t4.issue_count, 1);
}

#[test]
fn short_rows_na_tokens_and_spaces() {
    let t4 = read(&f2(&[
        "19-NOV-2015 00:02:00.01 ,  69.683 ",
        "19-NOV-2015 00:03:00.01,N/A,NaN",
        "",
        "19-NOV-2015 00:04:00.01,,  -1e3",
    ]))
    .unwrap();
    assert_eq!(t4.frame.len(), 3);
    let a = t4.frame.column("A").unwrap();
    assert_eq!(a[0], 69.683);
    assert!(a[1].is_nan() && a[2].is_nan());
    let b = t4.frame.column("B").unwrap();
    assert!(b[0].is_nan() && b[1].is_nan());
    assert_eq!(b[2], -1000.0);
    assert!(t4.issues.is_empty());
}

#[test]
fn crlf_and_lf_read_the_same() {
    let crlf = f2(&["19-NOV-2015 00:02:00.01,1,2", "19-NOV-2015 00:03:00.01,3,4"]);
    let lf = crlf.replace("\r\n", "\n");
    assert_eq!(read(&crlf).unwrap().frame, read(&lf).unwrap().frame);
}

#[test]
fn duplicate_names_are_suffixed() {
    let text = "N\n$$$ START COLUMN HEADERS $$$\nSample Time,A,A,B\nA,A.1\n$$$ END COLUMN HEADERS $$$\n\
                2014-Jan-01 00:04:23.00,1,2,3,4,5\n";
    let t4 = read(text).unwrap();
    assert_eq!(t4.frame.names(), ["A", "A.2", "B", "A.3", "A.1"]);
    assert_eq!(t4.frame.row(0), Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
}

#[test]
fn time_column_anywhere_and_other_time_columns_dropped() {
    let text = "N\n$$$ START COLUMN HEADERS $$$\nA,[MON]Sample Time,[XFC]Sample Time,B\n$$$ END COLUMN HEADERS $$$\n\
                1, 19-NOV-2015 00:02:00.01 ,19-NOV-2015 00:02:00,2\n";
    let t4 = read(text).unwrap();
    assert_eq!(t4.frame.names(), ["A", "B"]);
    assert_eq!(t4.frame.row(0), Some(vec![1.0, 2.0]));
    assert_eq!(t4.time_column, "[MON]Sample Time");
}

#[test]
fn format1_with_and_without_date_lines() {
    let full = "NODE_1,  T4EXTR Version: , File Format Type: 1\r\n19-NOV-2015,19-NOV-2015\r\n00:01,00:01\r\n\
                [MON]Sample Time,X\r\n19-NOV-2015 00:02:00.01 ,0.5\r\n";
    let bare = "NODE_1,  T4EXTR Version: , File Format Type: 1\r\n[MON]Sample Time,X\r\n19-NOV-2015 00:02:00.01 ,0.5\r\n";
    for text in [full, bare] {
        let t4 = read(text).unwrap();
        assert_eq!(t4.layout, Layout::Format1);
        assert_eq!(t4.frame.column("X"), Some(&[0.5][..]));
    }
}

#[test]
fn metadata_fields() {
    let t4 = read(&f2(&[])).unwrap();
    let m = &t4.meta;
    assert_eq!(m.node.as_deref(), Some("NODE_1"));
    assert_eq!(m.hardware.as_deref(), Some("HP rx3600"));
    assert_eq!(m.sample_interval, Some(60.0));
    assert_eq!(m.memory_mb, Some(24576));
    assert_eq!(m.cpus, Some(4));
    assert_eq!(t4.frame.tags().node.as_deref(), Some("NODE_1"));
}

#[test]
fn glued_files_keep_every_block() {
    // Part 1 ends with Column Average and junk; part 2 is glued right after
    // (T4 merge); part 3 follows part 2 with no Column Average at all, and
    // has another column; part 4 is a Format-1 file.
    let mut text = f2(&[
        "19-NOV-2015 00:02:00.01,1,2",
        "Column Average, 99999",
        "\0\0\0\0",
        ".85,0.03",
    ]);
    text.push_str(&f2(&["19-NOV-2015 00:03:00.01,3,4"]));
    text.push_str(
        "SYSTEM1/System1 Merged/SYSTEM1 Merged,\r\n$$$ START COLUMN HEADERS $$$\r\n\
         Sample Time,B,C\r\n$$$ END COLUMN HEADERS $$$\r\n19-NOV-2015 00:04:00.01,5,6\r\n",
    );
    text.push_str(
        "NODE_2,  T4EXTR Version: , File Format Type: 1\r\n19-NOV-2015\r\n00:01\r\n\
         [MON]Sample Time,A\r\n19-NOV-2015 00:05:00.01 ,7\r\n",
    );
    let t4 = read(&text).unwrap();
    assert_eq!(t4.blocks, 4);
    assert!(t4.issues.is_empty(), "{:?}", t4.issues);
    assert_eq!(t4.frame.names(), ["A", "B", "C"]);
    assert_eq!(t4.frame.len(), 4);
    let col = |n| {
        t4.frame
            .column(n)
            .unwrap()
            .iter()
            .map(|v| if v.is_nan() { -1.0 } else { *v })
            .collect::<Vec<_>>()
    };
    assert_eq!(col("A"), [1.0, 3.0, -1.0, 7.0]);
    assert_eq!(col("B"), [2.0, 4.0, 5.0, -1.0]);
    assert_eq!(col("C"), [-1.0, -1.0, 6.0, -1.0]);
    assert_eq!(
        t4.meta.node.as_deref(),
        Some("NODE_1"),
        "the first block's metadata"
    );
}

#[test]
fn zip_archives() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t4_smtfb1_19nov2015.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("t4_smtfb1_comp.csv", opts).unwrap();
    zip.write_all(f2(&["19-NOV-2015 00:02:00.01,1,2"]).as_bytes())
        .unwrap();
    zip.start_file("readme.txt", opts).unwrap();
    zip.write_all(b"not T4").unwrap();
    zip.start_file("BROKEN.CSV", opts).unwrap();
    zip.write_all(b"").unwrap();
    zip.finish().unwrap();

    let results = Reader::new().read_zip(&path).unwrap();
    assert_eq!(results.len(), 2, "the two .csv members");
    let good = results[0].as_ref().unwrap();
    assert!(
        good.name
            .ends_with("t4_smtfb1_19nov2015.zip/t4_smtfb1_comp.csv"),
        "{}",
        good.name
    );
    assert_eq!(good.frame.row(0), Some(vec![1.0, 2.0]));
    let bad = results[1].as_ref().unwrap_err();
    assert!(
        bad.to_string().contains("BROKEN.CSV") && bad.to_string().contains("empty"),
        "{bad}"
    );

    std::fs::write(dir.path().join("fake.zip"), b"PK not really").unwrap();
    assert!(matches!(
        Reader::new().read_zip(dir.path().join("fake.zip")),
        Err(Error::Zip { .. })
    ));
    assert!(matches!(
        Reader::new().read_zip(dir.path().join("none.zip")),
        Err(Error::Io { .. })
    ));
}
