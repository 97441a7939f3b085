//! UDP.

use super::{WireError, be16, err};
use crate::dissect::ones_sum;

/// A UDP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpRepr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Length field (header and payload).
    pub length: u16,
    /// Checksum field as found (emit computes it).
    pub checksum: u16,
}

impl UdpRepr {
    /// Parses the 8-octet header.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        if b.len() < 8 {
            return Err(err("UDP header cut short", b.len()));
        }
        Ok((
            UdpRepr {
                src_port: be16(b, 0)?,
                dst_port: be16(b, 2)?,
                length: be16(b, 4)?,
                checksum: be16(b, 6)?,
            },
            8,
        ))
    }

    /// Appends the header for `payload` with the checksum of the
    /// pseudo-header sum `pseudo` (see [`crate::wire::Ipv4Repr::pseudo_sum`]).
    pub fn emit(&self, out: &mut Vec<u8>, payload: &[u8], pseudo: u32) {
        let start = out.len();
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&self.length.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        let c = !(ones_sum(ones_sum(pseudo, &out[start..]), payload) as u16);
        let c = if c == 0 { 0xffff } else { c };
        out[start + 6..start + 8].copy_from_slice(&c.to_be_bytes());
    }
}
