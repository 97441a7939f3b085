//! pcapng options and the blocks that are not packets, read in place:
//! every block's options (`opt_comment` and the block's own), the packet
//! options of an enhanced packet block (`epb_flags`, `epb_dropcount`,
//! `epb_packetid`, `epb_queue`, hashes, verdicts), the name resolution
//! block's records, the interface statistics block's counters and the
//! decryption secrets block.
//!
//! ```text
//! option   code(2) length(2) value, padded to 32 bits; code 0 ends the list
//! SHB      byte-order magic(4) major(2) minor(2) section length(8) options
//! IDB      link type(2) reserved(2) snaplen(4) options
//! EPB      interface(4) ts high(4) ts low(4) caplen(4) origlen(4) data options
//! NRB      records: type(2) length(2) value (1 IPv4, 2 IPv6, 3 EUI-48, 4 EUI-64), end 0; options
//! ISB      interface(4) ts high(4) ts low(4) options
//! DSB      secrets type(4) length(4) data options
//! ```
//!
//! ```
//! use netmon_pcap::write::PcapngWriter;
//! use netmon_pcap::SliceReader;
//! let mut out = Vec::new();
//! let mut w = PcapngWriter::new(&mut out).unwrap();
//! let eth0 = w.interface(1, 65535, Some("eth0")).unwrap();
//! w.packet(eth0, 0, &[0u8; 60], 60, Some("retransmitted?"), Some(1)).unwrap();
//! drop(w);
//! let p = SliceReader::new(&out).unwrap().next().unwrap().unwrap();
//! assert_eq!(p.comment(), Some("retransmitted?"));
//! assert_eq!(p.flags().map(|f| f.direction()), Some(1));
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::file::{Block, FileError, FileErrorKind, Packet, rd16, rd32};

fn rd64(b: &[u8], big: bool) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    if big {
        u64::from_be_bytes(a)
    } else {
        u64::from_le_bytes(a)
    }
}

/// Option codes every block shares.
pub mod code {
    /// `opt_endofopt`.
    pub const END: u16 = 0;
    /// `opt_comment` (UTF-8).
    pub const COMMENT: u16 = 1;
    /// `shb_hardware`.
    pub const SHB_HARDWARE: u16 = 2;
    /// `shb_os`.
    pub const SHB_OS: u16 = 3;
    /// `shb_userappl`.
    pub const SHB_USERAPPL: u16 = 4;
    /// `if_name`.
    pub const IF_NAME: u16 = 2;
    /// `if_description`.
    pub const IF_DESCRIPTION: u16 = 3;
    /// `if_tsresol`.
    pub const IF_TSRESOL: u16 = 9;
    /// `if_filter`.
    pub const IF_FILTER: u16 = 11;
    /// `if_os`.
    pub const IF_OS: u16 = 12;
    /// `epb_flags`.
    pub const EPB_FLAGS: u16 = 2;
    /// `epb_hash`.
    pub const EPB_HASH: u16 = 3;
    /// `epb_dropcount`.
    pub const EPB_DROPCOUNT: u16 = 4;
    /// `epb_packetid`.
    pub const EPB_PACKETID: u16 = 5;
    /// `epb_queue`.
    pub const EPB_QUEUE: u16 = 6;
    /// `epb_verdict`.
    pub const EPB_VERDICT: u16 = 7;
}

/// One option: its code and value, borrowed from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockOption<'a> {
    /// The option code (its meaning depends on the block type).
    pub code: u16,
    /// The value, without padding.
    pub value: &'a [u8],
    /// The section is big-endian (numbers in `value` follow it).
    pub big_endian: bool,
}

impl<'a> BlockOption<'a> {
    /// The value as UTF-8 text (comments, names), lossless or `None`.
    pub fn text(&self) -> Option<&'a str> {
        std::str::from_utf8(self.value).ok()
    }

    /// The value as a number of 1, 2, 4 or 8 octets in the section's
    /// byte order.
    pub fn number(&self) -> Option<u64> {
        let v = self.value;
        let big = self.big_endian;
        match v.len() {
            1 => Some(u64::from(v[0])),
            2 => Some(u64::from(rd16(v, big))),
            4 => Some(u64::from(rd32(v, big))),
            8 => Some(rd64(v, big)),
            _ => None,
        }
    }
}

/// The options in `area` (the octets after a block's fixed fields), in
/// order, up to `opt_endofopt` or the end; a cut option ends the walk
/// with an error at its offset (`base` is the file offset of `area`).
pub fn options(
    area: &[u8],
    big_endian: bool,
    base: usize,
) -> impl Iterator<Item = Result<BlockOption<'_>, FileError>> {
    let mut at = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done || at + 4 > area.len() {
            return None;
        }
        let code = rd16(&area[at..], big_endian);
        let len = usize::from(rd16(&area[at + 2..], big_endian));
        if code == code::END {
            done = true;
            return None;
        }
        let Some(value) = area.get(at + 4..at + 4 + len) else {
            done = true;
            return Some(Err(FileError {
                kind: FileErrorKind::Malformed,
                what: format!("option {code} of {len} octets runs past its block"),
                offset: base + at,
            }));
        };
        at += (4 + len).next_multiple_of(4);
        Some(Ok(BlockOption {
            code,
            value,
            big_endian,
        }))
    })
}

fn first_text<'a>(
    mut it: impl Iterator<Item = Result<BlockOption<'a>, FileError>>,
    want: u16,
) -> Option<&'a str> {
    it.find_map(|o| o.ok().filter(|o| o.code == want))
        .and_then(|o| o.text())
}

/// `epb_flags`: direction, reception type, FCS length, link-layer errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketFlags(pub u32);

impl PacketFlags {
    /// 0 not available, 1 inbound, 2 outbound.
    pub fn direction(self) -> u8 {
        (self.0 & 3) as u8
    }

    /// 0 not specified, 1 unicast, 2 multicast, 3 broadcast, 4
    /// promiscuous.
    pub fn reception(self) -> u8 {
        ((self.0 >> 2) & 7) as u8
    }

    /// FCS length in octets (0: not available).
    pub fn fcs_len(self) -> u8 {
        ((self.0 >> 5) & 0xf) as u8
    }

    /// Link-layer error bits (symbol, preamble, start/end frame
    /// delimiter, unaligned frame, inter-frame gap, packet too short or
    /// too long, CRC: bits 31 down to 24).
    pub fn link_errors(self) -> u16 {
        (self.0 >> 16) as u16
    }
}

impl<'a> Packet<'a> {
    /// The packet's options (enhanced and obsolete packet blocks; none
    /// in pcap files and simple packet blocks).
    pub fn options(&self) -> impl Iterator<Item = Result<BlockOption<'a>, FileError>> + use<'a> {
        options(self.options, self.big_endian, self.options_offset)
    }

    /// The first `opt_comment`.
    pub fn comment(&self) -> Option<&'a str> {
        first_text(self.options(), code::COMMENT)
    }

    /// Every `opt_comment`, in order.
    pub fn comments(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.options()
            .filter_map(Result::ok)
            .filter(|o| o.code == code::COMMENT)
            .filter_map(|o| o.text())
    }

    /// `epb_flags`.
    pub fn flags(&self) -> Option<PacketFlags> {
        self.option_number(code::EPB_FLAGS, 4)
            .map(|v| PacketFlags(v as u32))
    }

    /// `epb_dropcount`: packets lost between this one and the one before.
    pub fn drop_count(&self) -> Option<u64> {
        self.option_number(code::EPB_DROPCOUNT, 8)
    }

    /// `epb_packetid`.
    pub fn packet_id(&self) -> Option<u64> {
        self.option_number(code::EPB_PACKETID, 8)
    }

    /// `epb_queue`.
    pub fn queue(&self) -> Option<u32> {
        self.option_number(code::EPB_QUEUE, 4).map(|v| v as u32)
    }

    fn option_number(&self, want: u16, len: usize) -> Option<u64> {
        self.options()
            .filter_map(Result::ok)
            .find(|o| o.code == want && o.value.len() == len)
            .and_then(|o| o.number())
    }
}

/// An address and its names, from a name resolution block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameRecord<'a> {
    /// `nrb_record_ipv4`.
    Ipv4(Ipv4Addr, Vec<&'a str>),
    /// `nrb_record_ipv6`.
    Ipv6(Ipv6Addr, Vec<&'a str>),
    /// `nrb_record_eui48`.
    Eui48([u8; 6], Vec<&'a str>),
    /// `nrb_record_eui64`.
    Eui64([u8; 8], Vec<&'a str>),
    /// Another record type, raw.
    Other(u16, &'a [u8]),
}

fn names(b: &[u8]) -> Vec<&str> {
    b.split(|c| *c == 0)
        .filter(|n| !n.is_empty())
        .filter_map(|n| std::str::from_utf8(n).ok())
        .collect()
}

/// Interface statistics (an ISB's options; `None` where absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InterfaceStats {
    /// The interface.
    pub interface: u32,
    /// The block's timestamp, in the interface's units.
    pub timestamp: u64,
    /// `isb_starttime`.
    pub start: Option<u64>,
    /// `isb_endtime`.
    pub end: Option<u64>,
    /// `isb_ifrecv`: packets the interface received.
    pub received: Option<u64>,
    /// `isb_ifdrop`: packets the interface dropped.
    pub if_dropped: Option<u64>,
    /// `isb_filteraccept`: packets the filter accepted.
    pub filter_accepted: Option<u64>,
    /// `isb_osdrop`: packets the operating system dropped.
    pub os_dropped: Option<u64>,
    /// `isb_usrdeliv`: packets delivered to the capturing program.
    pub delivered: Option<u64>,
}

impl<'a> Block<'a> {
    /// Where this block's options start in its body, if it has any.
    fn options_start(&self) -> Option<usize> {
        let big = self.big_endian;
        let b = self.body;
        match self.block_type {
            0x0a0d_0d0a => Some(16),
            1 => Some(8),
            5 => Some(12),
            2 | 6 => {
                let caplen = rd32(b.get(12..16)?, big) as usize;
                Some(20 + caplen.next_multiple_of(4))
            }
            4 => {
                let mut at = 0;
                loop {
                    let h = b.get(at..at + 4)?;
                    let (t, len) = (rd16(h, big), usize::from(rd16(&h[2..], big)));
                    at += 4 + len.next_multiple_of(4);
                    if t == 0 {
                        return Some(at);
                    }
                }
            }
            0x0a => {
                let len = rd32(b.get(4..8)?, big) as usize;
                Some(8 + len.next_multiple_of(4))
            }
            _ => None,
        }
    }

    /// The block's options (none for simple packet and custom blocks).
    pub fn options(&self) -> impl Iterator<Item = Result<BlockOption<'a>, FileError>> + use<'a> {
        let area = self
            .options_start()
            .and_then(|s| self.body.get(s..))
            .unwrap_or_default();
        let base = self.offset + 8 + self.body.len() - area.len();
        options(area, self.big_endian, base)
    }

    /// The first `opt_comment`.
    pub fn comment(&self) -> Option<&'a str> {
        first_text(self.options(), code::COMMENT)
    }

    /// The first text option of `code` (e.g. [`code::SHB_USERAPPL`] of a
    /// section header, [`code::IF_NAME`] of an interface).
    pub fn text_option(&self, want: u16) -> Option<&'a str> {
        first_text(self.options(), want)
    }

    /// A name resolution block's records (empty for other blocks); a cut
    /// record ends them.
    pub fn name_records(&self) -> Vec<NameRecord<'a>> {
        let mut out = Vec::new();
        if self.block_type != 4 {
            return out;
        }
        let (b, big) = (self.body, self.big_endian);
        let mut at = 0;
        while let Some(h) = b.get(at..at + 4) {
            let (t, len) = (rd16(h, big), usize::from(rd16(&h[2..], big)));
            if t == 0 {
                break;
            }
            let Some(v) = b.get(at + 4..at + 4 + len) else {
                break;
            };
            out.push(match (t, v.len()) {
                (1, n) if n >= 4 => {
                    NameRecord::Ipv4(Ipv4Addr::new(v[0], v[1], v[2], v[3]), names(&v[4..]))
                }
                (2, n) if n >= 16 => {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(&v[..16]);
                    NameRecord::Ipv6(Ipv6Addr::from(a), names(&v[16..]))
                }
                (3, n) if n >= 6 => {
                    let mut a = [0u8; 6];
                    a.copy_from_slice(&v[..6]);
                    NameRecord::Eui48(a, names(&v[6..]))
                }
                (4, n) if n >= 8 => {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(&v[..8]);
                    NameRecord::Eui64(a, names(&v[8..]))
                }
                _ => NameRecord::Other(t, v),
            });
            at += 4 + len.next_multiple_of(4);
        }
        out
    }

    /// An interface statistics block's counters.
    pub fn interface_stats(&self) -> Option<InterfaceStats> {
        if self.block_type != 5 || self.body.len() < 12 {
            return None;
        }
        let (b, big) = (self.body, self.big_endian);
        let mut s = InterfaceStats {
            interface: rd32(b, big),
            timestamp: (u64::from(rd32(&b[4..], big)) << 32) | u64::from(rd32(&b[8..], big)),
            ..InterfaceStats::default()
        };
        for o in self.options().filter_map(Result::ok) {
            if o.value.len() != 8 {
                continue;
            }
            // Times are two 32-bit halves, high first; counters are u64.
            let time = (u64::from(rd32(o.value, big)) << 32) | u64::from(rd32(&o.value[4..], big));
            let n = rd64(o.value, big);
            match o.code {
                2 => s.start = Some(time),
                3 => s.end = Some(time),
                4 => s.received = Some(n),
                5 => s.if_dropped = Some(n),
                6 => s.filter_accepted = Some(n),
                7 => s.os_dropped = Some(n),
                8 => s.delivered = Some(n),
                _ => {}
            }
        }
        Some(s)
    }

    /// A decryption secrets block's type (0x544c534b TLS key log,
    /// 0x57474b4c WireGuard, 0x5a4e574b ZigBee NWK, 0x5a415053 ZigBee
    /// APS) and data.
    pub fn secrets(&self) -> Option<(u32, &'a [u8])> {
        if self.block_type != 0x0a {
            return None;
        }
        let (b, big) = (self.body, self.big_endian);
        let t = rd32(b.get(0..4)?, big);
        let len = rd32(b.get(4..8)?, big) as usize;
        Some((t, b.get(8..8usize.checked_add(len)?)?))
    }
}
