//! Capture files over a byte slice: pcap (both byte orders, µs and ns
//! timestamps, the link-type word masked to 16 bits with its FCS bits)
//! and pcapng (SHB in both byte orders and several sections, IDB with
//! `if_tsresol` and `if_tsoffset`, EPB, SPB and the obsolete PB; other
//! blocks skipped).
//!
//! ```text
//! pcap    header 24: magic a1b2c3d4 (µs) | a1b23c4d (ns), ver 2.4, tz, sigfigs,
//!                    snaplen, linktype (low 16 bits; bit 28 = FCS length
//!                    in bits 29..31, in 16-bit units)
//!         record 16: ts_sec, ts_frac, caplen, origlen, then caplen octets
//! pcapng  block: type(4) total_len(4) body total_len(4), 32-bit aligned
//! ```
//!
//! A damaged record gives a [`FileError`] with its byte offset and ends
//! the iteration; nothing is allocated from a declared length.

use std::fmt;

/// A capture-file error: what and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// What went wrong.
    pub what: String,
    /// Byte offset in the file.
    pub offset: usize,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

impl std::error::Error for FileError {}

fn ferr(what: impl Into<String>, offset: usize) -> FileError {
    FileError {
        what: what.into(),
        offset,
    }
}

/// One packet, borrowed from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Frame number, from 1, as Wireshark counts.
    pub number: u64,
    /// Nanoseconds since the Unix epoch.
    pub ts_ns: i128,
    /// The link type (LINKTYPE_*), masked to 16 bits.
    pub link_type: u16,
    /// The interface (pcapng; 0 in pcap).
    pub interface: u32,
    /// The captured octets (without an FCS the link type declares).
    pub data: &'a [u8],
    /// The length on the wire.
    pub orig_len: u32,
    /// Offset of the record in the file.
    pub offset: usize,
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u16,
    /// Units per second.
    ts_per_sec: u64,
    ts_offset: i64,
    fcs_len: usize,
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Pcap {
        big: bool,
        nanos: bool,
        link_type: u16,
        fcs_len: usize,
    },
    Pcapng {
        big: bool,
    },
}

/// Packets of a pcap or pcapng file held in memory.
#[derive(Debug, Clone)]
pub struct SliceReader<'a> {
    buf: &'a [u8],
    pos: usize,
    format: Format,
    interfaces: Vec<Interface>,
    number: u64,
    done: bool,
}

fn rd32(b: &[u8], big: bool) -> u32 {
    let a = [b[0], b[1], b[2], b[3]];
    if big {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}

fn rd16(b: &[u8], big: bool) -> u16 {
    let a = [b[0], b[1]];
    if big {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    }
}

fn fcs_bytes(link_word: u32) -> usize {
    if link_word & 0x1000_0000 != 0 {
        (((link_word >> 29) & 7) * 2) as usize
    } else {
        0
    }
}

impl<'a> SliceReader<'a> {
    /// Reads the file header.
    pub fn new(buf: &'a [u8]) -> Result<Self, FileError> {
        let Some(magic) = buf.get(..4) else {
            return Err(ferr("file shorter than a capture header", 0));
        };
        let format = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0xa1, 0xb2, 0x3c, 0x4d] => {
                if buf.len() < 24 {
                    return Err(ferr("pcap header cut short", buf.len()));
                }
                let big = magic[0] == 0xa1;
                let nanos = matches!(magic, [0x4d, ..] | [_, _, 0x3c, 0x4d]);
                let word = rd32(&buf[20..24], big);
                Format::Pcap {
                    big,
                    nanos,
                    link_type: word as u16,
                    fcs_len: fcs_bytes(word),
                }
            }
            [0x0a, 0x0d, 0x0d, 0x0a] => {
                let Some(bom) = buf.get(8..12) else {
                    return Err(ferr("pcapng section header cut short", buf.len()));
                };
                let big = match bom {
                    [0x1a, 0x2b, 0x3c, 0x4d] => true,
                    [0x4d, 0x3c, 0x2b, 0x1a] => false,
                    _ => return Err(ferr("pcapng byte-order magic not recognised", 8)),
                };
                Format::Pcapng { big }
            }
            _ => return Err(ferr("not a pcap or pcapng file (unknown magic)", 0)),
        };
        Ok(SliceReader {
            buf,
            pos: if matches!(format, Format::Pcap { .. }) {
                24
            } else {
                0
            },
            format,
            interfaces: Vec::new(),
            number: 0,
            done: false,
        })
    }

    /// The link type of a pcap file (pcapng: of its first interface seen).
    pub fn link_type(&self) -> Option<u16> {
        match self.format {
            Format::Pcap { link_type, .. } => Some(link_type),
            Format::Pcapng { .. } => self.interfaces.first().map(|i| i.link_type),
        }
    }

    fn next_pcap(
        &mut self,
        big: bool,
        nanos: bool,
        link_type: u16,
        fcs_len: usize,
    ) -> Result<Option<Packet<'a>>, FileError> {
        let at = self.pos;
        if at >= self.buf.len() {
            return Ok(None);
        }
        let Some(h) = self.buf.get(at..at + 16) else {
            return Err(ferr("record header cut short (truncated file)", at));
        };
        let sec = i128::from(rd32(&h[0..4], big));
        let frac = i128::from(rd32(&h[4..8], big));
        let caplen = rd32(&h[8..12], big) as usize;
        let orig_len = rd32(&h[12..16], big);
        let Some(data) = self.buf.get(at + 16..at + 16 + caplen) else {
            return Err(ferr(
                format!("record of {caplen} octets runs past the end of the file"),
                at,
            ));
        };
        self.pos = at + 16 + caplen;
        self.number += 1;
        let ts_ns = sec * 1_000_000_000 + if nanos { frac } else { frac * 1000 };
        Ok(Some(Packet {
            number: self.number,
            ts_ns,
            link_type,
            interface: 0,
            data: &data[..data.len().saturating_sub(fcs_len)],
            orig_len,
            offset: at,
        }))
    }

    fn next_pcapng(&mut self) -> Result<Option<Packet<'a>>, FileError> {
        loop {
            let at = self.pos;
            if at >= self.buf.len() {
                return Ok(None);
            }
            let big = matches!(self.format, Format::Pcapng { big: true });
            let Some(h) = self.buf.get(at..at + 8) else {
                return Err(ferr("block header cut short", at));
            };
            let block_type = rd32(&h[0..4], big);
            if block_type == 0x0a0d_0d0a {
                // A new section: its own byte order and interfaces.
                let big = match self.buf.get(at + 8..at + 12) {
                    Some([0x1a, 0x2b, 0x3c, 0x4d]) => true,
                    Some([0x4d, 0x3c, 0x2b, 0x1a]) => false,
                    _ => return Err(ferr("pcapng byte-order magic not recognised", at + 8)),
                };
                self.format = Format::Pcapng { big };
                self.interfaces.clear();
            }
            let big = matches!(self.format, Format::Pcapng { big: true });
            let total = rd32(&self.buf[at + 4..at + 8], big) as usize;
            if total < 12 || !total.is_multiple_of(4) {
                return Err(ferr(format!("block length {total} is not valid"), at + 4));
            }
            let Some(block) = self.buf.get(at..at + total) else {
                return Err(ferr(
                    format!("block of {total} octets runs past the end of the file"),
                    at,
                ));
            };
            if rd32(&block[total - 4..], big) as usize != total {
                return Err(ferr(
                    "block's trailing length differs from its leading one",
                    at + total - 4,
                ));
            }
            self.pos = at + total;
            let body = &block[8..total - 4];
            match block_type {
                0x0000_0001 => self.interface_block(body, big, at)?,
                0x0000_0006 | 0x0000_0002 => {
                    // EPB: if(4) ts_hi ts_lo caplen origlen; PB: if(2) drops(2) …
                    if body.len() < 20 {
                        return Err(ferr("packet block shorter than its fixed fields", at));
                    }
                    let ifid = if block_type == 6 {
                        rd32(&body[0..4], big)
                    } else {
                        u32::from(rd16(&body[0..2], big))
                    };
                    let ts = (u64::from(rd32(&body[4..8], big)) << 32)
                        | u64::from(rd32(&body[8..12], big));
                    let caplen = rd32(&body[12..16], big) as usize;
                    let orig_len = rd32(&body[16..20], big);
                    let Some(data) = body.get(20..20 + caplen) else {
                        return Err(ferr(
                            format!("captured length {caplen} exceeds the block"),
                            at + 20,
                        ));
                    };
                    let Some(iface) = self.interfaces.get(ifid as usize).copied() else {
                        return Err(ferr(
                            format!("packet on undeclared interface {ifid}"),
                            at + 8,
                        ));
                    };
                    self.number += 1;
                    return Ok(Some(self.packet(iface, ifid, ts, data, orig_len, at)));
                }
                0x0000_0003 => {
                    // SPB: origlen, then the packet (cut to the snaplen).
                    if body.len() < 4 {
                        return Err(ferr("simple packet block too short", at));
                    }
                    let orig_len = rd32(&body[0..4], big);
                    let data = &body[4..body.len().min(4 + orig_len as usize)];
                    let Some(iface) = self.interfaces.first().copied() else {
                        return Err(ferr("simple packet block before any interface", at));
                    };
                    self.number += 1;
                    return Ok(Some(self.packet(iface, 0, 0, data, orig_len, at)));
                }
                _ => {} // SHB, NRB, ISB, DSB, custom: skipped here.
            }
        }
    }

    fn packet(
        &self,
        iface: Interface,
        ifid: u32,
        ts: u64,
        data: &'a [u8],
        orig_len: u32,
        at: usize,
    ) -> Packet<'a> {
        let ts = i128::from(ts);
        let per = i128::from(iface.ts_per_sec.max(1));
        let ts_ns = (ts / per + i128::from(iface.ts_offset)) * 1_000_000_000
            + (ts % per) * 1_000_000_000 / per;
        Packet {
            number: self.number,
            ts_ns,
            link_type: iface.link_type,
            interface: ifid,
            data: &data[..data.len().saturating_sub(iface.fcs_len)],
            orig_len,
            offset: at,
        }
    }

    fn interface_block(&mut self, body: &[u8], big: bool, at: usize) -> Result<(), FileError> {
        if body.len() < 8 {
            return Err(ferr("interface block too short", at));
        }
        let mut iface = Interface {
            link_type: rd16(&body[0..2], big),
            ts_per_sec: 1_000_000,
            ts_offset: 0,
            fcs_len: 0,
        };
        let mut opts = &body[8..];
        while opts.len() >= 4 {
            let code = rd16(&opts[0..2], big);
            let len = usize::from(rd16(&opts[2..4], big));
            let Some(value) = opts.get(4..4 + len) else {
                break;
            };
            match (code, value) {
                (0, _) => break,
                (9, [r]) => {
                    let exp = u32::from(r & 0x7f);
                    iface.ts_per_sec = if r & 0x80 != 0 {
                        1u64.checked_shl(exp).unwrap_or(0)
                    } else {
                        10u64.checked_pow(exp).unwrap_or(0)
                    };
                    if iface.ts_per_sec == 0 {
                        return Err(ferr(format!("if_tsresol {r:#x} is out of range"), at));
                    }
                }
                (13, [bits]) => iface.fcs_len = usize::from(*bits) / 8,
                (14, v) if v.len() == 8 => {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(v);
                    iface.ts_offset = if big {
                        i64::from_be_bytes(a)
                    } else {
                        i64::from_le_bytes(a)
                    };
                }
                _ => {}
            }
            opts = opts.get((4 + len + 3) & !3..).unwrap_or(&[]);
        }
        self.interfaces.push(iface);
        Ok(())
    }
}

impl<'a> Iterator for SliceReader<'a> {
    type Item = Result<Packet<'a>, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = match self.format {
            Format::Pcap {
                big,
                nanos,
                link_type,
                fcs_len,
            } => self.next_pcap(big, nanos, link_type, fcs_len),
            Format::Pcapng { .. } => self.next_pcapng(),
        };
        match r {
            Ok(Some(p)) => Some(Ok(p)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
