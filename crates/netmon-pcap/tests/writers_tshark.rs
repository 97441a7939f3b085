//! What netmon writes, Wireshark reads: the generated traffic mix written
//! as pcap (microseconds) and pcapng (interface names, comments, EPB
//! flags, nanoseconds), read back by tshark field by field.

use std::process::Command;

use netmon_pcap::SliceReader;
use netmon_pcap::write::{PcapWriter, PcapngWriter};

fn tshark(path: &std::path::Path, fields: &[&str]) -> Vec<Vec<String>> {
    let tshark = netmon_testkit::tool("tshark").expect("checked by the caller");
    let out = Command::new(tshark)
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-E", "separator=/t"])
        .args(fields.iter().flat_map(|f| ["-e", f]))
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn tshark_reads_what_netmon_writes() {
    if netmon_testkit::tool("tshark").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut mix = Vec::new();
    netmon_pcap::synth::write_mix(&mut mix, 300_000).unwrap();
    let packets: Vec<_> = SliceReader::new(&mix)
        .unwrap()
        .map(|p| p.unwrap())
        .collect();
    assert!(packets.len() > 300);

    // pcap, microseconds, snap length 200: long frames are cut.
    let path = dir.path().join("mix.pcap");
    let mut w = PcapWriter::new(std::fs::File::create(&path).unwrap(), 1, 200, false).unwrap();
    for p in &packets {
        w.packet(p.ts_ns, p.data, p.orig_len).unwrap();
    }
    w.into_inner().unwrap();
    let rows = tshark(
        &path,
        &[
            "frame.number",
            "frame.time_epoch",
            "frame.len",
            "frame.cap_len",
            "ip.src",
            "ipv6.src",
        ],
    );
    assert_eq!(rows.len(), packets.len());
    for (p, r) in packets.iter().zip(&rows) {
        assert_eq!(r[0], p.number.to_string());
        let us = p.ts_ns / 1000;
        assert_eq!(r[1], format!("{}.{:06}000", us / 1_000_000, us % 1_000_000));
        assert_eq!(r[2], p.orig_len.to_string());
        assert_eq!(r[3], p.data.len().min(200).to_string());
        assert!(!r[4].is_empty() || !r[5].is_empty(), "an IP layer in {r:?}");
    }

    // pcapng: two named interfaces, comments, direction flags.
    let path = dir.path().join("mix.pcapng");
    let mut w = PcapngWriter::new(std::fs::File::create(&path).unwrap()).unwrap();
    let cpe = w.interface(1, 65535, Some("cpe-wan")).unwrap();
    let server = w.interface(1, 65535, Some("server-eth1")).unwrap();
    for (i, p) in packets.iter().enumerate() {
        let (iface, dir_flag) = if i % 2 == 0 { (cpe, 1) } else { (server, 2) };
        let comment = (i % 10 == 0).then(|| format!("packet {i}"));
        w.packet(
            iface,
            p.ts_ns + 7,
            p.data,
            p.orig_len,
            comment.as_deref(),
            Some(dir_flag),
        )
        .unwrap();
    }
    w.into_inner().unwrap();
    let rows = tshark(
        &path,
        &[
            "frame.number",
            "frame.time_epoch",
            "frame.len",
            "frame.interface_name",
            "frame.comment",
            "frame.packet_flags_direction",
        ],
    );
    assert_eq!(rows.len(), packets.len());
    for (i, (p, r)) in packets.iter().zip(&rows).enumerate() {
        let ts = p.ts_ns + 7;
        assert_eq!(
            r[1],
            format!("{}.{:09}", ts / 1_000_000_000, ts % 1_000_000_000)
        );
        assert_eq!(r[2], p.orig_len.to_string());
        assert_eq!(r[3], if i % 2 == 0 { "cpe-wan" } else { "server-eth1" });
        assert_eq!(
            r.get(4).map(String::as_str).unwrap_or(""),
            if i % 10 == 0 {
                format!("packet {i}")
            } else {
                String::new()
            }
        );
        assert_eq!(
            r.get(5).map(String::as_str),
            Some(if i % 2 == 0 {
                "0x00000001"
            } else {
                "0x00000002"
            })
        );
    }
}

/// The modified pcap format (magic a1b2cd34, 24-octet records), as
/// editcap writes it: the same packets as the original file, sliced and
/// streamed.
#[test]
fn modified_pcap_from_editcap_reads_the_same() {
    let Some(editcap) = netmon_testkit::tool("editcap") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (orig, modified) = (dir.path().join("orig.pcap"), dir.path().join("mod.pcap"));
    let mut w = netmon_pcap::write::PcapWriter::new(Vec::new(), 1, 65535, false).unwrap();
    for i in 0..50u32 {
        let frame: Vec<u8> = (0..60 + i).map(|x| (x * 7 + i) as u8).collect();
        w.packet(
            1_700_000_000_000_000_000 + i128::from(i) * 1_234_000,
            &frame,
            frame.len() as u32 + i % 3,
        )
        .unwrap();
    }
    std::fs::write(&orig, w.into_inner().unwrap()).unwrap();
    let st = std::process::Command::new(editcap)
        .args(["-F", "modpcap"])
        .arg(&orig)
        .arg(&modified)
        .status()
        .unwrap();
    assert!(st.success());
    let (a, b) = (
        std::fs::read(&orig).unwrap(),
        std::fs::read(&modified).unwrap(),
    );
    assert_eq!(&b[..4], &[0x34, 0xcd, 0xb2, 0xa1], "modified magic");
    let key = |p: netmon_pcap::Packet<'_>| (p.number, p.ts_ns, p.data.to_vec(), p.orig_len);
    let ours: Vec<_> = netmon_pcap::SliceReader::new(&a)
        .unwrap()
        .map(|p| key(p.unwrap()))
        .collect();
    let sliced: Vec<_> = netmon_pcap::SliceReader::new(&b)
        .unwrap()
        .map(|p| key(p.unwrap()))
        .collect();
    let mut streamed = Vec::new();
    let mut r = netmon_pcap::StreamReader::with_sizes(&b[..], 128, 4096).unwrap();
    while let Some(p) = r.next_packet() {
        streamed.push(key(p.unwrap()));
    }
    assert_eq!(ours.len(), 50);
    assert_eq!(sliced, ours);
    assert_eq!(streamed, ours);
}
