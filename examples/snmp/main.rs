//! snmp — SNMP from the command line, net-snmp style.
//!
//! ```text
//! snmp decode FILE... [--usm USER:AUTH:AUTHPASS[:PRIV:PRIVPASS]]... [--port N]... [--lenient]
//!     every SNMP message of pcap, pcapng or raw BER files as JSON lines
//! ```
//!
//! More subcommands (get, getnext, walk, bulkwalk, set, trap, inform)
//! follow with the client. Exit status: 0 when every message decoded, 1
//! when at least one could not be decoded or decrypted (each still gets a
//! line with its `error`), 2 on usage or input errors.

mod decode;
mod json;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(version, about = "SNMP tools: decode captures (more to come)")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print every SNMP message of pcap, pcapng or raw BER files as one
    /// JSON object per line.
    ///
    /// UDP and TCP on ports 161 and 162 are SNMP (add more with --port);
    /// a file that is not a capture is read as BER messages back to back.
    /// v3 messages are authenticated and decrypted with the --usm users.
    Decode {
        /// pcap, pcapng or raw BER files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A USM user: NAME:AUTH:AUTHPASS or NAME:AUTH:AUTHPASS:PRIV:PRIVPASS,
        /// AUTH one of MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512 and
        /// PRIV one of DES, AES, AES-192, AES-256, AES-192-C, AES-256-C
        /// (net-snmp's names). Repeat for several users.
        #[arg(long = "usm", value_name = "USER:AUTH:PASS[:PRIV:PASS]")]
        users: Vec<String>,
        /// Another port to decode as SNMP (repeatable).
        #[arg(long = "port", value_name = "N")]
        ports: Vec<u16>,
        /// Accept unsigned values encoded as negative numbers and integers
        /// with redundant octets (flagged `"repaired": true`).
        #[arg(long)]
        lenient: bool,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Decode {
            files,
            users,
            ports,
            lenient,
        } => decode::run(&files, &users, &ports, lenient),
    }
}
