//! `snmp agent`: netmon's agent serving simulated devices or a walk dump.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use netmon::snmp::agent::serve::Fleet;
use netmon::snmp::agent::sim::Device;
use netmon::snmp::agent::{Access, Agent, boots, default_engine_id, dump, mib::Mib};

use crate::decode::parse_user;

/// The agent's options.
#[derive(Debug, clap::Args)]
pub struct AgentArgs {
    /// Where to listen (UDP); with --devices N, device k listens on the
    /// port after device k-1's.
    #[arg(long, default_value = "127.0.0.1:1161")]
    listen: SocketAddr,
    /// A read-only v1/v2c community (repeatable; `public` when no
    /// community or user is given).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    communities: Vec<String>,
    /// A read-write v1/v2c community (repeatable).
    #[arg(long = "rw-community", value_name = "COMMUNITY")]
    rw_communities: Vec<String>,
    /// A v3 user with read-write access, USER:AUTH:AUTHPASS or
    /// USER:AUTH:AUTHPASS:PRIV:PRIVPASS (net-snmp's protocol names;
    /// repeatable).
    #[arg(long = "user", value_name = "USER:AUTH:PASS[:PRIV:PASS]")]
    users: Vec<String>,
    /// Serve the MIB of an `snmpwalk -On` dump instead of a simulated
    /// router.
    #[arg(long, value_name = "DUMPFILE")]
    walk: Option<PathBuf>,
    /// How many devices, on consecutive ports.
    #[arg(long, default_value_t = 1)]
    devices: usize,
    /// Interfaces per simulated device.
    #[arg(long, default_value_t = 4)]
    interfaces: u32,
    /// snmpEngineID in hex (device k > 0 gets k appended); default: a
    /// text-format ID made from the process.
    #[arg(long = "engine-id", value_name = "HEX")]
    engine_id: Option<String>,
    /// Keep snmpEngineBoots in this file (incremented at every start).
    #[arg(long = "boots-file", value_name = "PATH")]
    boots_file: Option<PathBuf>,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<f64>,
}

pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim_start_matches("0x");
    if !s.len().is_multiple_of(2) || s.len() < 10 || s.len() > 64 {
        return Err(format!("--engine-id {s:?}: 5 to 32 octets in hex"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16)
                .map_err(|_| format!("--engine-id {s:?}: not hex at character {}", i + 1))
        })
        .collect()
}

pub fn run(a: AgentArgs) -> ExitCode {
    match serve(a) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snmp agent: {e}");
            ExitCode::from(2)
        }
    }
}

fn serve(a: AgentArgs) -> Result<(), String> {
    let mut users = Vec::new();
    for spec in &a.users {
        users.push(parse_user("--user", spec)?);
    }
    let mut communities = a.communities.clone();
    if communities.is_empty() && a.rw_communities.is_empty() && users.is_empty() {
        communities.push("public".into());
    }
    let engine_id = match &a.engine_id {
        Some(h) => parse_hex(h)?,
        None => default_engine_id(),
    };
    let boots = match &a.boots_file {
        Some(p) => boots::next_boots(p).map_err(|e| format!("--boots-file: {e}"))?,
        None => 1,
    };
    let dump_text = match &a.walk {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let d = dump::parse(&text);
            for (line, why) in d.skipped.iter().take(10) {
                eprintln!("{}:{line}: skipped: {why}", p.display());
            }
            if d.skipped.len() > 10 {
                eprintln!(
                    "{}: {} more records skipped",
                    p.display(),
                    d.skipped.len() - 10
                );
            }
            if d.mib.is_empty() {
                return Err(format!("{}: no usable `OID = value` records", p.display()));
            }
            Some(text)
        }
        None => None,
    };
    if a.devices == 0 {
        return Err("--devices must be at least 1".into());
    }
    let interfaces = a.interfaces;
    let make = |k: usize, start| {
        let mib: Mib = match &dump_text {
            Some(t) => dump::parse(t).mib,
            None => Device::new(k as u32).interfaces(interfaces).mib(start),
        };
        let mut id = engine_id.clone();
        if k > 0 {
            id.extend_from_slice(&(k as u32).to_be_bytes());
            id.truncate(32);
        }
        let mut b = Agent::builder(mib).engine_id(id).boots(boots);
        for c in &communities {
            b = b.community(c.as_bytes().to_vec(), Access::read_only());
        }
        for c in &a.rw_communities {
            b = b.community(c.as_bytes().to_vec(), Access::read_write());
        }
        for u in &users {
            b = b.user(u.clone(), Access::read_write());
        }
        b.build()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let first_port = (a.listen.port() != 0).then_some(a.listen.port());
        let fleet = Fleet::spawn_with(a.devices, a.listen.ip(), first_port, make)
            .await
            .map_err(|e| format!("listen on {}: {e}", a.listen))?;
        let addrs = fleet.addrs();
        let hex: String = engine_id.iter().map(|b| format!("{b:02x}")).collect();
        match addrs {
            [one] => eprintln!("snmp agent: listening on udp:{one} (engine ID {hex}, boots {boots})"),
            [first, .., last] => eprintln!(
                "snmp agent: {} devices on udp:{first} .. udp:{last} (engine ID {hex}+k, boots {boots})",
                addrs.len()
            ),
            [] => {}
        }
        match a.duration {
            Some(s) => tokio::time::sleep(std::time::Duration::from_secs_f64(s.max(0.0))).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        fleet.shutdown().await;
        Ok(())
    })
}
