//! pcapdump — packets of pcap and pcapng files, one line each.
//!
//! ```text
//! pcapdump FILE...      the 18 tab-separated fields of the tshark command of pcap.md §3.5:
//!                       frame.number eth.src eth.dst vlan.id ip.src ip.dst ipv6.src ipv6.dst
//!                       tcp.srcport tcp.dstport tcp.flags tcp.seq_raw tcp.ack_raw
//!                       udp.srcport udp.dstport icmp.type icmpv6.type tcp.checksum.status
//! ```
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
use netmon_pcap::StreamReader;
use netmon_pcap::dissect::{Fields, dissect_frame};

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

fn main() -> ExitCode {
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
        while let Some(p) = reader.next_packet() {
            match p {
                Ok(p) => {
                    let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
                    if writeln!(out, "{}", line(p.number, &f)).is_err() {
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
    }
    let _ = out.flush();
    status
}
