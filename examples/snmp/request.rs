//! `snmp get|getnext|walk|bulkwalk` with net-snmp's flags and output.

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use netmon::snmp::client::Client;
use netmon::snmp::engine::client::Security;
use netmon::snmp::engine::retry::RetryPolicy;
use netmon::snmp::engine::walk::WalkEnd;
use netmon::snmp::notify::{TrapSender, notification_varbinds};
use netmon::snmp::pdu::TrapV1;
use netmon::snmp::pdu::error_status;
use netmon::snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};
use netmon::snmp::{Error, Oid, Pdu, PduType, Value, VarBind, Version};

use crate::netsnmp_fmt;

/// net-snmp's common options.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// SNMP version: 1, 2c or 3.
    #[arg(short = 'v', default_value = "3")]
    version: String,
    /// Community (v1, v2c).
    #[arg(short = 'c', default_value = "public")]
    community: String,
    /// v3 security name.
    #[arg(short = 'u', default_value = "")]
    user: String,
    /// v3 security level: noAuthNoPriv, authNoPriv or authPriv.
    #[arg(short = 'l', default_value = "noAuthNoPriv")]
    level: String,
    /// v3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', default_value = "MD5")]
    auth_protocol: String,
    /// v3 authentication pass phrase.
    #[arg(short = 'A', default_value = "")]
    auth_pass: String,
    /// v3 privacy protocol: DES, AES, AES-192, AES-256, AES-192-C, AES-256-C.
    #[arg(short = 'x', default_value = "DES")]
    priv_protocol: String,
    /// v3 privacy pass phrase.
    #[arg(short = 'X', default_value = "")]
    priv_pass: String,
    /// v3 engine ID in hex: the sender's own for `trap` (net-snmp's -e);
    /// requests discover the agent's and ignore it.
    #[arg(short = 'e', value_name = "HEX")]
    engine_id: Option<String>,
    /// Retries.
    #[arg(short = 'r', default_value_t = 5)]
    retries: u32,
    /// Timeout in seconds.
    #[arg(short = 't', default_value_t = 1.0)]
    timeout: f64,
    /// Output options (`n`: numeric OIDs, the only output this tool has).
    #[arg(short = 'O', default_value = "n")]
    output: String,
    /// Application options, repeatable (bulkwalk: `rN` sets
    /// max-repetitions, default 10; `nN` non-repeaters, where a walk of one
    /// subtree takes only 0; `i` for trap sends an inform).
    #[arg(short = 'C')]
    app: Vec<String>,
    /// The agent: host[:port], udp:host:port, udp6:[addr]:port,
    /// tcp:host:port.
    target: String,
    /// OIDs, numeric (`.1.3.6.1.2.1.1.5.0`); for set, OID TYPE VALUE triples.
    #[arg(allow_hyphen_values = true)]
    oids: Vec<String>,
}

fn usage(msg: String) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::from(2)
}

/// A target and whether it is reached over TCP.
fn parse_target(t: &str, default_port: u16) -> Result<(SocketAddr, bool), String> {
    let (proto, rest) = match t.split_once(':') {
        Some((p @ ("udp" | "udp6" | "tcp" | "tcp6"), rest)) => (p, rest),
        _ => ("udp", t),
    };
    let tcp = proto.starts_with("tcp");
    // [v6]:port, host:port, host
    let with_port = if rest.starts_with('[') {
        if rest.contains("]:") {
            rest.to_string()
        } else {
            format!("{rest}:{default_port}")
        }
    } else if rest.matches(':').count() == 1 {
        rest.to_string()
    } else if rest.contains(':') {
        format!("[{rest}]:{default_port}")
    } else {
        format!("{rest}:{default_port}")
    };
    let addr = with_port
        .to_socket_addrs()
        .map_err(|e| format!("{t}: {e}"))?
        .next()
        .ok_or_else(|| format!("{t}: no address"))?;
    Ok((addr, tcp))
}

fn security(c: &Common) -> Result<(Version, Security), String> {
    let version = match c.version.as_str() {
        "1" => Version::V1,
        "2c" | "2" => Version::V2c,
        "3" => Version::V3,
        v => return Err(format!("Invalid version specified after -v flag: {v}")),
    };
    if version != Version::V3 {
        return Ok((
            version,
            Security::Community(c.community.as_bytes().to_vec()),
        ));
    }
    let mut user = UsmUser::new(c.user.as_bytes().to_vec());
    let level = c.level.to_ascii_lowercase();
    let (auth, privacy) = match level.as_str() {
        "noauthnopriv" | "noauth" | "nanp" => (false, false),
        "authnopriv" | "auth" | "anp" => (true, false),
        "authpriv" | "priv" | "ap" => (true, true),
        l => {
            return Err(format!(
                "Invalid security level specified after -l flag: {l}"
            ));
        }
    };
    if auth {
        let a = AuthProtocol::from_name(&c.auth_protocol).ok_or_else(|| {
            format!(
                "Invalid authentication protocol specified after -a flag: {}",
                c.auth_protocol
            )
        })?;
        user = user
            .with_auth(a, c.auth_pass.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    if privacy {
        let p = PrivProtocol::from_name(&c.priv_protocol).ok_or_else(|| {
            format!(
                "Invalid privacy protocol specified after -x flag: {}",
                c.priv_protocol
            )
        })?;
        user = user
            .with_privacy(p, c.priv_pass.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    Ok((version, Security::Usm(user)))
}

fn parse_oid(s: &str) -> Result<Oid, String> {
    s.trim_start_matches('.')
        .parse::<Oid>()
        .map_err(|e| format!("{s}: Unknown Object Identifier ({e})"))
}

/// Which request.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Get,
    GetNext,
    Walk,
    BulkWalk,
    Set,
    /// snmptrap.
    Trap,
    /// snmpinform.
    Inform,
}

/// A value as snmpset takes it: a type letter and text.
fn set_value(ty: &str, text: &str) -> Result<Value, String> {
    let bad = || format!("{text}: bad value for type {ty}");
    Ok(match ty {
        "i" => Value::Integer(text.parse().map_err(|_| bad())?),
        "u" => Value::Gauge32(text.parse().map_err(|_| bad())?),
        "c" => Value::Counter32(text.parse().map_err(|_| bad())?),
        "C" => Value::Counter64(text.parse().map_err(|_| bad())?),
        "t" => Value::TimeTicks(text.parse().map_err(|_| bad())?),
        "a" => Value::IpAddress(
            text.parse::<std::net::Ipv4Addr>()
                .map_err(|_| bad())?
                .octets(),
        ),
        "o" => Value::ObjectId(parse_oid(text)?),
        "s" => Value::OctetString(text.as_bytes().to_vec()),
        "x" => {
            let hex: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if !hex.len().is_multiple_of(2) {
                return Err(bad());
            }
            Value::OctetString(
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad()))
                    .collect::<Result<_, _>>()?,
            )
        }
        "d" => Value::OctetString(
            text.split(['.', ' '])
                .filter(|p| !p.is_empty())
                .map(|p| p.parse::<u8>().map_err(|_| bad()))
                .collect::<Result<_, _>>()?,
        ),
        "n" => Value::Null,
        _ => {
            return Err(format!(
                "{ty}: Bad object type (one of i u c C t a o s x d n)"
            ));
        }
    })
}

/// net-snmp's wording of an error-status (snmp_errstring).
fn reason(status: i32) -> String {
    const TEXT: [&str; 19] = [
        "(noError) No Error",
        "(tooBig) Response message would have been too large.",
        "(noSuchName) There is no such variable name in this MIB.",
        "(badValue) The value given has the wrong type or length.",
        "(readOnly) The two parties used do not have access to use the specified SNMP PDU.",
        "(genError) A general failure occured",
        "noAccess",
        "wrongType (The set datatype does not match the data type the agent expects)",
        "wrongLength (The set value has an illegal length from what the agent expects)",
        "wrongEncoding",
        "wrongValue (The set value is illegal or unsupported in some way)",
        "noCreation (That table does not support row creation or that object can not ever be created)",
        "inconsistentValue (The set value is illegal or unsupported in some way)",
        "resourceUnavailable (This is likely a out-of-memory failure within the agent)",
        "commitFailed",
        "undoFailed",
        "authorizationError (access denied to that object)",
        "notWritable (That object does not support modification)",
        "inconsistentName (That object can not currently be created)",
    ];
    usize::try_from(status)
        .ok()
        .and_then(|i| TEXT.get(i))
        .map_or_else(
            || format!("({})", error_status::name(status)),
            |t| t.to_string(),
        )
}

/// Prints varbinds as net-snmp does, one per line, through one buffer (a
/// walk is thousands of lines); a closed stdout (`| head`) ends quietly.
fn print_lines<'a>(vbs: impl Iterator<Item = &'a VarBind>) {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for vb in vbs {
        if writeln!(out, "{}", netsnmp_fmt::line(vb)).is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// As snmpget and snmpset print an error-status (snmpset's header has a
/// full stop).
fn print_error(pdu: &Pdu, kind: Kind) -> ExitCode {
    let idx = usize::try_from(pdu.error_index).unwrap_or(0);
    let stop = if matches!(kind, Kind::Set) { "." } else { "" };
    eprintln!(
        "Error in packet{stop}\nReason: {}",
        reason(pdu.error_status)
    );
    if let Some(vb) = idx.checked_sub(1).and_then(|i| pdu.varbinds.get(i)) {
        eprintln!("Failed object: .{}\n", vb.name);
    }
    ExitCode::from(2)
}

/// Seconds since boot in hundredths (what snmptrap sends for an empty
/// uptime argument).
fn system_uptime() -> u32 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0, |s| (s * 100.0) as u64 as u32)
}

/// The notification arguments: v2c/v3 `UPTIME TRAP-OID [OID TYPE VALUE]...`;
/// v1 `ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...`.
enum TrapArgs {
    V2 {
        uptime: u32,
        trap_oid: Oid,
        extra: Vec<VarBind>,
    },
    V1(TrapV1),
}

fn parse_uptime(s: &str) -> Result<u32, String> {
    if s.is_empty() {
        Ok(system_uptime())
    } else {
        s.parse()
            .map_err(|_| format!("{s}: bad uptime (hundredths of a second, or '')"))
    }
}

fn triples(args: &[String]) -> Result<Vec<VarBind>, String> {
    if !args.len().is_multiple_of(3) {
        return Err("Missing object name, type or value (OID TYPE VALUE ...)".into());
    }
    args.chunks(3)
        .map(|t| Ok(VarBind::new(parse_oid(&t[0])?, set_value(&t[1], &t[2])?)))
        .collect()
}

fn trap_args(version: Version, args: &[String]) -> Result<TrapArgs, String> {
    if version == Version::V1 {
        let [enterprise, addr, generic, specific, uptime, rest @ ..] = args else {
            return Err(
                "v1 trap: ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...".into(),
            );
        };
        let agent_addr = if addr.is_empty() {
            [127, 0, 0, 1]
        } else {
            addr.parse::<std::net::Ipv4Addr>()
                .map_err(|_| format!("{addr}: bad agent address"))?
                .octets()
        };
        return Ok(TrapArgs::V1(TrapV1 {
            enterprise: parse_oid(enterprise)?,
            agent_addr,
            generic_trap: generic
                .parse()
                .map_err(|_| format!("{generic}: bad generic trap"))?,
            specific_trap: specific
                .parse()
                .map_err(|_| format!("{specific}: bad specific trap"))?,
            time_stamp: parse_uptime(uptime)?,
            varbinds: triples(rest)?,
        }));
    }
    let [uptime, trap_oid, rest @ ..] = args else {
        return Err("UPTIME TRAP-OID [OID TYPE VALUE]... expected".into());
    };
    Ok(TrapArgs::V2 {
        uptime: parse_uptime(uptime)?,
        trap_oid: parse_oid(trap_oid)?,
        extra: triples(rest)?,
    })
}

fn notify(kind: Kind, c: Common) -> ExitCode {
    let target = match parse_target(&c.target, 162) {
        Ok((_, true)) => return usage(format!("{}: traps and informs go over UDP", c.target)),
        Ok((t, false)) => t,
        Err(e) => return usage(e),
    };
    let (version, sec) = match security(&c) {
        Ok(v) => v,
        Err(e) => return usage(e),
    };
    let args = match trap_args(version, &c.oids) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        if let Kind::Inform = kind {
            let TrapArgs::V2 {
                uptime,
                trap_oid,
                extra,
            } = args
            else {
                return usage("snmpinform: informs need -v 2c or -v 3".into());
            };
            let policy = RetryPolicy {
                timeout: Duration::from_secs_f64(c.timeout.max(0.001)),
                retries: c.retries,
                backoff: 1.0,
                deadline: None,
            };
            let mut client = match Client::connect(target, version, sec, policy).await {
                Ok(cl) => cl,
                Err(e) => return usage(format!("{}: {e}", c.target)),
            };
            let varbinds = notification_varbinds(uptime, &trap_oid, extra);
            return match client.request(PduType::InformRequest, varbinds, 0, 0).await {
                Ok(_) => ExitCode::SUCCESS,
                Err(Error::Timeout) => {
                    eprintln!("snmpinform: Timeout");
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("snmpinform: {e}");
                    ExitCode::from(2)
                }
            };
        }
        let mut sender = TrapSender::new(version, sec);
        if let Some(h) = &c.engine_id {
            match crate::agent::parse_hex(h) {
                Ok(id) => sender.set_engine(id, 1),
                Err(e) => return usage(e),
            }
        }
        let datagram = match args {
            TrapArgs::V1(t) => sender.trap_v1(t),
            TrapArgs::V2 {
                uptime,
                trap_oid,
                extra,
            } => sender.trap(std::time::Instant::now(), &trap_oid, uptime, extra),
        };
        let datagram = match datagram {
            Ok(d) => d,
            Err(e) => return usage(format!("snmptrap: {e}")),
        };
        let bind: SocketAddr = if target.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let sent = match tokio::net::UdpSocket::bind(bind).await {
            Ok(s) => s.send_to(&datagram, target).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("snmptrap: {}: {e}", c.target);
                ExitCode::from(1)
            }
        }
    })
}

pub fn run(kind: Kind, c: Common) -> ExitCode {
    if matches!(kind, Kind::Trap | Kind::Inform) {
        // snmptrap -Ci sends an inform.
        let kind = if c.app.iter().any(|a| a == "i") {
            Kind::Inform
        } else {
            kind
        };
        return notify(kind, c);
    }
    let (target, tcp) = match parse_target(&c.target, 161) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let (version, sec) = match security(&c) {
        Ok(v) => v,
        Err(e) => return usage(e),
    };
    let mut oids = Vec::new();
    let mut to_set = Vec::new();
    if let Kind::Set = kind {
        if c.oids.is_empty() || !c.oids.len().is_multiple_of(3) {
            return usage("Missing object name, type or value (OID TYPE VALUE ...)".into());
        }
        for t in c.oids.chunks(3) {
            match (parse_oid(&t[0]), set_value(&t[1], &t[2])) {
                (Ok(o), Ok(v)) => to_set.push(VarBind::new(o, v)),
                (Err(e), _) | (_, Err(e)) => return usage(e),
            }
        }
    } else {
        for o in &c.oids {
            match parse_oid(o) {
                Ok(o) => oids.push(o),
                Err(e) => return usage(e),
            }
        }
    }
    let policy = RetryPolicy {
        timeout: Duration::from_secs_f64(c.timeout.max(0.001)),
        retries: c.retries,
        backoff: 1.0,
        deadline: None,
    };
    let mut max_rep = 10;
    for a in &c.app {
        let (flag, n) = a.split_at(a.len().min(1));
        match (flag, n.parse::<i32>()) {
            ("r", Ok(n)) if n > 0 => max_rep = n,
            ("n", Ok(0)) => {}
            ("n", Ok(_)) => {
                return usage("-Cn: a walk of one subtree takes 0 non-repeaters".into());
            }
            _ => return usage(format!("-C{a}: unknown application option (rN, nN)")),
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        let connected = if tcp {
            Client::connect_tcp(target, version, sec, policy).await
        } else {
            Client::connect(target, version, sec, policy).await
        };
        let mut client = match connected {
            Ok(c) => c,
            Err(Error::Timeout) => {
                eprintln!("Timeout: No Response from {}.", c.target);
                return ExitCode::from(1);
            }
            Err(e) => return usage(format!("{}: {e}", c.target)),
        };
        let timeout = || {
            eprintln!("Timeout: No Response from {}.", c.target);
            ExitCode::from(1)
        };
        match kind {
            Kind::Get | Kind::GetNext | Kind::Set => {
                if oids.is_empty() && to_set.is_empty() {
                    return usage("Missing object name".into());
                }
                let r = match kind {
                    Kind::Get => client.get(&oids).await,
                    Kind::Set => client.set(to_set).await,
                    _ => client.get_next(&oids).await,
                };
                match r {
                    Ok(pdu) if pdu.error_status != 0 => print_error(&pdu, kind),
                    Ok(pdu) => {
                        print_lines(pdu.varbinds.iter());
                        ExitCode::SUCCESS
                    }
                    Err(Error::Timeout) => timeout(),
                    Err(e) => {
                        eprintln!("snmp: {e}");
                        ExitCode::from(1)
                    }
                }
            }
            Kind::Walk | Kind::BulkWalk => {
                let root = oids
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "1.3.6.1.2.1".parse().expect("literal"));
                let (rows, end) = match kind {
                    Kind::Walk => client.walk(root).await,
                    _ => client.bulk_walk(root, max_rep).await,
                };
                // snmpwalk ends a walk to the end of the MIB with its
                // endOfMibView line.
                let end_line = match (&end, rows.last()) {
                    (WalkEnd::EndOfMibView, Some(last)) if version != Version::V1 => {
                        Some(VarBind::new(last.name.clone(), Value::EndOfMibView))
                    }
                    _ => None,
                };
                print_lines(rows.iter().chain(end_line.as_ref()));
                match end {
                    WalkEnd::EndOfMibView | WalkEnd::LeftSubtree => ExitCode::SUCCESS,
                    WalkEnd::Timeout => timeout(),
                    other => {
                        eprintln!("snmp: walk ended: {other:?}");
                        ExitCode::from(2)
                    }
                }
            }
            // Sent by notify() before a runtime is started here.
            Kind::Trap | Kind::Inform => usage("trap and inform take another path".into()),
        }
    })
}
