//! Any text as an `snmpwalk -On` dump: never panics; every record is
//! either served or listed as skipped with a line inside the text; the
//! MIB built walks in strictly increasing OID order.
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use netmon_snmp::Oid;
use netmon_snmp::agent::dump;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let d = dump::parse(&text);
    let lines = text.lines().count();
    for (line, _) in &d.skipped {
        assert!(*line >= 1 && *line <= lines, "line {line} of {lines}");
    }
    let now = Instant::now();
    let mut at = Oid::new([]);
    let mut n = 0;
    while let Some((name, _)) = d.mib.next(&at, now) {
        assert!(name > at);
        at = name;
        n += 1;
    }
    assert_eq!(n, d.mib.len());
});
