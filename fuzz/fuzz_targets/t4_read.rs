//! The T4 reader on any bytes: never panics; the frame is consistent
//! (one kind per column, issues counted); reading the same bytes whole
//! and through a 4 KiB streaming buffer gives the same result, and so does
//! a file read in 2 or 3 parts on as many threads (written straight into
//! the final columns, joined after, or planned and parsed into values of
//! the caller's) whenever the split takes it; what it reads, written as
//! T4 and read again, gives the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_core::Frame;
use netmon_t4::{Reader, WriteOptions, write_t4};

fuzz_target!(|data: &[u8]| {
    let whole = Reader::new().read_bytes("fuzz", data);
    let streamed = Reader::builder().buffer(4096).build().read("fuzz", data, None);
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.frame, b.frame);
            let path = std::env::temp_dir().join(format!("netmon_fuzz_t4_{}.csv", std::process::id()));
            if std::fs::write(&path, data).is_ok() {
                for (parts, direct) in [(2, Some(true)), (2, Some(false)), (3, None)] {
                    if let Some(s) = Reader::new().read_path_in_parts(&path, parts, direct) {
                        assert_eq!(s.frame, a.frame, "{parts} parts");
                        assert_eq!(s.kinds, a.kinds, "{parts} parts");
                        assert_eq!(s.issues, a.issues, "{parts} parts");
                        assert_eq!(s.issue_count, a.issue_count, "{parts} parts");
                        assert_eq!((&s.meta, s.blocks), (&a.meta, a.blocks), "{parts} parts");
                    }
                }
                // Planned, then parsed into values of the caller's.
                if let Some(plan) = Reader::new().plan_path_in_parts(&path, 2) {
                    let rows = plan.rows();
                    let mut values = vec![0.0; plan.width() * rows];
                    if let Some(p) = Reader::new().read_plan(&plan, &mut values) {
                        let columns = plan
                            .names()
                            .iter()
                            .enumerate()
                            .map(|(c, n)| (n.clone(), values[c * rows..(c + 1) * rows].to_vec()));
                        let frame = Frame::from_columns(p.frame.index_ns().to_vec(), columns)
                            .expect("planned columns")
                            .with_tags(p.frame.tags().clone());
                        assert_eq!(frame, a.frame, "planned");
                        assert_eq!((&p.kinds, &p.issues), (&a.kinds, &a.issues), "planned");
                    }
                }
            }
            assert_eq!(a.kinds.len(), a.frame.width());
            assert!(a.issue_count >= a.issues.len() as u64);
            let kinds = a.kind_map();
            let mut out = Vec::new();
            let opts = WriteOptions { kinds: Some(&kinds), ..Default::default() };
            if write_t4(&mut out, &a.frame, &opts).is_ok() {
                // Names the format cannot carry are refused above; trailing
                // blanks of the last name are lost by T4's own rules.
                if let Ok(back) = Reader::new().read_bytes("again", &out) {
                    if back.frame.names() == a.frame.names() {
                        assert_eq!(back.frame.index_ns(), a.frame.index_ns());
                    }
                }
            }
        }
        (Err(a), Err(b)) => assert_eq!(a.position(), b.position()),
        _ => panic!("whole and streamed reads disagree: {whole:?} / {streamed:?}"),
    }
});
