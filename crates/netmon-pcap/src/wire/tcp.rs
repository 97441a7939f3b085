//! TCP with every option: MSS, window scale, SACK permitted, SACK blocks,
//! timestamps, TCP Fast Open, MPTCP, and unknown ones kept.

use super::{WireError, err};
use crate::dissect::ones_sum;

/// A TCP option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpOption {
    /// End of option list (0).
    EndOfList,
    /// No operation (1).
    Nop,
    /// Maximum segment size (2).
    Mss(u16),
    /// Window scale (3).
    WindowScale(u8),
    /// SACK permitted (4).
    SackPermitted,
    /// SACK blocks (5): left and right edges.
    Sack(Vec<(u32, u32)>),
    /// Timestamps (8): value and echo reply.
    Timestamps {
        /// TSval.
        value: u32,
        /// TSecr.
        echo: u32,
    },
    /// TCP Fast Open cookie (34; empty for a cookie request).
    FastOpen(Vec<u8>),
    /// Multipath TCP (30): subtype and the rest, raw.
    Mptcp(Vec<u8>),
    /// Any other option: kind and data.
    Unknown {
        /// Kind.
        kind: u8,
        /// Data after kind and length.
        data: Vec<u8>,
    },
}

/// A TCP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpRepr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// The 12 bits of flags (NS … FIN).
    pub flags: u16,
    /// Window.
    pub window: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// Options in order (padding included).
    pub options: Vec<TcpOption>,
}

fn parse_options(mut b: &[u8], base: usize) -> Result<Vec<TcpOption>, WireError> {
    let mut out = Vec::new();
    let mut at = base;
    while let Some(&kind) = b.first() {
        if kind <= 1 {
            out.push(if kind == 0 {
                TcpOption::EndOfList
            } else {
                TcpOption::Nop
            });
            b = &b[1..];
            at += 1;
            continue;
        }
        let len = usize::from(*b.get(1).ok_or(err("TCP option length missing", at))?);
        if len < 2 || len > b.len() {
            return Err(err("TCP option length out of range", at + 1));
        }
        let d = &b[2..len];
        out.push(match (kind, d.len()) {
            (2, 2) => TcpOption::Mss(u16::from_be_bytes([d[0], d[1]])),
            (3, 1) => TcpOption::WindowScale(d[0]),
            (4, 0) => TcpOption::SackPermitted,
            (5, n) if n % 8 == 0 => TcpOption::Sack(
                d.chunks_exact(8)
                    .map(|c| {
                        (
                            u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
                            u32::from_be_bytes([c[4], c[5], c[6], c[7]]),
                        )
                    })
                    .collect(),
            ),
            (8, 8) => TcpOption::Timestamps {
                value: u32::from_be_bytes([d[0], d[1], d[2], d[3]]),
                echo: u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
            },
            (34, _) => TcpOption::FastOpen(d.to_vec()),
            (30, _) => TcpOption::Mptcp(d.to_vec()),
            _ => TcpOption::Unknown {
                kind,
                data: d.to_vec(),
            },
        });
        b = &b[len..];
        at += len;
    }
    Ok(out)
}

fn emit_option(o: &TcpOption, out: &mut Vec<u8>) {
    let mut tlv = |kind: u8, data: &[u8]| {
        out.push(kind);
        out.push((data.len() + 2) as u8);
        out.extend_from_slice(data);
    };
    match o {
        TcpOption::EndOfList => out.push(0),
        TcpOption::Nop => out.push(1),
        TcpOption::Mss(v) => tlv(2, &v.to_be_bytes()),
        TcpOption::WindowScale(s) => tlv(3, &[*s]),
        TcpOption::SackPermitted => tlv(4, &[]),
        TcpOption::Sack(blocks) => {
            let d: Vec<u8> = blocks
                .iter()
                .flat_map(|(l, r)| [l.to_be_bytes(), r.to_be_bytes()].concat())
                .collect();
            tlv(5, &d)
        }
        TcpOption::Timestamps { value, echo } => {
            tlv(8, &[value.to_be_bytes(), echo.to_be_bytes()].concat())
        }
        TcpOption::FastOpen(c) => tlv(34, c),
        TcpOption::Mptcp(d) => tlv(30, d),
        TcpOption::Unknown { kind, data } => tlv(*kind, data),
    }
}

impl TcpRepr {
    /// Parses the header; the representation and the header's length.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let v = super::TcpView::new_checked(b)?;
        Ok((
            TcpRepr {
                src_port: v.src_port(),
                dst_port: v.dst_port(),
                seq: v.seq(),
                ack: v.ack(),
                flags: v.flags(),
                window: v.window(),
                urgent: v.urgent(),
                options: parse_options(v.options(), 20)?,
            },
            v.header_len(),
        ))
    }

    /// Appends the header (options padded to 32 bits with end-of-list
    /// octets); with `checksum`, the checksum over it, `payload` and the
    /// pseudo-header sum (see [`crate::wire::Ipv4Repr::pseudo_sum`]).
    /// Options over 40 octets do not fit a TCP header: an error, and
    /// nothing appended.
    pub fn emit_with(
        &self,
        out: &mut Vec<u8>,
        checksum: Option<(&[u8], u32)>,
    ) -> Result<(), WireError> {
        let start = out.len();
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.ack.to_be_bytes());
        out.extend_from_slice(&(self.flags & 0x0fff).to_be_bytes());
        out.extend_from_slice(&self.window.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.urgent.to_be_bytes());
        for o in &self.options {
            emit_option(o, out);
        }
        while !(out.len() - start).is_multiple_of(4) {
            out.push(0);
        }
        if out.len() - start > 60 {
            out.truncate(start);
            return Err(err("TCP options over 40 octets", 20));
        }
        let words = ((out.len() - start) / 4) as u8;
        out[start + 12] |= words << 4;
        if let Some((payload, pseudo)) = checksum {
            let c = !(ones_sum(ones_sum(pseudo, &out[start..]), payload) as u16);
            out[start + 16..start + 18].copy_from_slice(&c.to_be_bytes());
        }
        Ok(())
    }

    /// Appends the header with a zero checksum.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        self.emit_with(out, None)
    }
}
