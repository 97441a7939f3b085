//! Capture files, over a byte slice ([`SliceReader`]) or streamed from
//! any `Read` in constant memory ([`StreamReader`], 64 KiB refills, one
//! large record up to 256 KiB): pcap (both byte orders, µs and ns
//! timestamps, the link-type word masked to 16 bits with its FCS bits)
//! and pcapng (SHB in both byte orders and several sections, IDB with
//! `if_tsresol`, `if_tsoffset` and `if_name`, EPB, SPB and the obsolete
//! PB with their options; the other blocks are stepped over here and read
//! with [`pcapng_blocks`] and [`crate::pcapng`]). Both readers share one
//! decoder and read the same packets and errors.
//!
//! ```text
//! pcap    header 24: magic a1b2c3d4 (µs) | a1b23c4d (ns) | a1b2cd34 (the
//!                    modified format: records of 24), ver 2.4, tz, sigfigs,
//!                    snaplen, linktype (low 16 bits; bit 28 = FCS length
//!                    in bits 29..31, in 16-bit units)
//!         record 16 (24 modified): ts_sec, ts_frac, caplen, origlen[, ifindex,
//!                    protocol, packet type, pad], then caplen octets
//! pcapng  block: type(4) total_len(4) body total_len(4), 32-bit aligned
//! ```
//!
//! A damaged record gives a [`FileError`] with its byte offset and ends
//! the iteration; nothing is allocated from a declared length.

use std::fmt;

/// What kind of damage a [`FileError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileErrorKind {
    /// Not a pcap or pcapng file (unknown magic, unknown byte order, no
    /// section header first).
    NotACapture,
    /// The file ends inside a header, record or block.
    Truncated,
    /// A record larger than the streaming reader's limit.
    OverLimit,
    /// A record or block whose fields contradict each other or the file.
    Malformed,
    /// Reading the input failed.
    Io,
}

/// A capture-file error: what and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The kind of damage.
    pub kind: FileErrorKind,
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

fn ferr(kind: FileErrorKind, what: impl Into<String>, offset: usize) -> FileError {
    FileError {
        kind,
        what: what.into(),
        offset,
    }
}

/// One packet, borrowed from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Frame number, from 1, as Wireshark counts (pcapng custom blocks
    /// take a number too).
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
    /// The snap length the file declares for this packet's interface (0:
    /// none).
    pub snaplen: u32,
    /// The packet block's options, raw (see [`Packet::options`],
    /// [`Packet::comment`], [`Packet::flags`]); empty in pcap files.
    pub options: &'a [u8],
    /// File offset of `options`.
    pub options_offset: usize,
    /// The section (or file) is big-endian.
    pub big_endian: bool,
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u16,
    snaplen: u32,
    /// Units per second.
    ts_per_sec: u64,
    ts_offset: i64,
    fcs_len: usize,
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Pcap(PcapFile),
    Pcapng { big: bool },
}

/// What a pcap file header says.
#[derive(Debug, Clone, Copy)]
struct PcapFile {
    big: bool,
    nanos: bool,
    link_type: u16,
    fcs_len: usize,
    snaplen: u32,
    /// Record header length: 16, or 24 in the modified format (magic
    /// a1b2cd34: interface index, protocol and packet type added).
    record: usize,
}

/// The reading state shared by [`SliceReader`] and [`StreamReader`]:
/// the format, the pcapng interfaces seen, the packet count.
#[derive(Debug, Clone)]
struct Decoder {
    format: Format,
    interfaces: Vec<Interface>,
    /// The section's interfaces' `if_name`s, by interface ID.
    names: Vec<Option<String>>,
    number: u64,
}

/// What the bytes at a position hold.
#[derive(Debug)]
enum Step<'b> {
    /// A packet, and the position after its record.
    Packet(Packet<'b>, usize),
    /// A block that is not a packet, skipped: the position after it.
    Skip(usize),
    /// The record runs past the octets there are; if the input ends
    /// here, this is the error to report.
    Need(FileError),
}

/// Packets of a pcap or pcapng file held in memory.
#[derive(Debug, Clone)]
pub struct SliceReader<'a> {
    buf: &'a [u8],
    pos: usize,
    decoder: Decoder,
    done: bool,
    /// How far ahead of `pos` the records have been touched (see
    /// [`SliceReader::touch_ahead`]).
    touched: usize,
}

pub(crate) fn rd32(b: &[u8], big: bool) -> u32 {
    let a = [b[0], b[1], b[2], b[3]];
    if big {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}

pub(crate) fn rd16(b: &[u8], big: bool) -> u16 {
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

impl Decoder {
    /// Reads the file header from its first octets; the decoder and the
    /// position of the first record. `Need` when more octets are needed.
    fn from_header(buf: &[u8]) -> Result<Result<(Decoder, usize), usize>, FileError> {
        let Some(magic) = buf.get(..4) else {
            return Ok(Err(4));
        };
        let format = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0x34, 0xcd, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0xa1, 0xb2, 0xcd, 0x34] => {
                if buf.len() < 24 {
                    return Ok(Err(24));
                }
                let big = magic[0] == 0xa1;
                let nanos = matches!(magic, [0x4d, ..] | [_, _, 0x3c, 0x4d]);
                let modified = matches!(magic, [0x34, ..] | [_, _, 0xcd, 0x34]);
                let word = rd32(&buf[20..24], big);
                Format::Pcap(PcapFile {
                    big,
                    nanos,
                    link_type: word as u16,
                    fcs_len: fcs_bytes(word),
                    snaplen: rd32(&buf[16..20], big),
                    record: if modified { 24 } else { 16 },
                })
            }
            [0x0a, 0x0d, 0x0d, 0x0a] => {
                let Some(bom) = buf.get(8..12) else {
                    return Ok(Err(12));
                };
                let big = match bom {
                    [0x1a, 0x2b, 0x3c, 0x4d] => true,
                    [0x4d, 0x3c, 0x2b, 0x1a] => false,
                    _ => {
                        return Err(ferr(
                            FileErrorKind::NotACapture,
                            "pcapng byte-order magic not recognised",
                            8,
                        ));
                    }
                };
                Format::Pcapng { big }
            }
            _ => {
                return Err(ferr(
                    FileErrorKind::NotACapture,
                    "not a pcap or pcapng file (unknown magic)",
                    0,
                ));
            }
        };
        let first = if matches!(format, Format::Pcap(_)) {
            24
        } else {
            0
        };
        Ok(Ok((
            Decoder {
                format,
                interfaces: Vec::new(),
                names: Vec::new(),
                number: 0,
            },
            first,
        )))
    }

    /// The link type of a pcap file (pcapng: of its first interface seen).
    fn link_type(&self) -> Option<u16> {
        match self.format {
            Format::Pcap(f) => Some(f.link_type),
            Format::Pcapng { .. } => self.interfaces.first().map(|i| i.link_type),
        }
    }

    fn interface_name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize)?.as_deref()
    }

    /// The length of the record at the front of `w` and whether it is a
    /// packet; `Err(n)` when its header needs `n` octets first. Nothing
    /// changes.
    fn record_len(&self, w: &[u8]) -> Result<(usize, bool), usize> {
        match self.format {
            Format::Pcap(f) => {
                let h = w.get(..f.record).ok_or(f.record)?;
                Ok((f.record + rd32(&h[8..12], f.big) as usize, true))
            }
            Format::Pcapng { big } => {
                let h = w.get(..8).ok_or(8usize)?;
                let t = rd32(&h[0..4], big);
                let big = if t == 0x0a0d_0d0a {
                    matches!(w.get(8..12).ok_or(12usize)?, [0x1a, 0x2b, 0x3c, 0x4d])
                } else {
                    big
                };
                Ok((
                    (rd32(&h[4..8], big) as usize).max(12),
                    matches!(t, 2 | 3 | 6),
                ))
            }
        }
    }

    /// The record at `at` of the window `buf`, whose first octet is at
    /// file offset `base`.
    fn step<'b>(&mut self, buf: &'b [u8], at: usize, base: usize) -> Result<Step<'b>, FileError> {
        match self.format {
            Format::Pcap(file) => self.pcap_record(buf, at, base, file),
            Format::Pcapng { .. } => self.pcapng_block(buf, at, base),
        }
    }

    /// A record of the pcap file `file` describes.
    fn pcap_record<'b>(
        &mut self,
        buf: &'b [u8],
        at: usize,
        base: usize,
        file: PcapFile,
    ) -> Result<Step<'b>, FileError> {
        let PcapFile {
            big,
            nanos,
            link_type,
            fcs_len,
            snaplen,
            record,
        } = file;
        let Some(h) = buf.get(at..at + record) else {
            return Ok(Step::Need(ferr(
                FileErrorKind::Truncated,
                "record header cut short (truncated file)",
                base + at,
            )));
        };
        let sec = i128::from(rd32(&h[0..4], big));
        let frac = i128::from(rd32(&h[4..8], big));
        let caplen = rd32(&h[8..12], big) as usize;
        let orig_len = rd32(&h[12..16], big);
        let Some(data) = buf.get(at + record..at + record + caplen) else {
            return Ok(Step::Need(ferr(
                FileErrorKind::Truncated,
                format!("record of {caplen} octets runs past the end of the file"),
                base + at,
            )));
        };
        self.number += 1;
        let ts_ns = sec * 1_000_000_000 + if nanos { frac } else { frac * 1000 };
        Ok(Step::Packet(
            Packet {
                number: self.number,
                ts_ns,
                link_type,
                interface: 0,
                data: &data[..data.len().saturating_sub(fcs_len)],
                orig_len,
                offset: base + at,
                snaplen,
                options: &[],
                options_offset: base + at + record + caplen,
                big_endian: big,
            },
            at + record + caplen,
        ))
    }

    fn pcapng_block<'b>(
        &mut self,
        buf: &'b [u8],
        at: usize,
        base: usize,
    ) -> Result<Step<'b>, FileError> {
        let big = matches!(self.format, Format::Pcapng { big: true });
        let Some(h) = buf.get(at..at + 8) else {
            return Ok(Step::Need(ferr(
                FileErrorKind::Truncated,
                "block header cut short",
                base + at,
            )));
        };
        let block_type = rd32(&h[0..4], big);
        let mut big = big;
        if block_type == 0x0a0d_0d0a {
            // A new section: its own byte order and interfaces.
            big = match buf.get(at + 8..at + 12) {
                Some([0x1a, 0x2b, 0x3c, 0x4d]) => true,
                Some([0x4d, 0x3c, 0x2b, 0x1a]) => false,
                Some(_) => {
                    return Err(ferr(
                        FileErrorKind::NotACapture,
                        "pcapng byte-order magic not recognised",
                        base + at + 8,
                    ));
                }
                None => {
                    return Ok(Step::Need(ferr(
                        FileErrorKind::Truncated,
                        "section header cut short",
                        base + at,
                    )));
                }
            };
        }
        let total = rd32(&h[4..8], big) as usize;
        if total < 12 || !total.is_multiple_of(4) {
            return Err(ferr(
                FileErrorKind::Malformed,
                format!("block length {total} is not valid"),
                base + at + 4,
            ));
        }
        let Some(block) = buf.get(at..at + total) else {
            return Ok(Step::Need(ferr(
                FileErrorKind::Truncated,
                format!("block of {total} octets runs past the end of the file"),
                base + at,
            )));
        };
        if rd32(&block[total - 4..], big) as usize != total {
            return Err(ferr(
                FileErrorKind::Malformed,
                "block's trailing length differs from its leading one",
                base + at + total - 4,
            ));
        }
        if block_type == 0x0a0d_0d0a {
            self.format = Format::Pcapng { big };
            self.interfaces.clear();
            self.names.clear();
        }
        let next = at + total;
        let body = &block[8..total - 4];
        let off = base + at;
        match block_type {
            0x0000_0001 => {
                self.interface_block(body, big, off)?;
                Ok(Step::Skip(next))
            }
            0x0000_0006 | 0x0000_0002 => {
                // EPB: if(4) ts_hi ts_lo caplen origlen; PB: if(2) drops(2) …
                if body.len() < 20 {
                    return Err(ferr(
                        FileErrorKind::Malformed,
                        "packet block shorter than its fixed fields",
                        off,
                    ));
                }
                let ifid = if block_type == 6 {
                    rd32(&body[0..4], big)
                } else {
                    u32::from(rd16(&body[0..2], big))
                };
                let ts =
                    (u64::from(rd32(&body[4..8], big)) << 32) | u64::from(rd32(&body[8..12], big));
                let caplen = rd32(&body[12..16], big) as usize;
                let orig_len = rd32(&body[16..20], big);
                let Some(data) = body.get(20..20 + caplen) else {
                    return Err(ferr(
                        FileErrorKind::Malformed,
                        format!("captured length {caplen} exceeds the block"),
                        off + 20,
                    ));
                };
                let Some(iface) = self.interfaces.get(ifid as usize).copied() else {
                    return Err(ferr(
                        FileErrorKind::Malformed,
                        format!("packet on undeclared interface {ifid}"),
                        off + 8,
                    ));
                };
                self.number += 1;
                let opts_at = 20 + caplen.next_multiple_of(4);
                let opts = body.get(opts_at..).unwrap_or_default();
                let mut p = self.packet(iface, ifid, ts, data, orig_len, off);
                p.options = opts;
                p.options_offset = off + 8 + opts_at;
                p.big_endian = big;
                Ok(Step::Packet(p, next))
            }
            0x0000_0003 => {
                // SPB: origlen, then the packet (cut to the snaplen).
                if body.len() < 4 {
                    return Err(ferr(
                        FileErrorKind::Malformed,
                        "simple packet block too short",
                        off,
                    ));
                }
                let orig_len = rd32(&body[0..4], big);
                let data = &body[4..body.len().min(4 + orig_len as usize)];
                let Some(iface) = self.interfaces.first().copied() else {
                    return Err(ferr(
                        FileErrorKind::Malformed,
                        "simple packet block before any interface",
                        off,
                    ));
                };
                self.number += 1;
                let mut p = self.packet(iface, 0, 0, data, orig_len, off);
                p.big_endian = big;
                Ok(Step::Packet(p, next))
            }
            0x0000_0bad | 0x4000_0bad => {
                // Custom blocks are records of their own to Wireshark
                // (4.0 numbers them as frames): keep the count in step.
                self.number += 1;
                Ok(Step::Skip(next))
            }
            _ => Ok(Step::Skip(next)), // SHB, NRB, ISB, DSB: skipped here.
        }
    }

    fn packet<'b>(
        &self,
        iface: Interface,
        ifid: u32,
        ts: u64,
        data: &'b [u8],
        orig_len: u32,
        at: usize,
    ) -> Packet<'b> {
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
            snaplen: iface.snaplen,
            options: &[],
            options_offset: at,
            big_endian: false,
        }
    }

    fn interface_block(&mut self, body: &[u8], big: bool, at: usize) -> Result<(), FileError> {
        if body.len() < 8 {
            return Err(ferr(
                FileErrorKind::Malformed,
                "interface block too short",
                at,
            ));
        }
        let mut iface = Interface {
            link_type: rd16(&body[0..2], big),
            snaplen: rd32(&body[4..8], big),
            ts_per_sec: 1_000_000,
            ts_offset: 0,
            fcs_len: 0,
        };
        let mut opts = &body[8..];
        let mut name = None;
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
                        return Err(ferr(
                            FileErrorKind::Malformed,
                            format!("if_tsresol {r:#x} is out of range"),
                            at,
                        ));
                    }
                }
                (13, [bits]) => iface.fcs_len = usize::from(*bits) / 8,
                (2, v) if name.is_none() => name = Some(String::from_utf8_lossy(v).into_owned()),
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
        self.names.push(name);
        Ok(())
    }
}

impl<'a> SliceReader<'a> {
    /// Reads the file header.
    pub fn new(buf: &'a [u8]) -> Result<Self, FileError> {
        match Decoder::from_header(buf)? {
            Ok((decoder, pos)) => Ok(SliceReader {
                buf,
                pos,
                decoder,
                done: false,
                touched: pos,
            }),
            Err(_) => Err(ferr(
                if buf.len() < 4 {
                    FileErrorKind::NotACapture
                } else {
                    FileErrorKind::Truncated
                },
                if buf.len() < 4 {
                    "file shorter than a capture header"
                } else {
                    "capture header cut short"
                },
                buf.len(),
            )),
        }
    }

    /// The link type of a pcap file (pcapng: of its first interface seen).
    pub fn link_type(&self) -> Option<u16> {
        self.decoder.link_type()
    }

    /// The `if_name` of interface `id` of the current pcapng section
    /// (as far as read).
    pub fn interface_name(&self, id: u32) -> Option<&str> {
        self.decoder.interface_name(id)
    }
}

impl SliceReader<'_> {
    /// Reads one octet of every cache line up to `TOUCH_AHEAD` octets
    /// past the current record. Each record's header gives the next one's
    /// place, so a capture larger than the cache would otherwise wait on
    /// memory once per record, one record after the other; loads whose
    /// addresses are known ahead are issued side by side (and keep the
    /// hardware prefetcher streaming).
    #[inline]
    fn touch_ahead(&mut self) {
        const TOUCH_AHEAD: usize = 1 << 12;
        let until = (self.pos + TOUCH_AHEAD).min(self.buf.len());
        let mut sum = 0u8;
        while self.touched < until {
            sum ^= self.buf[self.touched];
            self.touched += 64;
        }
        std::hint::black_box(sum);
    }
}

impl<'a> Iterator for SliceReader<'a> {
    type Item = Result<Packet<'a>, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.touch_ahead();
        while !self.done && self.pos < self.buf.len() {
            match self.decoder.step(self.buf, self.pos, 0) {
                Ok(Step::Packet(p, next)) => {
                    self.pos = next;
                    return Some(Ok(p));
                }
                Ok(Step::Skip(next)) => self.pos = next,
                Ok(Step::Need(e)) | Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

/// Packets of a pcap or pcapng file read from any [`std::io::Read`] in
/// constant memory: refills of `buffer` octets (64 KiB by default), the
/// buffer grown for a single larger record up to `max_record` (256 KiB
/// by default). A record over the limit, a damaged record or a file cut
/// short gives a [`FileError`] with its byte offset and ends the reading;
/// nothing is allocated from a declared length beyond the limit.
///
/// Not an `Iterator` (each packet borrows the reader's buffer): use
/// `while let Some(p) = reader.next_packet() { … }`.
#[derive(Debug)]
pub struct StreamReader<R> {
    input: R,
    buf: Vec<u8>,
    /// Window of unread octets: `buf[start..end]`.
    start: usize,
    end: usize,
    /// File offset of `buf[0]`.
    base: usize,
    decoder: Decoder,
    max_record: usize,
    eof: bool,
    done: bool,
}

/// Default refill size.
pub const STREAM_BUFFER: usize = 64 << 10;
/// Default largest record.
pub const STREAM_MAX_RECORD: usize = 256 << 10;

impl<R: std::io::Read> StreamReader<R> {
    /// Reads the file header with the default sizes.
    pub fn new(input: R) -> Result<Self, FileError> {
        StreamReader::with_sizes(input, STREAM_BUFFER, STREAM_MAX_RECORD)
    }

    /// Reads the file header; refills of `buffer` octets, records up to
    /// `max_record` octets.
    pub fn with_sizes(input: R, buffer: usize, max_record: usize) -> Result<Self, FileError> {
        let buffer = buffer.max(64);
        let mut r = StreamReader {
            input,
            buf: vec![0; buffer],
            start: 0,
            end: 0,
            base: 0,
            decoder: Decoder {
                format: Format::Pcapng { big: false },
                interfaces: Vec::new(),
                names: Vec::new(),
                number: 0,
            },
            max_record: max_record.max(buffer),
            eof: false,
            done: false,
        };
        loop {
            match Decoder::from_header(&r.buf[r.start..r.end])? {
                Ok((decoder, first)) => {
                    r.decoder = decoder;
                    r.start += first;
                    return Ok(r);
                }
                Err(need) => {
                    if !r.fill(need)? {
                        return Err(ferr(
                            if r.end < 4 {
                                FileErrorKind::NotACapture
                            } else {
                                FileErrorKind::Truncated
                            },
                            if r.end < 4 {
                                "file shorter than a capture header"
                            } else {
                                "capture header cut short"
                            },
                            r.end,
                        ));
                    }
                }
            }
        }
    }

    /// The link type of a pcap file (pcapng: of its first interface seen).
    pub fn link_type(&self) -> Option<u16> {
        self.decoder.link_type()
    }

    /// The `if_name` of interface `id` of the current pcapng section
    /// (as far as read).
    pub fn interface_name(&self, id: u32) -> Option<&str> {
        self.decoder.interface_name(id)
    }

    /// Makes the window hold at least `need` octets; false at the end of
    /// the input (the window then holds what there was).
    fn fill(&mut self, need: usize) -> Result<bool, FileError> {
        if self.end - self.start >= need {
            return Ok(true);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start;
            self.end -= self.start;
            self.start = 0;
        }
        if need > self.buf.len() {
            // One record larger than the buffer: grow, within the limit.
            self.buf
                .resize(need.next_power_of_two().min(self.max_record).max(need), 0);
        }
        while self.end < need {
            if self.eof {
                return Ok(false);
            }
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(ferr(
                        FileErrorKind::Io,
                        format!("read error: {e}"),
                        self.base + self.end,
                    ));
                }
            }
        }
        Ok(true)
    }

    /// The next packet, or the error that ended the reading; `None` at
    /// the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next_packet(&mut self) -> Option<Result<Packet<'_>, FileError>> {
        if self.done {
            return None;
        }
        // pcap: a record already whole in the window goes straight to
        // the decoder.
        let whole_pcap_record = self.whole_pcap_record();
        // Bring the next packet record whole into the window, stepping
        // over (and taking note of) the blocks that are not packets.
        if !whole_pcap_record {
            loop {
                let window = self.start..self.end;
                let need = match self.decoder.record_len(&self.buf[window]) {
                    Ok((n, true)) if n <= self.end - self.start => break,
                    Ok((n, false)) if n <= self.end - self.start => {
                        match self
                            .decoder
                            .step(&self.buf[..self.end], self.start, self.base)
                        {
                            Ok(Step::Skip(next)) => {
                                self.start = next;
                                continue;
                            }
                            Ok(_) => {
                                let e = ferr(
                                    FileErrorKind::Malformed,
                                    "block not decoded",
                                    self.base + self.start,
                                );
                                return self.fail(e);
                            }
                            Err(e) => return self.fail(e),
                        }
                    }
                    Ok((n, _)) | Err(n) => n,
                };
                if self.start == self.end && self.eof {
                    self.done = true;
                    return None;
                }
                if need > self.max_record {
                    let e = ferr(
                        FileErrorKind::OverLimit,
                        format!(
                            "record of {need} octets is over the reader's limit of {}",
                            self.max_record
                        ),
                        self.base + self.start,
                    );
                    return self.fail(e);
                }
                match self.fill(need) {
                    Ok(true) => {}
                    Ok(false) if self.start == self.end => {
                        self.done = true;
                        return None;
                    }
                    Ok(false) => {
                        // Cut short: the decoder words the error.
                        let e =
                            match self
                                .decoder
                                .step(&self.buf[..self.end], self.start, self.base)
                            {
                                Ok(Step::Need(e)) | Err(e) => e,
                                Ok(_) => ferr(
                                    FileErrorKind::Truncated,
                                    "record cut short",
                                    self.base + self.start,
                                ),
                            };
                        return self.fail(e);
                    }
                    Err(e) => return self.fail(e),
                }
            }
        }
        match self
            .decoder
            .step(&self.buf[..self.end], self.start, self.base)
        {
            Ok(Step::Packet(p, next)) => {
                self.start = next;
                Some(Ok(p))
            }
            Ok(Step::Skip(_)) | Ok(Step::Need(_)) => {
                self.done = true;
                Some(Err(ferr(
                    FileErrorKind::Malformed,
                    "record not decoded",
                    self.base + self.start,
                )))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// Whether the window starts with a whole record of a pcap file.
    fn whole_pcap_record(&self) -> bool {
        let Format::Pcap(file) = self.decoder.format else {
            return false;
        };
        let w = &self.buf[self.start..self.end];
        w.get(..file.record)
            .is_some_and(|h| rd32(&h[8..12], file.big) as usize <= w.len() - file.record)
    }

    fn fail<'s>(&mut self, e: FileError) -> Option<Result<Packet<'s>, FileError>> {
        self.done = true;
        Some(Err(e))
    }
}

/// One pcapng block, as [`pcapng_blocks`] walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    /// The block type.
    pub block_type: u32,
    /// The body (between the lengths).
    pub body: &'a [u8],
    /// Offset of the block in the file.
    pub offset: usize,
    /// The section's byte order is big-endian.
    pub big_endian: bool,
}

impl Block<'_> {
    /// The block's usual abbreviation (SHB, IDB, EPB, SPB, PB, NRB, ISB,
    /// DSB, CB, DCB), or "unknown".
    pub fn name(&self) -> &'static str {
        match self.block_type {
            0x0a0d_0d0a => "SHB",
            1 => "IDB",
            2 => "PB",
            3 => "SPB",
            4 => "NRB",
            5 => "ISB",
            6 => "EPB",
            0x0a => "DSB",
            0x0bad => "CB",
            0x4000_0bad => "DCB",
            _ => "unknown",
        }
    }
}

/// Every block of a pcapng file in order (sections in either byte
/// order), each checked for its framing; the first damaged block ends
/// the walk with its error.
pub fn pcapng_blocks(buf: &[u8]) -> impl Iterator<Item = Result<Block<'_>, FileError>> {
    let mut at = 0usize;
    let mut big = false;
    let mut done = false;
    std::iter::from_fn(move || {
        if done || at >= buf.len() {
            return None;
        }
        let fail = |e: FileError| Some(Err(e));
        let Some(h) = buf.get(at..at + 8) else {
            done = true;
            return fail(ferr(FileErrorKind::Truncated, "block header cut short", at));
        };
        if h[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
            big = match buf.get(at + 8..at + 12) {
                Some([0x1a, 0x2b, 0x3c, 0x4d]) => true,
                Some([0x4d, 0x3c, 0x2b, 0x1a]) => false,
                _ => {
                    done = true;
                    return fail(ferr(
                        FileErrorKind::NotACapture,
                        "pcapng byte-order magic not recognised",
                        at + 8,
                    ));
                }
            };
        } else if at == 0 {
            done = true;
            return fail(ferr(
                FileErrorKind::NotACapture,
                "not a pcapng file (no section header first)",
                0,
            ));
        }
        let block_type = rd32(&h[0..4], big);
        let total = rd32(&h[4..8], big) as usize;
        if total < 12 || !total.is_multiple_of(4) {
            done = true;
            return fail(ferr(
                FileErrorKind::Malformed,
                format!("block length {total} is not valid"),
                at + 4,
            ));
        }
        let Some(block) = buf.get(at..at + total) else {
            done = true;
            return fail(ferr(
                FileErrorKind::Truncated,
                format!("block of {total} octets runs past the end of the file"),
                at,
            ));
        };
        if rd32(&block[total - 4..], big) as usize != total {
            done = true;
            return fail(ferr(
                FileErrorKind::Malformed,
                "block's trailing length differs from its leading one",
                at + total - 4,
            ));
        }
        let b = Block {
            block_type,
            body: &block[8..total - 4],
            offset: at,
            big_endian: big,
        };
        at += total;
        Some(Ok(b))
    })
}

/// Packets a pcapng capture says it dropped: per interface the last
/// interface statistics block's `isb_ifdrop` (dropped by the interface)
/// plus `isb_osdrop` (dropped by the operating system), summed; `None`
/// when the file has no such counters (a pcap file, or no ISB).
pub fn capture_drops(buf: &[u8]) -> Option<u64> {
    let mut last: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    for block in pcapng_blocks(buf) {
        let Ok(b) = block else { break };
        if b.block_type != 5 || b.body.len() < 12 {
            continue;
        }
        let big = b.big_endian;
        let interface = rd32(&b.body[0..4], big);
        let mut drops = None;
        let mut opts = &b.body[12..];
        while opts.len() >= 4 {
            let code = rd16(&opts[0..2], big);
            let len = usize::from(rd16(&opts[2..4], big));
            let Some(v) = opts.get(4..4 + len) else { break };
            if matches!(code, 5 | 7) && v.len() == 8 {
                let mut a = [0u8; 8];
                a.copy_from_slice(v);
                let n = if big {
                    u64::from_be_bytes(a)
                } else {
                    u64::from_le_bytes(a)
                };
                drops = Some(drops.unwrap_or(0u64).saturating_add(n));
            }
            if code == 0 {
                break;
            }
            opts = opts.get((4 + len + 3) & !3..).unwrap_or(&[]);
        }
        if let Some(d) = drops {
            last.insert(interface, d);
        }
    }
    (!last.is_empty()).then(|| last.values().sum())
}
