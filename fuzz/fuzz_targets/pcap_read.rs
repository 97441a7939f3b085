//! Any bytes as a pcap or pcapng file, every packet through the frame
//! decoder and the IP defragmenter: never panics, never hangs (records advance), packet data
//! lies inside the input, frame numbers count up from 1; and the same
//! bytes as a single frame of every link type decode without a panic,
//! and where decoding stopped lies inside the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netmon_pcap::SliceReader;
use netmon_pcap::defrag::Defragmenter;
use netmon_pcap::dissect::{dissect, dissect_frame};

const LINKS: [u16; 10] = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];

fuzz_target!(|data: &[u8]| {
    if let Ok(reader) = SliceReader::new(data) {
        // Every packet's IP part (raw, or after an Ethernet header) through
        // a small defragmenter: no panic, nothing over 64 KiB comes out.
        let mut defrag = Defragmenter::with_limits(16, 1 << 20, 1_000_000_000);
        let mut expected = 1;
        for p in reader.take(100_000) {
            let Ok(p) = p else { break };
            assert_eq!(p.number, expected);
            expected += 1;
            assert!(p.offset < data.len());
            let _ = dissect_frame(p.link_type, p.data, p.orig_len as usize);
            for ip in [p.data, p.data.get(14..).unwrap_or_default()] {
                if let Ok(Some(whole)) = defrag.add(p.ts_ns, ip) {
                    assert!(whole.len() <= 65_535 + 60);
                }
            }
        }
    }
    // The wire representations over the same bytes: no panic; Ethernet
    // re-emits its own header; what IPv4 and TCP emit parses back.
    if let Ok((eth, len)) = netmon_pcap::wire::EthernetRepr::parse(data) {
        let mut o = Vec::new();
        eth.emit(&mut o);
        assert_eq!(&o[..], &data[..len]);
    }
    if let Ok((ip, _)) = netmon_pcap::wire::Ipv4Repr::parse(data) {
        let mut o = Vec::new();
        if ip.emit(&mut o).is_ok() {
            assert!(netmon_pcap::wire::Ipv4Repr::parse(&o).is_ok());
        }
    }
    if let Ok((tcp, _)) = netmon_pcap::wire::TcpRepr::parse(data) {
        let mut o = Vec::new();
        if tcp.emit(&mut o).is_ok() {
            assert!(netmon_pcap::wire::TcpRepr::parse(&o).is_ok());
        }
    }
    let _ = netmon_pcap::wire::ArpRepr::parse(data);
    for link in LINKS {
        let f = dissect(link, data);
        if let Some(stop) = f.stopped {
            assert!(stop.offset <= data.len(), "{stop:?}");
        }
    }
});
