//! `snmp trapd`: receive notifications, one JSON line each.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use netmon::snmp::Version;
use netmon::snmp::notify::{self, Notification, NotificationKind, Receiver};
use serde_json::json;

use crate::agent::parse_hex;
use crate::decode::parse_user;
use crate::json::{Obj, hex, owned_varbinds};

/// The receiver's options.
#[derive(Debug, clap::Args)]
pub struct TrapdArgs {
    /// Where to listen (UDP).
    #[arg(long, default_value = "127.0.0.1:1162")]
    listen: SocketAddr,
    /// Accept this community (repeatable; with none, every community).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    communities: Vec<String>,
    /// A v3 user, USER:AUTH:AUTHPASS[:PRIV:PRIVPASS], for traps from any
    /// engine and informs to this one (repeatable).
    #[arg(long = "user", value_name = "USER:AUTH:PASS[:PRIV:PASS]")]
    users: Vec<String>,
    /// This receiver's snmpEngineID in hex (informs are sent to it).
    #[arg(long = "engine-id", value_name = "HEX")]
    engine_id: Option<String>,
    /// Exit after this many notifications.
    #[arg(long)]
    count: Option<u64>,
    /// Exit after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    duration: Option<f64>,
}

fn line(n: &Notification, from: SocketAddr) -> Obj {
    let mut o = Obj::default();
    let time = netmon::core::Timestamp::now();
    o.insert("time", json!(time.to_string()));
    o.insert("from", json!(from.to_string()));
    o.insert(
        "kind",
        json!(match n.kind {
            NotificationKind::TrapV1 => "trap-v1",
            NotificationKind::Trap => "trap",
            NotificationKind::Inform => "inform",
        }),
    );
    o.insert(
        "version",
        json!(match n.version {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
        }),
    );
    if let Some(c) = &n.community {
        o.insert("community", json!(String::from_utf8_lossy(c)));
    }
    if let Some(u) = &n.user {
        o.insert("user", json!(String::from_utf8_lossy(u)));
    }
    if let Some(e) = &n.engine_id {
        o.insert("engine_id", json!(hex(e)));
    }
    if let Some(l) = n.level {
        o.insert("level", json!(l));
    }
    if n.kind != NotificationKind::TrapV1 {
        o.insert("request_id", json!(n.request_id));
    }
    if let Some(t) = &n.v1 {
        o.insert("enterprise", json!(format!(".{}", t.enterprise)));
        let [a, b, c, d] = t.agent_addr;
        o.insert("agent_addr", json!(format!("{a}.{b}.{c}.{d}")));
        o.insert("generic_trap", json!(t.generic_trap));
        o.insert("specific_trap", json!(t.specific_trap));
    }
    if let Some(u) = n.uptime {
        o.insert("uptime", json!(u));
    }
    if let Some(t) = &n.trap_oid {
        o.insert("trap_oid", json!(format!(".{t}")));
    }
    o.insert("varbinds", owned_varbinds(&n.varbinds));
    o
}

pub fn run(a: TrapdArgs) -> ExitCode {
    let mut b = Receiver::builder();
    for c in &a.communities {
        b = b.community(c.as_bytes().to_vec());
    }
    for spec in &a.users {
        match parse_user("--user", spec) {
            Ok(u) => b = b.user(u),
            Err(e) => {
                eprintln!("snmp trapd: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(h) = &a.engine_id {
        match parse_hex(h) {
            Ok(id) => b = b.engine_id(id),
            Err(e) => {
                eprintln!("snmp trapd: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let mut receiver = b.build();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snmp trapd: {e}");
            return ExitCode::from(2);
        }
    };
    rt.block_on(async move {
        let socket = match tokio::net::UdpSocket::bind(a.listen).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("snmp trapd: listen on {}: {e}", a.listen);
                return ExitCode::from(2);
            }
        };
        let engine: String = hex(receiver.engine_id());
        eprintln!(
            "snmp trapd: listening on udp:{} (engine ID {engine})",
            a.listen
        );
        let (done_tx, done_rx) = tokio::sync::watch::channel(false);
        let mut seen = 0u64;
        let count = a.count;
        let duration = a.duration;
        let stop = async move {
            let mut rx = done_rx;
            match duration {
                Some(s) => {
                    let _ = tokio::time::timeout(
                        std::time::Duration::from_secs_f64(s.max(0.0)),
                        rx.wait_for(|d| *d),
                    )
                    .await;
                }
                None => {
                    tokio::select! {
                        _ = rx.wait_for(|d| *d) => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
            }
        };
        let stdout = std::io::stdout();
        let result = notify::run(&socket, &mut receiver, stop, |n, from| {
            let text = serde_json::to_string(&line(&n, from)).unwrap_or_default();
            let mut out = stdout.lock();
            // A closed stdout (`| head`) ends the run quietly.
            if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
                let _ = done_tx.send(true);
            }
            seen += 1;
            if count.is_some_and(|c| seen >= c) {
                let _ = done_tx.send(true);
            }
        })
        .await;
        let stats = receiver.stats();
        eprintln!(
            "snmp trapd: {} received, {} dropped",
            stats.received, stats.dropped
        );
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("snmp trapd: {e}");
                ExitCode::from(2)
            }
        }
    })
}
