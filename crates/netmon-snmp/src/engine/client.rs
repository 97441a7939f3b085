//! The request engine for one target, sans IO: requests go in, datagrams
//! come out ([`ClientEngine::poll_transmit`]), datagrams and the time are
//! passed in, results come out as [`Event`]s. v1 and v2c with a
//! community; v3 with USM, including engine discovery, time
//! synchronisation (one resync on notInTimeWindow) and reports turned
//! into typed errors.
//!
//! ```
//! use std::time::Instant;
//! use netmon_snmp::engine::client::{ClientEngine, Security};
//! use netmon_snmp::engine::retry::RetryPolicy;
//! use netmon_snmp::{PduType, VarBind, Version};
//! let mut e = ClientEngine::new(Version::V2c, Security::Community(b"public".to_vec()), RetryPolicy::default(), 1);
//! let now = Instant::now();
//! let h = e.send(now, PduType::GetRequest, vec![VarBind::null("1.3.6.1.2.1.1.5.0".parse().unwrap())], 0, 0);
//! let datagram = e.poll_transmit().unwrap();
//! assert!(netmon_snmp::decode(&datagram).is_ok());
//! # let _ = h;
//! ```

use std::collections::VecDeque;
use std::time::Instant;

use super::clock::EngineClock;
use super::report::{ReportKind, classify};
use super::retry::{Expiry, InFlight, RetryPolicy};
use crate::error::Error;
use crate::message::{
    self, CommunityMessage, Message, MessageRef, MsgFlags, ScopedPdu, ScopedPduData,
    SecurityParams, UsmParams, V3Message, Version,
};
use crate::pdu::{AnyPdu, AnyPduRef, Pdu, PduType, VarBind};
use crate::usm::{self, LocalizedKeys, UsmUser};

/// How the target is reached.
#[derive(Debug, Clone)]
pub enum Security {
    /// v1/v2c community.
    Community(Vec<u8>),
    /// v3 USM user; the level follows the user's keys (authPriv when it
    /// has a privacy key, authNoPriv with only authentication,
    /// noAuthNoPriv without).
    Usm(UsmUser),
}

/// A request's handle, to match its [`Event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle(pub u64);

/// What the engine has to say.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A request finished: its Response PDU, or why not.
    Response {
        /// The request's handle.
        handle: Handle,
        /// The Response PDU (with its error-status, if any), or the error.
        result: Result<Pdu, Error>,
    },
    /// A datagram was dropped (not decodable, not ours, failed
    /// authentication or the time window): what and why.
    Dropped(String),
}

#[derive(Debug)]
enum Pending {
    Discovery,
    Request {
        handle: Handle,
        pdu: Pdu,
        wire: Vec<u8>,
        resynced: bool,
    },
}

/// The engine for one target.
#[derive(Debug)]
pub struct ClientEngine {
    version: Version,
    security: Security,
    inflight: InFlight<Pending>,
    clock: Option<EngineClock>,
    keys: Option<LocalizedKeys>,
    waiting: Vec<(Handle, Pdu)>,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<Event>,
    next_handle: u64,
    salt: u64,
    max_size: i32,
}

impl ClientEngine {
    /// An engine for one target. `seed` starts request ids and salts
    /// (pick it at random).
    pub fn new(version: Version, security: Security, policy: RetryPolicy, seed: u64) -> Self {
        ClientEngine {
            version,
            security,
            inflight: InFlight::new(policy, (seed as i32 & 0x3fff_ffff).max(1)),
            clock: None,
            keys: None,
            waiting: Vec::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            next_handle: 1,
            salt: seed.rotate_left(17) | 1,
            max_size: 65507,
        }
    }

    /// Queues a request (GetBulk: `non_repeaters`, `max_repetitions`;
    /// others ignore them).
    pub fn send(
        &mut self,
        now: Instant,
        pdu_type: PduType,
        varbinds: Vec<VarBind>,
        non_repeaters: i32,
        max_repetitions: i32,
    ) -> Handle {
        let handle = Handle(self.next_handle);
        self.next_handle += 1;
        let mut pdu = Pdu::new(pdu_type, 0, varbinds);
        if pdu_type == PduType::GetBulkRequest {
            pdu.error_status = non_repeaters;
            pdu.error_index = max_repetitions;
        }
        if self.version == Version::V3 && self.clock.is_none() {
            let discovering = self.waiting.is_empty();
            self.waiting.push((handle, pdu));
            if discovering {
                self.send_discovery(now);
            }
        } else {
            self.dispatch(now, handle, pdu);
        }
        handle
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`ClientEngine::handle_timeout`] has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.inflight.next_timeout()
    }

    /// Whether a request or discovery with this request-id (v1/v2c) or
    /// msgID (v3) is waiting for its answer: how a socket shared by many
    /// targets finds the engine of an answer from an unexpected address.
    pub fn awaits(&self, id: i32) -> bool {
        self.inflight.get(id).is_some()
    }

    /// Requests waiting for an answer or for discovery.
    pub fn in_flight(&self) -> usize {
        self.inflight.len() + self.waiting.len()
    }

    /// Retransmissions and failures due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        for e in self.inflight.on_timeout(now) {
            match e {
                Expiry::Retransmit(id) => match self.inflight.get(id) {
                    Some(Pending::Request { wire, .. }) => self.transmit.push_back(wire.clone()),
                    Some(Pending::Discovery) => self.transmit.push_back(self.discovery_bytes(id)),
                    None => {}
                },
                Expiry::Failed(_, Pending::Request { handle, .. }) => {
                    self.fail(handle, Error::Timeout)
                }
                Expiry::Failed(_, Pending::Discovery) => {
                    for (handle, _) in std::mem::take(&mut self.waiting) {
                        self.fail(handle, Error::Timeout);
                    }
                }
            }
        }
    }

    fn fail(&mut self, handle: Handle, e: Error) {
        self.events.push_back(Event::Response {
            handle,
            result: Err(e),
        });
    }

    fn discovery_bytes(&self, id: i32) -> Vec<u8> {
        Message::V3(V3Message {
            msg_id: id,
            max_size: self.max_size,
            flags: MsgFlags(MsgFlags::REPORTABLE),
            security_model: message::USM_SECURITY_MODEL,
            security: SecurityParams::Usm(UsmParams::default()),
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: vec![],
                context_name: vec![],
                pdu: Pdu::new(PduType::GetRequest, id, vec![]).into(),
            }),
        })
        .to_bytes()
    }

    fn send_discovery(&mut self, now: Instant) {
        let id = self.inflight.insert(now, Pending::Discovery);
        let bytes = self.discovery_bytes(id);
        self.transmit.push_back(bytes);
    }

    fn encode(&mut self, now: Instant, id: i32, pdu: &Pdu) -> Result<Vec<u8>, Error> {
        let mut pdu = pdu.clone();
        pdu.request_id = id;
        match &self.security {
            Security::Community(c) => Message::Community(CommunityMessage {
                version: self.version,
                community: c.clone(),
                pdu: pdu.into(),
            })
            .try_to_bytes(),
            Security::Usm(user) => {
                let clock = self.clock.as_ref().ok_or(Error::NotUsm)?;
                let keys = self.keys.as_ref().ok_or(Error::NotUsm)?;
                let (boots, time) = clock.at(now);
                let msg = V3Message {
                    msg_id: id,
                    max_size: self.max_size,
                    flags: keys.request_flags(),
                    security_model: message::USM_SECURITY_MODEL,
                    security: SecurityParams::Usm(UsmParams {
                        engine_id: clock.engine_id.clone(),
                        engine_boots: boots,
                        engine_time: time,
                        user_name: user.name().to_vec(),
                        ..Default::default()
                    }),
                    data: ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: clock.engine_id.clone(),
                        context_name: vec![],
                        pdu: pdu.into(),
                    }),
                };
                // AES wants a fresh 64-bit salt per message; DES takes
                // boots and a counter.
                self.salt = self.salt.wrapping_add(1);
                let salt = match keys.privacy.as_ref().map(|p| p.protocol()) {
                    Some(usm::PrivProtocol::Des) => {
                        (u64::from(boots as u32) << 32) | (self.salt & 0xffff_ffff)
                    }
                    _ => self.salt,
                };
                let mut out = Vec::new();
                usm::protect(&msg, keys, salt, &mut out)?;
                Ok(out)
            }
        }
    }

    fn dispatch(&mut self, now: Instant, handle: Handle, pdu: Pdu) {
        let id = self.inflight.insert(
            now,
            Pending::Request {
                handle,
                pdu,
                wire: Vec::new(),
                resynced: false,
            },
        );
        let pdu = match self.inflight.get(id) {
            Some(Pending::Request { pdu, .. }) => pdu.clone(),
            _ => unreachable!("just inserted"),
        };
        match self.encode(now, id, &pdu) {
            Ok(bytes) => {
                if let Some(Pending::Request { wire, .. }) = self.inflight.get_mut(id) {
                    *wire = bytes.clone();
                }
                self.transmit.push_back(bytes);
            }
            Err(e) => {
                self.inflight.complete(id);
                self.fail(handle, e);
            }
        }
    }

    fn drop_datagram(&mut self, why: String) {
        self.events.push_back(Event::Dropped(why));
    }

    /// A datagram from the target arrived at `now`.
    pub fn handle_datagram(&mut self, now: Instant, bytes: &[u8]) {
        let m = match message::decode(bytes) {
            Ok(m) => m,
            Err(e) => return self.drop_datagram(format!("undecodable: {e}")),
        };
        match m {
            MessageRef::Community(c) => {
                let AnyPduRef::Pdu(p) = &c.pdu else {
                    return self.drop_datagram("not a response PDU".into());
                };
                let id = p.request_id;
                let owned = match c.pdu.to_owned_pdu() {
                    Ok(AnyPdu::Pdu(p)) => p,
                    Ok(_) => return self.drop_datagram("not a response PDU".into()),
                    Err(e) => return self.drop_datagram(format!("undecodable varbind: {e}")),
                };
                match self.inflight.get(id) {
                    Some(Pending::Request { .. }) => {
                        if let Some(Pending::Request { handle, .. }) = self.inflight.complete(id) {
                            self.events.push_back(Event::Response {
                                handle,
                                result: Ok(owned),
                            });
                        }
                    }
                    Some(Pending::Discovery) => {
                        self.drop_datagram("a v1/v2c answer to v3 discovery".into())
                    }
                    None => self.drop_datagram(format!("request-id {id} not in flight")),
                }
            }
            MessageRef::V3(v) => self.handle_v3(now, bytes, v),
            MessageRef::Unknown { version, .. } => {
                self.drop_datagram(format!("SNMP version {version}"))
            }
        }
    }

    fn handle_v3(&mut self, now: Instant, bytes: &[u8], v: message::V3MessageRef<'_>) {
        let Some(usm_params) = v.usm else {
            return self.drop_datagram("not USM".into());
        };
        let id = v.msg_id;
        match self.inflight.get(id) {
            None => return self.drop_datagram(format!("msgID {id} not in flight")),
            Some(Pending::Discovery) => {
                // The report carries the engine's ID, boots and time.
                self.inflight.complete(id);
                if usm_params.engine_id.is_empty() {
                    for (handle, _) in std::mem::take(&mut self.waiting) {
                        self.fail(handle, Error::Config("discovery gave no engine ID"));
                    }
                    return;
                }
                self.clock = Some(EngineClock::new(
                    usm_params.engine_id.to_vec(),
                    usm_params.engine_boots,
                    usm_params.engine_time,
                    now,
                ));
                if let Security::Usm(user) = &self.security {
                    self.keys = Some(user.localize(usm_params.engine_id));
                }
                for (handle, pdu) in std::mem::take(&mut self.waiting) {
                    self.dispatch(now, handle, pdu);
                }
                return;
            }
            Some(Pending::Request { .. }) => {}
        }
        let Some(keys) = self.keys.clone() else {
            return self.drop_datagram("no keys".into());
        };
        let mut buf = Vec::new();
        let scoped = if v.flags.auth() {
            match usm::unprotect(bytes, &v, &keys, &mut buf) {
                Ok(s) => s,
                Err(e) => return self.drop_datagram(format!("msgID {id}: {e}")),
            }
        } else {
            // Unauthenticated: a noAuthNoPriv user's answer, or a report
            // (wrongDigest, unknownUserName, … are sent noAuthNoPriv).
            match &v.data {
                message::ScopedPduDataRef::Plaintext(s)
                    if keys.auth.is_none() || s.pdu.pdu_type() == Some(PduType::Report) =>
                {
                    s.clone()
                }
                _ => {
                    return self.drop_datagram(format!("msgID {id}: unauthenticated non-report"));
                }
            }
        };
        if v.flags.auth() {
            let clock = self.clock.as_mut().expect("keys imply a clock");
            let report = classify(&scoped.pdu);
            if report == Some(ReportKind::NotInTimeWindow) {
                // The report's boots/time are the engine's own: resync
                // and send the request once more.
                let resend = match self.inflight.get_mut(id) {
                    Some(Pending::Request { resynced, .. }) if !*resynced => {
                        *resynced = true;
                        true
                    }
                    _ => false,
                };
                if resend {
                    clock.resync(usm_params.engine_boots, usm_params.engine_time, now);
                    let pdu = match self.inflight.get(id) {
                        Some(Pending::Request { pdu, .. }) => pdu.clone(),
                        _ => unreachable!("checked above"),
                    };
                    match self.encode(now, id, &pdu) {
                        Ok(bytes) => {
                            if let Some(Pending::Request { wire, .. }) = self.inflight.get_mut(id) {
                                *wire = bytes.clone();
                            }
                            self.transmit.push_back(bytes);
                        }
                        Err(e) => {
                            if let Some(Pending::Request { handle, .. }) =
                                self.inflight.complete(id)
                            {
                                self.fail(handle, e);
                            }
                        }
                    }
                    return;
                }
            } else if let Err(e) =
                clock.on_authenticated(usm_params.engine_boots, usm_params.engine_time, now)
            {
                return self.drop_datagram(format!("msgID {id}: {e}"));
            }
        }
        let Some(Pending::Request { handle, .. }) = self.inflight.complete(id) else {
            return;
        };
        if let Some(kind) = classify(&scoped.pdu) {
            return self.fail(handle, Error::Report(kind));
        }
        match scoped.pdu.to_owned_pdu() {
            Ok(AnyPdu::Pdu(p)) => self.events.push_back(Event::Response {
                handle,
                result: Ok(p),
            }),
            Ok(_) => self.fail(handle, Error::Config("a v1 trap as a response")),
            Err(e) => self.fail(handle, Error::Decode(e)),
        }
    }
}
