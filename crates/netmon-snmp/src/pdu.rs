//! PDUs and variable bindings, borrowed and owned.
//!
//! ```text
//! PDU (a0 Get, a1 GetNext, a2 Response, a3 Set, a5 GetBulk, a6 Inform,
//!      a7 SNMPv2-Trap, a8 Report) ::= SEQUENCE {
//!     request-id    INTEGER,
//!     error-status  INTEGER,   -- non-repeaters in GetBulk
//!     error-index   INTEGER,   -- max-repetitions in GetBulk
//!     variable-bindings SEQUENCE OF SEQUENCE { name OID, value ANY } }
//!
//! Trap-PDU (a4, SNMPv1) ::= SEQUENCE {
//!     enterprise OID, agent-addr IpAddress, generic-trap INTEGER,
//!     specific-trap INTEGER, time-stamp TimeTicks, variable-bindings }
//! ```
//!
//! [`VarBindsRef`] iterates the varbinds over the input without
//! allocating; a damaged varbind is an error item with its offset, and the
//! iteration stops there.

use crate::ber::{self, DecodeError, DecodeErrorKind, Reader, Tlv, Writer, err, tag};
use crate::oid::{Oid, OidRef};
use crate::value::{Value, ValueRef};

/// The PDU tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PduType {
    /// GetRequest-PDU (0xa0).
    GetRequest,
    /// GetNextRequest-PDU (0xa1).
    GetNextRequest,
    /// Response-PDU (0xa2; GetResponse in SNMPv1).
    Response,
    /// SetRequest-PDU (0xa3).
    SetRequest,
    /// SNMPv1 Trap-PDU (0xa4).
    TrapV1,
    /// GetBulkRequest-PDU (0xa5).
    GetBulkRequest,
    /// InformRequest-PDU (0xa6).
    InformRequest,
    /// SNMPv2-Trap-PDU (0xa7).
    TrapV2,
    /// Report-PDU (0xa8).
    Report,
}

impl PduType {
    /// The tag octet.
    pub fn tag(self) -> u8 {
        match self {
            PduType::GetRequest => 0xa0,
            PduType::GetNextRequest => 0xa1,
            PduType::Response => 0xa2,
            PduType::SetRequest => 0xa3,
            PduType::TrapV1 => 0xa4,
            PduType::GetBulkRequest => 0xa5,
            PduType::InformRequest => 0xa6,
            PduType::TrapV2 => 0xa7,
            PduType::Report => 0xa8,
        }
    }

    /// The type for a tag octet.
    pub fn from_tag(tag: u8) -> Option<Self> {
        Some(match tag {
            0xa0 => PduType::GetRequest,
            0xa1 => PduType::GetNextRequest,
            0xa2 => PduType::Response,
            0xa3 => PduType::SetRequest,
            0xa4 => PduType::TrapV1,
            0xa5 => PduType::GetBulkRequest,
            0xa6 => PduType::InformRequest,
            0xa7 => PduType::TrapV2,
            0xa8 => PduType::Report,
            _ => return None,
        })
    }

    /// The name Wireshark and the RFCs use (`get-request`, …).
    pub fn name(self) -> &'static str {
        match self {
            PduType::GetRequest => "get-request",
            PduType::GetNextRequest => "get-next-request",
            PduType::Response => "get-response",
            PduType::SetRequest => "set-request",
            PduType::TrapV1 => "trap",
            PduType::GetBulkRequest => "getBulkRequest",
            PduType::InformRequest => "informRequest",
            PduType::TrapV2 => "snmpV2-trap",
            PduType::Report => "report",
        }
    }
}

/// The error-status values of RFC 3416 (v1 uses 0–5).
pub mod error_status {
    /// noError
    pub const NO_ERROR: i32 = 0;
    /// tooBig
    pub const TOO_BIG: i32 = 1;
    /// noSuchName (v1)
    pub const NO_SUCH_NAME: i32 = 2;
    /// badValue (v1)
    pub const BAD_VALUE: i32 = 3;
    /// readOnly (v1)
    pub const READ_ONLY: i32 = 4;
    /// genErr
    pub const GEN_ERR: i32 = 5;
    /// noAccess
    pub const NO_ACCESS: i32 = 6;
    /// wrongType
    pub const WRONG_TYPE: i32 = 7;
    /// wrongLength
    pub const WRONG_LENGTH: i32 = 8;
    /// wrongEncoding
    pub const WRONG_ENCODING: i32 = 9;
    /// wrongValue
    pub const WRONG_VALUE: i32 = 10;
    /// noCreation
    pub const NO_CREATION: i32 = 11;
    /// inconsistentValue
    pub const INCONSISTENT_VALUE: i32 = 12;
    /// resourceUnavailable
    pub const RESOURCE_UNAVAILABLE: i32 = 13;
    /// commitFailed
    pub const COMMIT_FAILED: i32 = 14;
    /// undoFailed
    pub const UNDO_FAILED: i32 = 15;
    /// authorizationError
    pub const AUTHORIZATION_ERROR: i32 = 16;
    /// notWritable
    pub const NOT_WRITABLE: i32 = 17;
    /// inconsistentName
    pub const INCONSISTENT_NAME: i32 = 18;

    /// The RFC name of an error-status.
    pub fn name(status: i32) -> &'static str {
        const NAMES: [&str; 19] = [
            "noError",
            "tooBig",
            "noSuchName",
            "badValue",
            "readOnly",
            "genErr",
            "noAccess",
            "wrongType",
            "wrongLength",
            "wrongEncoding",
            "wrongValue",
            "noCreation",
            "inconsistentValue",
            "resourceUnavailable",
            "commitFailed",
            "undoFailed",
            "authorizationError",
            "notWritable",
            "inconsistentName",
        ];
        usize::try_from(status)
            .ok()
            .and_then(|i| NAMES.get(i))
            .copied()
            .unwrap_or("unknown")
    }
}

/// An INTEGER field that must fit an i32.
#[inline]
pub(crate) fn read_i32(r: &mut Reader<'_>) -> Result<i32, DecodeError> {
    let tlv = r.expect(tag::INTEGER)?;
    let v = ber::decode_i64(&tlv)?;
    i32::try_from(v).map_err(|_| err(DecodeErrorKind::OutOfRange, tlv.value_offset))
}

/// One variable binding, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarBindRef<'a> {
    /// The name.
    pub name: OidRef<'a>,
    /// The value.
    pub value: ValueRef<'a>,
    /// Offset of the varbind's SEQUENCE in the input.
    pub offset: usize,
    /// A lenient decode repaired the value (see [`ValueRef::decode_with`]).
    pub repaired: bool,
}

impl VarBindRef<'_> {
    /// An owned copy.
    pub fn to_owned_varbind(&self) -> VarBind {
        VarBind {
            name: self.name.to_oid(),
            value: self.value.to_owned_value(),
        }
    }
}

/// The variable-bindings list, iterated over the input.
#[derive(Debug, Clone)]
pub struct VarBindsRef<'a> {
    tlv: Tlv<'a>,
    reader: Reader<'a>,
    lenient: bool,
}

impl<'a> VarBindsRef<'a> {
    pub(crate) fn new(
        outer: &Reader<'a>,
        tlv: Tlv<'a>,
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        Ok(VarBindsRef {
            reader: outer.enter(&tlv)?,
            tlv,
            lenient,
        })
    }

    /// The varbinds, each decoded as it is reached.
    #[inline]
    pub fn iter(&self) -> VarBindIter<'a> {
        VarBindIter {
            reader: self.reader.clone(),
            lenient: self.lenient,
            failed: false,
        }
    }

    /// The raw SEQUENCE OF content.
    pub fn raw(&self) -> &'a [u8] {
        self.tlv.value
    }

    /// Checks every varbind; the first damaged one is the error.
    pub fn check(&self) -> Result<usize, DecodeError> {
        let mut n = 0;
        for vb in self.iter() {
            vb?;
            n += 1;
        }
        Ok(n)
    }

    /// Owned copies of every varbind.
    pub fn to_vec(&self) -> Result<Vec<VarBind>, DecodeError> {
        self.iter()
            .map(|vb| vb.map(|vb| vb.to_owned_varbind()))
            .collect()
    }
}

impl<'a> IntoIterator for &VarBindsRef<'a> {
    type Item = Result<VarBindRef<'a>, DecodeError>;
    type IntoIter = VarBindIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over [`VarBindsRef`].
#[derive(Debug, Clone)]
pub struct VarBindIter<'a> {
    reader: Reader<'a>,
    lenient: bool,
    failed: bool,
}

impl<'a> VarBindIter<'a> {
    /// A varbind whose three TLVs all use one-octet lengths, parsed by
    /// direct indexing; `None` sends anything else to the general path.
    #[inline(always)]
    fn short_form(&mut self) -> Option<Result<VarBindRef<'a>, DecodeError>> {
        let rest = self.reader.remaining();
        let base = self.reader.offset();
        let (&[0x30, seq_len, 0x06, oid_len], _) = rest.split_first_chunk::<4>()? else {
            return None;
        };
        let (seq_len, oid_len) = (usize::from(seq_len), usize::from(oid_len));
        let end = 2 + seq_len;
        let oid_end = 4 + oid_len;
        if seq_len >= 0x80 || oid_len >= 0x80 || end > rest.len() || oid_end + 2 > end {
            return None;
        }
        let (vtag, vlen) = (rest[oid_end], usize::from(rest[oid_end + 1]));
        if vlen >= 0x80 || vtag & 0x1f == 0x1f || oid_end + 2 + vlen != end {
            return None;
        }
        self.reader.advance(end);
        let name = match OidRef::from_content(&rest[4..oid_end], base + 4) {
            Ok(n) => n,
            Err(e) => return Some(Err(e)),
        };
        let tlv = Tlv {
            tag: vtag,
            value: &rest[oid_end + 2..end],
            offset: base + oid_end,
            value_offset: base + oid_end + 2,
        };
        Some(
            ValueRef::decode_with(&tlv, self.lenient).map(|(value, repaired)| VarBindRef {
                name,
                value,
                offset: base,
                repaired,
            }),
        )
    }

    #[inline(always)]
    fn next_varbind(&mut self) -> Result<VarBindRef<'a>, DecodeError> {
        if let Some(r) = self.short_form() {
            return r;
        }
        let seq = self.reader.expect(tag::SEQUENCE)?;
        let mut r = self.reader.enter(&seq)?;
        let name = OidRef::from_tlv(&r.expect(tag::OID)?)?;
        let value_tlv = r.read()?;
        let (value, repaired) = ValueRef::decode_with(&value_tlv, self.lenient)?;
        r.finish()?;
        Ok(VarBindRef {
            name,
            value,
            offset: seq.offset,
            repaired,
        })
    }
}

impl<'a> Iterator for VarBindIter<'a> {
    type Item = Result<VarBindRef<'a>, DecodeError>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.is_empty() {
            return None;
        }
        let item = self.next_varbind();
        self.failed = item.is_err();
        Some(item)
    }
}

/// A PDU with the common layout (every type but the v1 Trap-PDU).
#[derive(Debug, Clone)]
pub struct PduRef<'a> {
    /// Which PDU.
    pub pdu_type: PduType,
    /// request-id.
    pub request_id: i32,
    /// error-status (non-repeaters in a GetBulk).
    pub error_status: i32,
    /// error-index (max-repetitions in a GetBulk).
    pub error_index: i32,
    /// The varbinds.
    pub varbinds: VarBindsRef<'a>,
    /// Offset of the PDU's tag in the input.
    pub offset: usize,
}

impl PduRef<'_> {
    /// non-repeaters (the error-status field of a GetBulk).
    pub fn non_repeaters(&self) -> i32 {
        self.error_status
    }

    /// max-repetitions (the error-index field of a GetBulk).
    pub fn max_repetitions(&self) -> i32 {
        self.error_index
    }
}

/// The SNMPv1 Trap-PDU, borrowed.
#[derive(Debug, Clone)]
pub struct TrapV1Ref<'a> {
    /// enterprise.
    pub enterprise: OidRef<'a>,
    /// agent-addr.
    pub agent_addr: [u8; 4],
    /// generic-trap (0 coldStart … 6 enterpriseSpecific).
    pub generic_trap: i32,
    /// specific-trap.
    pub specific_trap: i32,
    /// time-stamp (TimeTicks).
    pub time_stamp: u32,
    /// The varbinds.
    pub varbinds: VarBindsRef<'a>,
    /// Offset of the PDU's tag in the input.
    pub offset: usize,
}

/// Any PDU, borrowed.
#[derive(Debug, Clone)]
pub enum AnyPduRef<'a> {
    /// A PDU with the common layout.
    Pdu(PduRef<'a>),
    /// An SNMPv1 Trap-PDU.
    TrapV1(TrapV1Ref<'a>),
    /// A tag that is not a known PDU; the whole TLV as sent.
    Unknown(Tlv<'a>),
}

impl<'a> AnyPduRef<'a> {
    /// Decodes the PDU TLV that `outer` reads next.
    #[inline]
    pub fn decode(outer: &mut Reader<'a>, lenient: bool) -> Result<Self, DecodeError> {
        let tlv = outer.read()?;
        let Some(pdu_type) = PduType::from_tag(tlv.tag) else {
            return Ok(AnyPduRef::Unknown(tlv));
        };
        let mut r = outer.enter(&tlv)?;
        if pdu_type == PduType::TrapV1 {
            let enterprise = OidRef::from_tlv(&r.expect(tag::OID)?)?;
            let addr = r.expect(tag::IP_ADDRESS)?;
            let agent_addr: [u8; 4] = addr
                .value
                .try_into()
                .map_err(|_| err(DecodeErrorKind::WrongValueLength, addr.value_offset))?;
            let generic_trap = read_i32(&mut r)?;
            let specific_trap = read_i32(&mut r)?;
            let ts = r.expect(tag::TIMETICKS)?;
            let (time_stamp, _) = ber::decode_unsigned(&ts, 32, false)?;
            let vbl = r.expect(tag::SEQUENCE)?;
            let varbinds = VarBindsRef::new(&r, vbl, lenient)?;
            r.finish()?;
            return Ok(AnyPduRef::TrapV1(TrapV1Ref {
                enterprise,
                agent_addr,
                generic_trap,
                specific_trap,
                time_stamp: time_stamp as u32,
                varbinds,
                offset: tlv.offset,
            }));
        }
        let request_id = read_i32(&mut r)?;
        let error_status = read_i32(&mut r)?;
        let error_index = read_i32(&mut r)?;
        let vbl = r.expect(tag::SEQUENCE)?;
        let varbinds = VarBindsRef::new(&r, vbl, lenient)?;
        r.finish()?;
        Ok(AnyPduRef::Pdu(PduRef {
            pdu_type,
            request_id,
            error_status,
            error_index,
            varbinds,
            offset: tlv.offset,
        }))
    }

    /// The PDU type, `None` for an unknown tag.
    pub fn pdu_type(&self) -> Option<PduType> {
        match self {
            AnyPduRef::Pdu(p) => Some(p.pdu_type),
            AnyPduRef::TrapV1(_) => Some(PduType::TrapV1),
            AnyPduRef::Unknown(_) => None,
        }
    }

    /// The varbinds, `None` for an unknown tag.
    pub fn varbinds(&self) -> Option<&VarBindsRef<'a>> {
        match self {
            AnyPduRef::Pdu(p) => Some(&p.varbinds),
            AnyPduRef::TrapV1(t) => Some(&t.varbinds),
            AnyPduRef::Unknown(_) => None,
        }
    }

    /// An owned copy (decoding every varbind).
    pub fn to_owned_pdu(&self) -> Result<AnyPdu, DecodeError> {
        Ok(match self {
            AnyPduRef::Pdu(p) => AnyPdu::Pdu(Pdu {
                pdu_type: p.pdu_type,
                request_id: p.request_id,
                error_status: p.error_status,
                error_index: p.error_index,
                varbinds: p.varbinds.to_vec()?,
            }),
            AnyPduRef::TrapV1(t) => AnyPdu::TrapV1(TrapV1 {
                enterprise: t.enterprise.to_oid(),
                agent_addr: t.agent_addr,
                generic_trap: t.generic_trap,
                specific_trap: t.specific_trap,
                time_stamp: t.time_stamp,
                varbinds: t.varbinds.to_vec()?,
            }),
            AnyPduRef::Unknown(tlv) => AnyPdu::Unknown {
                tag: tlv.tag,
                value: tlv.value.to_vec(),
            },
        })
    }
}

/// One variable binding, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct VarBind {
    /// The name.
    pub name: Oid,
    /// The value.
    pub value: Value,
}

impl VarBind {
    /// A varbind.
    pub fn new(name: Oid, value: Value) -> Self {
        VarBind { name, value }
    }

    /// A varbind with a NULL value, as requests carry.
    pub fn null(name: Oid) -> Self {
        VarBind {
            name,
            value: Value::Null,
        }
    }

    /// Appends the varbind's SEQUENCE.
    #[inline]
    pub fn encode(&self, w: &mut Writer) {
        if let Some(v) = self.value.as_simple_ref()
            && encode_short(w, &self.name, &v)
        {
            return;
        }
        let seq = w.begin(tag::SEQUENCE);
        let oid = w.begin(tag::OID);
        self.name.write_ber(&mut w.buf);
        w.end(oid);
        self.value.encode(w);
        w.end(seq);
    }
}

/// Writes a varbind in one pass over a zeroed slot when it is the common
/// case: under 128 octets, its value a number, a short string, an address,
/// NULL or an exception. False (nothing written) for anything else.
#[inline]
fn encode_short(w: &mut Writer, name: &Oid, value: &ValueRef<'_>) -> bool {
    use crate::ber::{i64_octets, put_short, unsigned_octets};
    let arcs = name.arcs();
    // OID content ≤ 5 octets per arc; value ≤ 11 octets + its header.
    let value_max = match value {
        ValueRef::OctetString(s) => s.len() + 2,
        ValueRef::Integer(_)
        | ValueRef::Counter32(_)
        | ValueRef::Gauge32(_)
        | ValueRef::TimeTicks(_)
        | ValueRef::Counter64(_)
        | ValueRef::IpAddress(_)
        | ValueRef::Null
        | ValueRef::NoSuchObject
        | ValueRef::NoSuchInstance
        | ValueRef::EndOfMibView => 11,
        _ => return false,
    };
    let oid_max = 5 * arcs.len().max(2);
    if 2 + oid_max + value_max > 127 || !name.is_encodable() {
        return false;
    }
    let start = w.buf.len();
    let slot = 2 + 2 + oid_max + value_max;
    w.buf.resize(start + slot, 0);
    let out = &mut w.buf[start..];
    out[2] = tag::OID;
    let Some(oid_len) = name.encode_into(&mut out[4..4 + oid_max]) else {
        w.buf.truncate(start);
        return false;
    };
    out[3] = oid_len as u8;
    let at = 4 + oid_len;
    let unsigned = |out: &mut [u8], t: u8, v: u64| {
        let (b, i) = unsigned_octets(v);
        put_short(out, at, t, &b[i..])
    };
    let end = match *value {
        ValueRef::OctetString(s) => put_short(out, at, tag::OCTET_STRING, s),
        ValueRef::Integer(v) => {
            let (b, i) = i64_octets(v);
            put_short(out, at, tag::INTEGER, &b[i..])
        }
        ValueRef::Counter32(v) => unsigned(out, tag::COUNTER32, u64::from(v)),
        ValueRef::Gauge32(v) => unsigned(out, tag::GAUGE32, u64::from(v)),
        ValueRef::TimeTicks(v) => unsigned(out, tag::TIMETICKS, u64::from(v)),
        ValueRef::Counter64(v) => unsigned(out, tag::COUNTER64, v),
        ValueRef::IpAddress(a) => put_short(out, at, tag::IP_ADDRESS, &a),
        ValueRef::Null => put_short(out, at, tag::NULL, &[]),
        ValueRef::NoSuchObject => put_short(out, at, tag::NO_SUCH_OBJECT, &[]),
        ValueRef::NoSuchInstance => put_short(out, at, tag::NO_SUCH_INSTANCE, &[]),
        _ => put_short(out, at, tag::END_OF_MIB_VIEW, &[]),
    };
    out[0] = tag::SEQUENCE;
    out[1] = (end - 2) as u8;
    w.buf.truncate(start + end);
    true
}

/// Writes one varbind from a name and a borrowed value.
#[inline]
pub fn encode_varbind(w: &mut Writer, name: &Oid, value: &ValueRef<'_>) {
    if encode_short(w, name, value) {
        return;
    }
    let seq = w.begin(tag::SEQUENCE);
    let oid = w.begin(tag::OID);
    name.write_ber(&mut w.buf);
    w.end(oid);
    value.encode(w);
    w.end(seq);
}

/// Builds a PDU straight into a [`Writer`], varbind by varbind, with no
/// intermediate `Vec<VarBind>` and no copies of the values: what an agent
/// uses to answer, watching [`PduWriter::len`] to stay under msgMaxSize.
///
/// ```
/// use netmon_snmp::ber::Writer;
/// use netmon_snmp::pdu::PduWriter;
/// use netmon_snmp::{Oid, PduType, ValueRef, Version};
/// let mut w = Writer::new();
/// let mut p = PduWriter::community(&mut w, Version::V2c, b"public", PduType::Response, 7, 0, 0);
/// p.varbind(&"1.3.6.1.2.1.1.5.0".parse::<Oid>().unwrap(), &ValueRef::OctetString(b"router"));
/// p.finish();
/// let m = netmon_snmp::decode(&w.buf).unwrap();
/// assert_eq!(m.version(), Some(Version::V2c));
/// ```
#[derive(Debug)]
pub struct PduWriter<'w> {
    w: &'w mut Writer,
    message: Option<crate::ber::Open>,
    pdu: crate::ber::Open,
    list: crate::ber::Open,
    start: usize,
}

impl<'w> PduWriter<'w> {
    /// Opens a PDU (for instance inside a ScopedPDU the caller opened).
    pub fn new(
        w: &'w mut Writer,
        pdu_type: PduType,
        request_id: i32,
        error_status: i32,
        error_index: i32,
    ) -> Self {
        let start = w.buf.len();
        let pdu = w.begin_wide(pdu_type.tag());
        w.i64(tag::INTEGER, i64::from(request_id));
        w.i64(tag::INTEGER, i64::from(error_status));
        w.i64(tag::INTEGER, i64::from(error_index));
        let list = w.begin_wide(tag::SEQUENCE);
        PduWriter {
            w,
            message: None,
            pdu,
            list,
            start,
        }
    }

    /// Opens a whole v1 or v2c message and its PDU.
    pub fn community(
        w: &'w mut Writer,
        version: crate::message::Version,
        community: &[u8],
        pdu_type: PduType,
        request_id: i32,
        error_status: i32,
        error_index: i32,
    ) -> Self {
        let start = w.buf.len();
        let message = w.begin_wide(tag::SEQUENCE);
        w.i64(tag::INTEGER, version.number());
        w.primitive(tag::OCTET_STRING, community);
        let mut p = PduWriter::new(w, pdu_type, request_id, error_status, error_index);
        p.message = Some(message);
        p.start = start;
        p
    }

    /// Appends a varbind.
    #[inline]
    pub fn varbind(&mut self, name: &Oid, value: &ValueRef<'_>) {
        encode_varbind(self.w, name, value);
    }

    /// Octets written since the writer was opened (the final encoding
    /// differs by at most a few length octets).
    pub fn len(&self) -> usize {
        self.w.buf.len() - self.start
    }

    /// True when nothing was written (never: the header is written at once).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the varbind list, the PDU and the message if one was opened.
    pub fn finish(self) {
        self.w.end(self.list);
        self.w.end(self.pdu);
        if let Some(m) = self.message {
            self.w.end(m);
        }
    }
}

/// Appends a variable-bindings SEQUENCE.
fn encode_varbind_list(w: &mut Writer, varbinds: &[VarBind]) {
    let list = w.begin_wide(tag::SEQUENCE);
    for vb in varbinds {
        vb.encode(w);
    }
    w.end(list);
}

/// A PDU with the common layout, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Pdu {
    /// Which PDU (not [`PduType::TrapV1`]).
    pub pdu_type: PduType,
    /// request-id.
    pub request_id: i32,
    /// error-status (non-repeaters in a GetBulk).
    pub error_status: i32,
    /// error-index (max-repetitions in a GetBulk).
    pub error_index: i32,
    /// The varbinds.
    pub varbinds: Vec<VarBind>,
}

impl Pdu {
    /// A PDU with no error and these varbinds.
    pub fn new(pdu_type: PduType, request_id: i32, varbinds: Vec<VarBind>) -> Self {
        Pdu {
            pdu_type,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds,
        }
    }

    /// A GetBulk request.
    pub fn get_bulk(
        request_id: i32,
        non_repeaters: i32,
        max_repetitions: i32,
        varbinds: Vec<VarBind>,
    ) -> Self {
        Pdu {
            pdu_type: PduType::GetBulkRequest,
            request_id,
            error_status: non_repeaters,
            error_index: max_repetitions,
            varbinds,
        }
    }

    /// Appends the PDU.
    pub fn encode(&self, w: &mut Writer) {
        let pdu = w.begin_wide(self.pdu_type.tag());
        w.i64(tag::INTEGER, i64::from(self.request_id));
        w.i64(tag::INTEGER, i64::from(self.error_status));
        w.i64(tag::INTEGER, i64::from(self.error_index));
        encode_varbind_list(w, &self.varbinds);
        w.end(pdu);
    }
}

/// The SNMPv1 Trap-PDU, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct TrapV1 {
    /// enterprise.
    pub enterprise: Oid,
    /// agent-addr.
    pub agent_addr: [u8; 4],
    /// generic-trap.
    pub generic_trap: i32,
    /// specific-trap.
    pub specific_trap: i32,
    /// time-stamp.
    pub time_stamp: u32,
    /// The varbinds.
    pub varbinds: Vec<VarBind>,
}

impl TrapV1 {
    /// Appends the Trap-PDU.
    pub fn encode(&self, w: &mut Writer) {
        let pdu = w.begin_wide(PduType::TrapV1.tag());
        let oid = w.begin(tag::OID);
        self.enterprise.write_ber(&mut w.buf);
        w.end(oid);
        w.primitive(tag::IP_ADDRESS, &self.agent_addr);
        w.i64(tag::INTEGER, i64::from(self.generic_trap));
        w.i64(tag::INTEGER, i64::from(self.specific_trap));
        w.unsigned(tag::TIMETICKS, u64::from(self.time_stamp));
        encode_varbind_list(w, &self.varbinds);
        w.end(pdu);
    }
}

/// Any PDU, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyPdu {
    /// A PDU with the common layout.
    Pdu(Pdu),
    /// An SNMPv1 Trap-PDU.
    TrapV1(TrapV1),
    /// An unknown tag and its content, re-emitted as received.
    Unknown {
        /// The tag octet.
        tag: u8,
        /// The content octets.
        value: Vec<u8>,
    },
}

fn check_oid(oid: &Oid) -> Result<(), crate::Error> {
    if oid.is_encodable() {
        Ok(())
    } else {
        Err(crate::Error::UnencodableOid(oid.to_string()))
    }
}

fn check_varbinds(varbinds: &[VarBind]) -> Result<(), crate::Error> {
    for vb in varbinds {
        check_oid(&vb.name)?;
        if let Value::ObjectId(o) = &vb.value {
            check_oid(o)?;
        }
    }
    Ok(())
}

impl AnyPdu {
    /// Checks that every OID can be encoded (see [`Oid::is_encodable`]).
    pub fn validate(&self) -> Result<(), crate::Error> {
        match self {
            AnyPdu::Pdu(p) => check_varbinds(&p.varbinds),
            AnyPdu::TrapV1(t) => {
                check_oid(&t.enterprise)?;
                check_varbinds(&t.varbinds)
            }
            AnyPdu::Unknown { .. } => Ok(()),
        }
    }

    /// Appends the PDU.
    pub fn encode(&self, w: &mut Writer) {
        match self {
            AnyPdu::Pdu(p) => p.encode(w),
            AnyPdu::TrapV1(t) => t.encode(w),
            AnyPdu::Unknown { tag, value } => w.primitive(*tag, value),
        }
    }
}

impl From<Pdu> for AnyPdu {
    fn from(p: Pdu) -> Self {
        AnyPdu::Pdu(p)
    }
}

impl From<TrapV1> for AnyPdu {
    fn from(t: TrapV1) -> Self {
        AnyPdu::TrapV1(t)
    }
}
