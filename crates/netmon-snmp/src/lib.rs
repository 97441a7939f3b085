//! netmon-snmp: SNMP v1/v2c/v3 for netmon.
//!
//! Layers, bottom up: a hand-written BER codec ([`ber`]), object
//! identifiers ([`oid`]), values ([`value`]), PDUs ([`pdu`]) and whole
//! messages ([`message`]), each borrowed for decoding (no allocation per
//! message) and owned for building; the user-based security model
//! ([`usm`]). A sans-IO request engine and thin tokio drivers (client,
//! trap receiver, agent) come next.
//!
//! ```
//! use netmon_snmp::{MessageRef, ValueRef};
//! // A v2c GetResponse: sysUpTime.0 = 8626 (TimeTicks).
//! let bytes = [
//!     0x30, 0x2b, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c',
//!     0xa2, 0x1e, 0x02, 0x04, 0x77, 0xb8, 0xa3, 0xb0, 0x02, 0x01, 0x00, 0x02, 0x01,
//!     0x00, 0x30, 0x10, 0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01,
//!     0x03, 0x00, 0x43, 0x02, 0x21, 0xb2,
//! ];
//! let MessageRef::Community(m) = netmon_snmp::decode(&bytes)? else { unreachable!() };
//! assert_eq!(m.community, b"public");
//! for vb in m.pdu.varbinds().unwrap() {
//!     let vb = vb?;
//!     assert_eq!(vb.name.to_string(), "1.3.6.1.2.1.1.3.0");
//!     assert_eq!(vb.value, ValueRef::TimeTicks(8626));
//! }
//! # Ok::<(), netmon_snmp::DecodeError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub use netmon_core as core;

pub mod agent;
pub mod ber;
#[cfg(feature = "tokio")]
pub mod client;
pub mod engine;
mod error;
pub mod message;
pub mod notify;
pub mod oid;
pub mod pdu;
#[cfg(feature = "tokio")]
pub mod poller;
pub mod usm;
pub mod value;

pub use error::Error;

pub use ber::{DecodeError, DecodeErrorKind};
pub use message::{Message, MessageRef, Version, decode, decode_with};
pub use oid::{Oid, OidRef};
pub use pdu::{AnyPdu, AnyPduRef, Pdu, PduRef, PduType, VarBind, VarBindRef};
pub use value::{Value, ValueRef};
