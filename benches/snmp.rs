//! SNMP codec against the Rust anchors of research/snmp.md §6, one
//! criterion group per comparison so the figures sit side by side:
//!
//! - `snmp_decode_getresponse10`: decode the 288-octet reference
//!   GetResponse of the corpus README (snmpd 5.9.3, 10 varbinds), touch
//!   every value and expand every OID to its arcs (they sum to 388);
//! - `snmp_encode_getbulk_response`: build and encode a 50-varbind
//!   response to a GetBulk (25 ifDescr, 25 ifHCInOctets) from plain rows
//!   (arcs and a string or a number): `netmon` writes the PDU as it goes
//!   (`PduWriter`, values borrowed, what an agent does), `netmon-owned`
//!   builds a `Vec<VarBind>` of owned values first, as the others must;
//! - `snmp_v3_authpriv_roundtrip`: SHA-1/AES-128 — encrypt, authenticate,
//!   verify, decrypt and decode a 10-varbind response, keys localised once.
//!
//! Every function checks its result once before it is timed. The decode
//! group reads the reference message from the corpus README in place; it
//! is skipped (with a printed reason) when the corpus is absent.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use netmon::snmp::message::{
    self, MsgFlags, ScopedPdu, ScopedPduData, SecurityParams, UsmParams, V3Message,
};
use netmon::snmp::usm::{self, AuthProtocol, PrivProtocol, UsmUser};
use netmon::snmp::{MessageRef, Oid, Pdu, PduType, Value, VarBind};

// ---------------------------------------------------------------- decode

fn netmon_decode(b: &[u8]) -> u64 {
    let MessageRef::Community(m) = netmon::snmp::decode(b).expect("netmon") else {
        panic!("not v2c")
    };
    let mut sum = 0u64;
    for vb in m.pdu.varbinds().expect("a PDU") {
        let vb = vb.expect("varbind");
        sum += vb.name.arcs().map(u64::from).sum::<u64>();
        black_box(&vb.value);
    }
    sum
}

fn snmp2_decode(b: &[u8]) -> u64 {
    let pdu = snmp2::Pdu::from_bytes(b).expect("snmp2");
    let mut sum = 0u64;
    for (name, val) in pdu.varbinds {
        sum += name.iter().map(|it| it.sum::<u64>()).unwrap_or(0);
        black_box(&val);
    }
    sum
}

fn async_snmp_decode(b: &bytes::Bytes) -> u64 {
    use async_snmp::compatibility::DecodeConfig;
    use async_snmp::message::Message;
    let out = Message::decode(b.clone(), DecodeConfig::default()).expect("async-snmp");
    let mut sum = 0u64;
    if let Some(pdu) = out.value.pdu() {
        for vb in pdu.varbinds() {
            sum += vb.oid.arcs().iter().map(|&a| u64::from(a)).sum::<u64>();
            black_box(&vb.value);
        }
    }
    sum
}

fn rasn_decode(b: &[u8]) -> u64 {
    use rasn_snmp::{v2::Pdus, v2c::Message};
    let msg: Message<Pdus> = rasn::ber::decode(b).expect("rasn");
    let mut sum = 0u64;
    if let Pdus::Response(r) = msg.data {
        for vb in &r.0.variable_bindings {
            sum += vb.name.iter().map(|&a| u64::from(a)).sum::<u64>();
            black_box(&vb.value);
        }
    }
    sum
}

fn snmp_parser_decode(b: &[u8]) -> u64 {
    use snmp_parser::{SnmpPdu, parse_snmp_v2c};
    let (_, msg) = parse_snmp_v2c(b).expect("snmp-parser");
    let mut sum = 0u64;
    if let SnmpPdu::Generic(ref pdu) = msg.pdu {
        for v in pdu.vars_iter() {
            sum += v.oid.iter().map(|it| it.sum::<u64>()).unwrap_or(0);
            black_box(&v.val);
        }
    }
    sum
}

fn decode_group(c: &mut Criterion) {
    let Some(readme) = netmon_testkit::snmp_readme_messages() else {
        return;
    };
    let b: &'static [u8] = Box::leak(readme.getresponse10.into_boxed_slice());
    assert_eq!(b.len(), 288);
    let bb = bytes::Bytes::from_static(b);
    for (name, sum) in [
        ("netmon", netmon_decode(b)),
        ("snmp2", snmp2_decode(b)),
        ("async-snmp", async_snmp_decode(&bb)),
        ("rasn-snmp", rasn_decode(b)),
        ("snmp-parser", snmp_parser_decode(b)),
    ] {
        assert_eq!(sum, 388, "{name}: arcs sum");
    }
    let mut g = c.benchmark_group("snmp_decode_getresponse10");
    g.bench_function("netmon", |bn| bn.iter(|| netmon_decode(black_box(b))));
    g.bench_function("snmp2", |bn| bn.iter(|| snmp2_decode(black_box(b))));
    g.bench_function("async-snmp", |bn| {
        bn.iter(|| async_snmp_decode(black_box(&bb)))
    });
    g.bench_function("rasn-snmp", |bn| bn.iter(|| rasn_decode(black_box(b))));
    g.bench_function("snmp-parser", |bn| {
        bn.iter(|| snmp_parser_decode(black_box(b)))
    });
    g.finish();
}

// ---------------------------------------------------------------- encode

/// The 50 varbinds of a GetBulk response as plain data: OID arcs and a
/// value (a string or a Counter64).
fn bulk_rows() -> Vec<(Vec<u32>, Result<String, u64>)> {
    let mut rows = Vec::new();
    for i in 1..=25u32 {
        rows.push((
            vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 2, i],
            Ok(format!("GigabitEthernet0/{i}")),
        ));
        rows.push((
            vec![1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, i],
            Err(0x0123_4567_89ab_u64 * u64::from(i)),
        ));
    }
    rows
}

/// netmon's way to answer: the PDU is written as the rows are read
/// ([`PduWriter`]), values borrowed, no `Vec<VarBind>`.
fn netmon_encode(rows: &[(Vec<u32>, Result<String, u64>)], out: &mut Vec<u8>) {
    use netmon::snmp::pdu::PduWriter;
    out.clear();
    let mut w = netmon::snmp::ber::Writer::with_buffer(std::mem::take(out));
    let mut p = PduWriter::community(
        &mut w,
        netmon::snmp::Version::V2c,
        b"public",
        PduType::Response,
        0x1234_5678,
        0,
        0,
    );
    for (arcs, v) in rows {
        let value = match v {
            Ok(s) => netmon::snmp::ValueRef::OctetString(s.as_bytes()),
            Err(n) => netmon::snmp::ValueRef::Counter64(*n),
        };
        p.varbind(&Oid::new(arcs), &value);
    }
    p.finish();
    *out = w.into_inner();
}

/// The same through the owned types (`Vec<VarBind>` of owned values).
fn netmon_owned_encode(rows: &[(Vec<u32>, Result<String, u64>)], out: &mut Vec<u8>) {
    let varbinds = rows
        .iter()
        .map(|(arcs, v)| {
            VarBind::new(
                Oid::new(arcs),
                match v {
                    Ok(s) => Value::OctetString(s.as_bytes().to_vec()),
                    Err(n) => Value::Counter64(*n),
                },
            )
        })
        .collect();
    let msg = message::Message::Community(message::CommunityMessage {
        version: netmon::snmp::Version::V2c,
        community: b"public".to_vec(),
        pdu: Pdu::new(PduType::Response, 0x1234_5678, varbinds).into(),
    });
    out.clear();
    let mut w = netmon::snmp::ber::Writer::with_buffer(std::mem::take(out));
    msg.encode(&mut w);
    *out = w.into_inner();
}

fn rasn_encode(rows: &[(Vec<u32>, Result<String, u64>)]) -> Vec<u8> {
    use rasn::types::{ObjectIdentifier, OctetString};
    use rasn_smi::v2::{ApplicationSyntax, Counter64, ObjectSyntax, SimpleSyntax};
    use rasn_snmp::v2::{Pdu as RPdu, Pdus, Response, VarBind as RVarBind, VarBindValue};
    let variable_bindings = rows
        .iter()
        .map(|(arcs, v)| RVarBind {
            name: ObjectIdentifier::new(arcs.clone()).expect("valid OID"),
            value: VarBindValue::Value(match v {
                Ok(s) => ObjectSyntax::Simple(SimpleSyntax::String(OctetString::from(
                    s.as_bytes().to_vec(),
                ))),
                Err(n) => {
                    ObjectSyntax::ApplicationWide(ApplicationSyntax::BigCounter(Counter64(*n)))
                }
            }),
        })
        .collect();
    let msg = rasn_snmp::v2c::Message {
        version: 1.into(),
        community: OctetString::from_static(b"public"),
        data: Pdus::Response(Response(RPdu {
            request_id: 0x1234_5678,
            error_status: 0,
            error_index: 0,
            variable_bindings,
        })),
    };
    rasn::ber::encode(&msg).expect("rasn encode")
}

fn async_snmp_encode(rows: &[(Vec<u32>, Result<String, u64>)]) -> bytes::Bytes {
    use async_snmp::message::CommunityMessage;
    use async_snmp::pdu::{PduBody, StandardPduType};
    let varbinds = rows
        .iter()
        .map(|(arcs, v)| {
            async_snmp::VarBind::new(
                async_snmp::Oid::from_slice(arcs),
                match v {
                    Ok(s) => {
                        async_snmp::Value::OctetString(bytes::Bytes::copy_from_slice(s.as_bytes()))
                    }
                    Err(n) => async_snmp::Value::Counter64(*n),
                },
            )
        })
        .collect();
    let pdu = async_snmp::pdu::Pdu::from_raw_parts(
        0x1234_5678,
        PduBody::Standard {
            pdu_type: StandardPduType::Response,
            error_status: 0,
            error_index: 0,
        },
        varbinds,
    );
    CommunityMessage::v2c("public", pdu)
        .expect("message")
        .encode()
        .expect("async-snmp encode")
}

fn encode_group(c: &mut Criterion) {
    let rows = bulk_rows();
    let mut ours = Vec::new();
    netmon_encode(&rows, &mut ours);
    let mut owned = Vec::new();
    netmon_owned_encode(&rows, &mut owned);
    assert_eq!(ours, owned, "netmon streaming vs owned");
    // The three encoders agree octet for octet.
    assert_eq!(ours, rasn_encode(&rows), "netmon vs rasn-snmp");
    assert_eq!(ours, &async_snmp_encode(&rows)[..], "netmon vs async-snmp");
    let mut g = c.benchmark_group("snmp_encode_getbulk_response");
    let mut buf = Vec::with_capacity(4096);
    g.bench_function("netmon", |b| {
        b.iter(|| {
            netmon_encode(black_box(&rows), &mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("netmon-owned", |b| {
        b.iter(|| {
            netmon_owned_encode(black_box(&rows), &mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("rasn-snmp", |b| {
        b.iter(|| black_box(rasn_encode(black_box(&rows))))
    });
    g.bench_function("async-snmp", |b| {
        b.iter(|| black_box(async_snmp_encode(black_box(&rows))))
    });
    g.finish();
}

// ------------------------------------------------------------ v3 authPriv

const ENGINE: &[u8] = &[
    0x80, 0x00, 0x1f, 0x88, 0x04, b'n', b'e', b't', b'm', b'o', b'n', b't', b'e', b's', b't',
];

fn ten_varbinds() -> Vec<(Vec<u32>, u64)> {
    (1..=10u32)
        .map(|i| {
            (
                vec![1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, i],
                1_000_000 * u64::from(i),
            )
        })
        .collect()
}

struct NetmonV3 {
    keys: usm::LocalizedKeys,
    msg: V3Message,
    wire: Vec<u8>,
    plain: Vec<u8>,
}

impl NetmonV3 {
    fn new() -> Self {
        let user = UsmUser::new("shaAesUser")
            .with_auth(AuthProtocol::Sha1, b"authpass123")
            .unwrap()
            .with_privacy(PrivProtocol::Aes128, b"privpass123")
            .unwrap();
        let varbinds = ten_varbinds()
            .into_iter()
            .map(|(a, v)| VarBind::new(Oid::new(a), Value::Counter64(v)))
            .collect();
        let msg = V3Message {
            msg_id: 42,
            max_size: 65507,
            flags: MsgFlags(MsgFlags::AUTH | MsgFlags::PRIV),
            security_model: 3,
            security: SecurityParams::Usm(UsmParams {
                engine_id: ENGINE.to_vec(),
                engine_boots: 3,
                engine_time: 12345,
                user_name: b"shaAesUser".to_vec(),
                ..Default::default()
            }),
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: ENGINE.to_vec(),
                context_name: vec![],
                pdu: Pdu::new(PduType::Response, 7, varbinds).into(),
            }),
        };
        NetmonV3 {
            keys: user.localize(ENGINE),
            msg,
            wire: Vec::with_capacity(1024),
            plain: Vec::with_capacity(1024),
        }
    }

    /// Protect, then verify, decrypt and decode; returns the sum of the
    /// Counter64 values received.
    fn round_trip(&mut self, salt: u64) -> u64 {
        self.wire.clear();
        usm::protect(&self.msg, &self.keys, salt, &mut self.wire).expect("protect");
        let MessageRef::V3(m) = netmon::snmp::decode(&self.wire).expect("decode") else {
            panic!("not v3")
        };
        let s = usm::unprotect(&self.wire, &m, &self.keys, &mut self.plain).expect("unprotect");
        let mut sum = 0;
        for vb in s.pdu.varbinds().expect("PDU") {
            if let netmon::snmp::ValueRef::Counter64(v) = vb.expect("varbind").value {
                sum += v;
            }
        }
        sum
    }
}

struct AsyncSnmpV3 {
    auth: async_snmp::LocalizedKey,
    privacy: async_snmp::v3::PrivKey,
    salt: async_snmp::v3::SaltCounter,
    pdu: async_snmp::pdu::Pdu,
}

impl AsyncSnmpV3 {
    fn new() -> Self {
        use async_snmp::v3::{AuthProtocol as A, PrivKey, PrivProtocol as P, SaltCounter};
        let varbinds = ten_varbinds()
            .into_iter()
            .map(|(a, v)| {
                async_snmp::VarBind::new(
                    async_snmp::Oid::from_slice(&a),
                    async_snmp::Value::Counter64(v),
                )
            })
            .collect();
        AsyncSnmpV3 {
            auth: async_snmp::LocalizedKey::from_password(A::Sha1, b"authpass123", ENGINE).unwrap(),
            privacy: PrivKey::from_password(A::Sha1, P::Aes128, b"privpass123", ENGINE).unwrap(),
            salt: SaltCounter::new().unwrap(),
            pdu: async_snmp::pdu::Pdu::from_raw_parts(
                7,
                async_snmp::pdu::PduBody::Standard {
                    pdu_type: async_snmp::pdu::StandardPduType::Response,
                    error_status: 0,
                    error_index: 0,
                },
                varbinds,
            ),
        }
    }

    /// The same work with async-snmp's public pieces (its one-call
    /// encoder is crate-private): encrypt the ScopedPDU, build the
    /// message with an HMAC placeholder, sign; then verify, decode,
    /// decrypt and decode the ScopedPDU.
    fn round_trip(&self) -> u64 {
        use async_snmp::compatibility::DecodeConfig;
        use async_snmp::message::{
            MsgFlags, MsgGlobalData, ScopedPdu, SecurityLevel, V3Message, V3MessageData,
        };
        use async_snmp::v3::{UsmSecurityParams, auth};
        let scoped = ScopedPdu::new(
            bytes::Bytes::from_static(ENGINE),
            bytes::Bytes::new(),
            self.pdu.clone(),
        )
        .encode_to_bytes()
        .unwrap();
        let (cipher_text, salt) = self
            .privacy
            .encrypt_aes(&scoped, 3, 12345, &self.salt)
            .unwrap();
        let usm = UsmSecurityParams::new(
            bytes::Bytes::from_static(ENGINE),
            3,
            12345,
            bytes::Bytes::from_static(b"shaAesUser"),
        )
        .unwrap()
        .with_auth_placeholder(self.auth.mac_len())
        .unwrap()
        .with_priv_params(salt)
        .unwrap()
        .encode()
        .unwrap();
        let global = MsgGlobalData::new(
            42,
            async_snmp::MessageSize::new(65507).unwrap(),
            MsgFlags::new(SecurityLevel::AuthPriv, false),
        )
        .unwrap();
        let mut wire = V3Message::new_with_opaque_encrypted_scoped_pdu(global, usm, cipher_text)
            .unwrap()
            .encode()
            .unwrap()
            .to_vec();
        let (off, len) = UsmSecurityParams::find_auth_params_offset(&wire).unwrap();
        auth::authenticate_message(&self.auth, &mut wire, off, len).unwrap();

        // Receiving side.
        let (off, len) = UsmSecurityParams::find_auth_params_offset(&wire).unwrap();
        assert!(auth::verify_message(&self.auth, &wire, off, len).unwrap());
        let msg = V3Message::decode(bytes::Bytes::from(wire), DecodeConfig::default())
            .unwrap()
            .value;
        let usm = UsmSecurityParams::decode(msg.security_params().clone(), DecodeConfig::default())
            .unwrap()
            .value;
        let V3MessageData::Encrypted(c) = msg.data() else {
            panic!("not encrypted")
        };
        let plain = self
            .privacy
            .decrypt(c, usm.engine_boots(), usm.engine_time(), usm.priv_params())
            .unwrap();
        let mut d = async_snmp::ber::Decoder::new(plain);
        let scoped = ScopedPdu::decode(&mut d).unwrap();
        scoped
            .pdu
            .varbinds()
            .iter()
            .map(|vb| match vb.value {
                async_snmp::Value::Counter64(v) => v,
                _ => 0,
            })
            .sum()
    }
}

fn v3_group(c: &mut Criterion) {
    let mut ours = NetmonV3::new();
    let theirs = AsyncSnmpV3::new();
    let expect: u64 = ten_varbinds().iter().map(|(_, v)| v).sum();
    assert_eq!(ours.round_trip(1), expect);
    assert_eq!(theirs.round_trip(), expect);
    let mut g = c.benchmark_group("snmp_v3_authpriv_roundtrip");
    let mut salt = 0u64;
    g.bench_function("netmon", |b| {
        b.iter(|| {
            salt += 1;
            black_box(ours.round_trip(salt))
        })
    });
    g.bench_function("async-snmp", |b| b.iter(|| black_box(theirs.round_trip())));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    targets = decode_group, encode_group, v3_group
}
criterion_main!(benches);
