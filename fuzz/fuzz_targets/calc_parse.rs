//! Calc files of any text, in both modes: parsing never panics, errors
//! carry a position, and what parses evaluates on a small frame without
//! panicking and without changing the frame's length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_core::Frame;
use netmon_t4::calc::{CalcFile, Context, Mode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for mode in [Mode::Precedence, Mode::LeftToRight] {
        match CalcFile::parse(text, mode) {
            Ok(calc) => {
                let mut f = Frame::from_columns(
                    vec![0, 1_000_000_000, 2_000_000_000],
                    [("A", vec![1.0, 2.0, f64::NAN]), ("B", vec![0.0, 5.0, 3.0]), ("%P", vec![1.0, 1.0, 1.0])],
                )
                .expect("frame");
                let ctx = Context::with_interval(60.0).constant("k", 2.0);
                let _ = calc.apply(&mut f, &ctx);
                assert_eq!(f.len(), 3);
                for (_, c) in f.columns() {
                    assert_eq!(c.len(), 3);
                }
            }
            Err(e) => assert!(e.position().is_some(), "{e}"),
        }
    }
});
