//! Messages as JSON objects.

use netmon::snmp::ber::OpaqueValue;
use netmon::snmp::ber::Writer;
use netmon::snmp::message::{ScopedPduRef, V3MessageRef};
use netmon::snmp::pdu::{AnyPduRef, VarBindsRef, error_status};
use netmon::snmp::value::{decode_value, is_printable};
use netmon::snmp::{DecodeError, ValueRef, VarBind};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value as J, json};

/// A JSON object that keeps its keys in the order they were inserted.
#[derive(Debug, Default)]
pub struct Obj(Vec<(&'static str, J)>);

impl Obj {
    pub fn insert(&mut self, key: &'static str, value: J) {
        self.0.push((key, value));
    }
}

impl Serialize for Obj {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Octets as text when printable, else as hex (varbinds then say
/// `"encoding": "hex"`).
fn octets(b: &[u8]) -> J {
    if is_printable(b) {
        J::String(String::from_utf8_lossy(b).into_owned())
    } else {
        J::String(hex(b))
    }
}

fn value(v: &ValueRef<'_>) -> J {
    match *v {
        ValueRef::Integer(i) => json!(i),
        ValueRef::OctetString(s) | ValueRef::NsapAddress(s) => octets(s),
        ValueRef::Null
        | ValueRef::NoSuchObject
        | ValueRef::NoSuchInstance
        | ValueRef::EndOfMibView => J::Null,
        ValueRef::ObjectId(o) => json!(format!(".{o}")),
        ValueRef::IpAddress([a, b, c, d]) => json!(format!("{a}.{b}.{c}.{d}")),
        ValueRef::Counter32(x) | ValueRef::Gauge32(x) | ValueRef::TimeTicks(x) => json!(x),
        ValueRef::Counter64(x) => json!(x),
        ValueRef::Opaque(o) => match o {
            OpaqueValue::Float(f) => json!(f),
            OpaqueValue::Double(d) => json!(d),
            OpaqueValue::Counter64(x) | OpaqueValue::U64(x) => json!(x),
            OpaqueValue::I64(x) => json!(x),
            OpaqueValue::Raw(r) => json!(format!("0x{}", hex(r))),
        },
        ValueRef::Other { value, .. } => json!(format!("0x{}", hex(value))),
    }
}

/// One varbind: `{"oid", "type", "value"}`, `"encoding": "hex"` for
/// octets that are not text, `"repaired"` for lenient fixes.
fn varbind(name: &str, v: &ValueRef<'_>, repaired: bool) -> J {
    let mut o = Obj::default();
    o.insert("oid", json!(format!(".{name}")));
    let ty = match v {
        ValueRef::Other { tag, .. } => format!("tag 0x{tag:02x}"),
        other => other.type_name().to_string(),
    };
    o.insert("type", json!(ty));
    o.insert("value", value(v));
    if let ValueRef::OctetString(s) = v
        && !is_printable(s)
    {
        // Not text: the value is the octets in hex.
        o.insert("encoding", json!("hex"));
    }
    if repaired {
        o.insert("repaired", json!(true));
    }
    serde_json::to_value(&o).expect("plain JSON")
}

/// Owned varbinds (a receiver's), printed as [`varbinds`] prints them.
pub fn owned_varbinds(list: &[VarBind]) -> J {
    J::Array(
        list.iter()
            .map(|vb| {
                let mut w = Writer::new();
                vb.value.encode(&mut w);
                match decode_value(&w.buf) {
                    Ok(v) => varbind(&vb.name.to_string(), &v, false),
                    Err(e) => json!({"oid": format!(".{}", vb.name), "error": e.to_string()}),
                }
            })
            .collect(),
    )
}

/// The varbinds; a damaged one ends the list with an error.
fn varbinds(list: &VarBindsRef<'_>, out: &mut Obj) -> Result<(), DecodeError> {
    let mut items = Vec::new();
    let mut result = Ok(());
    for vb in list {
        match vb {
            Ok(vb) => items.push(varbind(&vb.name.to_string(), &vb.value, vb.repaired)),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    out.insert("varbinds", J::Array(items));
    result
}

pub fn pdu(p: &AnyPduRef<'_>, out: &mut Obj) -> Result<(), DecodeError> {
    match p {
        AnyPduRef::Pdu(p) => {
            out.insert("pdu", json!(p.pdu_type.name()));
            out.insert("request_id", json!(p.request_id));
            if p.pdu_type == netmon::snmp::PduType::GetBulkRequest {
                out.insert("non_repeaters", json!(p.non_repeaters()));
                out.insert("max_repetitions", json!(p.max_repetitions()));
            } else {
                out.insert("error_status", json!(p.error_status));
                out.insert(
                    "error_status_name",
                    json!(error_status::name(p.error_status)),
                );
                out.insert("error_index", json!(p.error_index));
            }
            varbinds(&p.varbinds, out)
        }
        AnyPduRef::TrapV1(t) => {
            out.insert("pdu", json!("trap"));
            out.insert("enterprise", json!(format!(".{}", t.enterprise)));
            let [a, b, c, d] = t.agent_addr;
            out.insert("agent_addr", json!(format!("{a}.{b}.{c}.{d}")));
            out.insert("generic_trap", json!(t.generic_trap));
            out.insert("specific_trap", json!(t.specific_trap));
            out.insert("time_stamp", json!(t.time_stamp));
            varbinds(&t.varbinds, out)
        }
        AnyPduRef::Unknown(tlv) => {
            out.insert("pdu", json!(format!("unknown tag 0x{:02x}", tlv.tag)));
            out.insert("raw", json!(hex(tlv.value)));
            Ok(())
        }
    }
}

pub fn v3_header(m: &V3MessageRef<'_>, out: &mut Obj) {
    out.insert("msg_id", json!(m.msg_id));
    out.insert("max_size", json!(m.max_size));
    out.insert("flags", json!(m.flags.level_name()));
    out.insert("reportable", json!(m.flags.reportable()));
    out.insert("security_model", json!(m.security_model));
    if let Some(u) = &m.usm {
        out.insert("user", octets(u.user_name));
        out.insert("engine_id", json!(hex(u.engine_id)));
        out.insert("engine_boots", json!(u.engine_boots));
        out.insert("engine_time", json!(u.engine_time));
    }
}

pub fn scoped(s: &ScopedPduRef<'_>, out: &mut Obj) -> Result<(), DecodeError> {
    out.insert("context_engine_id", json!(hex(s.context_engine_id)));
    out.insert("context_name", octets(s.context_name));
    pdu(&s.pdu, out)
}
