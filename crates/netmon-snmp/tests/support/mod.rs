//! Shared by the corpus tests: SNMP messages out of captures.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use netmon_pcap::{Protocol, SliceReader, transport};
use netmon_snmp::ber::Reader;

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

pub fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

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
                loop {
                    let mut r = Reader::new(buf);
                    let Ok(tlv) = r.read() else { break };
                    let end = tlv.value_offset + tlv.value.len();
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
