//! Varbinds printed as net-snmp 5.9.3 prints them with `-On` and no MIBs
//! loaded (`OID = TYPE: value`).

use netmon::snmp::ber::OpaqueValue;
use netmon::snmp::{Value, VarBind};

/// C's isprint || isspace in the C locale.
fn printable(b: u8) -> bool {
    (0x20..=0x7e).contains(&b) || (0x09..=0x0d).contains(&b)
}

fn hex_string(s: &[u8]) -> String {
    let mut out = String::new();
    for (i, b) in s.iter().enumerate() {
        if i > 0 && i % 16 == 0 {
            out.push('\n');
        }
        out.push_str(&format!("{b:02X} "));
    }
    out
}

fn uptime(t: u32) -> String {
    let centis = t % 100;
    let secs = t / 100;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    match days {
        0 => format!("{h}:{m:02}:{s:02}.{centis:02}"),
        1 => format!("1 day, {h}:{m:02}:{s:02}.{centis:02}"),
        d => format!("{d} days, {h}:{m:02}:{s:02}.{centis:02}"),
    }
}

/// The value part, after ` = `.
pub fn value(v: &Value) -> String {
    match v {
        Value::Integer(i) => format!("INTEGER: {i}"),
        Value::OctetString(s) if s.is_empty() => "\"\"".to_string(),
        Value::OctetString(s) if s.iter().all(|b| printable(*b)) => {
            // net-snmp escapes double quotes inside the string.
            format!(
                "STRING: \"{}\"",
                String::from_utf8_lossy(s).replace('"', "\\\"")
            )
        }
        Value::OctetString(s) => format!("Hex-STRING: {}", hex_string(s)),
        Value::Null => "NULL".to_string(),
        Value::ObjectId(o) => format!("OID: .{o}"),
        Value::IpAddress([a, b, c, d]) => format!("IpAddress: {a}.{b}.{c}.{d}"),
        Value::Counter32(x) => format!("Counter32: {x}"),
        Value::Gauge32(x) => format!("Gauge32: {x}"),
        Value::TimeTicks(t) => format!("Timeticks: ({t}) {}", uptime(*t)),
        Value::Counter64(x) => format!("Counter64: {x}"),
        Value::Opaque(o) => match o.as_ref() {
            OpaqueValue::Float(f) => format!("Opaque: Float: {f:.6}"),
            OpaqueValue::Double(d) => format!("Opaque: Double: {d:.6}"),
            OpaqueValue::Counter64(x) => format!("Opaque: Counter64: {x}"),
            OpaqueValue::I64(x) => format!("Opaque: Int64: {x}"),
            OpaqueValue::U64(x) => format!("Opaque: UInt64: {x}"),
            OpaqueValue::Raw(r) => format!("OPAQUE: {}", hex_string(r)),
        },
        Value::NsapAddress(s) => format!("NsapAddress: {}", hex_string(s)),
        Value::NoSuchObject => "No Such Object available on this agent at this OID".to_string(),
        Value::NoSuchInstance => "No Such Instance currently exists at this OID".to_string(),
        Value::EndOfMibView => {
            "No more variables left in this MIB View (It is past the end of the MIB tree)"
                .to_string()
        }
        Value::Other { tag, value } => format!("Wrong Type (0x{tag:02X}): {}", hex_string(value)),
    }
}

/// One line: `.1.3.6… = TYPE: value`.
pub fn line(vb: &VarBind) -> String {
    format!(".{} = {}", vb.name, value(&vb.value))
}
