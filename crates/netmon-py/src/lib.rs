//! Python bindings for netmon: the native module `netmon._netmon`.
//!
//! Bindings only: every behaviour lives in the Rust crates, and this crate
//! converts arguments, results and errors. The public Python API is
//! `python/netmon/__init__.py`, which re-exports from here.
//!
//! Exceptions form one hierarchy under `netmon.Error`; errors that know
//! where they happened carry `line`, `column` and `offset` attributes.

// pyo3's macros generate code this lint flags; the crate holds no unsafe
// code of its own.
#![deny(unsafe_op_in_unsafe_fn)]

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use netmon_core::{Error as CoreError, Timestamp};

mod pcap;
mod read_ahead;
mod snmp;
mod t4;

create_exception!(
    _netmon,
    Error,
    PyException,
    "Base class of every netmon error."
);
create_exception!(
    _netmon,
    ParseError,
    Error,
    "Text input (a timestamp, a T4 file, a settings file) could not be parsed."
);
create_exception!(
    _netmon,
    DecodeError,
    Error,
    "Binary input (BER, pcap) could not be decoded."
);
create_exception!(_netmon, SnmpError, Error, "An SNMP operation failed.");
/// `netmon.TimeoutError`: a `netmon.Error` and also Python's own
/// `TimeoutError`, so that `except TimeoutError` (as asyncio code writes
/// it) catches it. Made at import with both bases.
static TIMEOUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn timeout_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    TIMEOUT_ERROR
        .get_or_try_init(py, || -> PyResult<Py<PyType>> {
            let builtins = py.import("builtins")?;
            let bases = (py.get_type::<Error>(), builtins.getattr("TimeoutError")?);
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "netmon")?;
            namespace.set_item(
                "__doc__",
                "A network operation timed out (also the built-in TimeoutError).",
            )?;
            let ty = builtins
                .getattr("type")?
                .call1(("TimeoutError", bases, namespace))?;
            Ok(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// A `netmon.TimeoutError` with this message.
pub(crate) fn timeout_err(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| match timeout_type(py) {
        Ok(ty) => PyErr::from_type(ty.clone(), (message,)),
        Err(e) => e,
    })
}

/// Converts a netmon-core error into the matching Python exception, with
/// its position as attributes.
fn core_err(py: Python<'_>, e: CoreError) -> PyErr {
    let position = e.position();
    let err = match e {
        CoreError::Timestamp { .. } => ParseError::new_err(e.to_string()),
        other => Error::new_err(other.to_string()),
    };
    if let Some(p) = position {
        let value = err.value(py);
        let _ = value.setattr("line", p.line);
        let _ = value.setattr("column", p.column);
        let _ = value.setattr("offset", p.byte);
    }
    err
}

/// Parses a timestamp (ISO 8601, `19-NOV-2015 00:02:00.01`,
/// `2014-Jan-01 00:04:23.00`) into integer nanoseconds since 1970 UTC.
#[pyfunction]
fn parse_timestamp(py: Python<'_>, text: &str) -> PyResult<i64> {
    Timestamp::parse(text)
        .map(Timestamp::as_nanos)
        .map_err(|e| core_err(py, e))
}

/// Formats nanoseconds since 1970 UTC as RFC 3339, or with a `strftime`
/// pattern (`%Y %m %d %H %M %S %b %^b %j %f %3f %s %F %T %%`).
#[pyfunction]
#[pyo3(signature = (nanos, pattern=None))]
fn format_timestamp(nanos: i64, pattern: Option<&str>) -> String {
    let t = Timestamp::from_nanos(nanos);
    match pattern {
        Some(p) => t.format(p),
        None => t.to_string(),
    }
}

/// The native module.
#[pymodule]
fn _netmon(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("Error", py.get_type::<Error>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("SnmpError", py.get_type::<SnmpError>())?;
    m.add("TimeoutError", timeout_type(py)?)?;
    m.add_function(wrap_pyfunction!(parse_timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(format_timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(pcap::pcap_columns, m)?)?;
    m.add_function(wrap_pyfunction!(pcap::pcap_flows, m)?)?;
    m.add_function(wrap_pyfunction!(pcap::pcap_correlate, m)?)?;
    m.add_function(wrap_pyfunction!(pcap::pcap_synth_two_sided, m)?)?;
    m.add_class::<pcap::PacketIter>()?;
    m.add_function(wrap_pyfunction!(t4::t4_read, m)?)?;
    m.add_function(wrap_pyfunction!(t4::t4_info, m)?)?;
    m.add_function(wrap_pyfunction!(t4::t4_apply_calcs, m)?)?;
    m.add_function(wrap_pyfunction!(t4::t4_instances, m)?)?;
    m.add_function(wrap_pyfunction!(t4::t4_metrics_text, m)?)?;
    m.add_function(wrap_pyfunction!(t4::t4_write, m)?)?;
    m.add_function(wrap_pyfunction!(t4::t4_synth, m)?)?;
    m.add_function(wrap_pyfunction!(snmp::snmp_decode, m)?)?;
    m.add_class::<snmp::SnmpClient>()?;
    m.add_class::<snmp::SnmpAgent>()?;
    m.add_class::<snmp::SnmpTrapReceiver>()?;
    Ok(())
}
