//! Capture writers: classic pcap (little-endian, microsecond or
//! nanosecond timestamps) and pcapng (a section with `shb_userappl`,
//! interfaces with `if_name` and nanosecond `if_tsresol`, enhanced packet
//! blocks with `opt_comment` and `epb_flags`). What they write, the
//! readers of [`crate::file`] and Wireshark read back.
//!
//! ```
//! use netmon_pcap::write::PcapngWriter;
//! use netmon_pcap::SliceReader;
//! let mut out = Vec::new();
//! let mut w = PcapngWriter::new(&mut out).unwrap();
//! let eth0 = w.interface(1, 65535, Some("eth0")).unwrap();
//! w.packet(eth0, 1_700_000_000_123_456_789, &[0u8; 60], 60, Some("first"), Some(1)).unwrap();
//! drop(w);
//! let p = SliceReader::new(&out).unwrap().next().unwrap().unwrap();
//! assert_eq!(p.ts_ns, 1_700_000_000_123_456_789);
//! ```

use std::io::{self, Write};

/// Writes a classic pcap file.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    nanos: bool,
    snaplen: u32,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header: `link_type` (LINKTYPE_*), `snaplen`, and
    /// nanosecond timestamps when `nanos`.
    pub fn new(mut out: W, link_type: u16, snaplen: u32, nanos: bool) -> io::Result<Self> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        out.write_all(&magic.to_le_bytes())?;
        out.write_all(&2u16.to_le_bytes())?;
        out.write_all(&4u16.to_le_bytes())?;
        out.write_all(&[0; 8])?;
        out.write_all(&snaplen.to_le_bytes())?;
        out.write_all(&u32::from(link_type).to_le_bytes())?;
        Ok(PcapWriter {
            out,
            nanos,
            snaplen,
        })
    }

    /// Writes one packet (`data` longer than the snap length is cut to
    /// it; `orig_len` is the length on the wire). Times before 1970 or
    /// after 2106 do not fit the format and are refused.
    pub fn packet(&mut self, ts_ns: i128, data: &[u8], orig_len: u32) -> io::Result<()> {
        let secs = u32::try_from(ts_ns.div_euclid(1_000_000_000)).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "time outside pcap's range")
        })?;
        let frac = ts_ns.rem_euclid(1_000_000_000);
        let frac = if self.nanos { frac } else { frac / 1000 } as u32;
        let data = &data[..data.len().min(self.snaplen as usize)];
        self.out.write_all(&secs.to_le_bytes())?;
        self.out.write_all(&frac.to_le_bytes())?;
        self.out.write_all(&(data.len() as u32).to_le_bytes())?;
        self.out
            .write_all(&orig_len.max(data.len() as u32).to_le_bytes())?;
        self.out.write_all(data)
    }

    /// Flushes and returns the output.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// An option: code, value, padded to 32 bits.
fn option(buf: &mut Vec<u8>, code: u16, value: &[u8]) {
    buf.extend_from_slice(&code.to_le_bytes());
    buf.extend_from_slice(&(value.len() as u16).to_le_bytes());
    buf.extend_from_slice(value);
    buf.resize(buf.len().next_multiple_of(4), 0);
}

fn block(out: &mut impl Write, block_type: u32, body: &[u8]) -> io::Result<()> {
    let total = (12 + body.len()) as u32;
    out.write_all(&block_type.to_le_bytes())?;
    out.write_all(&total.to_le_bytes())?;
    out.write_all(body)?;
    out.write_all(&total.to_le_bytes())
}

/// Writes a pcapng file (one section, little-endian).
#[derive(Debug)]
pub struct PcapngWriter<W: Write> {
    out: W,
    interfaces: u32,
    body: Vec<u8>,
}

impl<W: Write> PcapngWriter<W> {
    /// Writes the section header block.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut body = Vec::new();
        body.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&(-1i64).to_le_bytes()); // section length unknown
        option(&mut body, 4, b"netmon"); // shb_userappl
        option(&mut body, 0, &[]);
        block(&mut out, 0x0a0d_0d0a, &body)?;
        Ok(PcapngWriter {
            out,
            interfaces: 0,
            body: Vec::with_capacity(2048),
        })
    }

    /// Declares an interface (nanosecond timestamps); its number.
    pub fn interface(
        &mut self,
        link_type: u16,
        snaplen: u32,
        name: Option<&str>,
    ) -> io::Result<u32> {
        let mut body = Vec::new();
        body.extend_from_slice(&link_type.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&snaplen.to_le_bytes());
        if let Some(n) = name {
            option(&mut body, 2, n.as_bytes()); // if_name
        }
        option(&mut body, 9, &[9]); // if_tsresol: 10^-9
        option(&mut body, 0, &[]);
        block(&mut self.out, 1, &body)?;
        self.interfaces += 1;
        Ok(self.interfaces - 1)
    }

    /// Writes an enhanced packet block on `interface`, with an optional
    /// comment and `epb_flags` word (direction in bits 0–1, …).
    pub fn packet(
        &mut self,
        interface: u32,
        ts_ns: i128,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
        flags: Option<u32>,
    ) -> io::Result<()> {
        if interface >= self.interfaces {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "undeclared interface",
            ));
        }
        let ts = u64::try_from(ts_ns)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "time before 1970"))?;
        let b = &mut self.body;
        b.clear();
        b.extend_from_slice(&interface.to_le_bytes());
        b.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        b.extend_from_slice(&(ts as u32).to_le_bytes());
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(&orig_len.max(data.len() as u32).to_le_bytes());
        b.extend_from_slice(data);
        b.resize(b.len().next_multiple_of(4), 0);
        if comment.is_some() || flags.is_some() {
            if let Some(c) = comment {
                option(b, 1, c.as_bytes());
            }
            if let Some(f) = flags {
                option(b, 2, &f.to_le_bytes());
            }
            option(b, 0, &[]);
        }
        block(&mut self.out, 6, &self.body)
    }

    /// Flushes and returns the output.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SliceReader;

    #[test]
    fn both_formats_read_back() {
        let frames: Vec<Vec<u8>> = (0..20u8)
            .map(|i| vec![i; 14 + usize::from(i) * 7])
            .collect();
        let t0: i128 = 1_700_000_000_000_000_000;
        for nanos in [false, true] {
            let mut w = PcapWriter::new(Vec::new(), 1, 100, nanos).unwrap();
            for (i, f) in frames.iter().enumerate() {
                w.packet(t0 + i as i128 * 1_234_567, f, f.len() as u32)
                    .unwrap();
            }
            let out = w.into_inner().unwrap();
            let back: Vec<_> = SliceReader::new(&out)
                .unwrap()
                .map(|p| p.unwrap())
                .collect();
            assert_eq!(back.len(), 20);
            for (i, p) in back.iter().enumerate() {
                let want = &frames[i][..frames[i].len().min(100)];
                assert_eq!(p.data, want);
                assert_eq!(p.orig_len as usize, frames[i].len());
                let ts = t0 + i as i128 * 1_234_567;
                assert_eq!(p.ts_ns, if nanos { ts } else { ts / 1000 * 1000 });
            }
        }
        let mut w = PcapngWriter::new(Vec::new()).unwrap();
        let a = w.interface(1, 65535, Some("eth0")).unwrap();
        let b = w.interface(113, 65535, None).unwrap();
        for (i, f) in frames.iter().enumerate() {
            let comment = (i % 3 == 0).then_some("seen on both sides");
            w.packet(
                if i % 2 == 0 { a } else { b },
                t0 + i as i128,
                f,
                f.len() as u32 + 4,
                comment,
                Some(1),
            )
            .unwrap();
        }
        assert!(w.packet(7, t0, &[], 0, None, None).is_err());
        let out = w.into_inner().unwrap();
        let back: Vec<_> = SliceReader::new(&out)
            .unwrap()
            .map(|p| p.unwrap())
            .collect();
        assert_eq!(back.len(), 20);
        for (i, p) in back.iter().enumerate() {
            assert_eq!(p.data, &frames[i][..]);
            assert_eq!(p.ts_ns, t0 + i as i128);
            assert_eq!(p.link_type, if i % 2 == 0 { 1 } else { 113 });
            assert_eq!(p.orig_len as usize, frames[i].len() + 4);
        }
    }
}
