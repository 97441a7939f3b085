//! A deterministic large T4 file for benchmarks: the rows of a real file
//! cycled with one-minute steps, as t4.md §6.2 describes (the same bytes
//! as its generator, sha256 `ca75fed9…a7a34` for 200 MB from the
//! corpus's `comp` file).

use std::io::{self, Write};

/// What [`write_synthetic`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synthetic {
    /// Data rows.
    pub rows: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Writes a Format-2 file of at least `target_bytes` from `source`, a
/// CRLF Format-2 T4 file: its header, then its rows cycled with stamps
/// from 19-NOV-2015 00:02:00 one minute apart (fraction `.{i % 100:02}`),
/// secondary time columns rewritten to match, and a closing
/// `Column Average, 99999` line.
pub fn write_synthetic<W: Write>(
    source: &[u8],
    mut out: W,
    target_bytes: u64,
) -> io::Result<Synthetic> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let text = std::str::from_utf8(source).map_err(|_| bad("source is not ASCII text"))?;
    let lines: Vec<&str> = text.split("\r\n").collect();
    let end = lines
        .iter()
        .position(|l| *l == crate::reader::END_TAG)
        .ok_or_else(|| bad("source has no END tag (Format 2 with CRLF expected)"))?;
    let header = &lines[..=end];
    let names = header.get(2..end).unwrap_or(&[]).join(",");
    let tcols: Vec<usize> = names
        .split(',')
        .enumerate()
        .filter(|(_, n)| n.to_uppercase().contains("SAMPLE TIME"))
        .map(|(i, _)| i)
        .collect();
    let rows: Vec<Vec<&str>> = lines[end + 1..]
        .iter()
        .take_while(|l| !l.starts_with(crate::reader::AVERAGE_MARK))
        .map(|l| l.split(',').collect())
        .collect();
    if rows.is_empty() {
        return Err(bad("source has no rows"));
    }
    let mut size = 0u64;
    let head = format!("{}\r\n", header.join("\r\n"));
    out.write_all(head.as_bytes())?;
    size += head.len() as u64;
    // 19-NOV-2015 00:02:00 UTC, in whole minutes since the epoch.
    let start_minute: i64 = 1_447_891_320 / 60;
    let mut i: u64 = 0;
    let mut line = String::new();
    while size < target_bytes {
        let t = netmon_core::Timestamp::from_secs((start_minute + i as i64) * 60)
            .ok_or_else(|| bad("time out of range"))?;
        let date = t.format("%d-%^b-%Y");
        let hms = t.format("%H:%M:%S");
        let mut r = rows[(i % rows.len() as u64) as usize].clone();
        let first = format!("{date} {hms}.{:02}", i % 100);
        let mut secondary = Vec::with_capacity(tcols.len());
        for &c in tcols.iter().skip(1) {
            if let Some(cell) = r.get(c) {
                secondary.push(if cell.starts_with(' ') {
                    format!(" {hms}")
                } else {
                    format!("{date} {hms}")
                });
            }
        }
        r[0] = &first;
        for (&c, v) in tcols.iter().skip(1).zip(&secondary) {
            if let Some(cell) = r.get_mut(c) {
                *cell = v;
            }
        }
        line.clear();
        line.push_str(&r.join(","));
        line.push_str("\r\n");
        out.write_all(line.as_bytes())?;
        size += line.len() as u64;
        i += 1;
    }
    let tail = b"Column Average, 99999\r\n";
    out.write_all(tail)?;
    size += tail.len() as u64;
    out.flush()?;
    Ok(Synthetic {
        rows: i,
        bytes: size,
    })
}
