//! A MIB from a walk dump: the output of net-snmp's `snmpwalk -On` (no
//! MIBs loaded), so an agent can replay a real device.
//!
//! ```
//! use netmon_snmp::agent::dump;
//! let text = ".1.3.6.1.2.1.1.1.0 = STRING: \"Linux edge\nsecond line\"\n\
//!             .1.3.6.1.2.1.1.3.0 = Timeticks: (8626) 0:01:26.26\n\
//!             .1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: 52 54 00 12 34 56 \n";
//! let d = dump::parse(text);
//! assert_eq!(d.mib.len(), 3);
//! assert!(d.skipped.is_empty());
//! ```

use crate::agent::mib::Mib;
use crate::oid::Oid;
use crate::value::Value;

/// What a dump gave: the MIB, and the records that could not be used
/// (line number and why).
#[derive(Debug, Default)]
pub struct Dump {
    /// One static read-only instance per usable record.
    pub mib: Mib,
    /// `(line, reason)` of each record left out.
    pub skipped: Vec<(usize, String)>,
}

/// Whether a line starts a record: `.1.3.6… = ` (or without the dot).
fn record_start(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = line.split_once(" = ").or_else(|| {
        // `.1.3… =` with nothing after it (an empty value).
        line.strip_suffix(" =").map(|n| (n, ""))
    })?;
    let digits = name.strip_prefix('.').unwrap_or(name);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .then_some((digits, rest))
}

fn hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    text.split_ascii_whitespace()
        .map(|h| u8::from_str_radix(h, 16).map_err(|_| format!("bad hex octet {h:?}")))
        .collect()
}

fn unquote(text: &str) -> Result<Vec<u8>, String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| format!("unterminated string {text:?}"))?;
    // net-snmp escapes only the double quote.
    Ok(inner.replace("\\\"", "\"").into_bytes())
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    // With MIBs loaded INTEGERs read `up(1)`: take the number inside.
    let t = text.trim();
    let t = match (t.find('('), t.rfind(')')) {
        (Some(a), Some(b)) if a < b => &t[a + 1..b],
        _ => t,
    };
    let t = t.split_ascii_whitespace().next().unwrap_or("");
    t.parse()
        .map_err(|_| format!("bad number {:?}", text.trim()))
}

/// The value of a record (the text after ` = `).
pub fn parse_value(text: &str) -> Result<Value, String> {
    if text == "\"\"" || text.is_empty() {
        return Ok(Value::OctetString(Vec::new()));
    }
    let (ty, v) = text
        .split_once(": ")
        .or_else(|| text.strip_suffix(':').map(|t| (t, "")))
        .unwrap_or((text, ""));
    Ok(match ty {
        // Quoted without MIBs; some tools print it bare.
        "STRING" => Value::OctetString(unquote(v).unwrap_or_else(|_| v.as_bytes().to_vec())),
        "Hex-STRING" => Value::OctetString(hex_bytes(v)?),
        "INTEGER" => Value::Integer(number(v)?),
        "Counter32" => Value::Counter32(number(v)?),
        "Gauge32" | "Unsigned32" | "UInteger32" => Value::Gauge32(number(v)?),
        "Counter64" => Value::Counter64(number(v)?),
        "Timeticks" => Value::TimeTicks(number(v)?),
        "OID" => Value::ObjectId(
            v.trim()
                .trim_start_matches('.')
                .parse::<Oid>()
                .map_err(|e| format!("bad OID {v:?}: {e}"))?,
        ),
        "IpAddress" => {
            let a: std::net::Ipv4Addr = v
                .trim()
                .parse()
                .map_err(|_| format!("bad IpAddress {v:?}"))?;
            Value::IpAddress(a.octets())
        }
        "NULL" => Value::Null,
        _ if text.starts_with("No Such") || text.starts_with("No more variables") => {
            return Err("an exception, not a value".into());
        }
        other => return Err(format!("type {other:?} not replayed")),
    })
}

/// Parses a whole dump. Values continue over lines (strings with
/// newlines, long Hex-STRINGs) until the next `OID = ` line.
pub fn parse(text: &str) -> Dump {
    let mut d = Dump::default();
    let mut current: Option<(usize, Oid, String)> = None;
    let finish = |d: &mut Dump, rec: Option<(usize, Oid, String)>| {
        if let Some((line, oid, value)) = rec {
            match parse_value(value.trim_end_matches(['\r', ' '])) {
                Ok(v) => {
                    d.mib.scalar(oid, v);
                }
                Err(e) => d.skipped.push((line, e)),
            }
        }
    };
    for (i, line) in text.lines().enumerate() {
        if let Some((name, rest)) = record_start(line) {
            match name.parse::<Oid>() {
                Ok(oid) => {
                    let rec = current.take();
                    finish(&mut d, rec);
                    current = Some((i + 1, oid, rest.to_string()));
                }
                Err(e) => {
                    let rec = current.take();
                    finish(&mut d, rec);
                    d.skipped.push((i + 1, format!("bad OID: {e}")));
                }
            }
        } else if let Some((_, _, value)) = current.as_mut() {
            value.push('\n');
            value.push_str(line);
        } else if !line.trim().is_empty() {
            d.skipped.push((i + 1, "not an `OID = value` line".into()));
        }
    }
    let rec = current.take();
    finish(&mut d, rec);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn every_type_net_snmp_prints() {
        let text = "\
.1.3.6.1.2.1.1.1.0 = STRING: \"say \\\"hi\\\"\"
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10
.1.3.6.1.2.1.1.3.0 = Timeticks: (2) 0:00:00.02
.1.3.6.1.2.1.1.4.0 = \"\"
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F
10 11
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 4294967295
.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 10000000
.1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 18446744073709551615
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: up(1)
.1.3.6.1.2.1.25.1.1.0 = Opaque: Float: 1.500000
.1.3.6.1.2.1.99.0 = No Such Object available on this agent at this OID
garbage
";
        let d = parse(text);
        let now = Instant::now();
        let get = |s: &str| d.mib.get(&s.parse().unwrap(), now).unwrap();
        assert_eq!(
            get("1.3.6.1.2.1.1.1.0"),
            Value::OctetString(b"say \"hi\"".to_vec())
        );
        assert_eq!(get("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(2));
        assert_eq!(get("1.3.6.1.2.1.1.4.0"), Value::OctetString(vec![]));
        assert_eq!(
            get("1.3.6.1.2.1.2.2.1.6.1"),
            Value::OctetString((0..18).collect())
        );
        assert_eq!(get("1.3.6.1.2.1.31.1.1.1.6.1"), Value::Counter64(u64::MAX));
        assert_eq!(get("1.3.6.1.2.1.2.2.1.8.1"), Value::Integer(1));
        assert_eq!(
            get("1.3.6.1.2.1.4.20.1.1.127.0.0.1"),
            Value::IpAddress([127, 0, 0, 1])
        );
        assert_eq!(d.mib.len(), 10);
        // Opaque and the exception are left out with their lines; the
        // garbage line continues the exception's record.
        let lines: Vec<usize> = d.skipped.iter().map(|s| s.0).collect();
        assert_eq!(lines, [12, 13]);
    }
}
