//! A walk as a state machine: it says which request to send next, takes
//! each response (or a timeout), and ends with a stated reason, keeping
//! everything received before. No I/O and no clock.
//!
//! ```
//! use netmon_snmp::engine::walk::{Walk, WalkMode, WalkEnd};
//! use netmon_snmp::{Oid, Version};
//! let walk = Walk::new("1.3.6.1.2.1.1".parse::<Oid>().unwrap(), WalkMode::GetBulk { max_repetitions: 25 }, Version::V2c);
//! let req = walk.next_request().unwrap();
//! assert_eq!(req.max_repetitions, 25);
//! ```

use crate::message::Version;
use crate::oid::Oid;
use crate::pdu::{Pdu, PduRef, PduType, VarBind, error_status};
use crate::value::Value;

/// GetNext (one varbind per request) or GetBulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkMode {
    /// GetNext requests (the only way in SNMPv1).
    GetNext,
    /// GetBulk requests asking for up to this many varbinds.
    GetBulk {
        /// Where to start; halved on tooBig, genErr and timeouts.
        max_repetitions: i32,
    },
}

/// Why a walk ended. Every walk ends with one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEnd {
    /// The agent said endOfMibView (v2c/v3), or noSuchName (v1).
    EndOfMibView,
    /// The next OID is outside the subtree asked for: the normal end.
    LeftSubtree,
    /// The agent answered with an error.
    ErrorStatus {
        /// error-status.
        status: i32,
        /// error-index.
        index: i32,
    },
    /// The agent returned an OID not after the previous one: walking on
    /// would loop.
    NonIncreasing {
        /// The last OID accepted.
        previous: Oid,
        /// What came back.
        received: Oid,
    },
    /// No answer after the retries (and, for GetBulk, after shrinking
    /// max-repetitions to 1).
    Timeout,
    /// A response that is not a Response PDU or has no varbinds.
    BadResponse(&'static str),
    /// A request failed otherwise (a report, a socket error, …).
    Failed(crate::Error),
}

impl WalkEnd {
    /// True for the two ways a walk completes normally.
    pub fn is_complete(&self) -> bool {
        matches!(self, WalkEnd::EndOfMibView | WalkEnd::LeftSubtree)
    }
}

/// The next request of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkRequest {
    /// GetNextRequest or GetBulkRequest.
    pub pdu_type: PduType,
    /// The OID to continue after.
    pub after: Oid,
    /// max-repetitions (GetBulk only; 0 for GetNext).
    pub max_repetitions: i32,
}

/// A walk of one subtree.
#[derive(Debug, Clone)]
pub struct Walk {
    root: Oid,
    last: Oid,
    mode: WalkMode,
    version: Version,
    end: Option<WalkEnd>,
    received: usize,
}

impl Walk {
    /// A walk of `root`'s subtree. SNMPv1 always walks with GetNext.
    pub fn new(root: Oid, mode: WalkMode, version: Version) -> Self {
        let mode = match (version, mode) {
            (Version::V1, _) => WalkMode::GetNext,
            (_, WalkMode::GetBulk { max_repetitions }) => WalkMode::GetBulk {
                max_repetitions: max_repetitions.max(1),
            },
            (_, m) => m,
        };
        Walk {
            last: root.clone(),
            root,
            mode,
            version,
            end: None,
            received: 0,
        }
    }

    /// The request to send now; `None` once the walk has ended.
    pub fn next_request(&self) -> Option<WalkRequest> {
        if self.end.is_some() {
            return None;
        }
        Some(match self.mode {
            WalkMode::GetNext => WalkRequest {
                pdu_type: PduType::GetNextRequest,
                after: self.last.clone(),
                max_repetitions: 0,
            },
            WalkMode::GetBulk { max_repetitions } => WalkRequest {
                pdu_type: PduType::GetBulkRequest,
                after: self.last.clone(),
                max_repetitions,
            },
        })
    }

    /// Why the walk ended, once it has.
    pub fn end(&self) -> Option<&WalkEnd> {
        self.end.as_ref()
    }

    /// Varbinds accepted so far.
    pub fn received(&self) -> usize {
        self.received
    }

    /// max-repetitions now (what worked, to remember per target); 0 for
    /// GetNext.
    pub fn max_repetitions(&self) -> i32 {
        match self.mode {
            WalkMode::GetNext => 0,
            WalkMode::GetBulk { max_repetitions } => max_repetitions,
        }
    }

    /// Halves max-repetitions; false when it is already 1 (or GetNext).
    fn shrink(&mut self) -> bool {
        match &mut self.mode {
            WalkMode::GetBulk { max_repetitions } if *max_repetitions > 1 => {
                *max_repetitions /= 2;
                true
            }
            _ => false,
        }
    }

    /// The request timed out after its retries: GetBulk shrinks and goes
    /// on; otherwise the walk ends with [`WalkEnd::Timeout`].
    pub fn on_timeout(&mut self) {
        if self.end.is_none() && !self.shrink() {
            self.end = Some(WalkEnd::Timeout);
        }
    }

    /// Takes a response; returns the varbinds that belong to the walk (in
    /// order). The walk may end here (see [`Walk::end`]); varbinds before
    /// the end are still returned.
    pub fn on_response(&mut self, pdu: &PduRef<'_>) -> Result<Vec<VarBind>, crate::DecodeError> {
        self.take(
            pdu.pdu_type,
            pdu.error_status,
            pdu.error_index,
            pdu.varbinds
                .iter()
                .map(|vb| vb.map(|vb| (vb.name.to_oid(), vb.value.to_owned_value()))),
        )
    }

    /// As [`Walk::on_response`], for a response already copied.
    pub fn on_owned_response(&mut self, pdu: &Pdu) -> Vec<VarBind> {
        self.take(
            pdu.pdu_type,
            pdu.error_status,
            pdu.error_index,
            pdu.varbinds
                .iter()
                .map(|vb| Ok((vb.name.clone(), vb.value.clone()))),
        )
        .expect("owned varbinds are decoded already")
    }

    /// As [`Walk::on_owned_response`], taking the response: its varbinds
    /// move into the result instead of being copied.
    pub fn take_response(&mut self, pdu: Pdu) -> Vec<VarBind> {
        self.take(
            pdu.pdu_type,
            pdu.error_status,
            pdu.error_index,
            pdu.varbinds.into_iter().map(|vb| Ok((vb.name, vb.value))),
        )
        .unwrap_or_default()
    }

    fn take(
        &mut self,
        pdu_type: PduType,
        status: i32,
        index: i32,
        varbinds: impl Iterator<Item = Result<(Oid, Value), crate::DecodeError>>,
    ) -> Result<Vec<VarBind>, crate::DecodeError> {
        let mut out = Vec::new();
        if self.end.is_some() {
            return Ok(out);
        }
        if pdu_type != PduType::Response {
            self.end = Some(WalkEnd::BadResponse("not a Response PDU"));
            return Ok(out);
        }
        match status {
            error_status::NO_ERROR => {}
            error_status::NO_SUCH_NAME if self.version == Version::V1 => {
                self.end = Some(WalkEnd::EndOfMibView);
                return Ok(out);
            }
            error_status::TOO_BIG | error_status::GEN_ERR if self.shrink() => return Ok(out),
            status => {
                self.end = Some(WalkEnd::ErrorStatus { status, index });
                return Ok(out);
            }
        }
        let mut any = false;
        for vb in varbinds {
            let (name, value) = vb?;
            any = true;
            if value == Value::EndOfMibView {
                self.end = Some(WalkEnd::EndOfMibView);
                break;
            }
            if !name.starts_with(&self.root) {
                self.end = Some(WalkEnd::LeftSubtree);
                break;
            }
            if name <= self.last {
                self.end = Some(WalkEnd::NonIncreasing {
                    previous: self.last.clone(),
                    received: name,
                });
                break;
            }
            self.last = name.clone();
            self.received += 1;
            out.push(VarBind { name, value });
        }
        if !any {
            self.end = Some(WalkEnd::BadResponse("a response without varbinds"));
        }
        Ok(out)
    }
}
