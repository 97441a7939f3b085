//! pcapng options, name records and statistics: what our writer puts in
//! comes back out, and on the pcapng conformance files (both byte
//! orders) every packet's comments, interface name, flags, drop count
//! and packet ID, and every name record, are what tshark 4.0 reads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use netmon_pcap::pcapng::{NameRecord, code};
use netmon_pcap::write::PcapngWriter;
use netmon_pcap::{SliceReader, pcapng_blocks};

#[test]
fn written_options_read_back() {
    let mut out = Vec::new();
    let mut w = PcapngWriter::new(&mut out).unwrap();
    let eth0 = w.interface(1, 65535, Some("eth0")).unwrap();
    let lo = w.interface(1, 262144, Some("lo")).unwrap();
    w.packet(eth0, 5, &[1; 60], 60, Some("first, ünïcode"), Some(2))
        .unwrap();
    w.packet(lo, 6, &[2; 61], 61, None, None).unwrap();
    w.packet(lo, 7, &[3; 62], 70, Some("cut"), Some(1 | (3 << 2)))
        .unwrap();
    drop(w);
    let mut r = SliceReader::new(&out).unwrap();
    let p1 = r.next().unwrap().unwrap();
    assert_eq!(p1.comment(), Some("first, ünïcode"));
    assert_eq!(p1.flags().map(|f| f.direction()), Some(2));
    assert_eq!(r.interface_name(p1.interface), Some("eth0"));
    let p2 = r.next().unwrap().unwrap();
    assert_eq!((p2.comment(), p2.flags()), (None, None));
    assert_eq!(p2.options().count(), 0);
    assert_eq!(r.interface_name(p2.interface), Some("lo"));
    let p3 = r.next().unwrap().unwrap();
    let f = p3.flags().unwrap();
    assert_eq!(
        (f.direction(), f.reception(), p3.comment()),
        (1, 3, Some("cut"))
    );
    assert!(r.next().is_none());
    // The same through the block walk.
    let blocks: Vec<_> = pcapng_blocks(&out).map(Result::unwrap).collect();
    assert_eq!(blocks[0].name(), "SHB");
    assert!(blocks[0].text_option(code::SHB_USERAPPL).is_some());
    assert_eq!(blocks[1].text_option(code::IF_NAME), Some("eth0"));
    assert_eq!(blocks[3].comment(), Some("first, ünïcode"));
    // A cut option is an error at its offset, and the walk ends.
    let mut damaged = out.clone();
    let at = p1.options_offset;
    damaged[at + 2] = 0xff; // the comment's length runs past the block
    let p = SliceReader::new(&damaged).unwrap().next().unwrap().unwrap();
    let opts: Vec<_> = p.options().collect();
    assert_eq!(opts.len(), 1);
    assert_eq!(opts[0].as_ref().unwrap_err().offset, at);
}

fn conformance_files() -> Option<Vec<PathBuf>> {
    let dir = netmon_testkit::corpus_file("pcap/pcapng-conformance")?;
    let mut files = Vec::new();
    for order in ["output_le", "output_be"] {
        for cat in ["basic", "advanced", "difficult"] {
            for e in std::fs::read_dir(dir.join(order).join(cat)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "pcapng") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    Some(files)
}

fn tshark(tshark: &Path, args: &[&str]) -> String {
    let out = Command::new(tshark).args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn packet_options_agree_with_tshark() {
    let Some(files) = conformance_files() else {
        return;
    };
    let Some(ts) = netmon_testkit::tool("tshark") else {
        return;
    };
    let (mut packets, mut comments, mut flagged) = (0, 0, 0);
    for f in &files {
        let theirs = tshark(
            &ts,
            &[
                "-n",
                "-r",
                f.to_str().unwrap(),
                "-T",
                "fields",
                "-E",
                "separator=|",
                "-E",
                "occurrence=a",
                "-E",
                "aggregator=,",
                "-e",
                "frame.comment",
                "-e",
                "frame.interface_name",
                "-e",
                "frame.packet_flags",
                "-e",
                "frame.drop_count",
                "-e",
                "frame.packet_id",
            ],
        );
        let data = std::fs::read(f).unwrap();
        // Deliberate difference: in a file of several sections TShark
        // 4.0 names a packet's interface by its section-local ID in the
        // list of every section's interfaces; interface IDs are per
        // section (pcapng §4.2), and so are our names. Names are
        // compared in single-section files.
        let sections = pcapng_blocks(&data)
            .map_while(Result::ok)
            .filter(|b| b.name() == "SHB")
            .count();
        let mut r = SliceReader::new(&data).unwrap();
        let theirs: Vec<String> = theirs
            .lines()
            .map(|l| {
                let mut c: Vec<&str> = l.split('|').collect();
                if sections > 1 && c.len() > 1 {
                    c[1] = "";
                }
                c.join("|")
            })
            .collect();
        let mut n = 0;
        while let Some(Ok(p)) = r.next() {
            n += 1;
            let texts: Vec<&str> = p.comments().collect();
            // Wireshark shows CR LF and other controls escaped.
            let name = r
                .interface_name(p.interface)
                .filter(|_| sections == 1)
                .map(|n| n.replace('\r', "\\r").replace('\n', "\\n"))
                .unwrap_or_default();
            let ours = format!(
                "{}|{}|{}|{}|{}",
                texts.join(","),
                name,
                p.flags()
                    .map(|f| format!("{:#010x}", f.0))
                    .unwrap_or_default(),
                p.drop_count().map(|d| d.to_string()).unwrap_or_default(),
                p.packet_id().map(|d| d.to_string()).unwrap_or_default(),
            );
            // Frame numbers as Wireshark's (custom blocks count).
            let line = theirs.get(p.number as usize - 1).map(String::as_str);
            assert_eq!(Some(&ours[..]), line, "{} frame {}", f.display(), p.number);
            comments += usize::from(!ours.starts_with('|'));
            flagged += usize::from(ours.split('|').nth(2).is_some_and(|x| !x.is_empty()));
        }
        packets += n;
    }
    println!(
        "{} files, {packets} packets, {comments} with comments, {flagged} with flags: as tshark",
        files.len()
    );
    assert!(
        packets > 100 && comments >= 4 && flagged >= 4,
        "{packets} {comments} {flagged}"
    );
}

#[test]
fn name_records_agree_with_tshark() {
    let Some(files) = conformance_files() else {
        return;
    };
    let Some(ts) = netmon_testkit::tool("tshark") else {
        return;
    };
    let mut total = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let mut ours = BTreeSet::new();
        for b in pcapng_blocks(&data).map_while(Result::ok) {
            for rec in b.name_records() {
                match rec {
                    NameRecord::Ipv4(a, names) => {
                        for n in names {
                            ours.insert(format!("{a}\t{n}"));
                        }
                    }
                    NameRecord::Ipv6(a, names) => {
                        for n in names {
                            ours.insert(format!("{a}\t{n}"));
                        }
                    }
                    _ => {}
                }
            }
        }
        let out = tshark(&ts, &["-n", "-q", "-r", f.to_str().unwrap(), "-z", "hosts"]);
        let theirs: BTreeSet<String> = out
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_string)
            .collect();
        assert!(
            theirs.is_subset(&ours),
            "{}: tshark has {:?} we do not",
            f.display(),
            theirs.difference(&ours).collect::<Vec<_>>()
        );
        total += theirs.len();
    }
    println!("name records: tshark's {total} host entries all read");
    assert!(total >= 10, "{total}");
}
