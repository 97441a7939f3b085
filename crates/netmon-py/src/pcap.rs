//! `netmon.pcap`: captures read into NumPy columns (the GIL released
//! while the file is read and decoded), packets one by one from a
//! streaming reader, conversations, and the two-sided correlation.

use std::collections::TryReserveError;
use std::fs::File;

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use netmon_pcap::correlate::{DirectionReport, Seen, correlate as correlate_seen, seen};
use netmon_pcap::dissect::{ChecksumStatus, Fields, Options, dissect_into};
use netmon_pcap::flows::{Direction, FlowKey, FlowTable};
use netmon_pcap::{FileError, Packet, StreamReader};

use crate::DecodeError;
use crate::read_ahead::ReadAhead;

/// A file error as `netmon.DecodeError` with its byte `offset`.
fn file_err(py: Python<'_>, path: &str, e: &FileError) -> PyErr {
    let err = DecodeError::new_err(format!("{path}: {e}"));
    let _ = err.value(py).setattr("offset", e.offset);
    err
}

/// A streaming reader of the file at `path`, whose octets a thread of
/// their own reads ahead (see [`ReadAhead`]).
fn open(py: Python<'_>, path: &str) -> PyResult<StreamReader<ReadAhead>> {
    let os_err = |e: std::io::Error| pyo3::exceptions::PyOSError::new_err(format!("{path}: {e}"));
    let f = ReadAhead::new(File::open(path).map_err(os_err)?).map_err(os_err)?;
    StreamReader::new(f).map_err(|e| file_err(py, path, &e))
}

/// The damage that ended a reading: its text and byte offset.
type Damage = Option<(String, usize)>;

/// A nullable column: values and a mask (true: missing), as pandas'
/// nullable integer arrays take them.
#[derive(Default)]
struct Nullable<T> {
    values: Vec<T>,
    mask: Vec<bool>,
}

impl<T: Default + Copy> Nullable<T> {
    fn push(&mut self, v: Option<T>) {
        self.values.push(v.unwrap_or_default());
        self.mask.push(v.is_none());
    }

    fn reserve(&mut self, n: usize) -> Result<(), TryReserveError> {
        self.values.try_reserve_exact(n)?;
        self.mask.try_reserve_exact(n)
    }

    fn shrink(&mut self) {
        self.values.shrink_to_fit();
        self.mask.shrink_to_fit();
    }
}

fn mac(m: [u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

/// The first IP header's addresses, IPv4 or IPv6.
fn addrs(f: &Fields) -> (Option<std::net::IpAddr>, Option<std::net::IpAddr>) {
    use std::net::IpAddr;
    match (f.ip_src, f.ip_dst) {
        (None, None) => (f.ipv6_src.map(IpAddr::V6), f.ipv6_dst.map(IpAddr::V6)),
        (s, d) => (s.map(IpAddr::V4), d.map(IpAddr::V4)),
    }
}

/// The ports of the outer transport (a tunnel's inner TCP does not hide
/// the outer UDP).
fn ports(f: &Fields) -> (Option<u16>, Option<u16>) {
    match f.ip_proto.map(|p| p.0) {
        Some(17) => (f.udp_src_port, f.udp_dst_port),
        Some(6) => (f.tcp_src_port, f.tcp_dst_port),
        _ => (
            f.tcp_src_port.or(f.udp_src_port),
            f.tcp_dst_port.or(f.udp_dst_port),
        ),
    }
}

fn checksum(c: Option<ChecksumStatus>) -> Option<u8> {
    c.map(ChecksumStatus::code)
}

/// A multiply-rotate hasher for the address tables: the keys are short
/// and come from a file, not from an adversary who could flood one
/// bucket to any effect beyond a slower read; SipHash cost a tenth of
/// `read`'s time.
#[derive(Default, Clone, Copy)]
struct AddrHasher(u64);

impl AddrHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for AddrHasher {
    /// MurmurHash3's finaliser: the bucket index comes from the low bits,
    /// which the multiplication alone leaves depending on the low bits
    /// of the input only (an address's first octet).
    #[inline]
    fn finish(&self) -> u64 {
        let h = self.0 ^ (self.0 >> 33);
        let h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

type AddrMap<K> = std::collections::HashMap<K, i32, std::hash::BuildHasherDefault<AddrHasher>>;

/// A column of repeated text values (addresses) as codes into a table of
/// distinct values (-1: missing): pandas builds a Categorical from it with
/// no per-row Python object.
struct Coded<K> {
    codes: Vec<i32>,
    index: AddrMap<K>,
    values: Vec<String>,
    /// The last two values and their codes: a conversation's packets
    /// alternate between its two ends.
    recent: [Option<(K, i32)>; 2],
}

impl<K> Default for Coded<K> {
    fn default() -> Self {
        Coded {
            codes: Vec::new(),
            index: AddrMap::default(),
            values: Vec::new(),
            recent: [None, None],
        }
    }
}

impl<K: std::hash::Hash + Eq + Copy> Coded<K> {
    fn reserve(&mut self, n: usize) -> Result<(), TryReserveError> {
        self.codes.try_reserve_exact(n)
    }

    fn shrink(&mut self) {
        self.codes.shrink_to_fit();
    }

    fn push(&mut self, k: Option<K>, text: impl FnOnce(K) -> String) {
        let code = match k {
            None => -1,
            Some(k) => match self.recent {
                [Some((r, c)), _] if r == k => c,
                [_, Some((r, c))] if r == k => {
                    self.recent.swap(0, 1);
                    c
                }
                _ => {
                    let c = match self.index.get(&k) {
                        Some(c) => *c,
                        None => {
                            let c = self.values.len() as i32;
                            self.values.push(text(k));
                            self.index.insert(k, c);
                            c
                        }
                    };
                    self.recent = [Some((k, c)), self.recent[0]];
                    c
                }
            },
        };
        self.codes.push(code);
    }
}

/// Every column of a capture, filled while the GIL is released.
#[derive(Default)]
struct Columns {
    number: Vec<u64>,
    time_ns: Vec<i64>,
    caplen: Vec<u32>,
    len: Vec<u32>,
    interface: Vec<u32>,
    eth_src: Coded<[u8; 6]>,
    eth_dst: Coded<[u8; 6]>,
    vlan: Nullable<u16>,
    ip_src: Coded<std::net::IpAddr>,
    ip_dst: Coded<std::net::IpAddr>,
    ip_proto: Nullable<u8>,
    ip_ttl: Nullable<u8>,
    src_port: Nullable<u16>,
    dst_port: Nullable<u16>,
    tcp_flags: Nullable<u16>,
    tcp_seq: Nullable<u32>,
    tcp_ack: Nullable<u32>,
    icmp_type: Nullable<u8>,
    ip_checksum: Nullable<u8>,
    tcp_checksum: Nullable<u8>,
    udp_checksum: Nullable<u8>,
    error: Option<FileError>,
}

impl Columns {
    /// Room for `n` more packets in every column (an estimate: a column
    /// that fills up grows as usual).
    fn reserve(&mut self, n: usize) -> Result<(), TryReserveError> {
        self.number.try_reserve_exact(n)?;
        self.time_ns.try_reserve_exact(n)?;
        self.caplen.try_reserve_exact(n)?;
        self.len.try_reserve_exact(n)?;
        self.interface.try_reserve_exact(n)?;
        self.eth_src.reserve(n)?;
        self.eth_dst.reserve(n)?;
        self.vlan.reserve(n)?;
        self.ip_src.reserve(n)?;
        self.ip_dst.reserve(n)?;
        self.ip_proto.reserve(n)?;
        self.ip_ttl.reserve(n)?;
        self.src_port.reserve(n)?;
        self.dst_port.reserve(n)?;
        self.tcp_flags.reserve(n)?;
        self.tcp_seq.reserve(n)?;
        self.tcp_ack.reserve(n)?;
        self.icmp_type.reserve(n)?;
        self.ip_checksum.reserve(n)?;
        self.tcp_checksum.reserve(n)?;
        self.udp_checksum.reserve(n)
    }

    /// Gives back what an estimate reserved beyond the packets read
    /// (large allocations shrink in place).
    fn shrink(&mut self) {
        self.number.shrink_to_fit();
        self.time_ns.shrink_to_fit();
        self.caplen.shrink_to_fit();
        self.len.shrink_to_fit();
        self.interface.shrink_to_fit();
        self.eth_src.shrink();
        self.eth_dst.shrink();
        self.vlan.shrink();
        self.ip_src.shrink();
        self.ip_dst.shrink();
        self.ip_proto.shrink();
        self.ip_ttl.shrink();
        self.src_port.shrink();
        self.dst_port.shrink();
        self.tcp_flags.shrink();
        self.tcp_seq.shrink();
        self.tcp_ack.shrink();
        self.icmp_type.shrink();
        self.ip_checksum.shrink();
        self.tcp_checksum.shrink();
        self.udp_checksum.shrink();
    }

    fn push(&mut self, p: &Packet<'_>, f: &Fields) {
        self.number.push(p.number);
        self.time_ns
            .push(i64::try_from(p.ts_ns).unwrap_or(if p.ts_ns < 0 { i64::MIN } else { i64::MAX }));
        self.caplen.push(p.data.len() as u32);
        self.len.push(p.orig_len);
        self.interface.push(p.interface);
        self.eth_src.push(f.eth_src, mac);
        self.eth_dst.push(f.eth_dst, mac);
        self.vlan.push(f.vlan);
        let (src, dst) = addrs(f);
        self.ip_src.push(src, |a| a.to_string());
        self.ip_dst.push(dst, |a| a.to_string());
        self.ip_proto.push(f.ip_proto.map(|p| p.0));
        self.ip_ttl.push(f.ip_ttl);
        let (sp, dp) = ports(f);
        self.src_port.push(sp);
        self.dst_port.push(dp);
        self.tcp_flags.push(f.tcp_flags);
        self.tcp_seq.push(f.tcp_seq);
        self.tcp_ack.push(f.tcp_ack);
        self.icmp_type.push(f.icmp_type.or(f.icmpv6_type));
        self.ip_checksum.push(checksum(f.ip_checksum));
        self.tcp_checksum.push(checksum(f.tcp_checksum));
        self.udp_checksum.push(checksum(f.udp_checksum));
    }
}

fn coded<'py, K>(py: Python<'py>, d: &Bound<'py, PyDict>, name: &str, c: Coded<K>) -> PyResult<()> {
    d.set_item(name, (c.codes.into_pyarray(py), c.values))
}

fn nullable<'py, T: numpy::Element>(
    py: Python<'py>,
    d: &Bound<'py, PyDict>,
    name: &str,
    c: Nullable<T>,
) -> PyResult<()> {
    let pair = (c.values.into_pyarray(py), c.mask.into_pyarray(py));
    d.set_item(name, pair)
}

/// Packets read before the columns are sized for the rest of the file.
const SAMPLE_PACKETS: u64 = 4096;

/// Reads a whole capture into columns: a dict of NumPy arrays (nullable
/// integers as `(values, mask)` pairs, addresses as `(codes, values)`
/// with -1 for none) and `error` (None, or `(message, offset)` of the damage that
/// ended the reading; the packets before it are all there).
#[pyfunction]
#[pyo3(signature = (path, checksums=true))]
pub(crate) fn pcap_columns<'py>(
    py: Python<'py>,
    path: &str,
    checksums: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let mut reader = open(py, path)?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let c = py.detach(move || {
        let mut c = Columns::default();
        let mut f = Fields::default();
        while let Some(p) = reader.next_packet() {
            match p {
                Ok(p) => {
                    if p.number == SAMPLE_PACKETS {
                        // Every column sized once for the whole file, from
                        // the first packets' average size: no column copied
                        // as it grows, no page written twice. (An estimate
                        // too large to allocate is only not made.)
                        let done = p.offset.max(1) as f64;
                        let left = size.saturating_sub(p.offset as u64) as f64;
                        let more = left / done * SAMPLE_PACKETS as f64 * 1.05;
                        let _ = c.reserve(more as usize + 64);
                    }
                    dissect_into(
                        p.link_type,
                        p.data,
                        p.orig_len as usize,
                        Options { checksums },
                        &mut f,
                    );
                    c.push(&p, &f);
                }
                Err(e) => {
                    c.error = Some(e);
                    break;
                }
            }
        }
        c.shrink();
        c
    });
    let d = PyDict::new(py);
    d.set_item("number", c.number.into_pyarray(py))?;
    d.set_item("time_ns", c.time_ns.into_pyarray(py))?;
    d.set_item("caplen", c.caplen.into_pyarray(py))?;
    d.set_item("len", c.len.into_pyarray(py))?;
    d.set_item("interface", c.interface.into_pyarray(py))?;
    coded(py, &d, "eth_src", c.eth_src)?;
    coded(py, &d, "eth_dst", c.eth_dst)?;
    nullable(py, &d, "vlan", c.vlan)?;
    coded(py, &d, "ip_src", c.ip_src)?;
    coded(py, &d, "ip_dst", c.ip_dst)?;
    nullable(py, &d, "ip_proto", c.ip_proto)?;
    nullable(py, &d, "ip_ttl", c.ip_ttl)?;
    nullable(py, &d, "src_port", c.src_port)?;
    nullable(py, &d, "dst_port", c.dst_port)?;
    nullable(py, &d, "tcp_flags", c.tcp_flags)?;
    nullable(py, &d, "tcp_seq", c.tcp_seq)?;
    nullable(py, &d, "tcp_ack", c.tcp_ack)?;
    nullable(py, &d, "icmp_type", c.icmp_type)?;
    nullable(py, &d, "ip_checksum", c.ip_checksum)?;
    nullable(py, &d, "tcp_checksum", c.tcp_checksum)?;
    nullable(py, &d, "udp_checksum", c.udp_checksum)?;
    d.set_item("error", c.error.map(|e| (e.to_string(), e.offset)))?;
    Ok(d)
}

/// Packets one at a time from a streaming reader (constant memory): each
/// a dict with the columns of `pcap_columns` (missing values None) and
/// `data` (the captured octets).
#[pyclass(unsendable)]
pub(crate) struct PacketIter {
    reader: StreamReader<ReadAhead>,
    path: String,
    fields: Fields,
}

#[pymethods]
impl PacketIter {
    #[new]
    fn new(py: Python<'_>, path: &str) -> PyResult<Self> {
        Ok(PacketIter {
            reader: open(py, path)?,
            path: path.to_string(),
            fields: Fields::default(),
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let p = match self.reader.next_packet() {
            None => return Ok(None),
            Some(Err(e)) => return Err(file_err(py, &self.path, &e)),
            Some(Ok(p)) => p,
        };
        let f = &mut self.fields;
        dissect_into(
            p.link_type,
            p.data,
            p.orig_len as usize,
            Options::default(),
            f,
        );
        let (src, dst) = addrs(f);
        let d = PyDict::new(py);
        d.set_item("number", p.number)?;
        d.set_item("time_ns", i64::try_from(p.ts_ns).ok())?;
        d.set_item("caplen", p.data.len())?;
        d.set_item("len", p.orig_len)?;
        d.set_item("interface", p.interface)?;
        d.set_item("eth_src", f.eth_src.map(mac))?;
        d.set_item("eth_dst", f.eth_dst.map(mac))?;
        d.set_item("vlan", f.vlan)?;
        d.set_item("ip_src", src.map(|a| a.to_string()))?;
        d.set_item("ip_dst", dst.map(|a| a.to_string()))?;
        d.set_item("ip_proto", f.ip_proto.map(|p| p.0))?;
        d.set_item("ip_ttl", f.ip_ttl)?;
        let (sp, dp) = ports(f);
        d.set_item("src_port", sp)?;
        d.set_item("dst_port", dp)?;
        d.set_item("tcp_flags", f.tcp_flags)?;
        d.set_item("tcp_seq", f.tcp_seq)?;
        d.set_item("tcp_ack", f.tcp_ack)?;
        d.set_item("icmp_type", f.icmp_type.or(f.icmpv6_type))?;
        d.set_item("ip_checksum", checksum(f.ip_checksum))?;
        d.set_item("tcp_checksum", checksum(f.tcp_checksum))?;
        d.set_item("udp_checksum", checksum(f.udp_checksum))?;
        d.set_item("comment", p.comment())?;
        d.set_item("data", pyo3::types::PyBytes::new(py, p.data))?;
        Ok(Some(d))
    }
}

fn key_dict(k: &FlowKey, d: &Bound<'_, PyDict>) -> PyResult<()> {
    d.set_item("protocol", k.protocol)?;
    d.set_item("addr_a", k.a.addr.to_string())?;
    d.set_item("port_a", k.a.port)?;
    d.set_item("addr_b", k.b.addr.to_string())?;
    d.set_item("port_b", k.b.port)?;
    Ok(())
}

fn direction_dict(d: &Bound<'_, PyDict>, prefix: &str, x: &Direction) -> PyResult<()> {
    d.set_item(format!("{prefix}_packets"), x.packets)?;
    d.set_item(format!("{prefix}_bytes"), x.bytes)?;
    d.set_item(format!("{prefix}_first_ns"), i64::try_from(x.first_ns).ok())?;
    d.set_item(format!("{prefix}_last_ns"), i64::try_from(x.last_ns).ok())?;
    d.set_item(format!("{prefix}_tcp_flags"), x.tcp_flags)?;
    d.set_item(format!("{prefix}_retransmissions"), x.retransmissions)?;
    d.set_item(format!("{prefix}_gaps"), x.gaps)?;
    Ok(())
}

/// The conversations of a capture: a list of dicts (5-tuple, then
/// packets, bytes, first/last time, TCP flags, retransmissions and gaps
/// each way), and the error that ended the reading, if any.
#[pyfunction]
#[pyo3(signature = (path, max_flows=1_000_000))]
pub(crate) fn pcap_flows<'py>(
    py: Python<'py>,
    path: &str,
    max_flows: usize,
) -> PyResult<(Bound<'py, PyList>, Damage)> {
    let mut reader = open(py, path)?;
    let (table, error) = py.detach(move || {
        let mut table = FlowTable::new(max_flows);
        let mut f = Fields::default();
        let mut error = None;
        while let Some(p) = reader.next_packet() {
            match p {
                Ok(p) => {
                    let opts = Options { checksums: false };
                    dissect_into(p.link_type, p.data, p.orig_len as usize, opts, &mut f);
                    table.add(p.ts_ns, u64::from(p.orig_len), &f);
                }
                Err(e) => {
                    error = Some((e.to_string(), e.offset));
                    break;
                }
            }
        }
        (table, error)
    });
    let out = PyList::empty(py);
    for flow in table.flows() {
        let d = PyDict::new(py);
        key_dict(&flow.key, &d)?;
        direction_dict(&d, "a_to_b", &flow.a_to_b)?;
        direction_dict(&d, "b_to_a", &flow.b_to_a)?;
        out.append(d)?;
    }
    Ok((out, error))
}

fn seen_all(data: &[u8]) -> Result<Vec<Seen>, FileError> {
    let mut out = Vec::new();
    let mut f = Fields::default();
    for p in netmon_pcap::SliceReader::new(data)? {
        let p = p?;
        dissect_into(
            p.link_type,
            p.data,
            p.orig_len as usize,
            Options { checksums: false },
            &mut f,
        );
        out.push(seen(p.number, p.ts_ns, p.data, &f));
    }
    Ok(out)
}

fn report_dict(d: &Bound<'_, PyDict>, prefix: &str, r: &DirectionReport) -> PyResult<()> {
    d.set_item(format!("{prefix}_matched"), r.matched)?;
    d.set_item(format!("{prefix}_lost_on_path"), r.lost_on_path)?;
    d.set_item(format!("{prefix}_missed_by_capture"), r.missed_by_capture)?;
    d.set_item(format!("{prefix}_unseen"), r.unseen)?;
    d.set_item(format!("{prefix}_only_at_receiver"), r.only_at_receiver)?;
    d.set_item(format!("{prefix}_duplicates"), r.duplicates)?;
    d.set_item(format!("{prefix}_delay_mean_ns"), r.delay_mean_ns)?;
    d.set_item(format!("{prefix}_delay_min_ns"), r.delay_min_ns)?;
    d.set_item(format!("{prefix}_delay_max_ns"), r.delay_max_ns)?;
    d.set_item(format!("{prefix}_jitter_ns"), r.jitter_ns)?;
    Ok(())
}

/// The two-sided report of a CPE's capture `a` and its server's `b`.
#[pyfunction]
pub(crate) fn pcap_correlate<'py>(
    py: Python<'py>,
    a: &str,
    b: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let read = |p: &str| {
        std::fs::read(p).map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("{p}: {e}")))
    };
    let (da, db) = (read(a)?, read(b)?);
    let result = py.detach(|| -> Result<_, (String, FileError)> {
        let sa = seen_all(&da).map_err(|e| (a.to_string(), e))?;
        let sb = seen_all(&db).map_err(|e| (b.to_string(), e))?;
        Ok(correlate_seen(&sa, &sb))
    });
    let r = result.map_err(|(p, e)| file_err(py, &p, &e))?;
    let d = PyDict::new(py);
    d.set_item("host_a", r.host_a.map(|h| h.to_string()))?;
    d.set_item("host_b", r.host_b.map(|h| h.to_string()))?;
    d.set_item("offset_ns", r.offset_ns)?;
    d.set_item("drift_ppm", r.drift_ppm)?;
    d.set_item("matched", r.matched)?;
    let s = PyDict::new(py);
    s.set_item("requests", r.snmp.requests)?;
    s.set_item("answered", r.snmp.answered)?;
    s.set_item("request_lost", r.snmp.request_lost)?;
    s.set_item("response_lost", r.snmp.response_lost)?;
    s.set_item("unanswered", r.snmp.unanswered)?;
    s.set_item("resends", r.snmp.resends)?;
    d.set_item("snmp", s)?;
    let flows = PyList::empty(py);
    for f in &r.flows {
        let x = PyDict::new(py);
        key_dict(&f.a, &x)?;
        x.set_item(
            "at_b",
            format!(
                "{}:{} <-> {}:{}",
                f.b.a.addr, f.b.a.port, f.b.b.addr, f.b.b.port
            ),
        )?;
        report_dict(&x, "a_to_b", &f.a_to_b)?;
        report_dict(&x, "b_to_a", &f.b_to_a)?;
        flows.append(x)?;
    }
    d.set_item("flows", flows)?;
    Ok(d)
}

/// Two generated captures of the same traffic with known losses (the
/// Rust `synth::two_sided`, for tests and demonstrations): the two pcap
/// files' octets and the truth.
#[pyfunction]
#[pyo3(signature = (segments=100, lose_every=0, miss_every=0, snmp_request_lost_every=0, snmp_response_lost_every=0, offset_ns=0, drift_ppm=0.0))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn pcap_synth_two_sided<'py>(
    py: Python<'py>,
    segments: u32,
    lose_every: u32,
    miss_every: u32,
    snmp_request_lost_every: u32,
    snmp_response_lost_every: u32,
    offset_ns: i64,
    drift_ppm: f64,
) -> PyResult<(
    Bound<'py, pyo3::types::PyBytes>,
    Bound<'py, pyo3::types::PyBytes>,
    Bound<'py, PyDict>,
)> {
    let (a, b, t) = netmon_pcap::synth::two_sided(&netmon_pcap::synth::TwoSided {
        segments,
        offset_ns,
        drift_ppm,
        delay_ns: 10_000_000,
        jitter_ns: 2_000_000,
        lose_every,
        miss_every,
        duplicate: None,
        snmp_request_lost_every,
        snmp_response_lost_every,
    });
    let truth = PyDict::new(py);
    truth.set_item("lost", t.lost)?;
    truth.set_item("missed", t.missed)?;
    truth.set_item("delivered", t.delivered)?;
    truth.set_item("snmp_polls", t.udp_each_way)?;
    truth.set_item("snmp_request_lost", t.snmp_request_lost)?;
    truth.set_item("snmp_response_lost", t.snmp_response_lost)?;
    Ok((
        pyo3::types::PyBytes::new(py, &a),
        pyo3::types::PyBytes::new(py, &b),
        truth,
    ))
}
