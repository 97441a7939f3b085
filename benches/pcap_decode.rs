//! `pcap_decode` and `pcap_framing`: a deterministic capture with the mix
//! of pcap.md §4.1 (`netmon_pcap::synth`, ~100 MB, every checksum good;
//! `PCAP_BENCH_MB` changes the size), decoded in memory:
//! - `pcap_decode/netmon`: netmon's reader and dissector (`dissect_into`,
//!   one `Fields` reused) down to ports, flags, sequence numbers and ICMP
//!   types; `netmon_checksums` also
//!   verifies the IPv4, TCP and UDP checksums;
//! - `pcap_decode/etherparse+pcap-parser` and `etherparse_checksums`: the
//!   anchors of pcap.md (pcap-parser 0.17 `LegacyPcapSlice`, etherparse
//!   0.21 `SlicedPacket`, its checksum helpers) reading the same fields;
//! - `pcap_framing`: the records only.
//!
//! Targets (pcap.md §4): decode ≥ 1.3× the anchors (≥ 6 M packets/s),
//! ≥ 3.5 M packets/s with checksums (etherparse 2.6 M).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use etherparse::{LinkExtSlice, LinkSlice, NetSlice, SlicedPacket, TransportSlice};
use netmon_pcap::dissect::{Fields, Options, dissect_into};
use netmon_pcap::{SliceReader, StreamReader};
use pcap_parser::traits::PcapReaderIterator;

fn capture() -> PathBuf {
    let benching = std::env::args().any(|a| a == "--bench");
    let mb: u64 = std::env::var("PCAP_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 100 } else { 2 });
    let path = std::env::temp_dir().join(format!("netmon_pcap_bench_{mb}MB.pcap"));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let f = std::fs::File::create(&tmp).expect("create");
        netmon_pcap::synth::write_mix(std::io::BufWriter::new(f), mb * 1_000_000).expect("write");
        std::fs::rename(&tmp, &path).expect("rename");
    }
    path
}

fn netmon(data: &[u8], checksums: bool) -> u64 {
    let mut acc = 0u64;
    let mut f = Fields::default();
    for p in SliceReader::new(data).expect("pcap") {
        let p = p.expect("record");
        dissect_into(
            p.link_type,
            p.data,
            p.orig_len as usize,
            Options { checksums },
            &mut f,
        );
        acc = acc
            .wrapping_add(u64::from(f.tcp_src_port.unwrap_or(0)))
            .wrapping_add(u64::from(f.udp_dst_port.unwrap_or(0)))
            .wrapping_add(u64::from(f.tcp_flags.unwrap_or(0)))
            .wrapping_add(u64::from(f.tcp_seq.unwrap_or(0)))
            .wrapping_add(u64::from(f.tcp_ack.unwrap_or(0)))
            .wrapping_add(u64::from(f.vlan.unwrap_or(0)))
            .wrapping_add(u64::from(f.icmp_type.or(f.icmpv6_type).unwrap_or(0)))
            .wrapping_add(f.ip_src.map_or(0, |a| u64::from(a.to_bits())))
            .wrapping_add(f.ipv6_dst.map_or(0, |a| a.to_bits() as u64))
            .wrapping_add(f.eth_src.map_or(0, |m| u64::from(m[5])));
        if checksums {
            let good = [f.ip_checksum, f.tcp_checksum, f.udp_checksum]
                .iter()
                .filter(|c| **c == Some(netmon_pcap::dissect::ChecksumStatus::Good))
                .count();
            acc = acc.wrapping_add(good as u64);
        }
    }
    acc
}

/// netmon streaming from the file (64 KiB refills, page cache).
fn netmon_stream(path: &std::path::Path, checksums: bool, decode: bool) -> u64 {
    let f = std::fs::File::open(path).expect("open");
    let mut r = StreamReader::new(f).expect("pcap");
    let mut acc = 0u64;
    let mut f = Fields::default();
    while let Some(p) = r.next_packet() {
        let p = p.expect("record");
        if !decode {
            acc = acc.wrapping_add(p.data.len() as u64);
            continue;
        }
        dissect_into(
            p.link_type,
            p.data,
            p.orig_len as usize,
            Options { checksums },
            &mut f,
        );
        acc = acc
            .wrapping_add(u64::from(f.tcp_src_port.unwrap_or(0)))
            .wrapping_add(u64::from(f.udp_dst_port.unwrap_or(0)))
            .wrapping_add(u64::from(f.tcp_flags.unwrap_or(0)))
            .wrapping_add(u64::from(f.tcp_seq.unwrap_or(0)))
            .wrapping_add(u64::from(f.tcp_ack.unwrap_or(0)))
            .wrapping_add(u64::from(f.vlan.unwrap_or(0)))
            .wrapping_add(u64::from(f.icmp_type.or(f.icmpv6_type).unwrap_or(0)))
            .wrapping_add(f.ip_src.map_or(0, |a| u64::from(a.to_bits())))
            .wrapping_add(f.ipv6_dst.map_or(0, |a| a.to_bits() as u64))
            .wrapping_add(f.eth_src.map_or(0, |m| u64::from(m[5])));
    }
    acc
}

/// pcap-parser's streaming reader (64 KiB buffer) from the file; with
/// `decode`, etherparse on each frame.
fn pcap_parser_stream(path: &std::path::Path, decode: bool) -> u64 {
    let f = std::fs::File::open(path).expect("open");
    let mut r = pcap_parser::LegacyPcapReader::new(65536, f).expect("pcap");
    let mut acc = 0u64;
    loop {
        match r.next() {
            Ok((offset, block)) => {
                if let pcap_parser::PcapBlockOwned::Legacy(b) = block {
                    if decode {
                        if let Ok(p) = SlicedPacket::from_ethernet(b.data) {
                            acc = acc.wrapping_add(etherparse_fields(&p));
                        }
                    } else {
                        acc = acc.wrapping_add(b.data.len() as u64);
                    }
                }
                r.consume(offset);
            }
            Err(pcap_parser::PcapError::Eof) => break,
            Err(pcap_parser::PcapError::Incomplete(_)) => r.refill().expect("refill"),
            Err(e) => panic!("{e:?}"),
        }
    }
    acc
}

/// The fields the decode benchmark reads, from etherparse's view.
fn etherparse_fields(p: &SlicedPacket<'_>) -> u64 {
    let mut acc = 0u64;
    if let Some(LinkSlice::Ethernet2(e)) = &p.link {
        acc = acc.wrapping_add(u64::from(e.source()[5]));
    }
    if let Some(LinkExtSlice::Vlan(v)) = p.link_exts.first() {
        acc = acc.wrapping_add(u64::from(v.vlan_identifier().value()));
    }
    match &p.net {
        Some(NetSlice::Ipv4(ip)) => {
            acc = acc.wrapping_add(u64::from(ip.header().source_addr().to_bits()))
        }
        Some(NetSlice::Ipv6(ip)) => {
            acc = acc.wrapping_add(ip.header().destination_addr().to_bits() as u64)
        }
        _ => {}
    }
    match &p.transport {
        Some(TransportSlice::Tcp(t)) => {
            acc = acc
                .wrapping_add(u64::from(t.source_port()))
                .wrapping_add(u64::from(t.sequence_number()))
                .wrapping_add(u64::from(t.acknowledgment_number()))
                .wrapping_add(u64::from(t.syn()) + u64::from(t.ack()) + u64::from(t.psh()));
        }
        Some(TransportSlice::Udp(u)) => acc = acc.wrapping_add(u64::from(u.destination_port())),
        Some(TransportSlice::Icmpv4(i)) => acc = acc.wrapping_add(u64::from(i.type_u8())),
        Some(TransportSlice::Icmpv6(i)) => acc = acc.wrapping_add(u64::from(i.type_u8())),
        _ => {}
    }
    acc
}

fn etherparse(data: &[u8], checksums: bool) -> u64 {
    let mut acc = 0u64;
    for b in pcap_parser::LegacyPcapSlice::from_slice(data).expect("pcap") {
        let Ok(pcap_parser::PcapBlockOwned::Legacy(b)) = b else {
            continue;
        };
        let Ok(p) = SlicedPacket::from_ethernet(b.data) else {
            continue;
        };
        if let Some(LinkSlice::Ethernet2(e)) = &p.link {
            acc = acc.wrapping_add(u64::from(e.source()[5]));
        }
        if let Some(LinkExtSlice::Vlan(v)) = p.link_exts.first() {
            acc = acc.wrapping_add(u64::from(v.vlan_identifier().value()));
        }
        let mut v4 = None;
        let mut v6 = None;
        match &p.net {
            Some(NetSlice::Ipv4(ip)) => {
                let h = ip.header();
                acc = acc.wrapping_add(u64::from(h.source_addr().to_bits()));
                v4 = Some((h.source(), h.destination()));
                if checksums && h.to_header().calc_header_checksum() == h.header_checksum() {
                    acc = acc.wrapping_add(1);
                }
            }
            Some(NetSlice::Ipv6(ip)) => {
                let h = ip.header();
                acc = acc.wrapping_add(h.destination_addr().to_bits() as u64);
                v6 = Some((h.source(), h.destination()));
            }
            _ => {}
        }
        match &p.transport {
            Some(TransportSlice::Tcp(t)) => {
                acc = acc
                    .wrapping_add(u64::from(t.source_port()))
                    .wrapping_add(u64::from(t.sequence_number()))
                    .wrapping_add(u64::from(t.acknowledgment_number()))
                    .wrapping_add(u64::from(t.syn()) + u64::from(t.ack()) + u64::from(t.psh()));
                if checksums {
                    let c = match (v4, v6) {
                        (Some((s, d)), _) => t.calc_checksum_ipv4(s, d).ok(),
                        (_, Some((s, d))) => t.calc_checksum_ipv6(s, d).ok(),
                        _ => None,
                    };
                    acc = acc.wrapping_add(u64::from(c == Some(t.checksum())));
                }
            }
            Some(TransportSlice::Udp(u)) => {
                acc = acc.wrapping_add(u64::from(u.destination_port()));
                if checksums {
                    let h = u.to_header();
                    let c = match (v4, v6) {
                        (Some((s, d)), _) => h.calc_checksum_ipv4_raw(s, d, u.payload()).ok(),
                        (_, Some((s, d))) => h.calc_checksum_ipv6_raw(s, d, u.payload()).ok(),
                        _ => None,
                    };
                    acc = acc.wrapping_add(u64::from(c == Some(u.checksum())));
                }
            }
            Some(TransportSlice::Icmpv4(i)) => {
                acc = acc.wrapping_add(u64::from(i.type_u8()));
                if checksums {
                    let c = i.header().icmp_type.calc_checksum(i.payload());
                    acc = acc.wrapping_add(u64::from(c == i.checksum()));
                }
            }
            Some(TransportSlice::Icmpv6(i)) => {
                acc = acc.wrapping_add(u64::from(i.type_u8()));
                if checksums && let Some((s, d)) = v6 {
                    let c = i.header().icmp_type.calc_checksum(s, d, i.payload()).ok();
                    acc = acc.wrapping_add(u64::from(c == Some(i.checksum())));
                }
            }
            _ => {}
        }
    }
    acc
}

fn bench(c: &mut Criterion) {
    let path = capture();
    let data = std::fs::read(&path).expect("read capture");
    let packets = SliceReader::new(&data).expect("pcap").count() as u64;
    eprintln!(
        "pcap bench: {} ({} bytes, {packets} packets)",
        path.display(),
        data.len()
    );
    // Both sides see every packet.
    assert_eq!(
        pcap_parser::LegacyPcapSlice::from_slice(&data)
            .expect("pcap")
            .count() as u64,
        packets
    );
    let mut g = c.benchmark_group("pcap_decode");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("netmon", |b| b.iter(|| netmon(black_box(&data), false)));
    g.bench_function("etherparse+pcap-parser", |b| {
        b.iter(|| etherparse(black_box(&data), false))
    });
    g.bench_function("netmon_stream", |b| {
        b.iter(|| netmon_stream(&path, false, true))
    });
    g.bench_function("etherparse+pcap-parser_stream", |b| {
        b.iter(|| pcap_parser_stream(&path, true))
    });
    g.bench_function("netmon_stream_checksums", |b| {
        b.iter(|| netmon_stream(&path, true, true))
    });
    g.bench_function("netmon_checksums", |b| {
        b.iter(|| netmon(black_box(&data), true))
    });
    g.bench_function("etherparse_checksums", |b| {
        b.iter(|| etherparse(black_box(&data), true))
    });
    g.finish();
    let mut g = c.benchmark_group("pcap_framing");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    g.bench_function("netmon", |b| {
        b.iter(|| {
            SliceReader::new(black_box(&data))
                .expect("pcap")
                .map(|p| p.map_or(0, |p| p.data.len()))
                .sum::<usize>()
        })
    });
    g.bench_function("netmon_stream", |b| {
        b.iter(|| netmon_stream(&path, false, false))
    });
    g.bench_function("pcap-parser_stream", |b| {
        b.iter(|| pcap_parser_stream(&path, false))
    });
    g.bench_function("pcap-parser", |b| {
        b.iter(|| {
            pcap_parser::LegacyPcapSlice::from_slice(black_box(&data))
                .expect("pcap")
                .map(|p| match p {
                    Ok(pcap_parser::PcapBlockOwned::Legacy(b)) => b.data.len(),
                    _ => 0,
                })
                .sum::<usize>()
        })
    });
    g.finish();
    eprintln!(
        "pcap bench: {packets} packets per iteration (divide by the times above for packets/s)"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
