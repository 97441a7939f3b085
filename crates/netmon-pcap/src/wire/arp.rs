//! ARP for IPv4 over Ethernet (and the generic fields of any other).

use super::{WireError, be16, err};

/// An ARP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArpRepr {
    /// Hardware type (1: Ethernet).
    pub htype: u16,
    /// Protocol type (0x0800: IPv4).
    pub ptype: u16,
    /// Operation (1 request, 2 reply).
    pub op: u16,
    /// Sender hardware address.
    pub sha: Vec<u8>,
    /// Sender protocol address.
    pub spa: Vec<u8>,
    /// Target hardware address.
    pub tha: Vec<u8>,
    /// Target protocol address.
    pub tpa: Vec<u8>,
}

impl ArpRepr {
    /// Parses an ARP packet; the representation and its length.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let htype = be16(b, 0)?;
        let ptype = be16(b, 2)?;
        let (Some(&hlen), Some(&plen)) = (b.get(4), b.get(5)) else {
            return Err(err("ARP header cut short", b.len()));
        };
        let op = be16(b, 6)?;
        let (h, p) = (usize::from(hlen), usize::from(plen));
        let len = 8 + 2 * (h + p);
        if b.len() < len {
            return Err(err("ARP addresses cut short", b.len()));
        }
        let mut at = 8;
        let mut take = |n: usize| {
            let v = b[at..at + n].to_vec();
            at += n;
            v
        };
        let (sha, spa, tha, tpa) = (take(h), take(p), take(h), take(p));
        Ok((
            ArpRepr {
                htype,
                ptype,
                op,
                sha,
                spa,
                tha,
                tpa,
            },
            len,
        ))
    }

    /// Appends the packet.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.htype.to_be_bytes());
        out.extend_from_slice(&self.ptype.to_be_bytes());
        out.push(self.sha.len() as u8);
        out.push(self.spa.len() as u8);
        out.extend_from_slice(&self.op.to_be_bytes());
        for a in [&self.sha, &self.spa, &self.tha, &self.tpa] {
            out.extend_from_slice(a);
        }
    }
}
