//! Timestamp::parse on any text: never panics; whatever parses prints as
//! RFC 3339 text that parses back to the same instant, and formats
//! without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_core::Timestamp;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Timestamp::parse(text) {
        Ok(t) => {
            let printed = t.to_string();
            assert_eq!(Timestamp::parse(&printed).ok(), Some(t), "{printed}");
            let _ = t.format("%Y-%^b-%d %H:%M:%S.%2f %j %s");
            assert_eq!(Timestamp::from_civil(t.to_civil()).ok(), Some(t));
        }
        Err(e) => {
            // Every parse error says where.
            assert!(e.position().is_some() || matches!(e, netmon_core::Error::TimeRange { .. }));
        }
    }
});
