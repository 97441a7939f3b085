//! The BER layer over real SNMP messages (`corpus/snmp/bin`, from the
//! rusticata snmp-parser test assets): every message walks to the end,
//! every OID and number decodes, and re-encoding the tree gives the same
//! bytes.

use netmon_snmp::ber::{self, Reader, Tlv, Writer, decode_i64, decode_unsigned, tag};
use netmon_snmp::oid::{Oid, OidRef};

enum Node<'a> {
    Primitive(Tlv<'a>),
    Constructed(u8, Vec<Node<'a>>),
}

fn walk<'a>(r: &mut Reader<'a>, oids: &mut Vec<Oid>) -> Result<Vec<Node<'a>>, ber::DecodeError> {
    let mut nodes = Vec::new();
    while !r.is_empty() {
        let t = r.read()?;
        if t.is_constructed() {
            let mut inner = r.enter(&t)?;
            nodes.push(Node::Constructed(t.tag, walk(&mut inner, oids)?));
            continue;
        }
        match t.tag {
            tag::INTEGER => {
                decode_i64(&t)?;
            }
            tag::COUNTER32 | tag::GAUGE32 | tag::TIMETICKS => {
                decode_unsigned(&t, 32, false)?;
            }
            tag::COUNTER64 => {
                decode_unsigned(&t, 64, false)?;
            }
            tag::OID => {
                let o = OidRef::from_tlv(&t)?;
                assert_eq!(o.to_oid().to_ber(), t.value, "OID {o} re-encodes");
                oids.push(o.to_oid());
            }
            _ => {}
        }
        nodes.push(Node::Primitive(t));
    }
    Ok(nodes)
}

fn encode(w: &mut Writer, nodes: &[Node<'_>]) {
    for n in nodes {
        match n {
            Node::Primitive(t) => w.primitive(t.tag, t.value),
            Node::Constructed(tag, children) => {
                let open = w.begin(*tag);
                encode(w, children);
                w.end(open);
            }
        }
    }
}

fn message(name: &str) -> Option<Vec<u8>> {
    let path = netmon_testkit::corpus_file(&format!("snmp/bin/{name}"))?;
    Some(std::fs::read(path).unwrap())
}

#[test]
fn every_corpus_message_walks_decodes_and_re_encodes_byte_for_byte() {
    let names = [
        "snmpv1_req.bin",
        "snmpv1_trap_coldstart.bin",
        "snmpv2c-get-response.bin",
        "snmpv3-report.bin",
        "snmpv3_req.bin",
        "snmpv3_req_encrypted.bin",
    ];
    for name in names {
        let Some(bytes) = message(name) else { return };
        let mut oids = Vec::new();
        let tree =
            walk(&mut Reader::new(&bytes), &mut oids).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut w = Writer::new();
        encode(&mut w, &tree);
        assert_eq!(w.buf, bytes, "{name} re-encodes to the same bytes");
    }
}

#[test]
fn known_contents_are_read() {
    let Some(bytes) = message("snmpv2c-get-response.bin") else {
        return;
    };
    let mut oids = Vec::new();
    walk(&mut Reader::new(&bytes), &mut oids).unwrap();
    // sysUpTime-style TimeTicks under hrSystemUptime, and the first OIDs.
    assert_eq!(oids[0].to_string(), "1.3.6.1.2.1.25.1.1.0");
    assert_eq!(oids[1].to_string(), "1.3.6.1.2.1.25.1.5.0");

    let mut r = Reader::new(&bytes);
    let msg = r.expect(tag::SEQUENCE).unwrap();
    let mut m = r.enter(&msg).unwrap();
    assert_eq!(
        decode_i64(&m.expect(tag::INTEGER).unwrap()).unwrap(),
        1,
        "v2c"
    );
    assert_eq!(m.expect(tag::OCTET_STRING).unwrap().value, b"public");
    let pdu = m.expect(0xa2).unwrap();
    m.finish().unwrap();
    let mut p = m.enter(&pdu).unwrap();
    assert_eq!(
        decode_i64(&p.expect(tag::INTEGER).unwrap()).unwrap(),
        0x05c9_610e
    );
    let _status = p.expect(tag::INTEGER).unwrap();
    let _index = p.expect(tag::INTEGER).unwrap();
    let list = p.expect(tag::SEQUENCE).unwrap();
    let mut l = p.enter(&list).unwrap();
    let vb = l.expect(tag::SEQUENCE).unwrap();
    let mut v = l.enter(&vb).unwrap();
    v.expect(tag::OID).unwrap();
    let ticks = v.expect(tag::TIMETICKS).unwrap();
    assert_eq!(
        decode_unsigned(&ticks, 32, false).unwrap(),
        (0x0e_cd55, false)
    );
}

#[test]
fn usm_parameters_nest_inside_an_octet_string() {
    // msgSecurityParameters is an OCTET STRING holding its own BER.
    let Some(bytes) = message("snmpv3_req_encrypted.bin") else {
        return;
    };
    let mut r = Reader::new(&bytes);
    let msg = r.expect(tag::SEQUENCE).unwrap();
    let mut m = r.enter(&msg).unwrap();
    assert_eq!(decode_i64(&m.expect(tag::INTEGER).unwrap()).unwrap(), 3);
    m.expect(tag::SEQUENCE).unwrap(); // msgGlobalData
    let sec = m.expect(tag::OCTET_STRING).unwrap();
    let mut s = Reader::new(sec.value);
    let usm = s.expect(tag::SEQUENCE).unwrap();
    let mut u = s.enter(&usm).unwrap();
    let engine = u.expect(tag::OCTET_STRING).unwrap();
    assert_eq!(engine.value.len(), 13);
    assert_eq!(
        decode_i64(&u.expect(tag::INTEGER).unwrap()).unwrap(),
        8,
        "engine boots"
    );
    u.expect(tag::INTEGER).unwrap(); // engine time
    assert_eq!(u.expect(tag::OCTET_STRING).unwrap().value, b"pippo");
    assert_eq!(
        u.expect(tag::OCTET_STRING).unwrap().value.len(),
        12,
        "HMAC-MD5-96"
    );
    assert_eq!(
        u.expect(tag::OCTET_STRING).unwrap().value.len(),
        8,
        "DES salt"
    );
    u.finish().unwrap();
    // The scoped PDU is encrypted: an OCTET STRING, not a SEQUENCE.
    let encrypted = m.expect(tag::OCTET_STRING).unwrap();
    assert_eq!(encrypted.value.len() % 8, 0, "DES blocks");
    m.finish().unwrap();
}

#[test]
fn every_truncation_of_a_real_message_is_a_positioned_error() {
    let Some(bytes) = message("snmpv2c-get-response.bin") else {
        return;
    };
    for cut in 0..bytes.len() {
        let mut oids = Vec::new();
        let e = walk(&mut Reader::new(&bytes[..cut]), &mut oids);
        match e {
            Err(e) => assert!(e.offset <= cut, "cut {cut}: {e}"),
            Ok(_) => assert_eq!(cut, 0, "only the empty input walks clean"),
        }
    }
}
