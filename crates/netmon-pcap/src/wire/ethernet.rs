//! Ethernet II with any number of 802.1Q / 802.1ad / 0x9100 tags.

use super::{WireError, be16, err};

/// One VLAN tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    /// 0x8100 (802.1Q), 0x88a8 (802.1ad) or 0x9100.
    pub tpid: u16,
    /// Priority (3 bits), drop eligible (1), VLAN ID (12).
    pub tci: u16,
}

impl VlanTag {
    /// The VLAN ID.
    pub fn vid(&self) -> u16 {
        self.tci & 0x0fff
    }
}

/// An Ethernet II header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthernetRepr {
    /// Destination.
    pub dst: [u8; 6],
    /// Source.
    pub src: [u8; 6],
    /// Tags, outermost first.
    pub tags: Vec<VlanTag>,
    /// The type after the tags (a length for 802.3 frames).
    pub ethertype: u16,
}

impl EthernetRepr {
    /// Parses the header; the representation and the payload's offset.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let (Some(dst), Some(src)) = (b.get(0..6), b.get(6..12)) else {
            return Err(err("Ethernet header cut short", b.len()));
        };
        let mut r = EthernetRepr {
            dst: dst.try_into().map_err(|_| err("address", 0))?,
            src: src.try_into().map_err(|_| err("address", 6))?,
            tags: Vec::new(),
            ethertype: 0,
        };
        let mut at = 12;
        loop {
            let t = be16(b, at)?;
            if matches!(t, 0x8100 | 0x88a8 | 0x9100) {
                if r.tags.len() == 8 {
                    return Err(err("more than 8 VLAN tags", at));
                }
                r.tags.push(VlanTag {
                    tpid: t,
                    tci: be16(b, at + 2)?,
                });
                at += 4;
            } else {
                r.ethertype = t;
                return Ok((r, at + 2));
            }
        }
    }

    /// Appends the header.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.dst);
        out.extend_from_slice(&self.src);
        for t in &self.tags {
            out.extend_from_slice(&t.tpid.to_be_bytes());
            out.extend_from_slice(&t.tci.to_be_bytes());
        }
        out.extend_from_slice(&self.ethertype.to_be_bytes());
    }

    /// The header's length.
    pub fn len(&self) -> usize {
        14 + 4 * self.tags.len()
    }

    /// Never empty (present for symmetry with `len`).
    pub fn is_empty(&self) -> bool {
        false
    }
}
