//! The reader and the transport path over every capture of the corpus:
//! the tcpdump test suite's pcap files, the pcapng conformance set (both
//! byte orders) and the odd and damaged files. Nothing panics, every
//! error points inside its file, and the well-formed files read to the
//! end. (Field-by-field agreement with tshark comes with the wire layer.)

use std::path::Path;

use netmon_pcap::{SliceReader, StreamReader, transport};

fn files(dir: &Path, ext: &[&str], out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ext.contains(&x))
        {
            out.push(p);
        }
    }
}

/// Reads a file to its end or first error; (packets, error).
fn read_all(path: &Path) -> (usize, Option<String>) {
    let data = std::fs::read(path).unwrap();
    let reader = match SliceReader::new(&data) {
        Ok(r) => r,
        Err(e) => {
            assert!(e.offset <= data.len());
            return (0, Some(e.to_string()));
        }
    };
    let mut n = 0;
    for p in reader {
        match p {
            Ok(p) => {
                assert!(p.offset < data.len());
                let _ = transport(p.link_type, p.data);
                n += 1;
            }
            Err(e) => {
                assert!(e.offset <= data.len(), "{}: {e}", path.display());
                return (n, Some(e.to_string()));
            }
        }
    }
    (n, None)
}

#[test]
fn every_corpus_capture_reads_without_panic() {
    let Some(dir) = netmon_testkit::corpus_file("pcap") else {
        return;
    };
    let mut all = Vec::new();
    files(&dir, &["pcap", "pcapng", "cap"], &mut all);
    all.sort();
    let mut packets = 0;
    let mut damaged = Vec::new();
    for path in &all {
        let (n, err) = read_all(path);
        packets += n;
        if let Some(e) = err {
            damaged.push(format!(
                "{}: {e}",
                path.strip_prefix(&dir).unwrap().display()
            ));
        }
    }
    eprintln!(
        "{} files, {packets} packets; {} stopped early:\n  {}",
        all.len(),
        damaged.len(),
        damaged.join("\n  ")
    );
    assert!(all.len() > 500, "{}", all.len());
    // The well-formed sets read to the end: the conformance files and the
    // tcpdump captures, except the deliberately damaged ones.
    for d in &damaged {
        assert!(
            !d.starts_with("pcapng-conformance/") || d.contains("difficult"),
            "conformance file refused: {d}"
        );
    }
    assert!(
        damaged.len() * 10 < all.len(),
        "{} of {} refused",
        damaged.len(),
        all.len()
    );
}

/// Every packet's fields (or the error that stopped the reading).
type Fields = (i128, u16, u32, Vec<u8>, u32);

fn packets_of(data: &[u8]) -> Vec<Result<Fields, String>> {
    SliceReader::new(data)
        .unwrap()
        .map(|p| {
            p.map(|p| {
                (
                    p.ts_ns,
                    p.link_type,
                    p.interface,
                    p.data.to_vec(),
                    p.orig_len,
                )
            })
            .map_err(|e| e.what)
        })
        .collect()
}

#[test]
fn pcapng_both_byte_orders_give_the_same_packets() {
    let Some(dir) = netmon_testkit::corpus_file("pcap/pcapng-conformance") else {
        return;
    };
    let mut le = Vec::new();
    files(&dir.join("output_le"), &["pcapng"], &mut le);
    le.sort();
    let mut compared = 0;
    for l in &le {
        let rel = l.strip_prefix(dir.join("output_le")).unwrap();
        let b = dir.join("output_be").join(rel);
        if !b.exists() {
            continue;
        }
        let (dl, db) = (std::fs::read(l).unwrap(), std::fs::read(&b).unwrap());
        assert_eq!(packets_of(&dl), packets_of(&db), "{}", rel.display());
        compared += 1;
    }
    assert!(compared >= 20, "{compared}");
}

/// Every packet of a file as (number, time, link type, octets, wire
/// length, offset), and the error that ended it.
type Read = (Vec<(u64, i128, u16, Vec<u8>, u32, usize)>, Option<String>);

fn slice_read(data: &[u8]) -> Read {
    let mut out = Vec::new();
    let reader = match SliceReader::new(data) {
        Ok(r) => r,
        Err(e) => return (out, Some(e.to_string())),
    };
    for p in reader {
        match p {
            Ok(p) => out.push((
                p.number,
                p.ts_ns,
                p.link_type,
                p.data.to_vec(),
                p.orig_len,
                p.offset,
            )),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
    (out, None)
}

fn stream_read(data: &[u8], buffer: usize) -> Read {
    let mut out = Vec::new();
    let mut reader = match StreamReader::with_sizes(data, buffer, 1 << 20) {
        Ok(r) => r,
        Err(e) => return (out, Some(e.to_string())),
    };
    while let Some(p) = reader.next_packet() {
        match p {
            Ok(p) => out.push((
                p.number,
                p.ts_ns,
                p.link_type,
                p.data.to_vec(),
                p.orig_len,
                p.offset,
            )),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
    (out, None)
}

#[test]
fn streaming_reads_what_the_slice_reader_reads() {
    let Some(dir) = netmon_testkit::corpus_file("pcap") else {
        return;
    };
    let mut all = Vec::new();
    files(&dir, &["pcap", "pcapng", "cap"], &mut all);
    all.sort();
    assert!(all.len() > 500);
    let mut packets = 0;
    for path in &all {
        let data = std::fs::read(path).unwrap();
        let whole = slice_read(&data);
        packets += whole.0.len();
        // Refills smaller than most records, and the default size.
        for buffer in [64, 1000, 64 << 10] {
            assert_eq!(
                stream_read(&data, buffer),
                whole,
                "{} with {buffer}-octet refills",
                path.display()
            );
        }
    }
    assert!(packets > 9000, "{packets} packets compared");
}

#[test]
fn streaming_limits_and_damage() {
    // A pcap with one record declaring 2 GiB: an error at the record, no
    // allocation of that size.
    let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&65535u32.to_le_bytes());
    f.extend_from_slice(&1u32.to_le_bytes());
    let good = |f: &mut Vec<u8>| {
        f.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        f.extend_from_slice(&4u32.to_le_bytes());
        f.extend_from_slice(&4u32.to_le_bytes());
        f.extend_from_slice(&[1, 2, 3, 4]);
    };
    good(&mut f);
    let mut absurd = f.clone();
    absurd.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 0]);
    absurd.extend_from_slice(&0x8000_0000u32.to_le_bytes());
    absurd.extend_from_slice(&60u32.to_le_bytes());
    absurd.extend_from_slice(&[0; 100]);
    let (packets, err) = stream_read(&absurd, 4096);
    assert_eq!(packets.len(), 1);
    let err = err.unwrap();
    assert!(
        err.contains("over the reader's limit") && err.contains("at byte 44"),
        "{err}"
    );
    // The last record cut short: the packets before it, then the error.
    let mut cut = f.clone();
    good(&mut cut);
    cut.truncate(cut.len() - 2);
    let (packets, err) = stream_read(&cut, 16);
    assert_eq!(packets.len(), 1);
    assert!(
        err.unwrap()
            .contains("runs past the end of the file at byte 44")
    );
    assert_eq!(slice_read(&cut), stream_read(&cut, 16));
    // An empty input and a lone magic.
    assert!(
        stream_read(&[], 64)
            .1
            .unwrap()
            .contains("shorter than a capture header")
    );
    assert!(stream_read(&f[..10], 64).1.unwrap().contains("cut short"));
    // Each kind of damage has its kind.
    use netmon_pcap::{FileErrorKind, SliceReader, StreamReader};
    let kind_streamed = |data: &[u8]| {
        let mut r = match StreamReader::with_sizes(data, 4096, 8192) {
            Ok(r) => r,
            Err(e) => return Some(e.kind),
        };
        while let Some(p) = r.next_packet() {
            if let Err(e) = p {
                return Some(e.kind);
            }
        }
        None
    };
    assert_eq!(kind_streamed(&absurd), Some(FileErrorKind::OverLimit));
    assert_eq!(kind_streamed(&cut), Some(FileErrorKind::Truncated));
    assert_eq!(kind_streamed(&f[..10]), Some(FileErrorKind::Truncated));
    assert_eq!(kind_streamed(b"GIF89a"), Some(FileErrorKind::NotACapture));
    assert_eq!(kind_streamed(&f), None);
    let kind_sliced = |data: &[u8]| match SliceReader::new(data) {
        Err(e) => Some(e.kind),
        Ok(mut r) => r.find_map(|p| p.err()).map(|e| e.kind),
    };
    assert_eq!(kind_sliced(&absurd), Some(FileErrorKind::Truncated));
    assert_eq!(
        kind_sliced(b"\x00\x01\x02\x03"),
        Some(FileErrorKind::NotACapture)
    );
    // pcapng: a block whose trailing length disagrees is malformed.
    let mut ng = Vec::new();
    let mut w = netmon_pcap::write::PcapngWriter::new(&mut ng).unwrap();
    let i = w.interface(1, 65535, None).unwrap();
    w.packet(i, 0, &[0; 60], 60, None, None).unwrap();
    drop(w);
    let last = ng.len() - 1;
    ng[last] ^= 0x01;
    assert_eq!(kind_sliced(&ng), Some(FileErrorKind::Malformed));
    assert_eq!(kind_streamed(&ng), Some(FileErrorKind::Malformed));
}

/// The pcapng conformance suite (both byte orders): every file yields
/// exactly the block sequence and counts its `.txt` describes.
#[test]
fn pcapng_conformance_block_sequences() {
    let Some(dir) = netmon_testkit::corpus_file("pcap/pcapng-conformance") else {
        return;
    };
    let mut txts = Vec::new();
    files(&dir, &["txt"], &mut txts);
    txts.sort();
    let mut checked = 0;
    for txt in &txts {
        let capture = txt.with_extension("pcapng");
        let Ok(data) = std::fs::read(&capture) else {
            continue;
        };
        let text = std::fs::read_to_string(txt).unwrap();
        let want: Vec<&str> = text
            .lines()
            .find_map(|l| l.strip_prefix("Block sequence:"))
            .expect("a block sequence line")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let got: Vec<&str> = netmon_pcap::pcapng_blocks(&data)
            .map(|b| {
                b.unwrap_or_else(|e| panic!("{}: {e}", capture.display()))
                    .name()
            })
            .collect();
        assert_eq!(got, want, "{}", capture.display());
        // The counts agree with the sequence (and so with the walk).
        for line in text.lines().filter_map(|l| l.trim().split_once(": ")) {
            if let Ok(n) = line.1.parse::<usize>() {
                assert_eq!(
                    got.iter().filter(|b| **b == line.0).count(),
                    n,
                    "{}: {}",
                    capture.display(),
                    line.0
                );
            }
        }
        // And the packet reader sees every packet block.
        let packets = SliceReader::new(&data)
            .unwrap()
            .filter(|p| p.is_ok())
            .count();
        let packet_blocks = got
            .iter()
            .filter(|b| matches!(**b, "EPB" | "SPB" | "PB"))
            .count();
        assert_eq!(packets, packet_blocks, "{}", capture.display());
        checked += 1;
    }
    assert!(checked >= 48, "{checked} conformance files");
}

/// Interface statistics in the conformance files: drop counters are read
/// where an ISB carries them, and absent elsewhere.
#[test]
fn capture_drop_counters() {
    let Some(dir) = netmon_testkit::corpus_file("pcap/pcapng-conformance") else {
        return;
    };
    let mut all = Vec::new();
    files(&dir, &["pcapng"], &mut all);
    let mut with_isb = 0;
    for path in &all {
        let data = std::fs::read(path).unwrap();
        let isbs = netmon_pcap::pcapng_blocks(&data)
            .filter_map(Result::ok)
            .filter(|b| b.name() == "ISB")
            .count();
        let drops = netmon_pcap::capture_drops(&data);
        if isbs == 0 {
            assert_eq!(drops, None, "{}", path.display());
        } else {
            with_isb += 1;
        }
    }
    assert!(with_isb >= 4, "{with_isb}");
    // An ISB with 7 dropped by the interface and 5 by the system.
    let mut w = netmon_pcap::write::PcapngWriter::new(Vec::new()).unwrap();
    w.interface(1, 65535, Some("eth0")).unwrap();
    let mut file = w.into_inner().unwrap();
    let mut body = vec![0u8; 12]; // interface 0, timestamp
    for (code, value) in [(5u16, 7u64), (7, 5)] {
        body.extend_from_slice(&code.to_le_bytes());
        body.extend_from_slice(&8u16.to_le_bytes());
        body.extend_from_slice(&value.to_le_bytes());
    }
    body.extend_from_slice(&[0; 4]); // opt_endofopt
    let total = (12 + body.len()) as u32;
    file.extend_from_slice(&5u32.to_le_bytes());
    file.extend_from_slice(&total.to_le_bytes());
    file.extend_from_slice(&body);
    file.extend_from_slice(&total.to_le_bytes());
    assert_eq!(netmon_pcap::capture_drops(&file), Some(12));
    // A pcap file has no counters.
    let mut pcap = Vec::new();
    netmon_pcap::synth::write_mix(&mut pcap, 10_000).unwrap();
    assert_eq!(netmon_pcap::capture_drops(&pcap), None);
}
