//! IPv4 with typed options.

use std::net::Ipv4Addr;

use super::{WireError, err};
use crate::dissect::ones_sum;

/// An IPv4 option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv4Option {
    /// End of the option list (0).
    EndOfList,
    /// No operation (1).
    Nop,
    /// Record route (7): pointer, addresses.
    RecordRoute {
        /// Pointer.
        pointer: u8,
        /// Route data.
        route: Vec<u8>,
    },
    /// Loose source route (131).
    LooseSourceRoute {
        /// Pointer.
        pointer: u8,
        /// Route data.
        route: Vec<u8>,
    },
    /// Strict source route (137).
    StrictSourceRoute {
        /// Pointer.
        pointer: u8,
        /// Route data.
        route: Vec<u8>,
    },
    /// Timestamp (68): pointer, overflow/flags, data.
    Timestamp {
        /// Pointer.
        pointer: u8,
        /// Overflow (4 bits) and flags (4 bits).
        oflw_flags: u8,
        /// Timestamps (and addresses).
        data: Vec<u8>,
    },
    /// Router alert (148).
    RouterAlert(u16),
    /// Any other option: kind and data.
    Other {
        /// Kind.
        kind: u8,
        /// Data after kind and length.
        data: Vec<u8>,
    },
}

/// An IPv4 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Repr {
    /// DSCP and ECN.
    pub tos: u8,
    /// Total length.
    pub total_len: u16,
    /// Identification.
    pub id: u16,
    /// Don't fragment.
    pub dont_frag: bool,
    /// More fragments.
    pub more_frags: bool,
    /// Fragment offset in octets.
    pub frag_offset: u16,
    /// Time to live.
    pub ttl: u8,
    /// Protocol.
    pub protocol: u8,
    /// Header checksum as found (emit computes it).
    pub checksum: u16,
    /// Source.
    pub src: Ipv4Addr,
    /// Destination.
    pub dst: Ipv4Addr,
    /// Options in order (padding included as EndOfList/Nop).
    pub options: Vec<Ipv4Option>,
}

fn parse_options(mut b: &[u8], base: usize) -> Result<Vec<Ipv4Option>, WireError> {
    let mut out = Vec::new();
    let mut at = base;
    while let Some(&kind) = b.first() {
        match kind {
            0 => {
                out.push(Ipv4Option::EndOfList);
                b = &b[1..];
                at += 1;
                continue;
            }
            1 => {
                out.push(Ipv4Option::Nop);
                b = &b[1..];
                at += 1;
                continue;
            }
            _ => {}
        }
        let len = usize::from(*b.get(1).ok_or(err("IPv4 option length missing", at))?);
        if len < 2 || len > b.len() {
            return Err(err("IPv4 option length out of range", at + 1));
        }
        let data = &b[2..len];
        let route = |d: &[u8]| -> Result<(u8, Vec<u8>), WireError> {
            let (&p, rest) = d
                .split_first()
                .ok_or(err("IPv4 route option too short", at))?;
            Ok((p, rest.to_vec()))
        };
        out.push(match kind {
            7 => {
                let (pointer, route) = route(data)?;
                Ipv4Option::RecordRoute { pointer, route }
            }
            131 => {
                let (pointer, route) = route(data)?;
                Ipv4Option::LooseSourceRoute { pointer, route }
            }
            137 => {
                let (pointer, route) = route(data)?;
                Ipv4Option::StrictSourceRoute { pointer, route }
            }
            68 if data.len() >= 2 => Ipv4Option::Timestamp {
                pointer: data[0],
                oflw_flags: data[1],
                data: data[2..].to_vec(),
            },
            148 if data.len() == 2 => {
                Ipv4Option::RouterAlert(u16::from_be_bytes([data[0], data[1]]))
            }
            _ => Ipv4Option::Other {
                kind,
                data: data.to_vec(),
            },
        });
        b = &b[len..];
        at += len;
    }
    Ok(out)
}

fn emit_option(o: &Ipv4Option, out: &mut Vec<u8>) {
    let mut tlv = |kind: u8, data: &[u8]| {
        out.push(kind);
        out.push((data.len() + 2) as u8);
        out.extend_from_slice(data);
    };
    match o {
        Ipv4Option::EndOfList => out.push(0),
        Ipv4Option::Nop => out.push(1),
        Ipv4Option::RecordRoute { pointer, route } => tlv(7, &[&[*pointer], &route[..]].concat()),
        Ipv4Option::LooseSourceRoute { pointer, route } => {
            tlv(131, &[&[*pointer], &route[..]].concat())
        }
        Ipv4Option::StrictSourceRoute { pointer, route } => {
            tlv(137, &[&[*pointer], &route[..]].concat())
        }
        Ipv4Option::Timestamp {
            pointer,
            oflw_flags,
            data,
        } => tlv(68, &[&[*pointer, *oflw_flags], &data[..]].concat()),
        Ipv4Option::RouterAlert(v) => tlv(148, &v.to_be_bytes()),
        Ipv4Option::Other { kind, data } => tlv(*kind, data),
    }
}

impl Ipv4Repr {
    /// Parses the header; the representation and the header's length.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let v = super::Ipv4View::new_checked(b)?;
        Ok((
            Ipv4Repr {
                tos: v.tos(),
                total_len: v.total_len(),
                id: v.id(),
                dont_frag: v.dont_frag(),
                more_frags: v.more_frags(),
                frag_offset: v.frag_offset(),
                ttl: v.ttl(),
                protocol: v.protocol(),
                checksum: v.checksum(),
                src: v.src(),
                dst: v.dst(),
                options: parse_options(v.options(), 20)?,
            },
            v.header_len(),
        ))
    }

    /// Appends the header with its checksum (options padded to 32 bits
    /// with end-of-list octets). Options over 40 octets do not fit: an
    /// error, and nothing appended.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        let start = out.len();
        out.extend_from_slice(&[0x45, self.tos]);
        out.extend_from_slice(&self.total_len.to_be_bytes());
        out.extend_from_slice(&self.id.to_be_bytes());
        let frag = (self.frag_offset / 8)
            | if self.dont_frag { 0x4000 } else { 0 }
            | if self.more_frags { 0x2000 } else { 0 };
        out.extend_from_slice(&frag.to_be_bytes());
        out.extend_from_slice(&[self.ttl, self.protocol, 0, 0]);
        out.extend_from_slice(&self.src.octets());
        out.extend_from_slice(&self.dst.octets());
        for o in &self.options {
            emit_option(o, out);
        }
        while !(out.len() - start).is_multiple_of(4) {
            out.push(0);
        }
        if out.len() - start > 60 {
            out.truncate(start);
            return Err(err("IPv4 options over 40 octets", 20));
        }
        let ihl = ((out.len() - start) / 4) as u8;
        out[start] = 0x40 | ihl;
        let c = !(ones_sum(0, &out[start..]) as u16);
        out[start + 10..start + 12].copy_from_slice(&c.to_be_bytes());
        Ok(())
    }

    /// The pseudo-header sum for a transport segment of `len` octets.
    pub fn pseudo_sum(&self, len: usize) -> u32 {
        ones_sum(ones_sum(0, &self.src.octets()), &self.dst.octets())
            + u32::from(self.protocol)
            + len as u32
    }
}
