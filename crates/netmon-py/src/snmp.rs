//! `netmon.snmp`: messages decoded (v3 authenticated and decrypted with
//! the users given), the tokio client driven from Python (blocking with
//! the GIL released, or resolving asyncio futures from the runtime's
//! thread), the simulated agent and the trap receiver on that runtime.
//!
//! Varbinds cross as `(oid, value, type)` tuples: the OID dotted, the
//! value as the natural Python object, the type as SNMP names it.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};

use netmon_snmp::agent::mib::Mib;
use netmon_snmp::agent::sim::Device;
use netmon_snmp::agent::{Access, Agent};
use netmon_snmp::client::Client;
use netmon_snmp::engine::client::Security;
use netmon_snmp::engine::retry::RetryPolicy;
use netmon_snmp::engine::table::Rows;
use netmon_snmp::engine::walk::{WalkEnd, WalkMode};
use netmon_snmp::message::{DecodeOptions, ScopedPduDataRef};
use netmon_snmp::notify::{Notification, NotificationKind, Receiver};
use netmon_snmp::pdu::{AnyPdu, AnyPduRef, TrapV1, error_status};
use netmon_snmp::usm::{self, AuthProtocol, KeyCache, PrivProtocol, UsmUser};
use netmon_snmp::value::Opaque;
use netmon_snmp::{Error as SnmpErr, MessageRef, Oid, Pdu, PduType, Value, VarBind, Version};

use crate::{DecodeError, SnmpError, timeout_err};

/// The runtime the clients, agents and receivers run on: one worker
/// thread, shared by everything the module starts.
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("netmon-snmp")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| PyRuntimeError::new_err(format!("tokio runtime: {e}")))
}

// ---------------------------------------------------------------- values

fn type_name(v: &Value) -> String {
    match v {
        Value::Integer(_) => "INTEGER".into(),
        Value::OctetString(_) => "OCTET STRING".into(),
        Value::Null => "NULL".into(),
        Value::ObjectId(_) => "OBJECT IDENTIFIER".into(),
        Value::IpAddress(_) => "IpAddress".into(),
        Value::Counter32(_) => "Counter32".into(),
        Value::Gauge32(_) => "Gauge32".into(),
        Value::TimeTicks(_) => "TimeTicks".into(),
        Value::Opaque(_) => "Opaque".into(),
        Value::NsapAddress(_) => "NsapAddress".into(),
        Value::Counter64(_) => "Counter64".into(),
        Value::NoSuchObject => "noSuchObject".into(),
        Value::NoSuchInstance => "noSuchInstance".into(),
        Value::EndOfMibView => "endOfMibView".into(),
        Value::Other { tag, .. } => format!("tag 0x{tag:02x}"),
    }
}

fn value_object<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Integer(i) => i.into_pyobject(py)?.into_any(),
        Value::OctetString(s) | Value::NsapAddress(s) | Value::Other { value: s, .. } => {
            PyBytes::new(py, s).into_any()
        }
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            py.None().into_bound(py)
        }
        Value::ObjectId(o) => o.to_string().into_pyobject(py)?.into_any(),
        Value::IpAddress(a) => std::net::Ipv4Addr::from(*a)
            .to_string()
            .into_pyobject(py)?
            .into_any(),
        Value::Counter32(x) | Value::Gauge32(x) | Value::TimeTicks(x) => {
            x.into_pyobject(py)?.into_any()
        }
        Value::Counter64(x) => x.into_pyobject(py)?.into_any(),
        Value::Opaque(o) => match o {
            Opaque::Float(f) => f64::from(*f).into_pyobject(py)?.into_any(),
            Opaque::Double(f) => f.into_pyobject(py)?.into_any(),
            Opaque::Counter64(x) | Opaque::U64(x) => x.into_pyobject(py)?.into_any(),
            Opaque::I64(x) => x.into_pyobject(py)?.into_any(),
            Opaque::Raw(b) => PyBytes::new(py, b).into_any(),
        },
    })
}

fn varbind_tuple<'py>(py: Python<'py>, vb: &VarBind) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(
        py,
        [
            vb.name.to_string().into_pyobject(py)?.into_any(),
            value_object(py, &vb.value)?,
            type_name(&vb.value).into_pyobject(py)?.into_any(),
        ],
    )
}

fn varbind_list<'py>(py: Python<'py>, vbs: &[VarBind]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for vb in vbs {
        list.append(varbind_tuple(py, vb)?)?;
    }
    Ok(list)
}

fn oid(text: &str) -> PyResult<Oid> {
    text.trim_start_matches('.')
        .parse::<Oid>()
        .map_err(|e| PyValueError::new_err(format!("{text:?} is not an OID: {e}")))
}

fn oids(texts: &[String]) -> PyResult<Vec<Oid>> {
    texts.iter().map(|t| oid(t)).collect()
}

/// A Python value of a named SNMP type (net-snmp's one-letter codes too).
fn value_from(kind: &str, v: &Bound<'_, PyAny>) -> PyResult<Value> {
    let text_or_bytes = |v: &Bound<'_, PyAny>| -> PyResult<Vec<u8>> {
        if let Ok(s) = v.extract::<String>() {
            Ok(s.into_bytes())
        } else {
            v.extract::<Vec<u8>>()
        }
    };
    Ok(match kind {
        "INTEGER" | "Integer32" | "i" => Value::Integer(v.extract()?),
        "OCTET STRING" | "OctetString" | "s" => Value::OctetString(text_or_bytes(v)?),
        "x" => {
            let s: String = v.extract()?;
            let digits: Vec<u32> = s
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ':')
                .map(|c| c.to_digit(16))
                .collect::<Option<_>>()
                .ok_or_else(|| PyValueError::new_err(format!("{s:?}: not hex")))?;
            if !digits.len().is_multiple_of(2) {
                return Err(PyValueError::new_err(format!(
                    "{s:?}: odd number of hex digits"
                )));
            }
            let out: Vec<u8> = digits.chunks(2).map(|p| (p[0] * 16 + p[1]) as u8).collect();
            Value::OctetString(out)
        }
        "OBJECT IDENTIFIER" | "ObjectIdentifier" | "o" => {
            Value::ObjectId(oid(&v.extract::<String>()?)?)
        }
        "IpAddress" | "a" => {
            let s: String = v.str()?.extract()?;
            let a: std::net::Ipv4Addr = s
                .parse()
                .map_err(|_| PyValueError::new_err(format!("{s:?} is not an IPv4 address")))?;
            Value::IpAddress(a.octets())
        }
        "Counter32" | "c" => Value::Counter32(v.extract()?),
        "Gauge32" | "Unsigned32" | "u" => Value::Gauge32(v.extract()?),
        "TimeTicks" | "t" => Value::TimeTicks(v.extract()?),
        "Counter64" | "C" => Value::Counter64(v.extract()?),
        "NULL" | "Null" | "n" => Value::Null,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown SNMP type {other:?} (INTEGER, OCTET STRING, x, OBJECT IDENTIFIER, IpAddress, Counter32, Gauge32, TimeTicks, Counter64, NULL)"
            )));
        }
    })
}

/// `(oid, value[, type])` items as varbinds; without a type, int is
/// INTEGER and str or bytes OCTET STRING.
fn varbinds_from(items: &Bound<'_, PyList>) -> PyResult<Vec<VarBind>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        let t = item.cast::<PyTuple>()?;
        let name = oid(&t.get_item(0)?.extract::<String>()?)?;
        let value = t.get_item(1)?;
        let kind: Option<String> = if t.len() > 2 {
            t.get_item(2)?.extract()?
        } else {
            None
        };
        let kind = match kind {
            Some(k) => k,
            None if value.is_instance_of::<pyo3::types::PyBool>() => {
                return Err(PyValueError::new_err(
                    "a bool has no SNMP type: give (oid, value, type)",
                ));
            }
            None if value.extract::<i64>().is_ok() => "INTEGER".into(),
            None if value.extract::<String>().is_ok() || value.extract::<Vec<u8>>().is_ok() => {
                "OCTET STRING".into()
            }
            None => {
                return Err(PyValueError::new_err(format!(
                    "no SNMP type for {}: give (oid, value, type)",
                    value.repr()?
                )));
            }
        };
        out.push(VarBind::new(name, value_from(&kind, &value)?));
    }
    Ok(out)
}

// ---------------------------------------------------------------- users

/// `(name, auth, auth_password, priv, priv_password)`, protocols by name
/// (`SHA-256`, `AES`), None for none.
pub(crate) type UserSpec = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn usm_user(spec: &UserSpec) -> PyResult<UsmUser> {
    let (name, auth, auth_pw, privacy, priv_pw) = spec;
    let mut user = UsmUser::new(name.as_bytes().to_vec());
    if let Some(a) = auth {
        let proto = AuthProtocol::from_name(a).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown authentication protocol {a:?} (MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512)"
            ))
        })?;
        let pw = auth_pw.as_deref().ok_or_else(|| {
            PyValueError::new_err(format!("user {name:?}: auth_password is needed"))
        })?;
        user = user
            .with_auth(proto, pw.as_bytes())
            .map_err(|e| PyValueError::new_err(format!("user {name:?}: {e}")))?;
    }
    if let Some(p) = privacy {
        let proto = PrivProtocol::from_name(p).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown privacy protocol {p:?} (DES, AES, AES-192, AES-256, AES-192-C, AES-256-C)"
            ))
        })?;
        if auth.is_none() {
            return Err(PyValueError::new_err(format!(
                "user {name:?}: privacy needs authentication"
            )));
        }
        let pw = priv_pw.as_deref().ok_or_else(|| {
            PyValueError::new_err(format!("user {name:?}: priv_password is needed"))
        })?;
        user = user
            .with_privacy(proto, pw.as_bytes())
            .map_err(|e| PyValueError::new_err(format!("user {name:?}: {e}")))?;
    }
    Ok(user)
}

// ---------------------------------------------------------------- decode

fn decode_err(e: &netmon_snmp::DecodeError) -> PyErr {
    let err = DecodeError::new_err(e.to_string());
    Python::attach(|py| {
        let _ = err.value(py).setattr("offset", e.offset);
    });
    err
}

/// A v1 Trap-PDU's own fields (enterprise, agent address, trap numbers).
fn trap_v1_fields(d: &Bound<'_, PyDict>, t: &TrapV1) -> PyResult<()> {
    d.set_item("enterprise", t.enterprise.to_string())?;
    d.set_item(
        "agent_addr",
        std::net::Ipv4Addr::from(t.agent_addr).to_string(),
    )?;
    d.set_item("generic_trap", t.generic_trap)?;
    d.set_item("specific_trap", t.specific_trap)
}

fn pdu_dict<'py>(py: Python<'py>, d: &Bound<'py, PyDict>, pdu: &AnyPduRef<'_>) -> PyResult<()> {
    match pdu.to_owned_pdu().map_err(|e| decode_err(&e))? {
        AnyPdu::Pdu(p) => {
            d.set_item("pdu_type", p.pdu_type.name())?;
            d.set_item("request_id", p.request_id)?;
            if p.pdu_type == PduType::GetBulkRequest {
                d.set_item("non_repeaters", p.error_status)?;
                d.set_item("max_repetitions", p.error_index)?;
            } else {
                d.set_item("error_status", p.error_status)?;
                d.set_item("error_index", p.error_index)?;
            }
            d.set_item("varbinds", varbind_list(py, &p.varbinds)?)?;
        }
        AnyPdu::TrapV1(t) => {
            d.set_item("pdu_type", "trap")?;
            trap_v1_fields(d, &t)?;
            d.set_item("time_stamp", t.time_stamp)?;
            d.set_item("varbinds", varbind_list(py, &t.varbinds)?)?;
        }
        AnyPdu::Unknown { tag, .. } => {
            d.set_item("pdu_type", format!("tag 0x{tag:02x}"))?;
        }
    }
    Ok(())
}

/// Decodes one SNMP message into a dict. v3 messages of the users given
/// are verified and decrypted; others keep their ScopedPDU encrypted
/// (`encrypted`: its length).
#[pyfunction]
#[pyo3(signature = (data, users=None, lenient=false))]
pub(crate) fn snmp_decode<'py>(
    py: Python<'py>,
    data: &[u8],
    users: Option<Vec<UserSpec>>,
    lenient: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let m =
        netmon_snmp::decode_with(data, DecodeOptions { lenient }).map_err(|e| decode_err(&e))?;
    let d = PyDict::new(py);
    match &m {
        MessageRef::Community(c) => {
            d.set_item("version", c.version.name())?;
            d.set_item("community", PyBytes::new(py, c.community))?;
            pdu_dict(py, &d, &c.pdu)?;
        }
        MessageRef::V3(v) => {
            d.set_item("version", "3")?;
            d.set_item("msg_id", v.msg_id)?;
            d.set_item("max_size", v.max_size)?;
            d.set_item("flags", v.flags.0)?;
            d.set_item("security_model", v.security_model)?;
            let level = match (v.flags.auth(), v.flags.privacy()) {
                (true, true) => "authPriv",
                (true, false) => "authNoPriv",
                _ => "noAuthNoPriv",
            };
            d.set_item("security_level", level)?;
            let Some(u) = &v.usm else {
                d.set_item("encrypted", None::<usize>)?;
                return Ok(d);
            };
            d.set_item("engine_id", PyBytes::new(py, u.engine_id))?;
            d.set_item("engine_boots", u.engine_boots)?;
            d.set_item("engine_time", u.engine_time)?;
            d.set_item("user", PyBytes::new(py, u.user_name))?;
            let mut cache = KeyCache::new(16);
            for spec in users.unwrap_or_default() {
                cache.add_user(usm_user(&spec)?);
            }
            let keys = if v.flags.auth() || v.flags.privacy() {
                cache.keys(u.user_name, u.engine_id)
            } else {
                None
            };
            let mut buf = Vec::new();
            let scoped = match (&v.data, keys) {
                (ScopedPduDataRef::Plaintext(s), None) => {
                    d.set_item(
                        "authenticated",
                        if v.flags.auth() { None } else { Some(false) },
                    )?;
                    Some(s.clone())
                }
                (ScopedPduDataRef::Encrypted(c), None) => {
                    d.set_item("encrypted", c.len())?;
                    None
                }
                (_, Some(keys)) => match usm::unprotect(data, v, &keys, &mut buf) {
                    Ok(s) => {
                        d.set_item("authenticated", v.flags.auth())?;
                        d.set_item("decrypted", v.flags.privacy())?;
                        Some(s)
                    }
                    Err(e) => return Err(SnmpError::new_err(e.to_string())),
                },
            };
            if let Some(s) = scoped {
                d.set_item("context_engine_id", PyBytes::new(py, s.context_engine_id))?;
                d.set_item("context_name", PyBytes::new(py, s.context_name))?;
                pdu_dict(py, &d, &s.pdu)?;
            }
        }
        MessageRef::Unknown { version, .. } => {
            return Err(DecodeError::new_err(format!(
                "SNMP version number {version} is not known"
            )));
        }
    }
    Ok(d)
}

// ---------------------------------------------------------------- client

enum Op {
    Get(Vec<Oid>),
    GetNext(Vec<Oid>),
    GetBulk(i32, i32, Vec<Oid>),
    Set(Vec<VarBind>),
    Walk(Oid),
    BulkWalk(Oid, i32),
    Table(Oid, Vec<u32>, i32),
}

enum Outcome {
    Pdu(Pdu),
    /// A walk's varbinds, already Python tuples (converted batch by batch
    /// while the next request was out), and the first conversion error.
    Walk(Py<PyList>, WalkEnd, Option<PyErr>),
    Table(Rows, WalkEnd),
    Failed(SnmpErr),
}

async fn perform(client: &tokio::sync::Mutex<Client>, op: Op) -> Outcome {
    let mut c = client.lock().await;
    let pdu = match op {
        Op::Get(o) => c.get(&o).await,
        Op::GetNext(o) => c.get_next(&o).await,
        Op::GetBulk(nr, mr, o) => c.get_bulk(nr, mr, &o).await,
        Op::Set(v) => c.set(v).await,
        Op::Walk(root) => return walk_to_list(&mut c, root, WalkMode::GetNext).await,
        Op::BulkWalk(root, mr) => {
            let mode = WalkMode::GetBulk {
                max_repetitions: mr,
            };
            return walk_to_list(&mut c, root, mode).await;
        }
        Op::Table(entry, cols, mr) => {
            let (rows, end) = c.table(entry, &cols, mr).await;
            return Outcome::Table(rows, end);
        }
    };
    match pdu {
        Ok(p) => Outcome::Pdu(p),
        Err(e) => Outcome::Failed(e),
    }
}

/// A walk whose varbinds become Python tuples one answer at a time, each
/// answer's while the next request is out (the GIL taken per batch): the
/// conversion overlaps the agent's work instead of following the walk.
async fn walk_to_list(c: &mut Client, root: Oid, mode: WalkMode) -> Outcome {
    let list = Python::attach(|py| PyList::empty(py).unbind());
    let mut failed: Option<PyErr> = None;
    let (_, end) = c
        .walk_batches(root, mode, |batch| {
            Python::attach(|py| {
                let list = list.bind(py);
                for vb in &batch {
                    if let Err(e) = varbind_tuple(py, vb).and_then(|t| list.append(t)) {
                        failed.get_or_insert(e);
                    }
                }
            })
        })
        .await;
    Outcome::Walk(list, end, failed)
}

fn snmp_err(py: Python<'_>, e: &SnmpErr) -> PyErr {
    match e {
        SnmpErr::Timeout => timeout_err(e.to_string()),
        SnmpErr::Io(text) => PyOSError::new_err(text.clone()),
        SnmpErr::Decode(d) => {
            let err = DecodeError::new_err(e.to_string());
            let _ = err.value(py).setattr("offset", d.offset);
            err
        }
        _ => SnmpError::new_err(e.to_string()),
    }
}

/// The agent's error-status as `netmon.SnmpError` with `status` (its
/// name), `status_code`, `index` and the `oid` it points at.
fn status_err(py: Python<'_>, status: i32, index: i32, varbinds: &[VarBind]) -> PyErr {
    let name = error_status::name(status);
    let at = usize::try_from(index)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| varbinds.get(i))
        .map(|vb| vb.name.to_string());
    let text = match &at {
        Some(o) => format!("the agent answered {name} (error-index {index}: {o})"),
        None => format!("the agent answered {name} (error-index {index})"),
    };
    let err = SnmpError::new_err(text);
    let v = err.value(py);
    let _ = v.setattr("status", name);
    let _ = v.setattr("status_code", status);
    let _ = v.setattr("index", index);
    let _ = v.setattr("oid", at);
    err
}

fn walk_end_err(py: Python<'_>, end: &WalkEnd) -> Option<PyErr> {
    match end {
        WalkEnd::EndOfMibView | WalkEnd::LeftSubtree => None,
        WalkEnd::ErrorStatus { status, index } => Some(status_err(py, *status, *index, &[])),
        WalkEnd::NonIncreasing { previous, received } => Some(SnmpError::new_err(format!(
            "the agent returned {received} after {previous}: OIDs not increasing, walk stopped"
        ))),
        WalkEnd::Timeout => Some(timeout_err("no answer (timeout after the retries)")),
        WalkEnd::BadResponse(what) => Some(SnmpError::new_err(format!("bad response: {what}"))),
        WalkEnd::Failed(e) => Some(snmp_err(py, e)),
        #[allow(unreachable_patterns)]
        _ => Some(SnmpError::new_err(format!("walk ended: {end:?}"))),
    }
}

/// The Python result of an outcome; walks that end early raise with the
/// varbinds received so far in `partial`.
fn outcome_result(py: Python<'_>, o: Outcome) -> PyResult<Py<PyAny>> {
    match o {
        Outcome::Pdu(p) => {
            if p.error_status != 0 {
                return Err(status_err(py, p.error_status, p.error_index, &p.varbinds));
            }
            Ok(varbind_list(py, &p.varbinds)?.into_any().unbind())
        }
        Outcome::Walk(list, end, failed) => {
            if let Some(e) = failed {
                return Err(e);
            }
            let list = list.into_bound(py);
            match walk_end_err(py, &end) {
                None => Ok(list.into_any().unbind()),
                Some(e) => {
                    let _ = e.value(py).setattr("partial", list);
                    Err(e)
                }
            }
        }
        Outcome::Table(rows, end) => {
            let list = PyList::empty(py);
            for (index, cells) in &rows {
                let values = PyList::empty(py);
                for c in cells {
                    match c {
                        Some(v) => values.append((value_object(py, v)?, type_name(v)))?,
                        None => values.append(py.None())?,
                    }
                }
                list.append((index.to_string(), values))?;
            }
            match walk_end_err(py, &end) {
                None => Ok(list.into_any().unbind()),
                Some(e) => {
                    let _ = e.value(py).setattr("partial", list);
                    Err(e)
                }
            }
        }
        Outcome::Failed(e) => Err(snmp_err(py, &e)),
    }
}

fn resolve(host: &str, port: u16) -> PyResult<SocketAddr> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (host, port)
        .to_socket_addrs()
        .map_err(|e| PyOSError::new_err(format!("{host}: {e}")))?
        .next()
        .ok_or_else(|| PyOSError::new_err(format!("{host}: no address")))
}

/// A connection to one agent; the Python `Client` and `AsyncClient`
/// wrap it.
#[pyclass(module = "netmon._netmon", frozen)]
pub(crate) struct SnmpClient {
    inner: Arc<tokio::sync::Mutex<Client>>,
    target: SocketAddr,
    /// For a blocking client: its own single-threaded runtime, driven by
    /// the calling thread (no hand-over to the I/O thread per answer).
    own: Option<tokio::runtime::Runtime>,
}

#[pymethods]
impl SnmpClient {
    #[new]
    #[pyo3(signature = (host, port=161, version="2c", community="public", user=None, timeout=1.0, retries=5, transport="udp", blocking=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        host: &str,
        port: u16,
        version: &str,
        community: &str,
        user: Option<UserSpec>,
        timeout: f64,
        retries: u32,
        transport: &str,
        blocking: bool,
    ) -> PyResult<Self> {
        let version = match version {
            "1" | "v1" => Version::V1,
            "2c" | "v2c" | "2" => Version::V2c,
            "3" | "v3" => Version::V3,
            other => {
                return Err(PyValueError::new_err(format!(
                    "version {other:?}: 1, 2c or 3"
                )));
            }
        };
        let security = match (version, &user) {
            (Version::V3, Some(spec)) => Security::Usm(usm_user(spec)?),
            (Version::V3, None) => {
                return Err(PyValueError::new_err("SNMPv3 needs a user"));
            }
            _ => Security::Community(community.as_bytes().to_vec()),
        };
        if !timeout.is_finite() || timeout <= 0.0 {
            return Err(PyValueError::new_err(
                "timeout must be a positive number of seconds",
            ));
        }
        let policy = RetryPolicy {
            timeout: Duration::from_secs_f64(timeout),
            retries,
            ..RetryPolicy::default()
        };
        let target = resolve(host, port)?;
        let own = if blocking {
            Some(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| PyRuntimeError::new_err(format!("tokio runtime: {e}")))?,
            )
        } else {
            None
        };
        let rt = match &own {
            Some(rt) => rt,
            None => runtime()?,
        };
        let tcp = match transport {
            "udp" => false,
            "tcp" => true,
            other => {
                return Err(PyValueError::new_err(format!(
                    "transport {other:?}: udp or tcp"
                )));
            }
        };
        let client = py
            .detach(|| {
                rt.block_on(async {
                    if tcp {
                        Client::connect_tcp(target, version, security, policy).await
                    } else {
                        Client::connect(target, version, security, policy).await
                    }
                })
            })
            .map_err(|e| snmp_err(py, &e))?;
        Ok(SnmpClient {
            inner: Arc::new(tokio::sync::Mutex::new(client)),
            target,
            own,
        })
    }

    /// `(host, port)` of the agent.
    #[getter]
    fn target(&self) -> (String, u16) {
        (self.target.ip().to_string(), self.target.port())
    }

    /// Runs one operation, blocking with the GIL released.
    #[pyo3(signature = (op, oids, a=0, b=0, columns=None, varbinds=None))]
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        oids: Vec<String>,
        a: i32,
        b: i32,
        columns: Option<Vec<u32>>,
        varbinds: Option<Bound<'_, PyList>>,
    ) -> PyResult<Py<PyAny>> {
        let op = make_op(op, &oids, a, b, columns, varbinds)?;
        let rt = match &self.own {
            Some(rt) => rt,
            None => runtime()?,
        };
        let inner = self.inner.clone();
        let outcome = py.detach(|| rt.block_on(perform(&inner, op)));
        outcome_result(py, outcome)
    }

    /// Starts one operation on the runtime and returns at once;
    /// `done(ok, value)` is called (with the GIL, from the runtime's
    /// thread) when it finishes.
    #[pyo3(signature = (done, op, oids, a=0, b=0, columns=None, varbinds=None))]
    #[allow(clippy::too_many_arguments)]
    fn start(
        &self,
        done: Py<PyAny>,
        op: &str,
        oids: Vec<String>,
        a: i32,
        b: i32,
        columns: Option<Vec<u32>>,
        varbinds: Option<Bound<'_, PyList>>,
    ) -> PyResult<()> {
        if self.own.is_some() {
            return Err(PyRuntimeError::new_err(
                "a blocking client cannot start asynchronous requests",
            ));
        }
        let op = make_op(op, &oids, a, b, columns, varbinds)?;
        let rt = runtime()?;
        let inner = self.inner.clone();
        rt.spawn(async move {
            let outcome = perform(&inner, op).await;
            Python::attach(|py| {
                let (ok, value) = match outcome_result(py, outcome) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                };
                if let Err(e) = done.call1(py, (ok, value)) {
                    e.print(py);
                }
            });
        });
        Ok(())
    }
}

fn make_op(
    op: &str,
    oids_text: &[String],
    a: i32,
    b: i32,
    columns: Option<Vec<u32>>,
    varbinds: Option<Bound<'_, PyList>>,
) -> PyResult<Op> {
    let one = || -> PyResult<Oid> {
        match oids_text {
            [one] => oid(one),
            _ => Err(PyValueError::new_err("one OID")),
        }
    };
    Ok(match op {
        "get" => Op::Get(oids(oids_text)?),
        "get_next" => Op::GetNext(oids(oids_text)?),
        "get_bulk" => Op::GetBulk(a, b, oids(oids_text)?),
        "set" => Op::Set(match varbinds {
            Some(v) => varbinds_from(&v)?,
            None => return Err(PyValueError::new_err("set needs varbinds")),
        }),
        "walk" => Op::Walk(one()?),
        "bulk_walk" => Op::BulkWalk(one()?, a.max(1)),
        "table" => {
            let columns = columns.unwrap_or_default();
            if columns.is_empty() {
                return Err(PyValueError::new_err("table needs at least one column"));
            }
            Op::Table(one()?, columns, a.max(1))
        }
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown operation {other:?}"
            )));
        }
    })
}

// ---------------------------------------------------------------- agent

/// A simulated agent serving on the module's runtime until closed.
#[pyclass(module = "netmon._netmon", frozen)]
pub(crate) struct SnmpAgent {
    addr: SocketAddr,
    stop: Stopper,
}

/// Binds a UDP socket on the runtime and spawns `serve(socket, stopped)`
/// there: the address bound (port 0: the one the system chose) and what
/// stops it.
fn spawn_on_socket<F, Fut>(
    py: Python<'_>,
    host: &str,
    port: u16,
    serve: F,
) -> PyResult<(SocketAddr, Stopper)>
where
    F: FnOnce(tokio::net::UdpSocket, tokio::sync::oneshot::Receiver<()>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let addr = resolve(host, port)?;
    let rt = runtime()?;
    let socket = py
        .detach(|| rt.block_on(tokio::net::UdpSocket::bind(addr)))
        .map_err(|e| PyOSError::new_err(format!("{addr}: {e}")))?;
    let addr = socket
        .local_addr()
        .map_err(|e| PyOSError::new_err(e.to_string()))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = rt.spawn(serve(socket, stopped));
    Ok((addr, Stopper::new(stop, task)))
}

/// Stops a task serving a socket: the signal, then the wait for the task
/// (so that the socket is closed when `close()` returns).
struct Stopper(
    std::sync::Mutex<
        Option<(
            tokio::sync::oneshot::Sender<()>,
            tokio::task::JoinHandle<()>,
        )>,
    >,
);

impl Stopper {
    fn new(stop: tokio::sync::oneshot::Sender<()>, task: tokio::task::JoinHandle<()>) -> Self {
        Stopper(std::sync::Mutex::new(Some((stop, task))))
    }

    fn take(
        &self,
    ) -> Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )> {
        self.0.lock().ok().and_then(|mut s| s.take())
    }

    /// Signals and waits (the GIL released).
    fn close(&self, py: Python<'_>) {
        if let Some((stop, task)) = self.take() {
            let _ = stop.send(());
            // From a callback on the runtime's own thread: signal only.
            if tokio::runtime::Handle::try_current().is_ok() {
                return;
            }
            if let Ok(rt) = runtime() {
                let _ = py.detach(|| rt.block_on(task));
            }
        }
    }

    /// Signals only (from `Drop`, where Python may not be at hand).
    fn signal(&self) {
        if let Some((stop, _)) = self.take() {
            let _ = stop.send(());
        }
    }
}

#[pymethods]
impl SnmpAgent {
    /// Starts an agent on `host:port` (0: a free port): the simulated
    /// device `device` (system group, `interfaces` interfaces with moving
    /// counters, `bgp_peers` BGP sessions) plus `objects` (`(oid, value,
    /// type)`; writable ones with `writable=True`), answering
    /// `community` (read-write with `write=True`) and the v3 `users`.
    #[new]
    #[pyo3(signature = (host="127.0.0.1", port=0, community="public", write=false, device=Some(0), interfaces=4, bgp_peers=2, objects=None, writable=false, users=None, engine_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        host: &str,
        port: u16,
        community: &str,
        write: bool,
        device: Option<u32>,
        interfaces: u32,
        bgp_peers: u32,
        objects: Option<Bound<'_, PyList>>,
        writable: bool,
        users: Option<Vec<UserSpec>>,
        engine_id: Option<Vec<u8>>,
    ) -> PyResult<Self> {
        let start = Instant::now();
        let mut mib = match device {
            Some(n) => Device::new(n)
                .interfaces(interfaces)
                .bgp_peers(bgp_peers)
                .mib(start),
            None => Mib::new(),
        };
        if let Some(objects) = objects {
            for vb in varbinds_from(&objects)? {
                if writable {
                    mib.writable(vb.name, vb.value);
                } else {
                    mib.scalar(vb.name, vb.value);
                }
            }
        }
        let access = if write {
            Access::read_write()
        } else {
            Access::read_only()
        };
        let mut b = Agent::builder(mib).community(community.as_bytes().to_vec(), access.clone());
        for spec in users.unwrap_or_default() {
            b = b.user(usm_user(&spec)?, access.clone());
        }
        if let Some(id) = engine_id {
            b = b.engine_id(id);
        }
        let mut agent = b.build();
        let (addr, stop) = spawn_on_socket(py, host, port, |socket, stopped| async move {
            let _ = netmon_snmp::agent::serve::run(&socket, &mut agent, async {
                let _ = stopped.await;
            })
            .await;
        })?;
        Ok(SnmpAgent { addr, stop })
    }

    /// `(host, port)` it answers on.
    #[getter]
    fn address(&self) -> (String, u16) {
        (self.addr.ip().to_string(), self.addr.port())
    }

    /// Stops answering and closes the socket (idempotent).
    fn close(&self, py: Python<'_>) {
        self.stop.close(py);
    }
}

impl Drop for SnmpAgent {
    fn drop(&mut self) {
        self.stop.signal();
    }
}

// ---------------------------------------------------------------- traps

fn notification_dict<'py>(
    py: Python<'py>,
    n: &Notification,
    from: SocketAddr,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        "kind",
        match n.kind {
            NotificationKind::TrapV1 => "trap-v1",
            NotificationKind::Trap => "trap",
            NotificationKind::Inform => "inform",
        },
    )?;
    d.set_item("version", n.version.name())?;
    d.set_item("source", (from.ip().to_string(), from.port()))?;
    d.set_item(
        "community",
        n.community.as_deref().map(|c| PyBytes::new(py, c)),
    )?;
    d.set_item("user", n.user.as_deref().map(|c| PyBytes::new(py, c)))?;
    d.set_item(
        "engine_id",
        n.engine_id.as_deref().map(|c| PyBytes::new(py, c)),
    )?;
    d.set_item("security_level", n.level)?;
    d.set_item("request_id", n.request_id)?;
    d.set_item("uptime", n.uptime)?;
    d.set_item("trap_oid", n.trap_oid.as_ref().map(ToString::to_string))?;
    if let Some(v1) = &n.v1 {
        trap_v1_fields(&d, v1)?;
    }
    d.set_item("varbinds", varbind_list(py, &n.varbinds)?)?;
    Ok(d)
}

/// A trap and inform receiver on the module's runtime: each notification
/// is handed to `on(dict)` (with the GIL, from the runtime's thread).
#[pyclass(module = "netmon._netmon", frozen)]
pub(crate) struct SnmpTrapReceiver {
    addr: SocketAddr,
    engine_id: Vec<u8>,
    stop: Stopper,
}

#[pymethods]
impl SnmpTrapReceiver {
    #[new]
    #[pyo3(signature = (on, host="127.0.0.1", port=0, communities=None, users=None, engine_id=None))]
    fn new(
        py: Python<'_>,
        on: Py<PyAny>,
        host: &str,
        port: u16,
        communities: Option<Vec<String>>,
        users: Option<Vec<(Option<Vec<u8>>, UserSpec)>>,
        engine_id: Option<Vec<u8>>,
    ) -> PyResult<Self> {
        let mut b = Receiver::builder();
        for c in communities.unwrap_or_default() {
            b = b.community(c.into_bytes());
        }
        for (engine, spec) in users.unwrap_or_default() {
            let user = usm_user(&spec)?;
            b = match engine {
                Some(e) => b.user_for_engine(e, user),
                None => b.user(user),
            };
        }
        if let Some(id) = engine_id {
            b = b.engine_id(id);
        }
        let mut receiver = b.build();
        let engine_id = receiver.engine_id().to_vec();
        let (addr, stop) = spawn_on_socket(py, host, port, |socket, stopped| async move {
            let stop = async {
                let _ = stopped.await;
            };
            let _ = netmon_snmp::notify::run(&socket, &mut receiver, stop, |n, from| {
                Python::attach(|py| {
                    let r = notification_dict(py, &n, from).and_then(|d| on.call1(py, (d,)));
                    if let Err(e) = r {
                        e.print(py);
                    }
                });
            })
            .await;
        })?;
        Ok(SnmpTrapReceiver {
            addr,
            engine_id,
            stop,
        })
    }

    /// `(host, port)` it listens on.
    #[getter]
    fn address(&self) -> (String, u16) {
        (self.addr.ip().to_string(), self.addr.port())
    }

    /// Its snmpEngineID (informs are sent to it).
    #[getter]
    fn engine_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.engine_id)
    }

    /// Stops listening and closes the socket (idempotent).
    fn close(&self, py: Python<'_>) {
        self.stop.close(py);
    }
}

impl Drop for SnmpTrapReceiver {
    fn drop(&mut self) {
        self.stop.signal();
    }
}
