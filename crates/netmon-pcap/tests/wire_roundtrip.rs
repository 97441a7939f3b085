//! Representations: parse(emit(r)) == r, and the headers of real captures
//! (the tcpdump corpus) re-emit octet for octet.

use std::path::{Path, PathBuf};

use netmon_pcap::transport::link;
use netmon_pcap::wire::{
    ArpRepr, EthernetRepr, IcmpRepr, Ipv4Option, Ipv4Repr, TcpOption, TcpRepr, UdpRepr, VlanTag,
};
use netmon_pcap::{Packet, SliceReader};

#[test]
fn representations_round_trip() {
    let eth = EthernetRepr {
        dst: [1, 2, 3, 4, 5, 6],
        src: [7, 8, 9, 10, 11, 12],
        tags: vec![
            VlanTag {
                tpid: 0x88a8,
                tci: 0x0064,
            },
            VlanTag {
                tpid: 0x8100,
                tci: 0x2005,
            },
        ],
        ethertype: 0x0800,
    };
    let mut o = Vec::new();
    eth.emit(&mut o);
    assert_eq!(EthernetRepr::parse(&o).unwrap(), (eth.clone(), eth.len()));

    let mut ip = Ipv4Repr {
        tos: 0x28,
        total_len: 84,
        id: 0xbeef,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        ttl: 63,
        protocol: 6,
        checksum: 0,
        src: "10.1.2.3".parse().unwrap(),
        dst: "192.0.2.9".parse().unwrap(),
        options: vec![
            Ipv4Option::RouterAlert(0),
            Ipv4Option::RecordRoute {
                pointer: 4,
                route: vec![0; 8],
            },
            Ipv4Option::Timestamp {
                pointer: 5,
                oflw_flags: 0,
                data: vec![0; 4],
            },
            Ipv4Option::Nop,
            Ipv4Option::EndOfList,
        ],
    };
    let mut o = Vec::new();
    ip.emit(&mut o).unwrap();
    let (mut back, len) = Ipv4Repr::parse(&o).unwrap();
    assert_eq!(len, o.len());
    ip.checksum = back.checksum;
    // The emitter pads to 32 bits with end-of-list octets.
    while back.options.last() == Some(&Ipv4Option::EndOfList)
        && back.options.len() > ip.options.len()
    {
        back.options.pop();
    }
    assert_eq!(back, ip);
    assert_eq!(
        netmon_pcap::dissect::ones_sum(0, &o),
        0xffff,
        "header checksum"
    );

    let tcp = TcpRepr {
        src_port: 40000,
        dst_port: 443,
        seq: 0xdead_beef,
        ack: 7,
        flags: 0x018,
        window: 502,
        urgent: 0,
        options: vec![
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Timestamps { value: 1, echo: 2 },
            TcpOption::Sack(vec![(10, 20), (30, 40)]),
            TcpOption::Mss(1460),
            TcpOption::WindowScale(7),
        ],
    };
    let mut o = Vec::new();
    tcp.emit(&mut o).unwrap();
    let (mut back, _) = TcpRepr::parse(&o).unwrap();
    // The emitter pads to 32 bits with end-of-list octets.
    while back.options.last() == Some(&TcpOption::EndOfList) {
        back.options.pop();
    }
    assert_eq!(back, tcp);
    // The other options, in a second header (40 octets at most fit).
    let more = TcpRepr {
        options: vec![
            TcpOption::SackPermitted,
            TcpOption::FastOpen(vec![1, 2, 3, 4, 5, 6, 7, 8]),
            TcpOption::Mptcp(vec![0x00, 0x81, 1, 2, 3, 4, 5, 6, 7, 8]),
            TcpOption::Unknown {
                kind: 254,
                data: vec![0xf9, 0x89],
            },
        ],
        ..tcp.clone()
    };
    let mut o = Vec::new();
    more.emit(&mut o).unwrap();
    let (mut back, _) = TcpRepr::parse(&o).unwrap();
    while back.options.last() == Some(&TcpOption::EndOfList) {
        back.options.pop();
    }
    assert_eq!(back, more);
    // Too many options: refused, nothing written.
    let too_many = TcpRepr {
        options: [tcp.options.clone(), more.options.clone()].concat(),
        ..tcp.clone()
    };
    let mut o = Vec::new();
    assert!(too_many.emit(&mut o).is_err());
    assert!(o.is_empty());
    // The other options, in a second header (40 octets at most fit).
    let more = TcpRepr {
        options: vec![
            TcpOption::SackPermitted,
            TcpOption::FastOpen(vec![1, 2, 3, 4, 5, 6, 7, 8]),
            TcpOption::Mptcp(vec![0x00, 0x81, 1, 2, 3, 4, 5, 6, 7, 8]),
            TcpOption::Unknown {
                kind: 254,
                data: vec![0xf9, 0x89],
            },
        ],
        ..tcp.clone()
    };
    let mut o = Vec::new();
    more.emit(&mut o).unwrap();
    let (mut back, _) = TcpRepr::parse(&o).unwrap();
    while back.options.last() == Some(&TcpOption::EndOfList) {
        back.options.pop();
    }
    assert_eq!(back, more);
    // Too many options: refused, nothing written.
    let too_many = TcpRepr {
        options: [tcp.options.clone(), more.options.clone()].concat(),
        ..tcp.clone()
    };
    let mut o = Vec::new();
    assert!(too_many.emit(&mut o).is_err());
    assert!(o.is_empty());

    let arp = ArpRepr {
        htype: 1,
        ptype: 0x0800,
        op: 2,
        sha: vec![2, 0, 0, 0, 0, 1],
        spa: vec![10, 0, 0, 1],
        tha: vec![2, 0, 0, 0, 0, 2],
        tpa: vec![10, 0, 0, 2],
    };
    let mut o = Vec::new();
    arp.emit(&mut o);
    assert_eq!(ArpRepr::parse(&o).unwrap(), (arp, 28));

    let udp = UdpRepr {
        src_port: 161,
        dst_port: 40000,
        length: 12,
        checksum: 0,
    };
    let mut o = Vec::new();
    udp.emit(&mut o, b"ping", ip.pseudo_sum(12));
    let (back, _) = UdpRepr::parse(&o).unwrap();
    assert_eq!(
        (back.src_port, back.dst_port, back.length),
        (161, 40000, 12)
    );
    let icmp = IcmpRepr {
        icmp_type: 8,
        code: 0,
        checksum: 0,
        rest: [0, 1, 0, 9],
    };
    let mut o = Vec::new();
    icmp.emit(&mut o, b"abc", 0);
    let (back, _) = IcmpRepr::parse(&o).unwrap();
    assert_eq!(back.echo(), Some((1, 9)));
    assert_eq!(
        netmon_pcap::dissect::ones_sum(0, &[&o[..], b"abc"].concat()),
        0xffff
    );
    // Damaged octets: errors, no panic.
    for n in 0..o.len() {
        let _ = TcpRepr::parse(&o[..n]);
        let _ = Ipv4Repr::parse(&o[..n]);
    }
    assert!(TcpRepr::parse(&[0; 19]).is_err());
    assert!(Ipv4Repr::parse(&[0x46, 0, 0, 0]).is_err());
}

/// Every capture file of a corpus folder, read whole.
fn captures(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            std::fs::read(&path).ok().map(|d| (path, d))
        })
        .collect()
}

/// Their packets, as far as each file reads.
fn packets(files: &[(PathBuf, Vec<u8>)]) -> impl Iterator<Item = (&Path, Packet<'_>)> {
    files.iter().flat_map(|(path, data)| {
        SliceReader::new(data)
            .into_iter()
            .flat_map(|r| r.map_while(Result::ok))
            .map(move |p| (path.as_path(), p))
    })
}

#[test]
fn corpus_headers_re_emit_octet_for_octet() {
    let Some(dir) = netmon_testkit::corpus_file("pcap/tcpdump") else {
        return;
    };
    let (mut eth_n, mut ip_n, mut tcp_n) = (0, 0, 0);
    let (mut ip_same, mut tcp_same) = (0, 0);
    let files = captures(&dir);
    for (path, p) in packets(&files) {
        if p.link_type != link::ETHERNET {
            continue;
        }
        let Ok((eth, off)) = EthernetRepr::parse(p.data) else {
            continue;
        };
        let mut o = Vec::new();
        eth.emit(&mut o);
        assert_eq!(&o[..], &p.data[..off], "{}", path.display());
        eth_n += 1;
        if eth.ethertype != 0x0800 {
            continue;
        }
        let Ok((ip, ihl)) = Ipv4Repr::parse(&p.data[off..]) else {
            continue;
        };
        ip_n += 1;
        let mut o = Vec::new();
        if ip.emit(&mut o).is_err() {
            continue;
        }
        o[10..12].copy_from_slice(&p.data[off + 10..off + 12]); // checksum as captured
        // Equal when the options are canonical.
        if o[..] == p.data[off..off + ihl] {
            ip_same += 1;
        }
        if ip.protocol != 6 || ip.frag_offset != 0 {
            continue;
        }
        let seg = &p.data[off + ihl..];
        let Ok((tcp, hlen)) = TcpRepr::parse(seg) else {
            continue;
        };
        tcp_n += 1;
        let mut o = Vec::new();
        if tcp.emit(&mut o).is_err() {
            continue;
        }
        o[16..18].copy_from_slice(&seg[16..18]); // checksum as captured
        if o[..] == seg[..hlen] {
            tcp_same += 1;
        }
    }
    println!("re-emitted: Ethernet {eth_n} all; IPv4 {ip_same}/{ip_n}; TCP {tcp_same}/{tcp_n}");
    assert!(
        eth_n > 5000 && ip_n > 3000 && tcp_n > 1000,
        "{eth_n} {ip_n} {tcp_n}"
    );
    assert!(ip_same * 100 >= ip_n * 97, "IPv4 {ip_same}/{ip_n}");
    assert!(tcp_same * 100 >= tcp_n * 99, "TCP {tcp_same}/{tcp_n}");
}

/// The other link layers, IPv6 with its extension headers and GRE from
/// the tcpdump corpus: parse, emit, and compare with the captured octets.
#[test]
fn corpus_link_ipv6_and_gre_headers_re_emit() {
    use netmon_pcap::wire::{GreRepr, Ipv6Repr, LlcRepr, NullRepr, Sll2Repr, SllRepr};
    let Some(dir) = netmon_testkit::corpus_file("pcap/tcpdump") else {
        return;
    };
    // (parsed, identical) per kind.
    let mut n = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    let mut count = |kind: &'static str, same: bool| {
        let e = n.entry(kind).or_default();
        e.0 += 1;
        e.1 += usize::from(same);
    };
    let files = captures(&dir);
    for (_, p) in packets(&files) {
        let d = p.data;
        // The network layer: (ethertype, offset).
        let net = match p.link_type {
            link::ETHERNET => match EthernetRepr::parse(d) {
                Ok((eth, off)) if eth.ethertype <= 1500 => {
                    if let Ok((llc, len)) = LlcRepr::parse(&d[off..]) {
                        let mut o = Vec::new();
                        llc.emit(&mut o).unwrap();
                        count("LLC", o[..] == d[off..off + len]);
                    }
                    None
                }
                Ok((eth, off)) => Some((eth.ethertype, off)),
                Err(_) => None,
            },
            link::LINUX_SLL => SllRepr::parse(d).ok().map(|(s, len)| {
                let mut o = Vec::new();
                s.emit(&mut o);
                count("SLL", o[..] == d[..len]);
                (s.protocol, len)
            }),
            link::LINUX_SLL2 => Sll2Repr::parse(d).ok().map(|(s, len)| {
                let mut o = Vec::new();
                s.emit(&mut o);
                count("SLL2", o[..] == d[..len]);
                (s.protocol, len)
            }),
            link::NULL | link::LOOP => {
                NullRepr::parse(d, p.link_type == link::LOOP)
                    .ok()
                    .map(|(h, len)| {
                        let mut o = Vec::new();
                        h.emit(&mut o);
                        count("null", o[..] == d[..len]);
                        (if h.is_ipv6() { 0x86dd } else { 0x0800 }, len)
                    })
            }
            _ => None,
        };
        let Some((ethertype, off)) = net else {
            continue;
        };
        let l3 = &d[off..];
        let (proto, l4) = match ethertype {
            0x86dd => match Ipv6Repr::parse(l3) {
                Ok((ip, hlen)) => {
                    let mut o = Vec::new();
                    if ip.emit(&mut o).is_ok() {
                        count(
                            if ip.extensions.is_empty() {
                                "IPv6"
                            } else {
                                "IPv6 with extensions"
                            },
                            o[..] == l3[..hlen],
                        );
                    }
                    (ip.protocol, &l3[hlen..])
                }
                Err(_) => continue,
            },
            0x0800 => match Ipv4Repr::parse(l3) {
                Ok((ip, hlen)) if ip.frag_offset == 0 => (ip.protocol, &l3[hlen..]),
                _ => continue,
            },
            _ => continue,
        };
        if proto == 47
            && let Ok((gre, glen)) = GreRepr::parse(l4)
        {
            let mut o = Vec::new();
            gre.emit(&mut o);
            count("GRE", o[..] == l4[..glen]);
        }
    }
    println!("re-emitted (identical/parsed): {n:?}");
    for (kind, min) in [
        ("LLC", 300),
        ("SLL", 20),
        ("null", 20),
        ("IPv6", 500),
        ("IPv6 with extensions", 50),
        ("GRE", 20),
    ] {
        let (parsed, same) = n.get(kind).copied().unwrap_or_default();
        assert!(parsed >= min, "{kind}: only {parsed} parsed");
        assert_eq!(same, parsed, "{kind}: {same} of {parsed} identical");
    }
}

/// The zero-copy views read what the representations parse and what the
/// dissector reports for the outer headers, frame by frame over the
/// tcpdump corpus; every prefix of a frame is a view or an error.
#[test]
fn views_agree_with_representations_and_the_dissector() {
    use netmon_pcap::dissect::dissect_frame;
    use netmon_pcap::wire::{EthernetView, IcmpView, Ipv4View, Ipv6View, TcpView, UdpView};
    let Some(dir) = netmon_testkit::corpus_file("pcap/tcpdump") else {
        return;
    };
    let mut n = [0usize; 5];
    let mut same = 0;
    let files = captures(&dir);
    for (_, p) in packets(&files) {
        if p.link_type != link::ETHERNET {
            continue;
        }
        for cut in 0..p.data.len().min(80) {
            let _ =
                EthernetView::new_checked(&p.data[..cut]).map(|v| (v.payload(), v.tags().count()));
        }
        let Ok(eth) = EthernetView::new_checked(p.data) else {
            continue;
        };
        assert_eq!(eth.to_repr(), EthernetRepr::parse(p.data).unwrap().0);
        let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
        assert_eq!(Some(eth.src()), f.eth_src);
        n[0] += 1;
        let (proto, l4, pseudo_v4) = match eth.ethertype() {
            0x0800 => {
                let Ok(ip) = Ipv4View::new_checked(eth.payload()) else {
                    continue;
                };
                // (The representation refuses damaged options the view
                // does not read.)
                if let Ok(r) = ip.to_repr() {
                    assert_eq!(
                        (ip.src(), ip.dst(), ip.ttl(), ip.id(), ip.frag_offset()),
                        (r.src, r.dst, r.ttl, r.id, r.frag_offset)
                    );
                }
                // (Wireshark's rules drop a header whose lengths
                // contradict each other: compared where it is kept.)
                if f.ip_src.is_some() {
                    assert_eq!((Some(ip.src()), Some(ip.dst())), (f.ip_src, f.ip_dst));
                    same += 1;
                }
                n[1] += 1;
                if ip.frag_offset() != 0 {
                    continue;
                }
                (ip.protocol(), ip.payload(), true)
            }
            0x86dd => {
                let Ok(ip) = Ipv6View::new_checked(eth.payload()) else {
                    continue;
                };
                if f.ipv6_src.is_some() {
                    assert_eq!((Some(ip.src()), Some(ip.dst())), (f.ipv6_src, f.ipv6_dst));
                    same += 1;
                }
                if let Ok(r) = ip.to_repr() {
                    assert_eq!(
                        (r.src, r.hop_limit, r.flow_label),
                        (ip.src(), ip.hop_limit(), ip.flow_label())
                    );
                }
                n[2] += 1;
                (ip.next_header(), ip.payload(), false)
            }
            _ => continue,
        };
        match proto {
            6 => {
                if let Ok(t) = TcpView::new_checked(l4) {
                    let r = t.to_repr().ok();
                    if let Some(r) = r {
                        assert_eq!(
                            (t.src_port(), t.seq(), t.flags()),
                            (r.src_port, r.seq, r.flags)
                        );
                    }
                    if pseudo_v4 && f.tcp_src_port.is_some() {
                        assert_eq!(
                            (Some(t.src_port()), Some(t.ack()), Some(t.flags())),
                            (f.tcp_src_port, f.tcp_ack, f.tcp_flags)
                        );
                    }
                    n[3] += 1;
                }
            }
            17 => {
                if let Ok(u) = UdpView::new_checked(l4) {
                    assert_eq!(u.to_repr(), UdpRepr::parse(l4).unwrap().0);
                    // (Where the dissector reached the outer UDP.)
                    if f.udp_src_port.is_some() {
                        assert_eq!(Some((u.src_port(), u.dst_port())), f.udp_ports());
                    }
                    n[4] += 1;
                }
            }
            1 | 58 => {
                if let Ok(i) = IcmpView::new_checked(l4) {
                    assert_eq!(i.to_repr(), IcmpRepr::parse(l4).unwrap().0);
                }
            }
            _ => {}
        }
    }
    println!(
        "views: Ethernet {}, IPv4 {}, IPv6 {}, TCP {}, UDP {}; IP addresses as the dissector's: {same}",
        n[0], n[1], n[2], n[3], n[4]
    );
    assert!(same * 100 >= (n[1] + n[2]) * 95, "{same}");
    assert!(
        n[0] > 5000 && n[1] > 3000 && n[2] > 300 && n[3] > 1000 && n[4] > 1000,
        "{n:?}"
    );
}
