//! snmp — SNMP from the command line, net-snmp style.
//!
//! ```text
//! snmp decode FILE... [--usm USER:AUTH:AUTHPASS[:PRIV:PRIVPASS]]... [--port N]... [--lenient]
//!     every SNMP message of pcap, pcapng or raw BER files as JSON lines
//! snmp set … TARGET OID TYPE VALUE...                 snmpset (types i u c C t a o s x d n)
//! snmp get|getnext|walk|bulkwalk -v 1|2c|3 [-c COMMUNITY] [-u USER -l LEVEL -a AUTH -A PASS
//!     -x PRIV -X PASS] [-r N] [-t SECONDS] [-On] [-CrN] TARGET [OID...]
//!     net-snmp's snmpget/snmpgetnext/snmpwalk/snmpbulkwalk, same output with -On
//! ```
//!
//! snmp agent [--listen ADDR:PORT] [-c COMMUNITY]... [--rw-community C]... [--user SPEC]...
//!     [--walk DUMPFILE] [--devices N] [--engine-id HEX] [--boots-file PATH]
//!     simulated routers or a walk dump, default udp:127.0.0.1:1161
//!
//! snmp trap|inform [net-snmp flags] [-e ENGINEID] TARGET UPTIME TRAP-OID [OID TYPE VALUE]...
//!     snmptrap and snmpinform (v1 traps: ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME ...)
//! snmp trapd [--listen ADDR:PORT] [-c COMMUNITY]... [--user SPEC]... [--count N]
//!     traps and informs as JSON lines, informs acknowledged, default udp:127.0.0.1:1162 Exit status of decode: 0
//! when every message decoded, 1 when at least one could not be decoded or
//! decrypted (each still gets a line with its `error`), 2 on usage or input
//! errors; of the requests: 0, 1 on a timeout, 2 on an error status or a
//! usage error.

mod agent;
mod decode;
mod json;
mod netsnmp_fmt;
mod request;
mod trapd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "SNMP tools: decode captures; get, getnext, walk and bulkwalk as net-snmp does"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// GetRequest, printed as net-snmp's snmpget -On prints it.
    Get(request::Common),
    /// GetNextRequest (snmpgetnext).
    Getnext(request::Common),
    /// Walk a subtree with GetNext (snmpwalk).
    Walk(request::Common),
    /// Walk a subtree with GetBulk (snmpbulkwalk; -Cr sets max-repetitions).
    Bulkwalk(request::Common),
    /// SetRequest (snmpset): OID TYPE VALUE triples, TYPE one of i u c C t
    /// a o s x d n.
    Set(request::Common),
    /// Print every SNMP message of pcap, pcapng or raw BER files as one
    /// JSON object per line.
    ///
    /// UDP and TCP on ports 161 and 162 are SNMP (add more with --port);
    /// a file that is not a capture is read as BER messages back to back.
    /// v3 messages are authenticated and decrypted with the --usm users.
    /// Serve simulated routers (MIB-II system, interfaces, ifXTable with
    /// moving counters, CPU, memory, BGP peers) or an `snmpwalk -On` dump
    /// to v1/v2c communities and v3 users, until Ctrl-C.
    Agent(agent::AgentArgs),
    /// Send a trap (snmptrap): v2c/v3 `TARGET UPTIME TRAP-OID [OID TYPE
    /// VALUE]...`, v1 `TARGET ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME
    /// [OID TYPE VALUE]...`; UPTIME '' is the system's; port 162 by default;
    /// -e sets the sender's engine ID (v3).
    Trap(request::Common),
    /// Send an inform and wait for its acknowledgement (snmpinform),
    /// retried with -r and -t.
    Inform(request::Common),
    /// Receive traps and informs (acknowledged), one JSON line each.
    Trapd(trapd::TrapdArgs),
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
        Command::Get(c) => request::run(request::Kind::Get, c),
        Command::Getnext(c) => request::run(request::Kind::GetNext, c),
        Command::Walk(c) => request::run(request::Kind::Walk, c),
        Command::Bulkwalk(c) => request::run(request::Kind::BulkWalk, c),
        Command::Set(c) => request::run(request::Kind::Set, c),
        Command::Agent(a) => agent::run(a),
        Command::Trap(c) => request::run(request::Kind::Trap, c),
        Command::Inform(c) => request::run(request::Kind::Inform, c),
        Command::Trapd(a) => trapd::run(a),
    }
}
