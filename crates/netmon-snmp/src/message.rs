//! Whole SNMP messages: v1 and v2c (community) and v3 (RFC 3412 with the
//! USM security parameters of RFC 3414), borrowed and owned.
//!
//! ```text
//! v1/v2c  SEQUENCE { version INTEGER (0|1), community OCTET STRING, PDU }
//! v3      SEQUENCE { msgVersion INTEGER (3),
//!                    msgGlobalData SEQUENCE { msgID, msgMaxSize,
//!                                  msgFlags OCTET STRING (1), msgSecurityModel },
//!                    msgSecurityParameters OCTET STRING,   -- USM: SEQUENCE {
//!                        engineID, engineBoots, engineTime, userName,
//!                        authenticationParameters, privacyParameters }
//!                    msgData ScopedPDU | OCTET STRING (encrypted) }
//! ScopedPDU SEQUENCE { contextEngineID, contextName, PDU }
//! ```
//!
//! [`decode`] checks the framing down to the varbind list; varbinds are
//! decoded as they are iterated. A version other than 0, 1 and 3 with
//! intact framing is [`MessageRef::Unknown`], an unknown PDU tag is
//! [`AnyPduRef::Unknown`].

use crate::ber::{self, DecodeError, DecodeErrorKind, Reader, Writer, err, tag};
use crate::pdu::{AnyPdu, AnyPduRef, read_i32};

/// The SNMP versions on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// SNMPv1 (0).
    V1,
    /// SNMPv2c (1).
    V2c,
    /// SNMPv3 (3).
    V3,
}

impl Version {
    /// The msgVersion number.
    pub fn number(self) -> i64 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
            Version::V3 => 3,
        }
    }

    /// As net-snmp's `-v` names it: `1`, `2c`, `3`.
    pub fn name(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
        }
    }
}

/// Options for decoding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Accept unsigned values encoded as negative numbers and integers
    /// with redundant leading octets, flagging each repaired varbind
    /// ([`VarBindRef::repaired`](crate::pdu::VarBindRef::repaired)).
    pub lenient: bool,
}

/// A v1 or v2c message, borrowed.
#[derive(Debug, Clone)]
pub struct CommunityMessageRef<'a> {
    /// [`Version::V1`] or [`Version::V2c`].
    pub version: Version,
    /// The community string.
    pub community: &'a [u8],
    /// The PDU.
    pub pdu: AnyPduRef<'a>,
}

/// msgFlags bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MsgFlags(pub u8);

impl MsgFlags {
    /// authFlag.
    pub const AUTH: u8 = 0x01;
    /// privFlag.
    pub const PRIV: u8 = 0x02;
    /// reportableFlag.
    pub const REPORTABLE: u8 = 0x04;

    /// Authenticated.
    pub fn auth(self) -> bool {
        self.0 & Self::AUTH != 0
    }
    /// Encrypted.
    pub fn privacy(self) -> bool {
        self.0 & Self::PRIV != 0
    }
    /// A Report may be sent back.
    pub fn reportable(self) -> bool {
        self.0 & Self::REPORTABLE != 0
    }
    /// The security level's name (`noAuthNoPriv`, `authNoPriv`,
    /// `authPriv`; `privWithoutAuth` for the invalid combination).
    pub fn level_name(self) -> &'static str {
        match (self.auth(), self.privacy()) {
            (false, false) => "noAuthNoPriv",
            (true, false) => "authNoPriv",
            (true, true) => "authPriv",
            (false, true) => "privWithoutAuth",
        }
    }
}

/// The user-based security model's number.
pub const USM_SECURITY_MODEL: i32 = 3;

/// USM security parameters, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsmParamsRef<'a> {
    /// msgAuthoritativeEngineID.
    pub engine_id: &'a [u8],
    /// msgAuthoritativeEngineBoots.
    pub engine_boots: i32,
    /// msgAuthoritativeEngineTime.
    pub engine_time: i32,
    /// msgUserName.
    pub user_name: &'a [u8],
    /// msgAuthenticationParameters (the truncated HMAC).
    pub auth_params: &'a [u8],
    /// Offset of the HMAC octets in the whole message.
    pub auth_params_offset: usize,
    /// msgPrivacyParameters (the salt).
    pub priv_params: &'a [u8],
}

impl<'a> UsmParamsRef<'a> {
    fn decode(outer: &Reader<'a>, tlv: &ber::Tlv<'a>) -> Result<Self, DecodeError> {
        let mut octets = outer.enter(tlv)?;
        let seq = octets.expect(tag::SEQUENCE)?;
        let mut r = octets.enter(&seq)?;
        let engine_id = r.expect(tag::OCTET_STRING)?.value;
        let engine_boots = read_i32(&mut r)?;
        let engine_time = read_i32(&mut r)?;
        let user_name = r.expect(tag::OCTET_STRING)?.value;
        let auth = r.expect(tag::OCTET_STRING)?;
        let priv_params = r.expect(tag::OCTET_STRING)?.value;
        r.finish()?;
        octets.finish()?;
        Ok(UsmParamsRef {
            engine_id,
            engine_boots,
            engine_time,
            user_name,
            auth_params: auth.value,
            auth_params_offset: auth.value_offset,
            priv_params,
        })
    }

    /// An owned copy.
    pub fn to_owned_params(&self) -> UsmParams {
        UsmParams {
            engine_id: self.engine_id.to_vec(),
            engine_boots: self.engine_boots,
            engine_time: self.engine_time,
            user_name: self.user_name.to_vec(),
            auth_params: self.auth_params.to_vec(),
            priv_params: self.priv_params.to_vec(),
        }
    }
}

/// A ScopedPDU, borrowed.
#[derive(Debug, Clone)]
pub struct ScopedPduRef<'a> {
    /// contextEngineID.
    pub context_engine_id: &'a [u8],
    /// contextName.
    pub context_name: &'a [u8],
    /// The PDU.
    pub pdu: AnyPduRef<'a>,
}

impl<'a> ScopedPduRef<'a> {
    fn decode_tlv(
        outer: &Reader<'a>,
        seq: &ber::Tlv<'a>,
        opts: DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let mut r = outer.enter(seq)?;
        let context_engine_id = r.expect(tag::OCTET_STRING)?.value;
        let context_name = r.expect(tag::OCTET_STRING)?.value;
        let pdu = AnyPduRef::decode(&mut r, opts.lenient)?;
        r.finish()?;
        Ok(ScopedPduRef {
            context_engine_id,
            context_name,
            pdu,
        })
    }

    /// Decodes a ScopedPDU from decrypted octets. What follows the
    /// SEQUENCE is ignored: it is the cipher's padding.
    pub fn decode_plaintext(buf: &'a [u8], opts: DecodeOptions) -> Result<Self, DecodeError> {
        let mut r = Reader::new(buf);
        let seq = r.expect(tag::SEQUENCE)?;
        Self::decode_tlv(&r, &seq, opts)
    }

    /// An owned copy.
    pub fn to_owned_scoped(&self) -> Result<ScopedPdu, DecodeError> {
        Ok(ScopedPdu {
            context_engine_id: self.context_engine_id.to_vec(),
            context_name: self.context_name.to_vec(),
            pdu: self.pdu.to_owned_pdu()?,
        })
    }
}

/// msgData, borrowed.
#[derive(Debug, Clone)]
pub enum ScopedPduDataRef<'a> {
    /// In clear.
    Plaintext(ScopedPduRef<'a>),
    /// Encrypted: the ciphertext octets.
    Encrypted(&'a [u8]),
}

/// A v3 message, borrowed.
#[derive(Debug, Clone)]
pub struct V3MessageRef<'a> {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize.
    pub max_size: i32,
    /// msgFlags.
    pub flags: MsgFlags,
    /// msgSecurityModel.
    pub security_model: i32,
    /// msgSecurityParameters as sent (the OCTET STRING's content).
    pub security_params: &'a [u8],
    /// The same, decoded, when the security model is USM (3).
    pub usm: Option<UsmParamsRef<'a>>,
    /// msgData.
    pub data: ScopedPduDataRef<'a>,
}

/// A message, borrowed from the datagram.
#[derive(Debug, Clone)]
pub enum MessageRef<'a> {
    /// SNMPv1 or SNMPv2c.
    Community(CommunityMessageRef<'a>),
    /// SNMPv3.
    V3(V3MessageRef<'a>),
    /// A version this codec does not speak, with the whole message.
    Unknown {
        /// The version number sent.
        version: i64,
        /// The whole message.
        raw: &'a [u8],
    },
}

/// The number that pairs an answer with its request: the PDU's
/// request-id in v1/v2c, msgID in v3 (the PDU may be encrypted).
pub fn message_id(buf: &[u8]) -> Option<i32> {
    match decode(buf).ok()? {
        MessageRef::Community(c) => match &c.pdu {
            crate::pdu::AnyPduRef::Pdu(p) => Some(p.request_id),
            _ => None,
        },
        MessageRef::V3(v) => Some(v.msg_id),
        MessageRef::Unknown { .. } => None,
    }
}

/// Decodes a message strictly. See [`decode_with`].
#[inline]
pub fn decode(buf: &[u8]) -> Result<MessageRef<'_>, DecodeError> {
    decode_with(buf, DecodeOptions::default())
}

/// Decodes one message: `buf` must hold exactly one SEQUENCE.
#[inline]
pub fn decode_with(buf: &[u8], opts: DecodeOptions) -> Result<MessageRef<'_>, DecodeError> {
    let mut top = Reader::new(buf);
    let seq = top.expect(tag::SEQUENCE)?;
    top.finish()?;
    let mut r = top.enter(&seq)?;
    let vtlv = r.expect(tag::INTEGER)?;
    let version = ber::decode_i64(&vtlv)?;
    match version {
        0 | 1 => {
            let community = r.expect(tag::OCTET_STRING)?.value;
            let pdu = AnyPduRef::decode(&mut r, opts.lenient)?;
            r.finish()?;
            Ok(MessageRef::Community(CommunityMessageRef {
                version: if version == 0 {
                    Version::V1
                } else {
                    Version::V2c
                },
                community,
                pdu,
            }))
        }
        3 => {
            let gtlv = r.expect(tag::SEQUENCE)?;
            let mut g = r.enter(&gtlv)?;
            let msg_id = read_i32(&mut g)?;
            let max_size = read_i32(&mut g)?;
            let ftlv = g.expect(tag::OCTET_STRING)?;
            let &[flags] = ftlv.value else {
                return Err(err(DecodeErrorKind::WrongValueLength, ftlv.value_offset));
            };
            let security_model = read_i32(&mut g)?;
            g.finish()?;
            let sp = r.expect(tag::OCTET_STRING)?;
            let usm = if security_model == USM_SECURITY_MODEL {
                Some(UsmParamsRef::decode(&r, &sp)?)
            } else {
                None
            };
            let dtlv = r.read()?;
            let data = match dtlv.tag {
                tag::SEQUENCE => {
                    ScopedPduDataRef::Plaintext(ScopedPduRef::decode_tlv(&r, &dtlv, opts)?)
                }
                tag::OCTET_STRING => ScopedPduDataRef::Encrypted(dtlv.value),
                found => {
                    return Err(err(
                        DecodeErrorKind::UnexpectedTag {
                            expected: tag::SEQUENCE,
                            found,
                        },
                        dtlv.offset,
                    ));
                }
            };
            r.finish()?;
            Ok(MessageRef::V3(V3MessageRef {
                msg_id,
                max_size,
                flags: MsgFlags(flags),
                security_model,
                security_params: sp.value,
                usm,
                data,
            }))
        }
        _ => Ok(MessageRef::Unknown { version, raw: buf }),
    }
}

/// What the front of a TCP stream holds (RFC 3430: SNMP messages back to
/// back, each a BER SEQUENCE, no other framing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFrame {
    /// A whole message of this many octets.
    Complete(usize),
    /// The message is not all there yet.
    Incomplete,
    /// Not SNMP framing (another tag, an indefinite or absurd length):
    /// the stream cannot be resynchronised.
    Broken(DecodeError),
}

/// Frames the next message of a TCP stream.
pub fn next_stream_message(buf: &[u8]) -> StreamFrame {
    match buf.first() {
        None => return StreamFrame::Incomplete,
        Some(&tag::SEQUENCE) => {}
        Some(&found) => {
            return StreamFrame::Broken(err(
                DecodeErrorKind::UnexpectedTag {
                    expected: tag::SEQUENCE,
                    found,
                },
                0,
            ));
        }
    }
    match Reader::new(buf).read() {
        Ok(tlv) => StreamFrame::Complete(tlv.value_offset + tlv.value.len()),
        Err(e) if e.kind == DecodeErrorKind::Truncated => StreamFrame::Incomplete,
        Err(e) => StreamFrame::Broken(e),
    }
}

impl MessageRef<'_> {
    /// The version, `None` for an unknown one.
    pub fn version(&self) -> Option<Version> {
        match self {
            MessageRef::Community(m) => Some(m.version),
            MessageRef::V3(_) => Some(Version::V3),
            MessageRef::Unknown { .. } => None,
        }
    }

    /// An owned copy, decoding every varbind.
    pub fn to_owned_message(&self) -> Result<Message, DecodeError> {
        Ok(match self {
            MessageRef::Community(m) => Message::Community(CommunityMessage {
                version: m.version,
                community: m.community.to_vec(),
                pdu: m.pdu.to_owned_pdu()?,
            }),
            MessageRef::V3(m) => Message::V3(V3Message {
                msg_id: m.msg_id,
                max_size: m.max_size,
                flags: m.flags,
                security_model: m.security_model,
                security: match &m.usm {
                    Some(u) => SecurityParams::Usm(u.to_owned_params()),
                    None => SecurityParams::Raw(m.security_params.to_vec()),
                },
                data: match &m.data {
                    ScopedPduDataRef::Plaintext(s) => {
                        ScopedPduData::Plaintext(s.to_owned_scoped()?)
                    }
                    ScopedPduDataRef::Encrypted(c) => ScopedPduData::Encrypted(c.to_vec()),
                },
            }),
            MessageRef::Unknown { raw, .. } => Message::Unknown(raw.to_vec()),
        })
    }
}

/// A v1 or v2c message, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityMessage {
    /// [`Version::V1`] or [`Version::V2c`].
    pub version: Version,
    /// The community string.
    pub community: Vec<u8>,
    /// The PDU.
    pub pdu: AnyPdu,
}

impl CommunityMessage {
    /// Appends the message.
    pub fn encode(&self, w: &mut Writer) {
        let seq = w.begin_wide(tag::SEQUENCE);
        w.i64(tag::INTEGER, self.version.number());
        w.primitive(tag::OCTET_STRING, &self.community);
        self.pdu.encode(w);
        w.end(seq);
    }
}

/// USM security parameters, owned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsmParams {
    /// msgAuthoritativeEngineID.
    pub engine_id: Vec<u8>,
    /// msgAuthoritativeEngineBoots.
    pub engine_boots: i32,
    /// msgAuthoritativeEngineTime.
    pub engine_time: i32,
    /// msgUserName.
    pub user_name: Vec<u8>,
    /// msgAuthenticationParameters.
    pub auth_params: Vec<u8>,
    /// msgPrivacyParameters.
    pub priv_params: Vec<u8>,
}

impl UsmParams {
    /// Appends the SEQUENCE (not the OCTET STRING around it).
    pub fn encode(&self, w: &mut Writer) {
        let seq = w.begin(tag::SEQUENCE);
        w.primitive(tag::OCTET_STRING, &self.engine_id);
        w.i64(tag::INTEGER, i64::from(self.engine_boots));
        w.i64(tag::INTEGER, i64::from(self.engine_time));
        w.primitive(tag::OCTET_STRING, &self.user_name);
        w.primitive(tag::OCTET_STRING, &self.auth_params);
        w.primitive(tag::OCTET_STRING, &self.priv_params);
        w.end(seq);
    }
}

/// msgSecurityParameters, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityParams {
    /// USM (model 3).
    Usm(UsmParams),
    /// Another model's octets, as sent.
    Raw(Vec<u8>),
}

/// A ScopedPDU, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedPdu {
    /// contextEngineID.
    pub context_engine_id: Vec<u8>,
    /// contextName.
    pub context_name: Vec<u8>,
    /// The PDU.
    pub pdu: AnyPdu,
}

impl ScopedPdu {
    /// Appends the ScopedPDU SEQUENCE.
    pub fn encode(&self, w: &mut Writer) {
        let seq = w.begin_wide(tag::SEQUENCE);
        w.primitive(tag::OCTET_STRING, &self.context_engine_id);
        w.primitive(tag::OCTET_STRING, &self.context_name);
        self.pdu.encode(w);
        w.end(seq);
    }
}

/// msgData, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum ScopedPduData {
    /// In clear.
    Plaintext(ScopedPdu),
    /// Ciphertext.
    Encrypted(Vec<u8>),
}

/// A v3 message, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct V3Message {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize.
    pub max_size: i32,
    /// msgFlags.
    pub flags: MsgFlags,
    /// msgSecurityModel.
    pub security_model: i32,
    /// msgSecurityParameters.
    pub security: SecurityParams,
    /// msgData.
    pub data: ScopedPduData,
}

impl V3Message {
    /// Appends the message as it stands (no authentication or
    /// encryption is applied here; see [`crate::usm`]).
    pub fn encode(&self, w: &mut Writer) {
        let seq = w.begin_wide(tag::SEQUENCE);
        w.i64(tag::INTEGER, 3);
        let g = w.begin(tag::SEQUENCE);
        w.i64(tag::INTEGER, i64::from(self.msg_id));
        w.i64(tag::INTEGER, i64::from(self.max_size));
        w.primitive(tag::OCTET_STRING, &[self.flags.0]);
        w.i64(tag::INTEGER, i64::from(self.security_model));
        w.end(g);
        match &self.security {
            SecurityParams::Usm(u) => {
                let o = w.begin(tag::OCTET_STRING);
                u.encode(w);
                w.end(o);
            }
            SecurityParams::Raw(raw) => w.primitive(tag::OCTET_STRING, raw),
        }
        match &self.data {
            ScopedPduData::Plaintext(s) => s.encode(w),
            ScopedPduData::Encrypted(c) => w.primitive(tag::OCTET_STRING, c),
        }
        w.end(seq);
    }
}

/// A message, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// SNMPv1 or SNMPv2c.
    Community(CommunityMessage),
    /// SNMPv3.
    V3(V3Message),
    /// A message of an unknown version, re-emitted as received.
    Unknown(Vec<u8>),
}

impl Message {
    /// Appends the message.
    pub fn encode(&self, w: &mut Writer) {
        match self {
            Message::Community(m) => m.encode(w),
            Message::V3(m) => m.encode(w),
            Message::Unknown(raw) => w.buf.extend_from_slice(raw),
        }
    }

    /// The encoding. An OID BER cannot carry (see
    /// [`Oid::is_encodable`](crate::Oid::is_encodable)) is written with its
    /// first arcs clamped; [`Message::try_to_bytes`] refuses it instead.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::with_buffer(Vec::with_capacity(256));
        self.encode(&mut w);
        w.into_inner()
    }

    /// The encoding, after checking that every OID can be encoded.
    pub fn try_to_bytes(&self) -> Result<Vec<u8>, crate::Error> {
        self.validate()?;
        Ok(self.to_bytes())
    }

    /// Checks that every OID (varbind names, OID values, a v1 trap's
    /// enterprise) can be encoded.
    pub fn validate(&self) -> Result<(), crate::Error> {
        match self {
            Message::Community(m) => m.pdu.validate(),
            Message::V3(m) => match &m.data {
                ScopedPduData::Plaintext(s) => s.pdu.validate(),
                ScopedPduData::Encrypted(_) => Ok(()),
            },
            Message::Unknown(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_framing() {
        let one = [0x30, 0x03, 0x02, 0x01, 0x00];
        let mut two = one.to_vec();
        two.extend_from_slice(&one[..3]);
        assert_eq!(next_stream_message(&two), StreamFrame::Complete(5));
        assert_eq!(next_stream_message(&two[5..]), StreamFrame::Incomplete);
        assert_eq!(next_stream_message(&[]), StreamFrame::Incomplete);
        assert_eq!(next_stream_message(&[0x30]), StreamFrame::Incomplete);
        assert!(matches!(
            next_stream_message(&[0x04, 0x00]),
            StreamFrame::Broken(_)
        ));
        assert!(matches!(
            next_stream_message(&[0x30, 0x80]),
            StreamFrame::Broken(_)
        ));
    }
}
