//! The walk state machine: replayed against the real walk of zeek's
//! snmpwalk-short.pcap (our walk must ask for exactly what snmpwalk asked
//! for, response after response), and against built responses for each
//! way a walk can end.

mod support;

use netmon_snmp::engine::walk::{Walk, WalkEnd, WalkMode};
use netmon_snmp::pdu::PduRef;
use netmon_snmp::{AnyPduRef, Message, MessageRef, Oid, Pdu, PduType, Value, VarBind, Version};

fn pdu_of(bytes: &[u8]) -> PduRef<'_> {
    match netmon_snmp::decode(bytes).unwrap() {
        MessageRef::Community(c) => match c.pdu {
            AnyPduRef::Pdu(p) => p,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn replays_snmpwalk_short_request_for_request() {
    let Some(path) = netmon_testkit::corpus_file("snmp/pcap/snmpwalk-short.pcap") else {
        return;
    };
    let msgs = support::messages(&path);
    let requests: Vec<_> = msgs.iter().filter(|m| m.dst_port == 161).collect();
    let responses: Vec<_> = msgs.iter().filter(|m| m.src_port == 161).collect();
    assert_eq!(requests.len(), 200);
    let first = pdu_of(&requests[0].bytes);
    assert_eq!(first.pdu_type, PduType::GetNextRequest);
    let root = first.varbinds.iter().next().unwrap().unwrap().name.to_oid();
    let mut walk = Walk::new(root, WalkMode::GetNext, Version::V2c);
    let mut got = Vec::new();
    for (req, resp) in requests.iter().zip(&responses) {
        let want = pdu_of(&req.bytes);
        let asked = want.varbinds.iter().next().unwrap().unwrap().name.to_oid();
        let next = walk
            .next_request()
            .expect("the walk goes on while snmpwalk does");
        assert_eq!(next.pdu_type, PduType::GetNextRequest);
        assert_eq!(next.after, asked, "request {}", got.len());
        got.extend(walk.on_response(&pdu_of(&resp.bytes)).unwrap());
    }
    eprintln!(
        "{} varbinds, end: {:?}, last {:?}, next {:?}",
        got.len(),
        walk.end(),
        got.last().map(|v| v.name.to_string()),
        walk.next_request()
    );
    // The capture stops in the middle of the walk (inside
    // ipCidrRouteTable): every response was in the subtree and increasing,
    // so the walk has not ended and would ask after the last OID received.
    assert_eq!(walk.end(), None);
    assert_eq!(got.len(), 200);
    assert_eq!(walk.next_request().unwrap().after, got.last().unwrap().name);
    assert_eq!(got.len(), walk.received());
}

fn response(request_id: i32, status: i32, index: i32, vbs: Vec<VarBind>) -> Vec<u8> {
    Message::Community(netmon_snmp::message::CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: Pdu {
            pdu_type: PduType::Response,
            request_id,
            error_status: status,
            error_index: index,
            varbinds: vbs,
        }
        .into(),
    })
    .to_bytes()
}

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn vb(s: &str, v: i64) -> VarBind {
    VarBind::new(oid(s), Value::Integer(v))
}

#[test]
fn every_end_is_stated_and_keeps_what_came_before() {
    let root = oid("1.3.6.1.2.1.2");
    // Left the subtree in the middle of a bulk response.
    let mut w = Walk::new(
        root.clone(),
        WalkMode::GetBulk {
            max_repetitions: 10,
        },
        Version::V2c,
    );
    let r = response(
        1,
        0,
        0,
        vec![vb("1.3.6.1.2.1.2.1.0", 3), vb("1.3.6.1.2.1.3.1", 4)],
    );
    let got = w.on_response(&pdu_of(&r)).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(w.end(), Some(&WalkEnd::LeftSubtree));
    assert!(w.next_request().is_none());

    // endOfMibView.
    let mut w = Walk::new(
        root.clone(),
        WalkMode::GetBulk {
            max_repetitions: 10,
        },
        Version::V2c,
    );
    let r = response(
        1,
        0,
        0,
        vec![
            vb("1.3.6.1.2.1.2.1.0", 3),
            VarBind::new(oid("1.3.6.1.2.1.2.1.0"), Value::EndOfMibView),
        ],
    );
    assert_eq!(w.on_response(&pdu_of(&r)).unwrap().len(), 1);
    assert_eq!(w.end(), Some(&WalkEnd::EndOfMibView));

    // A looping agent: the same OID again.
    let mut w = Walk::new(root.clone(), WalkMode::GetNext, Version::V2c);
    w.on_response(&pdu_of(&response(
        1,
        0,
        0,
        vec![vb("1.3.6.1.2.1.2.2.1.1.1", 1)],
    )))
    .unwrap();
    assert_eq!(
        w.next_request().unwrap().after,
        oid("1.3.6.1.2.1.2.2.1.1.1")
    );
    w.on_response(&pdu_of(&response(
        2,
        0,
        0,
        vec![vb("1.3.6.1.2.1.2.2.1.1.1", 1)],
    )))
    .unwrap();
    assert_eq!(
        w.end(),
        Some(&WalkEnd::NonIncreasing {
            previous: oid("1.3.6.1.2.1.2.2.1.1.1"),
            received: oid("1.3.6.1.2.1.2.2.1.1.1"),
        })
    );
    assert_eq!(w.received(), 1);

    // tooBig and genErr halve max-repetitions and go on; at 1, they end it.
    let mut w = Walk::new(
        root.clone(),
        WalkMode::GetBulk { max_repetitions: 4 },
        Version::V2c,
    );
    let too_big = response(1, 1, 0, vec![]);
    w.on_response(&pdu_of(&too_big)).unwrap();
    assert_eq!(w.next_request().unwrap().max_repetitions, 2);
    w.on_response(&pdu_of(&response(1, 5, 1, vec![]))).unwrap();
    assert_eq!(w.max_repetitions(), 1);
    w.on_response(&pdu_of(&too_big)).unwrap();
    assert_eq!(
        w.end(),
        Some(&WalkEnd::ErrorStatus {
            status: 1,
            index: 0
        })
    );

    // Timeouts: GetBulk shrinks first; then the walk ends with Timeout.
    let mut w = Walk::new(
        root.clone(),
        WalkMode::GetBulk { max_repetitions: 2 },
        Version::V2c,
    );
    w.on_timeout();
    assert_eq!(w.max_repetitions(), 1);
    assert!(w.end().is_none());
    w.on_timeout();
    assert_eq!(w.end(), Some(&WalkEnd::Timeout));

    // SNMPv1: GetNext only, noSuchName is the end of the MIB.
    let mut w = Walk::new(
        root.clone(),
        WalkMode::GetBulk { max_repetitions: 9 },
        Version::V1,
    );
    assert_eq!(w.next_request().unwrap().pdu_type, PduType::GetNextRequest);
    w.on_response(&pdu_of(&response(1, 2, 1, vec![vb("1.3.6.1.2.1.2", 0)])))
        .unwrap();
    assert_eq!(w.end(), Some(&WalkEnd::EndOfMibView));

    // Another error status ends the walk with it; an empty response too.
    let mut w = Walk::new(root.clone(), WalkMode::GetNext, Version::V2c);
    w.on_response(&pdu_of(&response(1, 16, 1, vec![]))).unwrap();
    assert_eq!(
        w.end(),
        Some(&WalkEnd::ErrorStatus {
            status: 16,
            index: 1
        })
    );
    let mut w = Walk::new(root, WalkMode::GetNext, Version::V2c);
    w.on_response(&pdu_of(&response(1, 0, 0, vec![]))).unwrap();
    assert!(matches!(w.end(), Some(WalkEnd::BadResponse(_))));
}

/// net-snmp's snmpbulkwalk (v3, SHA-256/AES-256, max-repetitions 10) in
/// the team's capture: decrypted, our GetBulk walk asks for the same OIDs
/// with the same max-repetitions, and ends where snmpbulkwalk stopped.
#[test]
fn replays_the_v3_snmpbulkwalk_of_the_netsnmp_capture() {
    use netmon_snmp::message::ScopedPduRef;
    use netmon_snmp::usm::{self, AuthProtocol, PrivProtocol, UsmUser};
    let Some(path) = netmon_testkit::corpus_file("snmp/pcap/netsnmp-5.9.3-loopback.pcap") else {
        return;
    };
    let user = UsmUser::new("sha256Aes256")
        .with_auth(AuthProtocol::Sha256, b"authpass123")
        .unwrap()
        .with_privacy(PrivProtocol::Aes256, b"privpass123")
        .unwrap();
    // (is a GetBulk request, the decrypted ScopedPDU octets), in order.
    let mut exchange = Vec::new();
    for m in support::messages(&path) {
        let MessageRef::V3(v) = netmon_snmp::decode(&m.bytes).unwrap() else {
            continue;
        };
        let u = v.usm.unwrap();
        if u.user_name != b"sha256Aes256" || !v.flags.privacy() {
            continue;
        }
        let keys = user.localize(u.engine_id);
        let mut buf = Vec::new();
        let s = usm::unprotect(&m.bytes, &v, &keys, &mut buf).unwrap();
        let AnyPduRef::Pdu(p) = &s.pdu else { continue };
        let is_bulk = p.pdu_type == PduType::GetBulkRequest;
        if is_bulk || (p.pdu_type == PduType::Response && !exchange.is_empty()) {
            exchange.push((is_bulk, buf.clone()));
        }
    }
    let mut walk: Option<Walk> = None;
    let mut rounds = 0;
    for (is_request, plain) in &exchange {
        let s = ScopedPduRef::decode_plaintext(plain, Default::default()).unwrap();
        let AnyPduRef::Pdu(p) = &s.pdu else { panic!() };
        let first = p.varbinds.iter().next().unwrap().unwrap().name.to_oid();
        if *is_request {
            let w = walk.get_or_insert_with(|| {
                Walk::new(
                    first.clone(),
                    WalkMode::GetBulk {
                        max_repetitions: p.max_repetitions(),
                    },
                    Version::V3,
                )
            });
            let next = w.next_request().expect("snmpbulkwalk asked again");
            assert_eq!(next.pdu_type, PduType::GetBulkRequest);
            assert_eq!(next.after, first, "round {rounds}");
            assert_eq!(next.max_repetitions, p.max_repetitions());
            rounds += 1;
        } else if let Some(w) = walk.as_mut() {
            w.on_response(p).unwrap();
        }
    }
    let w = walk.expect("a bulk walk in the capture");
    assert_eq!(rounds, 4);
    assert_eq!(
        w.end(),
        Some(&WalkEnd::LeftSubtree),
        "ended where snmpbulkwalk stopped"
    );
    eprintln!(
        "{rounds} GetBulk rounds, {} varbinds, end {:?}",
        w.received(),
        w.end()
    );
}
