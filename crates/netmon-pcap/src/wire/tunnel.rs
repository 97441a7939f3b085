//! Tunnel headers whose inner packet the dissector follows: GRE (RFC
//! 2784/2890, and version 1 of PPTP, RFC 2637), VXLAN (RFC 7348) and
//! Geneve (RFC 8926).
//!
//! ```text
//! GRE     C R K S s Recur(3) A flags(4) Ver(3) | Protocol Type(16)
//!         [checksum(16) reserved1(16)] [key(32)] [sequence(32)] [ack(32), version 1]
//! VXLAN   flags(8: I = 0x08) reserved(24) | VNI(24) reserved(8)
//! Geneve  Ver(2) Opt Len(6) O C Rsvd(6) | Protocol Type(16) | VNI(24) Rsvd(8)
//!         options: class(16) type(8) R(3) length(5, 4-octet units) data
//! ```

use super::{WireError, be16, be32, err};
use crate::dissect::ones_sum;

/// A GRE header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GreRepr {
    /// The first 16 bits, except the presence bits of the optional fields
    /// (C 0x8000, K 0x2000, S 0x1000, A 0x0080), which emit sets from
    /// them: R, s, recursion, flags and version.
    pub flags: u16,
    /// Protocol type (an ethertype; 0x6558 bridged Ethernet, 0x88be
    /// ERSPAN II, 0x880b PPP for version 1).
    pub protocol: u16,
    /// Checksum and reserved1, when present.
    pub checksum: Option<(u16, u16)>,
    /// Key (version 1: payload length and call ID).
    pub key: Option<u32>,
    /// Sequence number.
    pub sequence: Option<u32>,
    /// Acknowledgement number (version 1 only).
    pub ack: Option<u32>,
}

const GRE_PRESENCE: u16 = 0x8000 | 0x2000 | 0x1000 | 0x0080;

impl GreRepr {
    /// The version (0 GRE, 1 enhanced GRE of PPTP).
    pub fn version(&self) -> u8 {
        (self.flags & 7) as u8
    }

    /// Parses the header; the representation and its length.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let first = be16(b, 0).map_err(|_| err("GRE header cut short", b.len()))?;
        let mut r = GreRepr {
            flags: first & !GRE_PRESENCE,
            protocol: be16(b, 2).map_err(|_| err("GRE header cut short", b.len()))?,
            checksum: None,
            key: None,
            sequence: None,
            ack: None,
        };
        let mut at = 4;
        let field = |at: &mut usize| -> Result<u32, WireError> {
            let v = be32(b, *at).map_err(|_| err("GRE optional field cut short", *at))?;
            *at += 4;
            Ok(v)
        };
        if first & 0x8000 != 0 {
            let v = field(&mut at)?;
            r.checksum = Some(((v >> 16) as u16, v as u16));
        }
        if first & 0x2000 != 0 {
            r.key = Some(field(&mut at)?);
        }
        if first & 0x1000 != 0 {
            r.sequence = Some(field(&mut at)?);
        }
        if first & 0x0080 != 0 && first & 7 == 1 {
            r.ack = Some(field(&mut at)?);
        } else if first & 0x0080 != 0 {
            r.flags |= 0x0080; // not an ack bit outside version 1: kept as a flag
        }
        Ok((r, at))
    }

    /// Appends the header; the checksum field as given (see
    /// [`GreRepr::checksum_for`]).
    pub fn emit(&self, out: &mut Vec<u8>) {
        let mut first = self.flags & !GRE_PRESENCE;
        if self.version() != 1 {
            first |= self.flags & 0x0080;
        }
        first |= if self.checksum.is_some() { 0x8000 } else { 0 }
            | if self.key.is_some() { 0x2000 } else { 0 }
            | if self.sequence.is_some() { 0x1000 } else { 0 }
            | if self.ack.is_some() && self.version() == 1 {
                0x0080
            } else {
                0
            };
        out.extend_from_slice(&first.to_be_bytes());
        out.extend_from_slice(&self.protocol.to_be_bytes());
        if let Some((c, r)) = self.checksum {
            out.extend_from_slice(&c.to_be_bytes());
            out.extend_from_slice(&r.to_be_bytes());
        }
        for v in [self.key, self.sequence].into_iter().flatten() {
            out.extend_from_slice(&v.to_be_bytes());
        }
        if let (Some(a), 1) = (self.ack, self.version()) {
            out.extend_from_slice(&a.to_be_bytes());
        }
    }

    /// The checksum of the header (its checksum field zero) and `payload`.
    pub fn checksum_for(&self, payload: &[u8]) -> u16 {
        let mut h = Vec::with_capacity(20);
        GreRepr {
            checksum: Some((0, self.checksum.map_or(0, |c| c.1))),
            ..*self
        }
        .emit(&mut h);
        !(ones_sum(ones_sum(0, &h), payload) as u16)
    }
}

/// A VXLAN header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VxlanRepr {
    /// Flags (0x08: the VNI is valid).
    pub flags: u8,
    /// VXLAN network identifier (24 bits).
    pub vni: u32,
}

impl VxlanRepr {
    /// Parses the 8-octet header.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        if b.len() < 8 {
            return Err(err("VXLAN header cut short", b.len()));
        }
        Ok((
            VxlanRepr {
                flags: b[0],
                vni: be32(b, 4)? >> 8,
            },
            8,
        ))
    }

    /// Appends the header (reserved fields zero).
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[self.flags, 0, 0, 0]);
        out.extend_from_slice(&((self.vni & 0x00ff_ffff) << 8).to_be_bytes());
    }
}

/// A Geneve option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneveOption {
    /// Option class.
    pub class: u16,
    /// Type (the high bit marks it critical).
    pub opt_type: u8,
    /// The three reserved bits.
    pub reserved: u8,
    /// Data, a multiple of 4 octets, at most 124.
    pub data: Vec<u8>,
}

/// A Geneve header with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneveRepr {
    /// Version (0).
    pub version: u8,
    /// OAM packet.
    pub oam: bool,
    /// Critical options present.
    pub critical: bool,
    /// Protocol type of the payload (0x6558 Ethernet).
    pub protocol: u16,
    /// Virtual network identifier (24 bits).
    pub vni: u32,
    /// Options in order.
    pub options: Vec<GeneveOption>,
}

impl GeneveRepr {
    /// Parses the header and its options; the representation and the
    /// length.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        if b.len() < 8 {
            return Err(err("Geneve header cut short", b.len()));
        }
        let opt_len = usize::from(b[0] & 0x3f) * 4;
        let Some(mut opts) = b.get(8..8 + opt_len) else {
            return Err(err("Geneve options run past the data", 8));
        };
        let mut options = Vec::new();
        let mut at = 8;
        while !opts.is_empty() {
            if opts.len() < 4 {
                return Err(err("Geneve option header cut short", at));
            }
            let len = usize::from(opts[3] & 0x1f) * 4;
            let Some(data) = opts.get(4..4 + len) else {
                return Err(err("Geneve option runs past the options", at));
            };
            options.push(GeneveOption {
                class: be16(opts, 0)?,
                opt_type: opts[2],
                reserved: opts[3] >> 5,
                data: data.to_vec(),
            });
            opts = &opts[4 + len..];
            at += 4 + len;
        }
        Ok((
            GeneveRepr {
                version: b[0] >> 6,
                oam: b[1] & 0x80 != 0,
                critical: b[1] & 0x40 != 0,
                protocol: be16(b, 2)?,
                vni: be32(b, 4)? >> 8,
                options,
            },
            8 + opt_len,
        ))
    }

    /// Appends the header. Option data that is not a multiple of 4 or
    /// over 124 octets, or options over 252 octets in all, is an error,
    /// and nothing is appended.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        let mut opts = Vec::new();
        for o in &self.options {
            if !o.data.len().is_multiple_of(4) || o.data.len() > 124 {
                return Err(err("Geneve option data not a multiple of 4 up to 124", 8));
            }
            opts.extend_from_slice(&o.class.to_be_bytes());
            opts.push(o.opt_type);
            opts.push((o.reserved << 5) | (o.data.len() / 4) as u8);
            opts.extend_from_slice(&o.data);
        }
        if opts.len() > 252 {
            return Err(err("Geneve options over 252 octets", 8));
        }
        out.push((self.version << 6) | (opts.len() / 4) as u8);
        out.push(if self.oam { 0x80 } else { 0 } | if self.critical { 0x40 } else { 0 });
        out.extend_from_slice(&self.protocol.to_be_bytes());
        out.extend_from_slice(&((self.vni & 0x00ff_ffff) << 8).to_be_bytes());
        out.extend_from_slice(&opts);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gre_every_optional_field() {
        for r in [
            GreRepr {
                flags: 0,
                protocol: 0x0800,
                checksum: None,
                key: None,
                sequence: None,
                ack: None,
            },
            GreRepr {
                flags: 0,
                protocol: 0x88be,
                checksum: Some((0x1234, 0)),
                key: Some(7),
                sequence: Some(9),
                ack: None,
            },
            GreRepr {
                flags: 1,
                protocol: 0x880b,
                checksum: None,
                key: Some(0x0010_0001),
                sequence: Some(3),
                ack: Some(2),
            },
        ] {
            let mut o = Vec::new();
            r.emit(&mut o);
            assert_eq!(GreRepr::parse(&o).unwrap(), (r, o.len()));
            for n in 0..o.len() {
                assert!(GreRepr::parse(&o[..n]).is_err());
            }
        }
        // The checksum over header and payload verifies.
        let mut r = GreRepr {
            flags: 0,
            protocol: 0x0800,
            checksum: Some((0, 0)),
            key: None,
            sequence: None,
            ack: None,
        };
        let payload = [0x45u8, 0, 0, 20, 1, 2, 3];
        r.checksum = Some((r.checksum_for(&payload), 0));
        let mut o = Vec::new();
        r.emit(&mut o);
        assert_eq!(ones_sum(ones_sum(0, &o), &payload), 0xffff);
    }

    #[test]
    fn vxlan_and_geneve() {
        let v = VxlanRepr {
            flags: 0x08,
            vni: 0xabcdef,
        };
        let mut o = Vec::new();
        v.emit(&mut o);
        assert_eq!(o, [0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0]);
        assert_eq!(VxlanRepr::parse(&o).unwrap(), (v, 8));
        let g = GeneveRepr {
            version: 0,
            oam: false,
            critical: true,
            protocol: 0x6558,
            vni: 42,
            options: vec![
                GeneveOption {
                    class: 0x0102,
                    opt_type: 0x80,
                    reserved: 0,
                    data: vec![1, 2, 3, 4],
                },
                GeneveOption {
                    class: 0xffff,
                    opt_type: 1,
                    reserved: 5,
                    data: vec![],
                },
            ],
        };
        let mut o = Vec::new();
        g.emit(&mut o).unwrap();
        assert_eq!(o.len(), 8 + 8 + 4);
        assert_eq!(GeneveRepr::parse(&o).unwrap(), (g.clone(), o.len()));
        for n in 0..o.len() {
            assert!(GeneveRepr::parse(&o[..n]).is_err());
        }
        let bad = GeneveRepr {
            options: vec![GeneveOption {
                class: 1,
                opt_type: 1,
                reserved: 0,
                data: vec![1],
            }],
            ..g
        };
        assert!(bad.emit(&mut Vec::new()).is_err());
    }
}
