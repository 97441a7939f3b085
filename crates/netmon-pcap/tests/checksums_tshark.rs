//! Checksum verdicts against tshark 4.0 over the tcpdump corpus: IPv4
//! header, UDP, ICMP and ICMPv6 status (TCP's is in the pcapdump test),
//! first occurrence each, good/bad/unverified as Wireshark numbers them.
//! (TShark always verifies ICMP and ICMPv6 checksums; the others are
//! turned on by preference.)

use netmon_pcap::SliceReader;
use netmon_pcap::dissect::{ChecksumStatus, dissect_frame};

const FIELDS: [&str; 4] = [
    "ip.checksum.status",
    "udp.checksum.status",
    "icmp.checksum.status",
    "icmpv6.checksum.status",
];

#[test]
fn checksum_verdicts_agree_with_tshark() {
    let Some(dir) = netmon_testkit::corpus_file("pcap/tcpdump") else {
        return;
    };
    let Some(tshark) = netmon_testkit::tool("tshark") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let results: Vec<(String, usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(files.len().div_ceil(2))
            .map(|chunk| {
                let tshark = &tshark;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|f| {
                            // Damaged captures end tshark with an error
                            // after the packets it read: compared as far as
                            // both go (a broken command shows in the total).
                            let theirs = netmon_testkit::tshark_fields(tshark, f, &FIELDS);
                            let data = std::fs::read(f).unwrap();
                            let code = |c: Option<ChecksumStatus>| {
                                c.map(|c| c.code().to_string()).unwrap_or_default()
                            };
                            let ours: Vec<String> = SliceReader::new(&data)
                                .map(|r| {
                                    r.map_while(Result::ok)
                                        .map(|p| {
                                            let d = dissect_frame(
                                                p.link_type,
                                                p.data,
                                                p.orig_len as usize,
                                            );
                                            [
                                                code(d.ip_checksum),
                                                code(d.udp_checksum),
                                                code(d.icmp_checksum),
                                                code(d.icmpv6_checksum),
                                            ]
                                            .join("\t")
                                        })
                                        .collect()
                                })
                                .unwrap_or_default();
                            let name = f.file_name().unwrap().to_string_lossy().into_owned();
                            let n = ours.len().min(theirs.len());
                            let diffs: Vec<String> = (0..n)
                                .filter(|i| ours[*i] != theirs[*i])
                                .map(|i| {
                                    format!(
                                        "{name} #{}: ours {:?} tshark {:?}",
                                        i + 1,
                                        ours[i],
                                        theirs[i]
                                    )
                                })
                                .collect();
                            (name, n, n - diffs.len(), diffs)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let total: usize = results.iter().map(|r| r.1).sum();
    let same: usize = results.iter().map(|r| r.2).sum();
    println!(
        "checksum verdicts: {same} of {total} packets agree with tshark ({:.2} %)",
        100.0 * same as f64 / total as f64
    );
    for r in results.iter().filter(|r| !r.3.is_empty()).take(40) {
        for d in r.3.iter().take(2) {
            println!("  {d}");
        }
    }
    assert!(total > 8000);
    assert!(same * 1000 >= total * 990, "below 99 %");
}
