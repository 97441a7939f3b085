//! IPv6 (RFC 8200) with its extension headers: hop-by-hop and
//! destination options (typed: padding, jumbo payload, router alert),
//! routing, fragment, authentication header (RFC 4302), and the other
//! option-format headers (mobility, HIP, shim6) kept raw.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! |Version| Traffic Class |           Flow Label                  |
//! |         Payload Length        |  Next Header  |   Hop Limit   |
//! |                  Source Address (128 bits)                    |
//! |               Destination Address (128 bits)                  |
//! extension: Next Header(1) Hdr Ext Len(1, in 8-octet units past the
//! first 8) …; fragment: Next Header(1) reserved(1) offset(13) res(2)
//! M(1) identification(4); AH: Next Header(1) Payload Len(1, in 4-octet
//! units minus 2) …
//! ```

use std::net::Ipv6Addr;

use super::{WireError, be16, be32, err};
use crate::dissect::ones_sum;

/// An option of a hop-by-hop or destination options header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6Option {
    /// One octet of padding (type 0).
    Pad1,
    /// Padding of 2 or more octets (type 1): the octets after the length.
    PadN(Vec<u8>),
    /// Jumbo payload length (type 0xC2, RFC 2675).
    Jumbo(u32),
    /// Router alert (type 5, RFC 2711).
    RouterAlert(u16),
    /// Any other option: type and data.
    Other {
        /// Option type.
        kind: u8,
        /// Data after type and length.
        data: Vec<u8>,
    },
}

/// One extension header. Its own type is [`Ipv6Extension::kind`]; its
/// Next Header field is implied by what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6Extension {
    /// Hop-by-hop options (0).
    HopByHop(Vec<Ipv6Option>),
    /// Destination options (60).
    DestinationOptions(Vec<Ipv6Option>),
    /// Routing (43): routing type, segments left, the rest raw.
    Routing {
        /// Routing type (3 RPL, 4 SRH …).
        routing_type: u8,
        /// Segments left.
        segments_left: u8,
        /// Type-specific data.
        data: Vec<u8>,
    },
    /// Fragment (44).
    Fragment {
        /// Offset in octets (a multiple of 8).
        offset: u16,
        /// More fragments follow.
        more: bool,
        /// Identification.
        id: u32,
        /// The reserved octet and the two reserved bits beside the M flag
        /// (`octet << 2 | bits`), kept so that headers re-emit as found.
        reserved: u16,
    },
    /// Authentication header (51): the octets after its first two.
    Auth(Vec<u8>),
    /// Another header of the option format (mobility 135, HIP 139,
    /// shim6 140): type and the octets after its first two.
    Other {
        /// The header's type.
        kind: u8,
        /// Data.
        data: Vec<u8>,
    },
}

impl Ipv6Extension {
    /// The header's type (the Next Header value that announces it).
    pub fn kind(&self) -> u8 {
        match self {
            Ipv6Extension::HopByHop(_) => 0,
            Ipv6Extension::DestinationOptions(_) => 60,
            Ipv6Extension::Routing { .. } => 43,
            Ipv6Extension::Fragment { .. } => 44,
            Ipv6Extension::Auth(_) => 51,
            Ipv6Extension::Other { kind, .. } => *kind,
        }
    }

    /// Whether a Next Header value announces an extension header.
    pub fn is_extension(next_header: u8) -> bool {
        matches!(next_header, 0 | 43 | 44 | 51 | 60 | 135 | 139 | 140)
    }
}

/// An IPv6 header with its extension headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv6Repr {
    /// Traffic class.
    pub traffic_class: u8,
    /// Flow label (20 bits).
    pub flow_label: u32,
    /// Payload length as found (0 for a jumbogram).
    pub payload_len: u16,
    /// Hop limit.
    pub hop_limit: u8,
    /// Source.
    pub src: Ipv6Addr,
    /// Destination.
    pub dst: Ipv6Addr,
    /// Extension headers in order.
    pub extensions: Vec<Ipv6Extension>,
    /// The upper-layer protocol after them (6 TCP, 17 UDP, 58 ICMPv6, 59
    /// none …).
    pub protocol: u8,
}

fn parse_options(mut b: &[u8], base: usize) -> Result<Vec<Ipv6Option>, WireError> {
    let mut out = Vec::new();
    let mut at = base;
    while let Some(&kind) = b.first() {
        if kind == 0 {
            out.push(Ipv6Option::Pad1);
            b = &b[1..];
            at += 1;
            continue;
        }
        let Some(&len) = b.get(1) else {
            return Err(err("IPv6 option length missing", at));
        };
        let Some(data) = b.get(2..2 + usize::from(len)) else {
            return Err(err("IPv6 option runs past its header", at));
        };
        out.push(match (kind, data.len()) {
            (1, _) => Ipv6Option::PadN(data.to_vec()),
            (0xc2, 4) => Ipv6Option::Jumbo(be32(data, 0)?),
            (5, 2) => Ipv6Option::RouterAlert(be16(data, 0)?),
            _ => Ipv6Option::Other {
                kind,
                data: data.to_vec(),
            },
        });
        b = &b[2 + data.len()..];
        at += 2 + data.len();
    }
    Ok(out)
}

fn emit_options(options: &[Ipv6Option], out: &mut Vec<u8>) -> Result<(), WireError> {
    for o in options {
        let (kind, data): (u8, &[u8]) = match o {
            Ipv6Option::Pad1 => {
                out.push(0);
                continue;
            }
            Ipv6Option::PadN(d) => (1, d),
            Ipv6Option::Jumbo(j) => {
                out.extend_from_slice(&[0xc2, 4]);
                out.extend_from_slice(&j.to_be_bytes());
                continue;
            }
            Ipv6Option::RouterAlert(v) => {
                out.extend_from_slice(&[5, 2]);
                out.extend_from_slice(&v.to_be_bytes());
                continue;
            }
            Ipv6Option::Other { kind, data } => (*kind, data),
        };
        let len = u8::try_from(data.len()).map_err(|_| err("IPv6 option over 255 octets", 0))?;
        out.extend_from_slice(&[kind, len]);
        out.extend_from_slice(data);
    }
    Ok(())
}

impl Ipv6Repr {
    /// Parses the fixed header and the extension headers; the
    /// representation and the offset of the upper-layer header. An
    /// extension header must lie whole in `b`.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let Some(h) = b.get(..40) else {
            return Err(err("IPv6 header cut short", b.len()));
        };
        if h[0] >> 4 != 6 {
            return Err(err("not IPv6", 0));
        }
        let vtf = be32(h, 0)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(&h[8..24]);
        let src = Ipv6Addr::from(a);
        a.copy_from_slice(&h[24..40]);
        let dst = Ipv6Addr::from(a);
        let mut next = h[6];
        let mut at = 40;
        let mut extensions = Vec::new();
        while Ipv6Extension::is_extension(next) {
            if extensions.len() == 16 {
                return Err(err("more than 16 extension headers", at));
            }
            if next == 0 && !extensions.is_empty() {
                return Err(err("hop-by-hop header not first", at));
            }
            let (Some(&n), Some(&l)) = (b.get(at), b.get(at + 1)) else {
                return Err(err("extension header cut short", at));
            };
            let len = match next {
                44 => 8,
                51 => (usize::from(l) + 2) * 4,
                _ => (usize::from(l) + 1) * 8,
            };
            let Some(body) = b.get(at..at + len) else {
                return Err(err("extension header runs past the data", at));
            };
            extensions.push(match next {
                0 => Ipv6Extension::HopByHop(parse_options(&body[2..], at + 2)?),
                60 => Ipv6Extension::DestinationOptions(parse_options(&body[2..], at + 2)?),
                43 => Ipv6Extension::Routing {
                    routing_type: body[2],
                    segments_left: body[3],
                    data: body[4..].to_vec(),
                },
                44 => {
                    let fo = be16(body, 2)?;
                    Ipv6Extension::Fragment {
                        offset: fo & 0xfff8,
                        more: fo & 1 != 0,
                        id: be32(body, 4)?,
                        reserved: (u16::from(l) << 2) | ((fo >> 1) & 3),
                    }
                }
                51 => Ipv6Extension::Auth(body[2..].to_vec()),
                kind => Ipv6Extension::Other {
                    kind,
                    data: body[2..].to_vec(),
                },
            });
            next = n;
            at += len;
        }
        Ok((
            Ipv6Repr {
                traffic_class: (vtf >> 20) as u8,
                flow_label: vtf & 0x000f_ffff,
                payload_len: be16(h, 4)?,
                hop_limit: h[7],
                src,
                dst,
                extensions,
                protocol: next,
            },
            at,
        ))
    }

    /// The jumbo payload length a hop-by-hop header carries, if any.
    pub fn jumbo_len(&self) -> Option<u32> {
        match self.extensions.first() {
            Some(Ipv6Extension::HopByHop(opts)) => opts.iter().find_map(|o| match o {
                Ipv6Option::Jumbo(j) => Some(*j),
                _ => None,
            }),
            _ => None,
        }
    }

    /// The fragment header's offset, more flag and identification.
    pub fn fragment(&self) -> Option<(u16, bool, u32)> {
        self.extensions.iter().find_map(|e| match e {
            Ipv6Extension::Fragment {
                offset, more, id, ..
            } => Some((*offset, *more, *id)),
            _ => None,
        })
    }

    /// Appends the fixed header and the extension headers (payload
    /// length as given). An options header whose length is not a
    /// multiple of 8, an authentication header not of 4, or a hop-by-hop
    /// header not first is an error, and nothing is appended.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        let start = out.len();
        let r = self.emit_inner(out);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    fn emit_inner(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        let start = out.len();
        let vtf =
            (6u32 << 28) | (u32::from(self.traffic_class) << 20) | (self.flow_label & 0xfffff);
        out.extend_from_slice(&vtf.to_be_bytes());
        out.extend_from_slice(&self.payload_len.to_be_bytes());
        let kinds: Vec<u8> = self.extensions.iter().map(Ipv6Extension::kind).collect();
        out.push(kinds.first().copied().unwrap_or(self.protocol));
        out.push(self.hop_limit);
        out.extend_from_slice(&self.src.octets());
        out.extend_from_slice(&self.dst.octets());
        for (i, e) in self.extensions.iter().enumerate() {
            let at = out.len() - start;
            let next = kinds.get(i + 1).copied().unwrap_or(self.protocol);
            if e.kind() == 0 && i != 0 {
                return Err(err("hop-by-hop header not first", at));
            }
            let h = out.len();
            out.extend_from_slice(&[next, 0]);
            match e {
                Ipv6Extension::HopByHop(o) | Ipv6Extension::DestinationOptions(o) => {
                    emit_options(o, out)?
                }
                Ipv6Extension::Routing {
                    routing_type,
                    segments_left,
                    data,
                } => {
                    out.extend_from_slice(&[*routing_type, *segments_left]);
                    out.extend_from_slice(data);
                }
                Ipv6Extension::Fragment {
                    offset,
                    more,
                    id,
                    reserved,
                } => {
                    let fo = (offset & 0xfff8) | ((reserved & 3) << 1) | u16::from(*more);
                    out.extend_from_slice(&fo.to_be_bytes());
                    out.extend_from_slice(&id.to_be_bytes());
                }
                Ipv6Extension::Auth(d) | Ipv6Extension::Other { data: d, .. } => {
                    out.extend_from_slice(d)
                }
            }
            let len = out.len() - h;
            let units = match e {
                Ipv6Extension::Fragment { reserved, .. } => usize::from((reserved >> 2) & 0xff),
                Ipv6Extension::Auth(_) if len.is_multiple_of(4) && len >= 8 => len / 4 - 2,
                Ipv6Extension::Auth(_) => {
                    return Err(err("authentication header not a multiple of 4 octets", at));
                }
                _ if len.is_multiple_of(8) => len / 8 - 1,
                _ => return Err(err("extension header not a multiple of 8 octets", at)),
            };
            out[h + 1] = u8::try_from(units).map_err(|_| err("extension header too long", at))?;
        }
        Ok(())
    }

    /// The length of the fixed and extension headers.
    pub fn header_len(&self) -> usize {
        let mut o = Vec::new();
        match self.emit(&mut o) {
            Ok(()) => o.len(),
            Err(_) => 40,
        }
    }

    /// The pseudo-header sum for an upper-layer packet of `len` octets
    /// of protocol `protocol` (RFC 8200 §8.1).
    pub fn pseudo_sum(&self, protocol: u8, len: usize) -> u32 {
        ones_sum(ones_sum(0, &self.src.octets()), &self.dst.octets())
            + u32::from(protocol)
            + (len as u32 & 0xffff)
            + ((len as u32) >> 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_header_and_every_extension() {
        let r = Ipv6Repr {
            traffic_class: 0xb8,
            flow_label: 0x12345,
            payload_len: 0,
            hop_limit: 64,
            src: "2001:db8::1".parse().unwrap(),
            dst: "ff02::16".parse().unwrap(),
            extensions: vec![
                Ipv6Extension::HopByHop(vec![Ipv6Option::RouterAlert(0), Ipv6Option::PadN(vec![])]),
                Ipv6Extension::DestinationOptions(vec![
                    Ipv6Option::Jumbo(70000),
                    Ipv6Option::Pad1,
                    Ipv6Option::Pad1,
                    Ipv6Option::PadN(vec![0; 4]),
                ]),
                Ipv6Extension::Routing {
                    routing_type: 4,
                    segments_left: 1,
                    data: vec![0; 20],
                },
                Ipv6Extension::Fragment {
                    offset: 1448,
                    more: true,
                    id: 0xdead_beef,
                    reserved: 0x13 << 2 | 1,
                },
                Ipv6Extension::Auth(vec![0; 14]),
                Ipv6Extension::Other {
                    kind: 135,
                    data: vec![7; 6],
                },
            ],
            protocol: 58,
        };
        let mut o = Vec::new();
        r.emit(&mut o).unwrap();
        let (back, len) = Ipv6Repr::parse(&o).unwrap();
        assert_eq!(back, r);
        assert_eq!(len, o.len());
        assert_eq!(r.header_len(), o.len());
        assert_eq!(back.fragment(), Some((1448, true, 0xdead_beef)));
        // Every prefix is an error, never a panic.
        for n in 0..o.len() {
            assert!(Ipv6Repr::parse(&o[..n]).is_err(), "{n}");
        }
        // An options header of 6 octets cannot be emitted.
        let bad = Ipv6Repr {
            extensions: vec![Ipv6Extension::DestinationOptions(vec![Ipv6Option::PadN(
                vec![0; 1],
            )])],
            ..r
        };
        let mut o = vec![1];
        assert!(bad.emit(&mut o).is_err());
        assert_eq!(o, [1], "nothing appended");
    }
}
