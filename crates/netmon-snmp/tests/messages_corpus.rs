//! The message layer over every real SNMP message the corpus holds:
//! `snmp/bin` (rusticata's assets, two from Wireshark's snmp_usm.pcap),
//! every capture of `snmp/pcap` (zeek's and the team's net-snmp 5.9.3
//! capture), and the reference messages of the corpus README.

mod support;

use std::collections::BTreeMap;

use netmon_snmp::message::{
    self, CommunityMessageRef, Message, MsgFlags, ScopedPduData, ScopedPduDataRef, SecurityParams,
    V3Message,
};
use netmon_snmp::usm::{self, AuthProtocol, PrivProtocol, UsmUser};
use netmon_snmp::{AnyPduRef, Error, MessageRef, Oid, PduType, ValueRef};
use support::hex;

fn community(bytes: &[u8]) -> CommunityMessageRef<'_> {
    match netmon_snmp::decode(bytes).unwrap() {
        MessageRef::Community(m) => m,
        other => panic!("not v1/v2c: {other:?}"),
    }
}

/// decode → owned → encode gives the same octets (when the input is
/// canonical), and decoding those gives the same owned message.
fn round_trip(bytes: &[u8], what: &str) -> (Message, bool) {
    let owned = netmon_snmp::decode(bytes)
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .to_owned_message()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let again = owned.to_bytes();
    let back = netmon_snmp::decode(&again)
        .unwrap()
        .to_owned_message()
        .unwrap();
    assert_eq!(back, owned, "{what}: decode(encode(x)) != x");
    let same = again == bytes;
    if !same {
        eprintln!(
            "{what}: canonical re-encoding\n  in  {}\n  out {}",
            hex_of(bytes),
            hex_of(&again)
        );
    }
    (owned, same)
}

fn assert_round_trip(bytes: &[u8], what: &str) -> Message {
    let (owned, same) = round_trip(bytes, what);
    assert!(same, "{what}: re-encoding differs");
    owned
}

use netmon_testkit::to_hex as hex_of;

#[test]
fn reference_message_decodes_to_its_published_values() {
    let Some(readme) = netmon_testkit::snmp_readme_messages() else {
        return;
    };
    let bytes = readme.getresponse10;
    assert_eq!(bytes.len(), 288);
    let m = community(&bytes);
    assert_eq!(m.version, netmon_snmp::Version::V2c);
    assert_eq!(m.community, b"public");
    let AnyPduRef::Pdu(pdu) = &m.pdu else {
        panic!("not a PDU")
    };
    assert_eq!(pdu.pdu_type, PduType::Response);
    assert_eq!(pdu.request_id, 0x77b8a3b0);
    let vbs: Vec<_> = pdu.varbinds.iter().map(Result::unwrap).collect();
    assert_eq!(vbs.len(), 10);
    let arcs: u64 = vbs
        .iter()
        .flat_map(|vb| vb.name.arcs())
        .map(u64::from)
        .sum();
    assert_eq!(arcs, 388);
    assert!(matches!(vbs[0].value, ValueRef::OctetString(s) if s.starts_with(b"Linux vm")));
    assert_eq!(vbs[1].value.to_string(), "1.3.6.1.4.1.8072.3.2.10");
    assert_eq!(vbs[2].value, ValueRef::TimeTicks(8626));
    assert_eq!(vbs[3].value, ValueRef::OctetString(b"netmon-snmpd"));
    assert_eq!(vbs[4].value, ValueRef::Integer(4));
    assert_eq!(vbs[5].value, ValueRef::OctetString(b"lo"));
    assert_eq!(vbs[6].value, ValueRef::Gauge32(10_000_000));
    assert_eq!(vbs[7].value, ValueRef::Counter32(0x0638_d849));
    assert_eq!(vbs[8].value, ValueRef::Counter64(0x0638_d849));
    assert_eq!(vbs[9].value, ValueRef::IpAddress([127, 0, 0, 1]));
    assert_eq!(vbs[9].name.to_string(), "1.3.6.1.2.1.4.20.1.1.127.0.0.1");
    assert_round_trip(&bytes, "reference message");
}

#[test]
fn counter64_message_yields_all_three_varbinds() {
    let Some(readme) = netmon_testkit::snmp_readme_messages() else {
        return;
    };
    let bytes = readme.counter64;
    let m = community(&bytes);
    let values: Vec<_> = m
        .pdu
        .varbinds()
        .unwrap()
        .iter()
        .map(|vb| vb.unwrap().value)
        .collect();
    assert_eq!(
        values,
        [
            ValueRef::Counter64(1 << 63),
            ValueRef::Counter64(u64::MAX),
            ValueRef::Integer(7)
        ]
    );
    assert_round_trip(&bytes, "Counter64 message");
}

#[test]
fn bin_messages_decode_and_round_trip() {
    for name in support::BIN_MESSAGES {
        let Some(path) = netmon_testkit::corpus_file(&format!("snmp/bin/{name}")) else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let owned = assert_round_trip(&bytes, name);
        if name == "snmpv1_trap_coldstart.bin" {
            let Message::Community(m) = &owned else {
                panic!()
            };
            let netmon_snmp::AnyPdu::TrapV1(t) = &m.pdu else {
                panic!("{name}: not a Trap-PDU")
            };
            assert_eq!(t.generic_trap, 0, "coldStart");
        }
    }
}

fn pippo() -> UsmUser {
    UsmUser::new("pippo")
        .with_auth(AuthProtocol::Md5, b"pippoxxx")
        .unwrap()
        .with_privacy(PrivProtocol::Des, b"PIPPOxxx")
        .unwrap()
}

#[test]
fn snmp_usm_messages_verify_decrypt_and_rebuild_byte_for_byte() {
    let Some(path) = netmon_testkit::corpus_file("snmp/bin/snmpv3_req_encrypted.bin") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let MessageRef::V3(m) = netmon_snmp::decode(&bytes).unwrap() else {
        panic!("not v3")
    };
    let u = m.usm.unwrap();
    assert_eq!(u.engine_id, hex("80001f888059dc486145a26322"));
    assert_eq!(
        (m.msg_id, u.engine_boots, u.engine_time),
        (821490645, 8, 2745)
    );
    assert_eq!(u.user_name, b"pippo");
    assert_eq!(u.priv_params, hex("0000000103d5321a"));
    assert_eq!(u.auth_params, hex("19395e67894fda182414849f"));
    assert_eq!(m.flags.level_name(), "authPriv");

    let keys = pippo().localize(u.engine_id);
    let ScopedPduDataRef::Encrypted(cipher_text) = m.data else {
        panic!("not encrypted")
    };
    let mut plain = Vec::new();
    keys.privacy
        .as_ref()
        .unwrap()
        .decrypt(
            u.engine_boots,
            u.engine_time,
            u.priv_params,
            cipher_text,
            &mut plain,
        )
        .unwrap();
    let mut buf = Vec::new();
    let scoped = usm::unprotect(&bytes, &m, &keys, &mut buf).unwrap();
    let published = hex(
        "3059040d80001f888059dc486145a263220400a04602047d0e082f0201000201003038300c06082b060102010101000500300c06082b060102010103000500300c06082b060102010403000500300c06082b06010201040a0005000505050505",
    );
    assert_eq!(hex_of(&plain), hex_of(&published));
    let AnyPduRef::Pdu(pdu) = &scoped.pdu else {
        panic!()
    };
    assert_eq!(pdu.pdu_type, PduType::GetRequest);
    assert_eq!(pdu.varbinds.check().unwrap(), 4);

    // Building the same message again gives the same bytes.
    let Message::V3(mut owned) = MessageRef::V3(m.clone()).to_owned_message().unwrap() else {
        panic!()
    };
    owned.data = ScopedPduData::Plaintext(scoped.to_owned_scoped().unwrap());
    let mut rebuilt = Vec::new();
    usm::protect(&owned, &keys, 0x0000_0001_03d5_321a, &mut rebuilt).unwrap();
    assert_eq!(hex_of(&rebuilt), hex_of(&bytes));

    // A wrong password, a flipped MAC octet and a flipped ciphertext
    // octet are each refused.
    let wrong = UsmUser::new("pippo")
        .with_auth(AuthProtocol::Md5, b"pippoyyy")
        .unwrap()
        .with_privacy(PrivProtocol::Des, b"PIPPOxxx")
        .unwrap()
        .localize(u.engine_id);
    assert_eq!(
        usm::unprotect(&bytes, &m, &wrong, &mut Vec::new()).unwrap_err(),
        Error::WrongDigest
    );
    for at in [u.auth_params_offset, bytes.len() - 3] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x01;
        let MessageRef::V3(bm) = netmon_snmp::decode(&bad).unwrap() else {
            panic!()
        };
        assert_eq!(
            usm::unprotect(&bad, &bm, &keys, &mut Vec::new()).unwrap_err(),
            Error::WrongDigest,
            "flip at {at}"
        );
    }
}

#[test]
fn discovery_request_is_noauth_with_empty_engine() {
    let Some(path) = netmon_testkit::corpus_file("snmp/bin/snmpv3_req.bin") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let MessageRef::V3(m) = netmon_snmp::decode(&bytes).unwrap() else {
        panic!()
    };
    assert_eq!(m.flags, MsgFlags(MsgFlags::REPORTABLE));
    let u = m.usm.unwrap();
    assert!(u.engine_id.is_empty() && u.user_name.is_empty());
    let ScopedPduDataRef::Plaintext(s) = &m.data else {
        panic!()
    };
    assert_eq!(s.pdu.pdu_type(), Some(PduType::GetRequest));
}

use support::{CAPTURES, interop_users};

#[test]
fn every_message_of_every_capture_decodes_and_round_trips() {
    let mut per_file = BTreeMap::new();
    let mut non_canonical = Vec::new();
    for name in CAPTURES {
        let Some(path) = netmon_testkit::corpus_file(&format!("snmp/pcap/{name}")) else {
            return;
        };
        let found = support::messages(&path);
        assert!(!found.is_empty(), "{name}: no SNMP message found");
        for f in &found {
            let what = format!("{name} frame {}", f.frame);
            let m = netmon_snmp::decode(&f.bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            match &m {
                MessageRef::Community(c) => {
                    c.pdu
                        .varbinds()
                        .unwrap_or_else(|| panic!("{what}: unknown PDU"))
                        .check()
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                }
                MessageRef::V3(v) => {
                    if let ScopedPduDataRef::Plaintext(s) = &v.data {
                        s.pdu.varbinds().unwrap().check().unwrap();
                    }
                }
                MessageRef::Unknown { version, .. } => panic!("{what}: version {version}"),
            }
            if !round_trip(&f.bytes, &what).1 {
                non_canonical.push(what);
            }
        }
        per_file.insert(name, found.len());
    }
    eprintln!("SNMP messages per capture: {per_file:?}");
    // The two messages whose encoding is not minimal, both unsigned values
    // padded to four octets: a Trap-PDU time-stamp TimeTicks 0
    // (43 04 00 00 00 00) and a Counter32 3 in a Report (41 04 00 00 00 03).
    assert_eq!(
        non_canonical,
        ["snmpv1_trap.pcap frame 1", "snmpv3_get_next.pcap frame 2"]
    );
    assert_eq!(per_file["snmpwalk-short.pcap"], 400);
}

const USM_STATS_UNKNOWN_USER: &str = "1.3.6.1.6.3.15.1.1.3.0";
const USM_STATS_WRONG_DIGESTS: &str = "1.3.6.1.6.3.15.1.1.5.0";

#[test]
fn netsnmp_v3_messages_authenticate_decrypt_and_rebuild() {
    let Some(path) = netmon_testkit::corpus_file("snmp/pcap/netsnmp-5.9.3-loopback.pcap") else {
        return;
    };
    let mut cache = usm::KeyCache::new(64);
    for u in interop_users() {
        cache.add_user(u);
    }
    let mut verified = 0;
    let mut decrypted = 0;
    let mut rebuilt_same = 0;
    let mut wrong_digest = 0;
    let mut unknown_user = 0;
    let mut reports: BTreeMap<String, usize> = BTreeMap::new();
    let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
    let mut privs = std::collections::BTreeSet::new();
    for f in support::messages(&path) {
        let what = format!("frame {}", f.frame);
        let MessageRef::V3(m) = netmon_snmp::decode(&f.bytes).unwrap() else {
            continue;
        };
        let u = m.usm.unwrap();
        *levels.entry(m.flags.level_name()).or_default() += 1;
        if !u.user_name.is_empty() && cache.user(u.user_name).is_none() {
            // A request from a user the agent does not know (its Report
            // comes back under the same name, in clear).
            let is_report = matches!(&m.data, ScopedPduDataRef::Plaintext(s)
                if s.pdu.pdu_type() == Some(PduType::Report));
            if !is_report {
                unknown_user += 1;
                continue;
            }
        }
        let mut buf = Vec::new();
        let scoped = if !m.flags.auth() {
            match &m.data {
                ScopedPduDataRef::Plaintext(s) => s.clone(),
                ScopedPduDataRef::Encrypted(_) => panic!("{what}: encrypted without auth"),
            }
        } else {
            let keys = cache.keys(u.user_name, u.engine_id).unwrap();
            match usm::unprotect(&f.bytes, &m, &keys, &mut buf) {
                Ok(s) => {
                    verified += 1;
                    if m.flags.privacy() {
                        decrypted += 1;
                        privs.insert(keys.privacy.as_ref().unwrap().protocol().name());
                    }
                    // Rebuilt with the same salt: the same octets.
                    let Message::V3(mut owned) =
                        MessageRef::V3(m.clone()).to_owned_message().unwrap()
                    else {
                        panic!()
                    };
                    owned.data = ScopedPduData::Plaintext(s.to_owned_scoped().unwrap());
                    let salt = <[u8; 8]>::try_from(u.priv_params).map_or(0, u64::from_be_bytes);
                    let mut again = Vec::new();
                    usm::protect(&owned, &keys, salt, &mut again).unwrap();
                    assert_eq!(hex_of(&again), hex_of(&f.bytes), "{what}: rebuilt");
                    rebuilt_same += 1;
                    s
                }
                Err(Error::WrongDigest) => {
                    wrong_digest += 1;
                    continue;
                }
                Err(e) => panic!("{what}: {e}"),
            }
        };
        let varbinds = scoped.pdu.varbinds().unwrap();
        varbinds.check().unwrap_or_else(|e| panic!("{what}: {e}"));
        if scoped.pdu.pdu_type() == Some(PduType::Report) {
            for vb in varbinds {
                *reports.entry(vb.unwrap().name.to_string()).or_default() += 1;
            }
        }
    }
    eprintln!(
        "v3: {verified} verified, {decrypted} decrypted ({privs:?}), {rebuilt_same} rebuilt byte for byte, \
         {wrong_digest} wrong digests, {unknown_user} unknown users; levels {levels:?}; reports {reports:?}"
    );
    assert!(verified >= 20, "{verified}");
    assert!(decrypted >= 10, "{decrypted}");
    // Every privacy protocol of the interop users was seen and decrypted.
    for p in ["DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"] {
        assert!(privs.contains(p), "no {p} message decrypted: {privs:?}");
    }
    // Every authentication failure is one the agent reported as such.
    assert_eq!(
        wrong_digest,
        reports.get(USM_STATS_WRONG_DIGESTS).copied().unwrap_or(0),
        "wrong digests vs usmStatsWrongDigests reports"
    );
    assert_eq!(
        unknown_user,
        reports.get(USM_STATS_UNKNOWN_USER).copied().unwrap_or(0),
        "unknown users vs usmStatsUnknownUserNames reports"
    );
}

#[test]
fn unknown_version_and_unknown_pdu_keep_their_octets() {
    // version 2 (never assigned) with intact framing
    let raw = hex("300c0201020401704a0401020304");
    match netmon_snmp::decode(&raw).unwrap() {
        MessageRef::Unknown { version, raw: r } => {
            assert_eq!((version, r), (2, &raw[..]));
        }
        other => panic!("{other:?}"),
    }
    assert_round_trip(&raw, "unknown version");
    // PDU tag 0xa9 in a v2c message
    let unknown_pdu = hex("3011020101040170a909020101020100020100");
    let m = community(&unknown_pdu);
    let AnyPduRef::Unknown(tlv) = &m.pdu else {
        panic!("{:?}", m.pdu)
    };
    assert_eq!(tlv.tag, 0xa9);
    assert_round_trip(&unknown_pdu, "unknown PDU");
}

#[test]
fn built_messages_of_every_pdu_type_round_trip() {
    use netmon_snmp::{AnyPdu, Pdu, Value, VarBind, pdu::TrapV1};
    let oid: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
    let vbs = vec![
        VarBind::null(oid.clone()),
        VarBind::new(oid.child(7), Value::Counter64(u64::MAX)),
    ];
    let mut pdus: Vec<AnyPdu> = [
        PduType::GetRequest,
        PduType::GetNextRequest,
        PduType::Response,
        PduType::SetRequest,
        PduType::InformRequest,
        PduType::TrapV2,
        PduType::Report,
    ]
    .into_iter()
    .map(|t| Pdu::new(t, -42, vbs.clone()).into())
    .collect();
    pdus.push(Pdu::get_bulk(7, 1, 25, vbs.clone()).into());
    pdus.push(
        TrapV1 {
            enterprise: "1.3.6.1.4.1.8072".parse().unwrap(),
            agent_addr: [10, 1, 2, 3],
            generic_trap: 6,
            specific_trap: 17,
            time_stamp: 12345,
            varbinds: vbs.clone(),
        }
        .into(),
    );
    for pdu in pdus {
        for version in [netmon_snmp::Version::V1, netmon_snmp::Version::V2c] {
            let m = Message::Community(message::CommunityMessage {
                version,
                community: b"public".to_vec(),
                pdu: pdu.clone(),
            });
            let bytes = m.to_bytes();
            assert_eq!(assert_round_trip(&bytes, "built"), m);
        }
        let v3 = Message::V3(V3Message {
            msg_id: 99,
            max_size: 65507,
            flags: MsgFlags(MsgFlags::REPORTABLE),
            security_model: 3,
            security: SecurityParams::Usm(message::UsmParams {
                engine_id: hex("80001f88046e65746d6f6e74657374"),
                engine_boots: 3,
                engine_time: 1000,
                user_name: b"noAuthUser".to_vec(),
                ..Default::default()
            }),
            data: ScopedPduData::Plaintext(message::ScopedPdu {
                context_engine_id: vec![],
                context_name: vec![],
                pdu,
            }),
        });
        assert_eq!(assert_round_trip(&v3.to_bytes(), "built v3"), v3);
    }
}

#[test]
fn protect_and_unprotect_with_every_protocol_pair() {
    let engine = hex("80001f88046e65746d6f6e74657374");
    let oid: Oid = "1.3.6.1.2.1.2.2.1.10.1".parse().unwrap();
    for a in AuthProtocol::ALL {
        for p in [None].into_iter().chain(PrivProtocol::ALL.map(Some)) {
            let mut user = UsmUser::new("u").with_auth(a, b"authpass123").unwrap();
            let mut flags = MsgFlags::AUTH | MsgFlags::REPORTABLE;
            if let Some(p) = p {
                user = user.with_privacy(p, b"privpass123").unwrap();
                flags |= MsgFlags::PRIV;
            }
            let keys = user.localize(&engine);
            let msg = V3Message {
                msg_id: 1,
                max_size: 65507,
                flags: MsgFlags(flags),
                security_model: 3,
                security: SecurityParams::Usm(message::UsmParams {
                    engine_id: engine.clone(),
                    engine_boots: 5,
                    engine_time: 77,
                    user_name: b"u".to_vec(),
                    ..Default::default()
                }),
                data: ScopedPduData::Plaintext(message::ScopedPdu {
                    context_engine_id: engine.clone(),
                    context_name: vec![],
                    pdu: netmon_snmp::Pdu::new(
                        PduType::Response,
                        9,
                        vec![netmon_snmp::VarBind::new(
                            oid.clone(),
                            netmon_snmp::Value::Counter64(12345),
                        )],
                    )
                    .into(),
                }),
            };
            let mut bytes = Vec::new();
            usm::protect(&msg, &keys, 0x1122_3344_5566_7788, &mut bytes).unwrap();
            let MessageRef::V3(m) = netmon_snmp::decode(&bytes).unwrap() else {
                panic!()
            };
            assert_eq!(m.usm.unwrap().auth_params.len(), a.mac_len());
            let mut buf = Vec::new();
            let s = usm::unprotect(&bytes, &m, &keys, &mut buf)
                .unwrap_or_else(|e| panic!("{a:?}/{p:?}: {e}"));
            let ScopedPduData::Plaintext(orig) = &msg.data else {
                panic!()
            };
            assert_eq!(&s.to_owned_scoped().unwrap(), orig, "{a:?}/{p:?}");
        }
    }
}

#[test]
fn pdu_writer_writes_what_the_owned_types_write() {
    use netmon_snmp::ber::Writer;
    use netmon_snmp::pdu::PduWriter;
    use netmon_snmp::value::Opaque;
    use netmon_snmp::{Pdu, Value, VarBind};
    let long_oid: Oid = (0..40u32)
        .map(|i| if i < 2 { 1 } else { i * 1000 })
        .collect();
    let values = vec![
        Value::Integer(-129),
        Value::OctetString(b"short".to_vec()),
        Value::OctetString(vec![0x5a; 300]), // needs a long length
        Value::Null,
        Value::ObjectId("1.3.6.1.4.1.8072.3.2.10".parse().unwrap()),
        Value::IpAddress([192, 0, 2, 1]),
        Value::Counter32(u32::MAX),
        Value::Gauge32(1 << 31),
        Value::TimeTicks(0),
        Value::Opaque(Opaque::Float(2.5)),
        Value::NsapAddress(vec![0x47, 0x00]),
        Value::Counter64(u64::MAX),
        Value::NoSuchObject,
        Value::NoSuchInstance,
        Value::EndOfMibView,
    ];
    let names: Vec<Oid> = vec![
        "1.3.6.1.2.1.1.1.0".parse().unwrap(),
        "2.999.1".parse().unwrap(),
        long_oid,
    ];
    let mut varbinds = Vec::new();
    for (i, v) in values.iter().enumerate() {
        varbinds.push(VarBind::new(names[i % names.len()].clone(), v.clone()));
    }
    let owned = Message::Community(message::CommunityMessage {
        version: netmon_snmp::Version::V2c,
        community: b"public".to_vec(),
        pdu: Pdu::new(PduType::Response, 77, varbinds.clone()).into(),
    })
    .to_bytes();
    let mut w = Writer::new();
    let mut p = PduWriter::community(
        &mut w,
        netmon_snmp::Version::V2c,
        b"public",
        PduType::Response,
        77,
        0,
        0,
    );
    for vb in &varbinds {
        let bytes; // an ObjectId value borrows its BER octets
        let v = match &vb.value {
            Value::ObjectId(o) => {
                bytes = o.to_ber();
                ValueRef::ObjectId(netmon_snmp::OidRef::from_content(&bytes, 0).unwrap())
            }
            other => {
                let mut tmp = Writer::new();
                other.encode(&mut tmp);
                // decode our own TLV back into a borrowed value
                let owned_tlv = tmp.buf;
                let v = netmon_snmp::value::decode_value(&owned_tlv)
                    .unwrap()
                    .to_owned_value();
                assert_eq!(&v, other);
                match other {
                    Value::OctetString(s) => ValueRef::OctetString(s),
                    Value::NsapAddress(s) => ValueRef::NsapAddress(s),
                    Value::Opaque(o) => ValueRef::Opaque(o.as_ref()),
                    Value::Integer(i) => ValueRef::Integer(*i),
                    Value::IpAddress(a) => ValueRef::IpAddress(*a),
                    Value::Counter32(x) => ValueRef::Counter32(*x),
                    Value::Gauge32(x) => ValueRef::Gauge32(*x),
                    Value::TimeTicks(x) => ValueRef::TimeTicks(*x),
                    Value::Counter64(x) => ValueRef::Counter64(*x),
                    Value::Null => ValueRef::Null,
                    Value::NoSuchObject => ValueRef::NoSuchObject,
                    Value::NoSuchInstance => ValueRef::NoSuchInstance,
                    Value::EndOfMibView => ValueRef::EndOfMibView,
                    other => panic!("{other:?}"),
                }
            }
        };
        p.varbind(&vb.name, &v);
    }
    assert!(p.len() > 300);
    p.finish();
    assert_eq!(hex_of(&w.buf), hex_of(&owned));
    assert_round_trip(&w.buf, "PduWriter");
}

#[test]
fn unencodable_oids_are_refused_not_clamped() {
    use netmon_snmp::{Pdu, Value, VarBind};
    let good: Oid = "1.3.6.1".parse().unwrap();
    // Text refuses them already ("3.1.2".parse() is an error); arcs do not.
    assert!("3.1.2".parse::<Oid>().is_err());
    for bad in [&[3u32, 1, 2][..], &[1, 40, 1], &[0, 99]] {
        let bad = Oid::new(bad);
        for vb in [
            VarBind::null(bad.clone()),
            VarBind::new(good.clone(), Value::ObjectId(bad.clone())),
        ] {
            let m = Message::Community(message::CommunityMessage {
                version: netmon_snmp::Version::V2c,
                community: b"public".to_vec(),
                pdu: Pdu::new(PduType::GetRequest, 1, vec![vb]).into(),
            });
            assert_eq!(
                m.try_to_bytes().unwrap_err(),
                Error::UnencodableOid(bad.to_string())
            );
        }
    }
    let ok = Message::Community(message::CommunityMessage {
        version: netmon_snmp::Version::V1,
        community: b"public".to_vec(),
        pdu: Pdu::new(PduType::GetRequest, 1, vec![VarBind::null(good)]).into(),
    });
    assert_eq!(ok.try_to_bytes().unwrap(), ok.to_bytes());
}
