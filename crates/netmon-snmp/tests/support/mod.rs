//! Shared by the corpus tests: SNMP messages out of captures.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use netmon_pcap::{Protocol, SliceReader, transport};
use netmon_snmp::message::{StreamFrame, next_stream_message};
use netmon_snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};

/// One SNMP message found in a capture.
#[derive(Debug, Clone)]
pub struct Found {
    pub frame: u64,
    pub src_port: u16,
    pub dst_port: u16,
    pub tcp: bool,
    pub bytes: Vec<u8>,
}

pub const PORTS: [u16; 4] = [161, 162, 16161, 16162];

#[allow(unused_imports)]
pub use netmon_testkit::hex;

/// Every SNMP message of a capture (UDP datagrams on the SNMP ports; TCP
/// streams on them cut into whole messages, RFC 3430).
pub fn messages(path: &Path) -> Vec<Found> {
    let data = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut streams: HashMap<(std::net::IpAddr, u16, std::net::IpAddr, u16), Vec<u8>> =
        HashMap::new();
    for p in SliceReader::new(&data).unwrap() {
        let Ok(p) = p else { break };
        let Some(t) = transport(p.link_type, p.data) else {
            continue;
        };
        if !PORTS.contains(&t.src_port) && !PORTS.contains(&t.dst_port) {
            continue;
        }
        match t.protocol {
            Protocol::Udp => out.push(Found {
                frame: p.number,
                src_port: t.src_port,
                dst_port: t.dst_port,
                tcp: false,
                bytes: t.payload.to_vec(),
            }),
            Protocol::Tcp => {
                if t.payload.is_empty() {
                    continue;
                }
                let buf = streams
                    .entry((t.src, t.src_port, t.dst, t.dst_port))
                    .or_default();
                buf.extend_from_slice(t.payload);
                while let StreamFrame::Complete(end) = next_stream_message(buf) {
                    out.push(Found {
                        frame: p.number,
                        src_port: t.src_port,
                        dst_port: t.dst_port,
                        tcp: true,
                        bytes: buf[..end].to_vec(),
                    });
                    buf.drain(..end);
                }
            }
        }
    }
    out
}

/// The raw messages of `snmp/bin`.
pub const BIN_MESSAGES: [&str; 6] = [
    "snmpv1_req.bin",
    "snmpv1_trap_coldstart.bin",
    "snmpv2c-get-response.bin",
    "snmpv3-report.bin",
    "snmpv3_req.bin",
    "snmpv3_req_encrypted.bin",
];

/// The captures of `snmp/pcap`.
pub const CAPTURES: [&str; 10] = [
    "netsnmp-5.9.3-loopback.pcap",
    "snmpv1_get.pcap",
    "snmpv1_get_short.pcap",
    "snmpv1_set.pcap",
    "snmpv1_trap.pcap",
    "snmpv2_get.pcap",
    "snmpv2_get_bulk.pcap",
    "snmpv2_get_next.pcap",
    "snmpv3_get_next.pcap",
    "snmpwalk-short.pcap",
];

/// The agent's users of ../interop/snmpd.conf (every password
/// `authpass123` / `privpass123`).
pub fn snmpd_users() -> Vec<UsmUser> {
    use AuthProtocol as A;
    use PrivProtocol as P;
    let table: [(&str, Option<A>, Option<P>); 11] = [
        ("shaAesUser", Some(A::Sha1), Some(P::Aes128)),
        ("sha256Aes256", Some(A::Sha256), Some(P::Aes256)),
        ("md5DesUser", Some(A::Md5), Some(P::Des)),
        ("authOnlyUser", Some(A::Sha512), None),
        ("noAuthUser", None, None),
        ("sha224Aes192", Some(A::Sha224), Some(P::Aes192)),
        ("sha384Aes256", Some(A::Sha384), Some(P::Aes256)),
        ("sha1Aes256", Some(A::Sha1), Some(P::Aes256)),
        ("md5Aes192", Some(A::Md5), Some(P::Aes192)),
        ("sha1Aes256C", Some(A::Sha1), Some(P::Aes256Reeder)),
        ("md5Aes192C", Some(A::Md5), Some(P::Aes192Reeder)),
    ];
    table.into_iter().map(|(n, a, p)| user(n, a, p)).collect()
}

/// The users of ../interop/snmpd.conf and snmptrapd.conf.
pub fn interop_users() -> Vec<UsmUser> {
    let mut users = snmpd_users();
    users.push(user(
        "trapUser",
        Some(AuthProtocol::Sha1),
        Some(PrivProtocol::Aes128),
    ));
    users.push(user(
        "informUser",
        Some(AuthProtocol::Sha256),
        Some(PrivProtocol::Aes128),
    ));
    users
}

fn user(name: &str, a: Option<AuthProtocol>, p: Option<PrivProtocol>) -> UsmUser {
    let mut u = UsmUser::new(name);
    if let Some(a) = a {
        u = u.with_auth(a, b"authpass123").unwrap();
    }
    if let Some(p) = p {
        u = u.with_privacy(p, b"privpass123").unwrap();
    }
    u
}
