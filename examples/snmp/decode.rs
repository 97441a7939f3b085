//! `snmp decode`: every SNMP message of captures or BER files as JSON.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use netmon::core::Timestamp;
use netmon::pcap::{Protocol, SliceReader, transport};
use netmon::snmp::message::{DecodeOptions, ScopedPduDataRef, StreamFrame, next_stream_message};
use netmon::snmp::usm::{self, AuthProtocol, KeyCache, PrivProtocol, UsmUser};
use netmon::snmp::{Error, MessageRef, decode_with};
use serde_json::json;

use crate::json::{self, Obj};

/// Where a message came from.
#[derive(Debug, Default)]
struct Origin {
    frame: Option<u64>,
    offset: usize,
    time_ns: Option<i128>,
    src: Option<(IpAddr, u16)>,
    dst: Option<(IpAddr, u16)>,
    tcp: bool,
}

/// Parses `USER:AUTH:AUTHPASS[:PRIV:PRIVPASS]` given after `flag`.
pub fn parse_user(flag: &str, spec: &str) -> Result<UsmUser, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() != 3 && parts.len() != 5 {
        return Err(format!(
            "{flag} {spec:?}: expected USER:AUTH:AUTHPASS or USER:AUTH:AUTHPASS:PRIV:PRIVPASS"
        ));
    }
    let auth = AuthProtocol::from_name(parts[1]).ok_or_else(|| {
        format!(
            "{flag} {:?}: unknown authentication protocol {:?} (MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512)",
            parts[0], parts[1]
        )
    })?;
    let mut user = UsmUser::new(parts[0])
        .with_auth(auth, parts[2].as_bytes())
        .map_err(|e| format!("{flag} {:?}: {e}", parts[0]))?;
    if parts.len() == 5 {
        let privacy = PrivProtocol::from_name(parts[3]).ok_or_else(|| {
            format!(
                "{flag} {:?}: unknown privacy protocol {:?} (DES, AES, AES-192, AES-256, AES-192-C, AES-256-C)",
                parts[0], parts[3]
            )
        })?;
        user = user
            .with_privacy(privacy, parts[4].as_bytes())
            .map_err(|e| format!("{flag} {:?}: {e}", parts[0]))?;
    }
    Ok(user)
}

struct Decoder<W: Write> {
    out: W,
    keys: KeyCache,
    lenient: bool,
    messages: u64,
    failed: u64,
}

impl<W: Write> Decoder<W> {
    fn emit(&mut self, file: &Path, origin: &Origin, bytes: &[u8]) -> std::io::Result<()> {
        let mut o = Obj::default();
        o.insert("file", json!(file.display().to_string()));
        if let Some(f) = origin.frame {
            o.insert("frame", json!(f));
        } else {
            o.insert("offset", json!(origin.offset));
        }
        if let Some(ns) = origin.time_ns {
            let secs = ns.div_euclid(1_000_000_000) as i64;
            let t = Timestamp::from_secs(secs)
                .map(|t| t.saturating_add_nanos(ns.rem_euclid(1_000_000_000) as i64));
            if let Some(t) = t {
                o.insert("time", json!(t.to_string()));
            }
        }
        if let (Some((sa, sp)), Some((da, dp))) = (origin.src, origin.dst) {
            let fmt = |a: IpAddr, p: u16| match a {
                IpAddr::V4(a) => format!("{a}:{p}"),
                IpAddr::V6(a) => format!("[{a}]:{p}"),
            };
            o.insert("src", json!(fmt(sa, sp)));
            o.insert("dst", json!(fmt(da, dp)));
            o.insert("transport", json!(if origin.tcp { "tcp" } else { "udp" }));
        }
        o.insert("length", json!(bytes.len()));
        self.messages += 1;
        if let Err(e) = self.describe(bytes, &mut o) {
            self.failed += 1;
            o.insert("error", json!(e));
        }
        serde_json::to_writer(&mut self.out, &o)?;
        self.out.write_all(b"\n")
    }

    /// Fills in the message; `Err` is the error text (the fields decoded
    /// before it stay).
    fn describe(&mut self, bytes: &[u8], o: &mut Obj) -> Result<(), String> {
        let opts = DecodeOptions {
            lenient: self.lenient,
        };
        let m = decode_with(bytes, opts).map_err(|e| e.to_string())?;
        match &m {
            MessageRef::Community(c) => {
                o.insert("version", json!(c.version.name()));
                o.insert("community", json!(String::from_utf8_lossy(c.community)));
                json::pdu(&c.pdu, o).map_err(|e| e.to_string())
            }
            MessageRef::Unknown { version, .. } => {
                o.insert("version", json!(version));
                Err(format!("unknown SNMP version {version}"))
            }
            MessageRef::V3(v) => {
                o.insert("version", json!("3"));
                json::v3_header(v, o);
                let Some(u) = &v.usm else {
                    return Err(format!(
                        "security model {} is not USM: the ScopedPDU cannot be read",
                        v.security_model
                    ));
                };
                let needs_keys = v.flags.auth() || v.flags.privacy();
                let keys = if needs_keys {
                    self.keys.keys(u.user_name, u.engine_id)
                } else {
                    None
                };
                match (&v.data, keys) {
                    (ScopedPduDataRef::Plaintext(s), None) => {
                        if v.flags.auth() {
                            o.insert("auth", json!("not checked (no --usm for this user)"));
                        }
                        json::scoped(s, o).map_err(|e| e.to_string())
                    }
                    (ScopedPduDataRef::Encrypted(c), None) => {
                        o.insert("encrypted", json!(c.len()));
                        if v.flags.auth() {
                            o.insert("auth", json!("not checked (no --usm for this user)"));
                        }
                        Ok(())
                    }
                    (_, Some(keys)) => {
                        let mut buf = Vec::new();
                        match usm::unprotect(bytes, v, &keys, &mut buf) {
                            Ok(s) => {
                                if v.flags.auth() {
                                    o.insert("auth", json!("verified"));
                                }
                                if v.flags.privacy() {
                                    o.insert("decrypted", json!(true));
                                }
                                json::scoped(&s, o).map_err(|e| format!("{e} of the ScopedPDU"))
                            }
                            Err(Error::WrongDigest) => {
                                o.insert("auth", json!("wrong digest"));
                                Err(Error::WrongDigest.to_string())
                            }
                            Err(e) => Err(e.to_string()),
                        }
                    }
                }
            }
        }
    }
}

fn is_capture(data: &[u8]) -> bool {
    matches!(
        data.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x0a, 0x0d, 0x0d, 0x0a]
        )
    )
}

type StreamKey = (IpAddr, u16, IpAddr, u16);

impl<W: Write> Decoder<W> {
    fn capture(&mut self, path: &Path, data: &[u8], ports: &[u16]) -> Result<(), String> {
        let reader = SliceReader::new(data).map_err(|e| format!("{}: {e}", path.display()))?;
        // TCP (RFC 3430): messages back to back in each direction's stream.
        let mut streams: HashMap<StreamKey, Vec<u8>> = HashMap::new();
        for p in reader {
            let p = match p {
                Ok(p) => p,
                Err(e) => {
                    // Report the damage and keep what was read.
                    eprintln!("snmp decode: {}: {e}", path.display());
                    break;
                }
            };
            let Some(t) = transport(p.link_type, p.data) else {
                continue;
            };
            if !ports.contains(&t.src_port) && !ports.contains(&t.dst_port) {
                continue;
            }
            let origin = Origin {
                frame: Some(p.number),
                offset: p.offset,
                time_ns: Some(p.ts_ns),
                src: Some((t.src, t.src_port)),
                dst: Some((t.dst, t.dst_port)),
                tcp: t.protocol == Protocol::Tcp,
            };
            match t.protocol {
                Protocol::Udp => self
                    .emit(path, &origin, t.payload)
                    .map_err(|e| e.to_string())?,
                Protocol::Tcp => {
                    let buf = streams
                        .entry((t.src, t.src_port, t.dst, t.dst_port))
                        .or_default();
                    buf.extend_from_slice(t.payload);
                    let mut messages = Vec::new();
                    loop {
                        match next_stream_message(buf) {
                            StreamFrame::Complete(end) => messages.push(buf.drain(..end).collect()),
                            StreamFrame::Incomplete => break,
                            // Not SNMP framing: print it once (its line
                            // says why) and drop the stream.
                            StreamFrame::Broken(_) => {
                                messages.push(std::mem::take(buf));
                                break;
                            }
                        }
                    }
                    for m in messages {
                        self.emit(path, &origin, &m).map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn raw(&mut self, path: &Path, data: &[u8]) -> Result<(), String> {
        let mut at = 0;
        while at < data.len() {
            let rest = &data[at..];
            // Messages back to back, framed as on a TCP stream; an
            // unframed tail is decoded whole so that its error is printed.
            let len = match next_stream_message(rest) {
                StreamFrame::Complete(n) => n,
                StreamFrame::Incomplete | StreamFrame::Broken(_) => rest.len(),
            };
            let origin = Origin {
                offset: at,
                ..Origin::default()
            };
            self.emit(path, &origin, &rest[..len])
                .map_err(|e| e.to_string())?;
            at += len;
        }
        Ok(())
    }
}

pub fn run(files: &[PathBuf], users: &[String], ports: &[u16], lenient: bool) -> ExitCode {
    let mut keys = KeyCache::new(4096);
    for spec in users {
        match parse_user("--usm", spec) {
            Ok(u) => keys.add_user(u),
            Err(e) => {
                eprintln!("snmp decode: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let mut all_ports = vec![161, 162];
    all_ports.extend_from_slice(ports);
    let stdout = std::io::stdout();
    let mut d = Decoder {
        out: BufWriter::new(stdout.lock()),
        keys,
        lenient,
        messages: 0,
        failed: 0,
    };
    let mut input_error = false;
    for path in files {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("snmp decode: {}: {e}", path.display());
                input_error = true;
                continue;
            }
        };
        let r = if is_capture(&data) {
            d.capture(path, &data, &all_ports)
        } else {
            d.raw(path, &data)
        };
        if let Err(e) = r {
            if e.contains("Broken pipe") {
                return ExitCode::SUCCESS;
            }
            eprintln!("snmp decode: {e}");
            input_error = true;
        }
    }
    if let Err(e) = d.out.flush()
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("snmp decode: {e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "snmp decode: {} messages, {} not decoded",
        d.messages, d.failed
    );
    if input_error {
        ExitCode::from(2)
    } else if d.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
