//! Link layers other than Ethernet II: 802.2 LLC with SNAP (what follows
//! an 802.3 length field), Linux cooked captures v1 and v2, and the BSD
//! null/loopback family word.
//!
//! ```text
//! LLC   DSAP(1) SSAP(1) control(1: U-format, low bits 11; else 2)
//! SNAP  (after AA AA 03) OUI(3) protocol ID(2)
//! SLL   packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)     = 16
//! SLL2  protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1)
//!       address length(1) address(8)                                         = 20
//! null  address family(4), host byte order (LINKTYPE_NULL) or big-endian
//!       (LINKTYPE_LOOP)
//! ```

use super::{WireError, be16, be32, err};

/// The SNAP extension of an LLC header (DSAP = SSAP = 0xAA, UI frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snap {
    /// Organisation code (00-00-00: the protocol ID is an ethertype).
    pub oui: [u8; 3],
    /// Protocol ID.
    pub protocol: u16,
}

/// The LLC control field: one octet for unnumbered frames (low bits
/// 11), two for information and supervisory frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlcControl {
    /// U-format (UI is 0x03).
    Unnumbered(u8),
    /// I- or S-format, first octet high.
    Numbered(u16),
}

/// An IEEE 802.2 LLC header, with SNAP when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LlcRepr {
    /// Destination service access point.
    pub dsap: u8,
    /// Source service access point.
    pub ssap: u8,
    /// Control.
    pub control: LlcControl,
    /// The SNAP header after `AA AA 03`.
    pub snap: Option<Snap>,
}

impl LlcRepr {
    /// Parses the header; the representation and its length.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let (Some(&dsap), Some(&ssap), Some(&c0)) = (b.first(), b.get(1), b.get(2)) else {
            return Err(err("LLC header cut short", b.len()));
        };
        let (control, mut len) = if c0 & 0x03 == 0x03 {
            (LlcControl::Unnumbered(c0), 3)
        } else {
            (LlcControl::Numbered(be16(b, 2)?), 4)
        };
        let mut snap = None;
        if dsap == 0xaa && ssap == 0xaa && control == LlcControl::Unnumbered(0x03) {
            let Some(s) = b.get(3..8) else {
                return Err(err("SNAP header cut short", b.len()));
            };
            snap = Some(Snap {
                oui: [s[0], s[1], s[2]],
                protocol: u16::from_be_bytes([s[3], s[4]]),
            });
            len = 8;
        }
        Ok((
            LlcRepr {
                dsap,
                ssap,
                control,
                snap,
            },
            len,
        ))
    }

    /// The header's length.
    pub fn len(&self) -> usize {
        match (self.snap, self.control) {
            (Some(_), _) => 8,
            (None, LlcControl::Unnumbered(_)) => 3,
            (None, LlcControl::Numbered(_)) => 4,
        }
    }

    /// Never empty (present for symmetry with `len`).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Appends the header. A SNAP header needs the UI control (0x03) and
    /// the SNAP SAPs; an unnumbered control has its low bits 11, a
    /// numbered one not.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        if self.snap.is_some()
            && (self.dsap, self.ssap, self.control) != (0xaa, 0xaa, LlcControl::Unnumbered(0x03))
        {
            return Err(err("SNAP needs DSAP and SSAP 0xAA and control 0x03", 0));
        }
        match self.control {
            LlcControl::Unnumbered(c) if c & 0x03 == 0x03 => {
                out.extend_from_slice(&[self.dsap, self.ssap, c]);
            }
            LlcControl::Numbered(c) if (c >> 8) & 0x03 != 0x03 => {
                out.extend_from_slice(&[self.dsap, self.ssap]);
                out.extend_from_slice(&c.to_be_bytes());
            }
            _ => return Err(err("control octets do not match their format bits", 2)),
        }
        if let Some(s) = self.snap {
            out.extend_from_slice(&s.oui);
            out.extend_from_slice(&s.protocol.to_be_bytes());
        }
        Ok(())
    }
}

/// Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SllRepr {
    /// 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    pub packet_type: u16,
    /// The device's ARPHRD_* type (1 Ethernet, 772 loopback, 778 IP GRE …).
    pub arphrd: u16,
    /// Link-layer address length.
    pub addr_len: u16,
    /// Link-layer address (first 8 octets).
    pub addr: [u8; 8],
    /// Protocol: an ethertype, or 1 (802.3 raw), 4 (802.2 LLC) …
    pub protocol: u16,
}

impl SllRepr {
    /// Parses the 16-octet header.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let Some(h) = b.get(..16) else {
            return Err(err("SLL header cut short", b.len()));
        };
        let mut addr = [0; 8];
        addr.copy_from_slice(&h[6..14]);
        Ok((
            SllRepr {
                packet_type: be16(h, 0)?,
                arphrd: be16(h, 2)?,
                addr_len: be16(h, 4)?,
                addr,
                protocol: be16(h, 14)?,
            },
            16,
        ))
    }

    /// Appends the header.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_type.to_be_bytes());
        out.extend_from_slice(&self.arphrd.to_be_bytes());
        out.extend_from_slice(&self.addr_len.to_be_bytes());
        out.extend_from_slice(&self.addr);
        out.extend_from_slice(&self.protocol.to_be_bytes());
    }
}

/// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276; `tcpdump -i any`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sll2Repr {
    /// Protocol (as in SLL).
    pub protocol: u16,
    /// Reserved (zero).
    pub reserved: u16,
    /// The interface index.
    pub ifindex: u32,
    /// ARPHRD_* type.
    pub arphrd: u16,
    /// Packet type (as in SLL).
    pub packet_type: u8,
    /// Link-layer address length.
    pub addr_len: u8,
    /// Link-layer address (first 8 octets).
    pub addr: [u8; 8],
}

impl Sll2Repr {
    /// Parses the 20-octet header.
    pub fn parse(b: &[u8]) -> Result<(Self, usize), WireError> {
        let Some(h) = b.get(..20) else {
            return Err(err("SLL2 header cut short", b.len()));
        };
        let mut addr = [0; 8];
        addr.copy_from_slice(&h[12..20]);
        Ok((
            Sll2Repr {
                protocol: be16(h, 0)?,
                reserved: be16(h, 2)?,
                ifindex: be32(h, 4)?,
                arphrd: be16(h, 8)?,
                packet_type: h[10],
                addr_len: h[11],
                addr,
            },
            20,
        ))
    }

    /// Appends the header.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.protocol.to_be_bytes());
        out.extend_from_slice(&self.reserved.to_be_bytes());
        out.extend_from_slice(&self.ifindex.to_be_bytes());
        out.extend_from_slice(&self.arphrd.to_be_bytes());
        out.extend_from_slice(&[self.packet_type, self.addr_len]);
        out.extend_from_slice(&self.addr);
    }
}

/// The BSD null/loopback header: an address family (2 IPv4; 10, 24, 28
/// or 30 IPv6 depending on the system).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NullRepr {
    /// The address family.
    pub family: u32,
    /// Written big-endian (LINKTYPE_LOOP, or a big-endian capturing host).
    pub big_endian: bool,
}

impl NullRepr {
    /// Parses the 4-octet header. `loop_header` (LINKTYPE_LOOP) means
    /// big-endian; otherwise the byte order is the capturing host's and
    /// is recognised from the value (families are small numbers).
    pub fn parse(b: &[u8], loop_header: bool) -> Result<(Self, usize), WireError> {
        let Some(h) = b.get(..4) else {
            return Err(err("null header cut short", b.len()));
        };
        let be = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        let le = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
        let big_endian = loop_header || (be <= 0xffff && (le > 0xffff || be != 0));
        Ok((
            NullRepr {
                family: if big_endian { be } else { le },
                big_endian,
            },
            4,
        ))
    }

    /// Whether the family is one of the IPv6 numbers in use.
    pub fn is_ipv6(&self) -> bool {
        matches!(self.family, 10 | 24 | 28 | 30)
    }

    /// Appends the header.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&if self.big_endian {
            self.family.to_be_bytes()
        } else {
            self.family.to_le_bytes()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llc_forms() {
        // STP: 42 42 03, one-octet control.
        let (l, n) = LlcRepr::parse(&[0x42, 0x42, 0x03, 0, 0]).unwrap();
        assert_eq!(
            (l.dsap, l.ssap, l.control, l.snap, n),
            (0x42, 0x42, LlcControl::Unnumbered(3), None, 3)
        );
        // I-format: two octets of control.
        let (l, n) = LlcRepr::parse(&[0xf0, 0xf0, 0x0a, 0x0b]).unwrap();
        assert_eq!((l.control, n), (LlcControl::Numbered(0x0a0b), 4));
        let mut o = Vec::new();
        l.emit(&mut o).unwrap();
        assert_eq!(o, [0xf0, 0xf0, 0x0a, 0x0b]);
        // SNAP carrying an ethertype (CDP: OUI 00000c, PID 2000).
        let b = [0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00];
        let (l, n) = LlcRepr::parse(&b).unwrap();
        assert_eq!(n, 8);
        assert_eq!(
            l.snap,
            Some(Snap {
                oui: [0, 0, 0x0c],
                protocol: 0x2000
            })
        );
        let mut o = Vec::new();
        l.emit(&mut o).unwrap();
        assert_eq!(o, b);
        assert!(LlcRepr::parse(&b[..6]).is_err());
        assert!(LlcRepr::parse(&b[..2]).is_err());
        let bad = LlcRepr {
            control: LlcControl::Numbered(0x0300),
            ..l
        };
        assert!(bad.emit(&mut Vec::new()).is_err());
    }

    #[test]
    fn cooked_and_null_headers() {
        let sll = [0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
        let (s, n) = SllRepr::parse(&sll).unwrap();
        assert_eq!((s.arphrd, s.protocol, n), (772, 0x0800, 16));
        let mut o = Vec::new();
        s.emit(&mut o);
        assert_eq!(o, sll);
        let (nul, _) = NullRepr::parse(&[2, 0, 0, 0], false).unwrap();
        assert_eq!((nul.family, nul.big_endian), (2, false));
        let (nul, _) = NullRepr::parse(&[0, 0, 0, 30], false).unwrap();
        assert_eq!(
            (nul.family, nul.big_endian, nul.is_ipv6()),
            (30, true, true)
        );
        let (lp, _) = NullRepr::parse(&[0, 0, 0, 2], true).unwrap();
        let mut o = Vec::new();
        lp.emit(&mut o);
        assert_eq!(o, [0, 0, 0, 2]);
        assert!(Sll2Repr::parse(&[0; 19]).is_err());
        // SLL2 as `tcpdump -i any` writes it for lo: IPv4, ifindex 1,
        // ARPHRD 772, outgoing, no address.
        let sll2 = [
            0x08, 0, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let (s, n) = Sll2Repr::parse(&sll2).unwrap();
        assert_eq!(
            (s.protocol, s.ifindex, s.arphrd, s.packet_type, n),
            (0x0800, 1, 772, 4, 20)
        );
        let mut o = Vec::new();
        s.emit(&mut o);
        assert_eq!(o, sll2);
    }
}
