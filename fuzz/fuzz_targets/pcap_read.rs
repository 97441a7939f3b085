//! Any bytes as a pcap or pcapng file, every packet through the frame
//! decoder and the IP defragmenter: never panics, never hangs (records advance), packet data
//! lies inside the input, frame numbers count up from 1 (custom blocks
//! take one too), options and blocks read without a panic; and the same
//! bytes as a single frame of every link type decode without a panic,
//! where decoding stopped lies inside the frame, and the straight
//! Ethernet path gives the general path's fields; every wire
//! representation that parses re-emits its octets (or, for VXLAN and
//! Geneve, whose reserved bits are not kept, parses back the same).
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
            assert!(p.number >= expected);
            expected = p.number + 1;
            assert!(p.offset < data.len());
            for o in p.options().take(1000) {
                let Ok(o) = o else { break };
                assert!(o.value.len() <= data.len());
            }
            let _ = (p.comment(), p.flags(), p.drop_count());
            let _ = dissect_frame(p.link_type, p.data, p.orig_len as usize);
            for ip in [p.data, p.data.get(14..).unwrap_or_default()] {
                if let Ok(Some(whole)) = defrag.add(p.ts_ns, ip) {
                    assert!(whole.len() <= 65_535 + 60);
                }
            }
        }
    }
    for b in netmon_pcap::pcapng_blocks(data).take(10_000) {
        let Ok(b) = b else { break };
        let _ = (
            b.options().take(1000).count(),
            b.name_records(),
            b.interface_stats(),
            b.secrets(),
        );
    }
    for checksums in [false, true] {
        let opts = netmon_pcap::dissect::Options { checksums };
        assert_eq!(
            netmon_pcap::dissect::dissect_with(1, data, data.len(), opts),
            netmon_pcap::dissect::dissect_general(1, data, data.len(), opts)
        );
    }
    re_emit_new_representations(data);
    views(data);
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

fn re_emit_new_representations(data: &[u8]) {
    use netmon_pcap::wire::*;
    macro_rules! exact {
        ($parsed:expr, $emit:expr) => {
            if let Ok((r, len)) = $parsed {
                let mut o = Vec::new();
                #[allow(clippy::redundant_closure_call)]
                ($emit)(&r, &mut o);
                assert_eq!(&o[..], &data[..len]);
            }
        };
    }
    exact!(LlcRepr::parse(data), |r: &LlcRepr, o: &mut Vec<u8>| r
        .emit(o)
        .unwrap());
    exact!(SllRepr::parse(data), |r: &SllRepr, o: &mut Vec<u8>| r
        .emit(o));
    exact!(Sll2Repr::parse(data), |r: &Sll2Repr, o: &mut Vec<u8>| r
        .emit(o));
    exact!(
        NullRepr::parse(data, false),
        |r: &NullRepr, o: &mut Vec<u8>| r.emit(o)
    );
    exact!(GreRepr::parse(data), |r: &GreRepr, o: &mut Vec<u8>| r
        .emit(o));
    exact!(Ipv6Repr::parse(data), |r: &Ipv6Repr, o: &mut Vec<u8>| r
        .emit(o)
        .unwrap());
    if let Ok((r, _)) = VxlanRepr::parse(data) {
        let mut o = Vec::new();
        r.emit(&mut o);
        assert_eq!(VxlanRepr::parse(&o).unwrap().0, r);
    }
    if let Ok((r, _)) = GeneveRepr::parse(data) {
        let mut o = Vec::new();
        r.emit(&mut o).unwrap();
        assert_eq!(GeneveRepr::parse(&o).unwrap().0, r);
    }
}

/// Every zero-copy view over the bytes: its getters never panic once
/// `new_checked` said yes, and the payloads lie inside.
fn views(data: &[u8]) {
    use netmon_pcap::wire::*;
    if let Ok(v) = EthernetView::new_checked(data) {
        let _ = (v.dst(), v.src(), v.tags().count(), v.ethertype(), v.to_repr());
        assert!(v.payload().len() <= data.len());
    }
    if let Ok(v) = Ipv4View::new_checked(data) {
        let _ = (v.tos(), v.total_len(), v.id(), v.dont_frag(), v.more_frags());
        let _ = (v.frag_offset(), v.ttl(), v.protocol(), v.checksum(), v.src(), v.dst());
        let _ = (v.options(), v.verify_checksum(), v.pseudo_sum(9), v.to_repr());
        assert!(v.payload().len() <= data.len());
    }
    if let Ok(v) = Ipv6View::new_checked(data) {
        let _ = (v.traffic_class(), v.flow_label(), v.payload_len(), v.next_header());
        let _ = (v.hop_limit(), v.src(), v.dst(), v.payload(), v.to_repr());
    }
    if let Ok(v) = TcpView::new_checked(data) {
        let _ = (v.src_port(), v.dst_port(), v.seq(), v.ack(), v.flags(), v.window());
        let _ = (v.checksum(), v.urgent(), v.options(), v.payload(), v.verify_checksum(0));
        let _ = v.to_repr();
    }
    if let Ok(v) = UdpView::new_checked(data) {
        let _ = (v.src_port(), v.dst_port(), v.len(), v.is_empty(), v.checksum());
        let _ = (v.payload(), v.to_repr());
    }
    if let Ok(v) = IcmpView::new_checked(data) {
        let _ = (v.icmp_type(), v.code(), v.checksum(), v.echo(), v.payload());
        let _ = (v.verify_checksum(0), v.to_repr());
    }
}
