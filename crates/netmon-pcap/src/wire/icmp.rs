//! ICMP and ICMPv6 headers (type, code, and the four octets after the
//! checksum: identifier and sequence for echoes, MTU, pointer, …).

use super::{WireError, be16, err};
use crate::dissect::ones_sum;

/// An ICMP or ICMPv6 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpRepr {
    /// Type.
    pub icmp_type: u8,
    /// Code.
    pub code: u8,
    /// Checksum as found.
    pub checksum: u16,
    /// The rest of the header.
    pub rest: [u8; 4],
}

impl IcmpRepr {
    /// Parses the 8-octet header.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        if b.len() < 8 {
            return Err(err("ICMP header cut short", b.len()));
        }
        Ok((
            IcmpRepr {
                icmp_type: b[0],
                code: b[1],
                checksum: be16(b, 2)?,
                rest: [b[4], b[5], b[6], b[7]],
            },
            8,
        ))
    }

    /// Echo identifier and sequence (types 0, 8, 128, 129).
    pub fn echo(&self) -> Option<(u16, u16)> {
        matches!(self.icmp_type, 0 | 8 | 128 | 129).then(|| {
            (
                u16::from_be_bytes([self.rest[0], self.rest[1]]),
                u16::from_be_bytes([self.rest[2], self.rest[3]]),
            )
        })
    }

    /// Appends the header with the checksum over `payload` (ICMPv4:
    /// `pseudo` 0; ICMPv6: the IPv6 pseudo-header sum).
    pub fn emit(&self, out: &mut Vec<u8>, payload: &[u8], pseudo: u32) {
        let start = out.len();
        out.extend_from_slice(&[self.icmp_type, self.code, 0, 0]);
        out.extend_from_slice(&self.rest);
        let c = !(ones_sum(ones_sum(pseudo, &out[start..]), payload) as u16);
        out[start + 2..start + 4].copy_from_slice(&c.to_be_bytes());
    }
}
