//! pcapdump — packets of pcap and pcapng files, one line each.
//!
//! ```text
//! pcapdump FILE...      the 18 tab-separated fields of the tshark command of pcap.md §3.5:
//!                       frame.number eth.src eth.dst vlan.id ip.src ip.dst ipv6.src ipv6.dst
//!                       tcp.srcport tcp.dstport tcp.flags tcp.seq_raw tcp.ack_raw
//!                       udp.srcport udp.dstport icmp.type icmpv6.type tcp.checksum.status
//! ```
//!
//! `pcapdump correlate A B [--json]` matches a CPE's capture (A) with its
//! server's (B): clock offset and drift, per flow and direction what was
//! lost on the path, missed by a capture, duplicated, and the delay and
//! jitter.
//!
//! `--lint` prints a capture-quality report instead (truncation, snap
//! length, time order, duplicates, checksums, offload);
//! `--flows` prints the conversations instead (one line each: protocol,
//! ends, packets and bytes each way, start, duration, TCP flags,
//! retransmissions, gaps).
//!
//! Same order and formatting as TShark 4.0 (`-T fields -E occurrence=f`,
//! checksums on, defragmentation off), so `diff` against tshark works.
//! `--header` prints the field names first. Exit status: 0, 1 when a file
//! was damaged (its packets before the damage are printed and the error is
//! reported with its byte offset), 2 on usage errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use netmon_pcap::correlate::{DirectionReport, Seen, correlate, seen};
use netmon_pcap::dissect::{Fields, dissect_frame};
use netmon_pcap::flows::FlowTable;
use netmon_pcap::lint::{Lint, Report};
use netmon_pcap::{StreamReader, capture_drops};

/// The tshark field names, in order.
const FIELDS: [&str; 18] = [
    "frame.number",
    "eth.src",
    "eth.dst",
    "vlan.id",
    "ip.src",
    "ip.dst",
    "ipv6.src",
    "ipv6.dst",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.flags",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "udp.srcport",
    "udp.dstport",
    "icmp.type",
    "icmpv6.type",
    "tcp.checksum.status",
];

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Packets of pcap and pcapng files as tshark's fields, one line each"
)]
struct Args {
    /// pcap or pcapng files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the field names first (tshark's `-E header=y`).
    #[arg(long)]
    header: bool,
    /// Print the conversations instead of the packets: protocol, the two
    /// ends, packets and bytes each way, start (seconds after the first
    /// packet), duration, TCP flags seen, retransmissions and gaps.
    #[arg(long)]
    flows: bool,
    /// Print a capture-quality report instead of the packets: truncation,
    /// records over the snap length, time going backwards, duplicates,
    /// bad checksums and whether they look like checksum offload.
    #[arg(long, conflicts_with = "flows")]
    lint: bool,
    /// At most this many conversations are tracked (the rest counted).
    #[arg(long, default_value_t = 1_000_000)]
    max_flows: usize,
}

fn flag_names(flags: u16) -> String {
    let names = [
        (0x02, "SYN"),
        (0x10, "ACK"),
        (0x08, "PSH"),
        (0x01, "FIN"),
        (0x04, "RST"),
        (0x20, "URG"),
        (0x40, "ECE"),
        (0x80, "CWR"),
    ];
    let v: Vec<&str> = names
        .iter()
        .filter(|(b, _)| flags & b != 0)
        .map(|(_, n)| *n)
        .collect();
    v.join(",")
}

fn endpoint(e: &netmon_pcap::flows::Endpoint, with_port: bool) -> String {
    match (e.addr, with_port) {
        (std::net::IpAddr::V6(a), true) => format!("[{a}]:{}", e.port),
        (a, true) => format!("{a}:{}", e.port),
        (a, false) => a.to_string(),
    }
}

/// The quality report of one file.
fn print_lint(out: &mut impl Write, path: &std::path::Path, r: &Report) -> std::io::Result<()> {
    writeln!(out, "{}: {} packets", path.display(), r.packets)?;
    let mut clean = true;
    for (name, f) in r.findings() {
        if f.count == 0 {
            continue;
        }
        clean = false;
        let frames: Vec<String> = f.examples.iter().map(u64::to_string).collect();
        writeln!(
            out,
            "  {name}: {} (frames {}{})",
            f.count,
            frames.join(", "),
            if f.count > f.examples.len() as u64 {
                ", …"
            } else {
                ""
            }
        )?;
    }
    if let Some(host) = r.offload_suspect {
        writeln!(
            out,
            "  every bad TCP/UDP checksum was sent by {host}: checksum offload on the capturing host, most likely (not a network fault)"
        )?;
    }
    if clean {
        writeln!(out, "  no findings")?;
    }
    Ok(())
}

/// The conversation table, tab-separated.
fn print_flows(out: &mut impl Write, table: &FlowTable, t0: i128) -> std::io::Result<()> {
    writeln!(
        out,
        "proto\ta\tb\tpackets_a_b\tbytes_a_b\tpackets_b_a\tbytes_b_a\tstart\tduration\ttcp_flags\tretransmissions\tgaps\tgap_bytes"
    )?;
    for f in table.flows() {
        let (x, y) = (&f.a_to_b, &f.b_to_a);
        let first = match (x.packets, y.packets) {
            (0, _) => y.first_ns,
            (_, 0) => x.first_ns,
            _ => x.first_ns.min(y.first_ns),
        };
        let last = x.last_ns.max(y.last_ns);
        let proto = match f.key.protocol {
            6 => "tcp".to_string(),
            17 => "udp".to_string(),
            1 => "icmp".to_string(),
            58 => "icmpv6".to_string(),
            p => p.to_string(),
        };
        let ports = matches!(f.key.protocol, 6 | 17);
        writeln!(
            out,
            "{proto}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.6}\t{:.6}\t{}\t{}\t{}\t{}",
            endpoint(&f.key.a, ports),
            endpoint(&f.key.b, ports),
            x.packets,
            x.bytes,
            y.packets,
            y.bytes,
            (first - t0) as f64 / 1e9,
            (last - first) as f64 / 1e9,
            flag_names(x.tcp_flags | y.tcp_flags),
            x.retransmissions + y.retransmissions,
            x.gaps + y.gaps,
            x.gap_bytes + y.gap_bytes,
        )?;
    }
    if table.untracked() > 0 {
        writeln!(
            out,
            "# {} packets of flows beyond --max-flows",
            table.untracked()
        )?;
    }
    Ok(())
}

fn mac(m: &[u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One line, as tshark prints it.
fn line(number: u64, f: &Fields) -> String {
    let cols: [String; 18] = [
        number.to_string(),
        opt(f.eth_src.map(|m| mac(&m))),
        opt(f.eth_dst.map(|m| mac(&m))),
        opt(f.vlan),
        opt(f.ip_src),
        opt(f.ip_dst),
        opt(f.ipv6_src),
        opt(f.ipv6_dst),
        opt(f.tcp_src_port),
        opt(f.tcp_dst_port),
        opt(f.tcp_flags.map(|x| format!("0x{x:04x}"))),
        opt(f.tcp_seq),
        opt(f.tcp_ack),
        opt(f.udp_src_port),
        opt(f.udp_dst_port),
        opt(f.icmp_type),
        opt(f.icmpv6_type),
        opt(f.tcp_checksum.map(|c| c.code())),
    ];
    cols.join("\t")
}

/// `pcapdump correlate A B`: the two-sided report.
#[derive(Debug, Parser)]
#[command(
    name = "pcapdump correlate",
    bin_name = "pcapdump correlate",
    about = "Match two captures of the same traffic (a CPE's and its server's): clock offset and drift, what the path lost, what a capture missed, delay and jitter per flow"
)]
struct CorrelateArgs {
    /// The capture taken on the CPE (side A).
    a: PathBuf,
    /// The capture taken on the management server (side B).
    b: PathBuf,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

fn read_seen(path: &std::path::Path) -> Result<Vec<Seen>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut r = StreamReader::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.map_err(|e| format!("{}: {e}", path.display()))?;
        let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
        out.push(seen(p.number, p.ts_ns, p.data, &f));
    }
    Ok(out)
}

fn flow_name(k: &netmon_pcap::flows::FlowKey) -> String {
    let ports = matches!(k.protocol, 6 | 17);
    let proto = match k.protocol {
        6 => "tcp",
        17 => "udp",
        1 => "icmp",
        58 => "icmpv6",
        _ => "ip",
    };
    format!(
        "{proto} {} <-> {}",
        endpoint(&k.a, ports),
        endpoint(&k.b, ports)
    )
}

fn direction_json(d: &DirectionReport) -> serde_json::Value {
    serde_json::json!({
        "matched": d.matched,
        "lost_on_path": d.lost_on_path,
        "missed_by_capture": d.missed_by_capture,
        "unseen": d.unseen,
        "only_at_receiver": d.only_at_receiver,
        "duplicates": d.duplicates,
        "delay_ms": {"mean": d.delay_mean_ns / 1e6, "min": d.delay_min_ns / 1e6, "max": d.delay_max_ns / 1e6},
        "jitter_ms": d.jitter_ns / 1e6,
    })
}

fn correlate_main(argv: Vec<String>) -> ExitCode {
    let args = CorrelateArgs::parse_from(argv);
    let (a, b) = match (read_seen(&args.a), read_seen(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("pcapdump correlate: {e}");
            return ExitCode::from(2);
        }
    };
    let r = correlate(&a, &b);
    // Drop counters (pcapng ISB): a capture that dropped packets explains
    // what it did not see.
    let drops = |p: &std::path::Path| std::fs::read(p).ok().and_then(|d| capture_drops(&d));
    let (drops_a, drops_b) = (drops(&args.a), drops(&args.b));
    let text = if args.json {
        let flows: Vec<serde_json::Value> = r
            .flows
            .iter()
            .map(|f| {
                serde_json::json!({
                    "a": flow_name(&f.a),
                    "b": flow_name(&f.b),
                    "a_to_b": direction_json(&f.a_to_b),
                    "b_to_a": direction_json(&f.b_to_a),
                })
            })
            .collect();
        serde_json::json!({
            "host_a": r.host_a.map(|h| h.to_string()),
            "host_b": r.host_b.map(|h| h.to_string()),
            "offset_ms": r.offset_ns / 1e6,
            "drift_ppm": r.drift_ppm,
            "matched": r.matched,
            "capture_drops_a": drops_a,
            "capture_drops_b": drops_b,
            "snmp": {
                "requests": r.snmp.requests,
                "answered": r.snmp.answered,
                "request_lost": r.snmp.request_lost,
                "response_lost": r.snmp.response_lost,
                "unanswered": r.snmp.unanswered,
                "resends": r.snmp.resends,
            },
            "flows": flows,
        })
        .to_string()
    } else {
        let mut t = format!(
            "A host {}, B host {}: {} packets matched\nB's clock minus A's: {:.3} ms, drift {:.1} ppm\n",
            r.host_a.map_or("?".into(), |h| h.to_string()),
            r.host_b.map_or("?".into(), |h| h.to_string()),
            r.matched,
            r.offset_ns / 1e6,
            r.drift_ppm
        );
        for (side, d) in [("A", drops_a), ("B", drops_b)] {
            if let Some(n) = d {
                t.push_str(&format!(
                    "capture {side} reports {n} packets dropped (interface and system)\n"
                ));
            }
        }
        let s = r.snmp;
        if s.requests > 0 {
            t.push_str(&format!(
                "SNMP: {} requests, {} answered, {} requests lost, {} responses lost, {} unanswered by the agent, {} resends\n",
                s.requests, s.answered, s.request_lost, s.response_lost, s.unanswered, s.resends
            ));
        }
        for f in &r.flows {
            t.push_str(&format!(
                "{}  (at B: {})\n",
                flow_name(&f.a),
                flow_name(&f.b)
            ));
            for (name, d) in [("A->B", &f.a_to_b), ("B->A", &f.b_to_a)] {
                t.push_str(&format!(
                    "  {name}: matched {}, lost on path {}, missed by capture {}, unseen {}, only at receiver {}, duplicates {}; delay {:.3} ms (min {:.3}, max {:.3}), jitter {:.3} ms\n",
                    d.matched, d.lost_on_path, d.missed_by_capture, d.unseen, d.only_at_receiver, d.duplicates,
                    d.delay_mean_ns / 1e6, d.delay_min_ns / 1e6, d.delay_max_ns / 1e6, d.jitter_ns / 1e6
                ));
            }
        }
        t
    };
    println!("{}", text.trim_end());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("correlate") {
        return correlate_main(argv[1..].to_vec());
    }
    let args = Args::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if args.header && writeln!(out, "{}", FIELDS.join("\t")).is_err() {
        return ExitCode::SUCCESS;
    }
    let mut status = ExitCode::SUCCESS;
    for path in &args.files {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                let _ = out.flush();
                eprintln!("pcapdump: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        // Streamed: constant memory whatever the file's size.
        let mut reader = match StreamReader::new(file) {
            Ok(r) => r,
            Err(e) => {
                let _ = out.flush();
                eprintln!("pcapdump: {}: {e}", path.display());
                status = ExitCode::from(1);
                continue;
            }
        };
        let mut table = FlowTable::new(args.max_flows);
        let mut lint = Lint::new();
        let mut t0 = None;
        while let Some(p) = reader.next_packet() {
            match p {
                Ok(p) => {
                    let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
                    if args.lint {
                        lint.add(&p, &f);
                    } else if args.flows {
                        t0.get_or_insert(p.ts_ns);
                        table.add(p.ts_ns, u64::from(p.orig_len), &f);
                    } else if writeln!(out, "{}", line(p.number, &f)).is_err() {
                        return status; // stdout closed (| head)
                    }
                }
                Err(e) => {
                    let _ = out.flush();
                    eprintln!("pcapdump: {}: {e}", path.display());
                    status = ExitCode::from(1);
                    break;
                }
            }
        }
        if args.lint && print_lint(&mut out, path, &lint.report()).is_err() {
            return status;
        }
        if args.flows {
            if args.files.len() > 1 && writeln!(out, "# {}", path.display()).is_err() {
                return status;
            }
            if print_flows(&mut out, &table, t0.unwrap_or(0)).is_err() {
                return status;
            }
        }
    }
    let _ = out.flush();
    status
}
