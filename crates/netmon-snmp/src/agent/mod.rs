//! An SNMP agent, sans IO: a datagram and the time in, the answer out.
//!
//! It serves a [`Mib`] to v1/v2c communities and v3 USM users, each with
//! a [`View`] and read or read-write access: Get, GetNext, GetBulk (the
//! reply cut to the smaller of the requester's msgMaxSize and the
//! agent's own) and Set in two phases (every varbind checked before any is
//! applied), with v1's and v2c's error semantics. As the authoritative v3
//! engine it answers discovery, checks digests and the time window, and
//! reports what failed (unknownEngineID, unknownUserName,
//! unsupportedSecLevel, wrongDigest, notInTimeWindow, decryptionError).
//! [`sim`] builds the MIB of simulated devices; the tokio driver is
//! [`serve`].
//!
//! ```
//! use std::time::Instant;
//! use netmon_snmp::agent::{Access, Agent, Reply, mib::Mib};
//! use netmon_snmp::{Message, Oid, Pdu, PduType, Value, VarBind, Version};
//! use netmon_snmp::message::CommunityMessage;
//! let name: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
//! let mut mib = Mib::new();
//! mib.scalar(name.clone(), Value::OctetString(b"edge-1".to_vec()));
//! let mut agent = Agent::builder(mib).community("public", Access::read_only()).build();
//! let request = Message::Community(CommunityMessage {
//!     version: Version::V2c,
//!     community: b"public".to_vec(),
//!     pdu: Pdu::new(PduType::GetRequest, 7, vec![VarBind::null(name)]).into(),
//! }).to_bytes();
//! let Reply::Send(answer) = agent.handle(Instant::now(), &request) else { panic!() };
//! assert!(netmon_snmp::decode(&answer).is_ok());
//! ```

pub mod boots;
pub mod dump;
pub mod mib;
#[cfg(feature = "tokio")]
pub mod serve;
pub mod sim;
pub mod view;

use std::collections::HashMap;
use std::time::Instant;

use crate::Error;
use crate::ber::Writer;
use crate::message::{
    self, CommunityMessage, Message, MessageRef, MsgFlags, ScopedPdu, ScopedPduData,
    SecurityParams, UsmParams, V3Message, V3MessageRef, Version,
};
use crate::notify::Notification;
use crate::oid::Oid;
use crate::pdu::{AnyPduRef, Pdu, PduRef, PduType, VarBind};
use crate::usm::{self, LocalizedKeys, UsmUser};
use crate::value::Value;

pub use mib::{Mib, Provider, SetError, Table};
pub use view::View;

/// What a community or user may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// What it sees.
    pub view: View,
    /// Whether Set is allowed.
    pub write: bool,
}

impl Access {
    /// Read the whole MIB.
    pub fn read_only() -> Self {
        Access {
            view: View::all(),
            write: false,
        }
    }

    /// Read and write the whole MIB.
    pub fn read_write() -> Self {
        Access {
            view: View::all(),
            write: true,
        }
    }

    /// Read (and with `write`, write) what `view` shows.
    pub fn with_view(view: View, write: bool) -> Self {
        Access { view, write }
    }
}

/// The agent's answer to one datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send these bytes back to the requester.
    Send(Vec<u8>),
    /// Nothing to send; why (for logs and counters).
    Drop(String),
}

/// Counters of what was refused (the usmStats and snmp group ones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests answered.
    pub answered: u64,
    /// Datagrams that did not decode (snmpInASNParseErrs).
    pub parse_errors: u32,
    /// Unknown communities (snmpInBadCommunityNames).
    pub bad_communities: u32,
    /// usmStatsUnsupportedSecLevels.
    pub unsupported_sec_levels: u32,
    /// usmStatsNotInTimeWindows.
    pub not_in_time_windows: u32,
    /// usmStatsUnknownUserNames.
    pub unknown_user_names: u32,
    /// usmStatsUnknownEngineIDs.
    pub unknown_engine_ids: u32,
    /// usmStatsWrongDigests.
    pub wrong_digests: u32,
    /// usmStatsDecryptionErrors.
    pub decryption_errors: u32,
}

/// Builds an [`Agent`].
#[derive(Debug)]
pub struct AgentBuilder {
    mib: Mib,
    engine_id: Vec<u8>,
    boots: i32,
    max_size: usize,
    communities: HashMap<Vec<u8>, Access>,
    any_community: Option<Access>,
    users: Vec<(UsmUser, Access)>,
}

impl AgentBuilder {
    /// Accepts every community not configured otherwise, with `access`
    /// (a trap receiver's informs; not for agents on a network).
    pub fn any_community(mut self, access: Access) -> Self {
        self.any_community = Some(access);
        self
    }

    /// Adds a v1/v2c community.
    pub fn community(mut self, name: impl Into<Vec<u8>>, access: Access) -> Self {
        self.communities.insert(name.into(), access);
        self
    }

    /// Adds a v3 user (its keys are localised to the engine ID once).
    pub fn user(mut self, user: UsmUser, access: Access) -> Self {
        self.users.push((user, access));
        self
    }

    /// The snmpEngineID (default: a text-format ID with this process's
    /// ID and start time).
    pub fn engine_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.engine_id = id.into();
        self
    }

    /// snmpEngineBoots (see [`boots::next_boots`] to keep it in a file).
    pub fn boots(mut self, boots: i32) -> Self {
        self.boots = boots;
        self
    }

    /// The largest message the agent sends (default 65507, UDP's limit).
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.max_size = bytes.clamp(484, 65507);
        self
    }

    /// The agent, its engine time starting now.
    pub fn build(self) -> Agent {
        let users = self
            .users
            .into_iter()
            .map(|(u, a)| (u.name().to_vec(), (u.localize(&self.engine_id), a)))
            .collect();
        Agent {
            mib: self.mib,
            engine_id: self.engine_id,
            boots: self.boots,
            started: None,
            max_size: self.max_size,
            communities: self.communities,
            any_community: self.any_community,
            users,
            informs: std::collections::VecDeque::new(),
            stats: Stats::default(),
            salt: u64::from(std::process::id()).rotate_left(40) ^ 0x5eed,
        }
    }
}

/// The agent.
#[derive(Debug)]
pub struct Agent {
    mib: Mib,
    engine_id: Vec<u8>,
    boots: i32,
    started: Option<Instant>,
    max_size: usize,
    communities: HashMap<Vec<u8>, Access>,
    any_community: Option<Access>,
    users: HashMap<Vec<u8>, (LocalizedKeys, Access)>,
    informs: std::collections::VecDeque<Notification>,
    stats: Stats,
    salt: u64,
}

/// A text-format snmpEngineID (RFC 3411 §5, format 4) unique enough for
/// one host: "netmon" and the process ID and start time.
pub fn default_engine_id() -> Vec<u8> {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut id = vec![0x80, 0x00, 0x00, 0x00, 0x04];
    id.extend_from_slice(format!("netmon-{:x}-{:x}", std::process::id(), t).as_bytes());
    id.truncate(32);
    id
}

const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

/// Varbind sizes for GetBulk: the SEQUENCE around name and value.
fn encoded_len(vb: &VarBind) -> usize {
    let mut w = Writer::new();
    vb.encode(&mut w);
    w.buf.len()
}

impl Agent {
    /// A builder serving `mib`.
    pub fn builder(mib: Mib) -> AgentBuilder {
        AgentBuilder {
            mib,
            engine_id: default_engine_id(),
            boots: 1,
            max_size: 65507,
            communities: HashMap::new(),
            any_community: None,
            users: Vec::new(),
        }
    }

    /// Whether `community` is accepted.
    pub fn community_ok(&self, community: &[u8]) -> bool {
        self.any_community.is_some() || self.communities.contains_key(community)
    }

    /// The next InformRequest received (answered already); a receiver
    /// collects them here.
    pub fn poll_inform(&mut self) -> Option<Notification> {
        self.informs.pop_front()
    }

    /// Acknowledges an inform: the Response echoes its varbinds (RFC 3416
    /// §4.2.7); the inform is queued for [`Agent::poll_inform`], at most
    /// 10 000 of them.
    fn inform(
        &mut self,
        p: &PduRef<'_>,
        n: impl FnOnce(Pdu) -> Notification,
    ) -> Result<Pdu, String> {
        let varbinds = p
            .varbinds
            .to_vec()
            .map_err(|e| format!("undecodable varbind: {e}"))?;
        let request = Pdu::new(PduType::InformRequest, p.request_id, varbinds.clone());
        if self.informs.len() >= 10_000 {
            self.informs.pop_front();
        }
        self.informs.push_back(n(request));
        Ok(Pdu::new(PduType::Response, p.request_id, varbinds))
    }

    /// The MIB (to change it between requests).
    pub fn mib_mut(&mut self) -> &mut Mib {
        &mut self.mib
    }

    /// The snmpEngineID.
    pub fn engine_id(&self) -> &[u8] {
        &self.engine_id
    }

    /// What was answered and refused so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// snmpEngineBoots and snmpEngineTime at `now` (the clock starts at
    /// the first request).
    pub fn engine_clock(&mut self, now: Instant) -> (i32, i32) {
        let started = *self.started.get_or_insert(now);
        let secs = now.saturating_duration_since(started).as_secs();
        (self.boots, i32::try_from(secs).unwrap_or(i32::MAX))
    }

    /// Answers one datagram.
    pub fn handle(&mut self, now: Instant, datagram: &[u8]) -> Reply {
        self.engine_clock(now);
        let m = match message::decode(datagram) {
            Ok(m) => m,
            Err(e) => {
                self.stats.parse_errors += 1;
                return Reply::Drop(format!("undecodable: {e}"));
            }
        };
        let reply = match m {
            MessageRef::Community(c) => self.community_request(now, c),
            MessageRef::V3(v) => self.v3_request(now, datagram, v),
            MessageRef::Unknown { version, .. } => Reply::Drop(format!("SNMP version {version}")),
        };
        if matches!(reply, Reply::Send(_)) {
            self.stats.answered += 1;
        }
        reply
    }

    fn community_request(&mut self, now: Instant, c: message::CommunityMessageRef<'_>) -> Reply {
        let access = self
            .communities
            .get(c.community)
            .or(self.any_community.as_ref())
            .cloned();
        let Some(access) = access else {
            self.stats.bad_communities += 1;
            return Reply::Drop(format!(
                "unknown community {:?}",
                String::from_utf8_lossy(c.community)
            ));
        };
        let AnyPduRef::Pdu(p) = &c.pdu else {
            return Reply::Drop("not a request PDU".into());
        };
        let overhead = 32 + c.community.len();
        let processed = if p.pdu_type == PduType::InformRequest && c.version == Version::V2c {
            let (version, community) = (c.version, c.community);
            self.inform(p, |pdu| {
                crate::notify::inform_notification(version, Some(community), None, pdu)
            })
        } else {
            self.process(now, c.version, &access, p, self.max_size, overhead)
        };
        let pdu = match processed {
            Ok(pdu) => pdu,
            Err(why) => return Reply::Drop(why),
        };
        let msg = Message::Community(CommunityMessage {
            version: c.version,
            community: c.community.to_vec(),
            pdu: pdu.into(),
        });
        match msg.try_to_bytes() {
            Ok(b) => Reply::Send(b),
            Err(e) => Reply::Drop(format!("response not encodable: {e}")),
        }
    }

    /// The answer to a request PDU, or why there is none.
    fn process(
        &mut self,
        now: Instant,
        version: Version,
        access: &Access,
        p: &PduRef<'_>,
        max_size: usize,
        overhead: usize,
    ) -> Result<Pdu, String> {
        let request: Vec<VarBind> = p
            .varbinds
            .to_vec()
            .map_err(|e| format!("undecodable varbind: {e}"))?;
        let v1 = version == Version::V1;
        let mut out = Pdu::new(PduType::Response, p.request_id, Vec::new());
        match p.pdu_type {
            PduType::GetRequest => {
                for (i, vb) in request.iter().enumerate() {
                    match self.get_visible(&vb.name, &access.view, v1, now) {
                        Ok(v) => out.varbinds.push(VarBind::new(vb.name.clone(), v)),
                        Err(()) => return Ok(v1_error(p.request_id, 2, i, request)),
                    }
                }
            }
            PduType::GetNextRequest => {
                for (i, vb) in request.iter().enumerate() {
                    match self.next_visible(&vb.name, &access.view, v1, now) {
                        Some((n, v)) => out.varbinds.push(VarBind::new(n, v)),
                        None if v1 => return Ok(v1_error(p.request_id, 2, i, request)),
                        None => out
                            .varbinds
                            .push(VarBind::new(vb.name.clone(), Value::EndOfMibView)),
                    }
                }
            }
            PduType::GetBulkRequest if !v1 => {
                self.bulk(now, access, p, &request, &mut out, max_size, overhead);
                return Ok(out);
            }
            PduType::SetRequest => {
                let fail = |status: SetError, i: usize| {
                    let code = if v1 {
                        status.v1_status()
                    } else {
                        status.v2_status()
                    };
                    let mut e = Pdu::new(PduType::Response, p.request_id, request.clone());
                    e.error_status = code;
                    e.error_index = i as i32 + 1;
                    e
                };
                for (i, vb) in request.iter().enumerate() {
                    if !access.write || !access.view.allows(&vb.name) {
                        return Ok(fail(SetError::NoAccess, i));
                    }
                    if let Err(e) = self.mib.check_set(&vb.name, &vb.value) {
                        return Ok(fail(e, i));
                    }
                }
                for vb in &request {
                    self.mib.commit_set(&vb.name, vb.value.clone());
                }
                out.varbinds = request.clone();
            }
            other => return Err(format!("{} is not a request", other.name())),
        }
        let size: usize = out.varbinds.iter().map(encoded_len).sum();
        if size + overhead > max_size {
            // RFC 3416 §4.2.1: tooBig with no varbinds (v1 echoes them).
            let mut e = Pdu::new(PduType::Response, p.request_id, Vec::new());
            if v1 {
                e.varbinds = request;
            }
            e.error_status = 1;
            return Ok(e);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn bulk(
        &mut self,
        now: Instant,
        access: &Access,
        p: &PduRef<'_>,
        request: &[VarBind],
        out: &mut Pdu,
        max_size: usize,
        overhead: usize,
    ) {
        let n = usize::try_from(p.non_repeaters().max(0))
            .unwrap_or(0)
            .min(request.len());
        let m = usize::try_from(p.max_repetitions().max(0)).unwrap_or(0);
        let budget = max_size.saturating_sub(overhead);
        let mut used = 0;
        let mut push = |out: &mut Pdu, vb: VarBind| -> bool {
            let len = encoded_len(&vb);
            if used + len > budget {
                return false;
            }
            used += len;
            out.varbinds.push(vb);
            true
        };
        for vb in &request[..n] {
            let found = self
                .next_visible(&vb.name, &access.view, false, now)
                .unwrap_or((vb.name.clone(), Value::EndOfMibView));
            if !push(out, VarBind::new(found.0, found.1)) {
                if out.varbinds.is_empty() {
                    out.error_status = 1; // tooBig
                }
                return;
            }
        }
        let mut cursors: Vec<Oid> = request[n..].iter().map(|v| v.name.clone()).collect();
        if cursors.is_empty() {
            return;
        }
        for _ in 0..m {
            let mut all_ended = true;
            for cursor in cursors.iter_mut() {
                let vb = match self.next_visible(cursor, &access.view, false, now) {
                    Some((name, v)) => {
                        all_ended = false;
                        *cursor = name.clone();
                        VarBind::new(name, v)
                    }
                    None => VarBind::new(cursor.clone(), Value::EndOfMibView),
                };
                if !push(out, vb) {
                    if out.varbinds.is_empty() {
                        out.error_status = 1;
                    }
                    return;
                }
            }
            if all_ended {
                return;
            }
        }
    }

    /// Get of one OID as the requester sees it: the value or the v2
    /// exception; `Err` for v1's noSuchName.
    fn get_visible(&self, oid: &Oid, view: &View, v1: bool, now: Instant) -> Result<Value, ()> {
        let value = if view.allows(oid) {
            self.mib.get(oid, now)
        } else {
            None
        };
        match value {
            Some(Value::Counter64(_)) if v1 => Err(()),
            Some(v) => Ok(v),
            None if v1 => Err(()),
            None if view.allows(oid) && self.mib.knows_object(oid) => Ok(Value::NoSuchInstance),
            None => Ok(Value::NoSuchObject),
        }
    }

    /// The next instance the requester may see (v1 cannot see Counter64).
    fn next_visible(&self, oid: &Oid, view: &View, v1: bool, now: Instant) -> Option<(Oid, Value)> {
        let hidden = |v: &Value| v1 && matches!(v, Value::Counter64(_));
        let mut at = oid.clone();
        loop {
            let (name, v) = self.mib.next(&at, now)?;
            if view.allows(&name) {
                if !hidden(&v) {
                    return Some((name, v));
                }
                at = name;
                continue;
            }
            // Jump over the excluded subtree rather than walk through it.
            let resume = view.resume_after(&name)?;
            if view.allows(&resume)
                && let Some(v) = self.mib.get(&resume, now)
                && !hidden(&v)
            {
                return Some((resume, v));
            }
            at = resume;
        }
    }

    fn v3_request(&mut self, now: Instant, raw: &[u8], v: V3MessageRef<'_>) -> Reply {
        let Some(usm_params) = v.usm else {
            return Reply::Drop("v3 without USM".into());
        };
        let reportable = v.flags.reportable();
        let plain_request_id = match &v.data {
            message::ScopedPduDataRef::Plaintext(s) => match &s.pdu {
                AnyPduRef::Pdu(p) => p.request_id,
                _ => 0,
            },
            message::ScopedPduDataRef::Encrypted(_) => 0,
        };
        // Discovery, or a message for another engine.
        if usm_params.engine_id != self.engine_id.as_slice() {
            self.stats.unknown_engine_ids += 1;
            let count = self.stats.unknown_engine_ids;
            return self.report(now, &v, plain_request_id, 4, count, None, reportable);
        }
        let Some((keys, access)) = self.users.get(usm_params.user_name).cloned() else {
            self.stats.unknown_user_names += 1;
            let count = self.stats.unknown_user_names;
            return self.report(now, &v, plain_request_id, 3, count, None, reportable);
        };
        if (v.flags.auth() && keys.auth.is_none())
            || (v.flags.privacy() && keys.privacy.is_none())
            || (v.flags.privacy() && !v.flags.auth())
        {
            self.stats.unsupported_sec_levels += 1;
            let count = self.stats.unsupported_sec_levels;
            return self.report(now, &v, plain_request_id, 1, count, None, reportable);
        }
        if !v.flags.auth() && keys.auth.is_some() {
            // A user with keys must use them (VACM would refuse the
            // level); net-snmp reports unsupportedSecLevel (or
            // authorizationError); this agent does the former.
            self.stats.unsupported_sec_levels += 1;
            let count = self.stats.unsupported_sec_levels;
            return self.report(now, &v, plain_request_id, 1, count, None, reportable);
        }
        let mut buf = Vec::new();
        let scoped = match usm::unprotect(raw, &v, &keys, &mut buf) {
            Ok(s) => s,
            Err(Error::WrongDigest) => {
                self.stats.wrong_digests += 1;
                let count = self.stats.wrong_digests;
                return self.report(now, &v, plain_request_id, 5, count, None, reportable);
            }
            Err(e @ (Error::Decryption(_) | Error::DecryptedDecode(_))) => {
                self.stats.decryption_errors += 1;
                let count = self.stats.decryption_errors;
                let _ = e;
                return self.report(now, &v, plain_request_id, 6, count, None, reportable);
            }
            Err(e) => return Reply::Drop(format!("msgID {}: {e}", v.msg_id)),
        };
        if v.flags.auth() {
            let (boots, time) = self.engine_clock(now);
            if usm::time::check_authoritative(
                usm_params.engine_boots,
                usm_params.engine_time,
                boots,
                time,
            )
            .is_err()
            {
                self.stats.not_in_time_windows += 1;
                let count = self.stats.not_in_time_windows;
                let request_id = match &scoped.pdu {
                    AnyPduRef::Pdu(p) => p.request_id,
                    _ => plain_request_id,
                };
                // Sent authenticated, so the manager can trust the clock.
                return self.report(now, &v, request_id, 2, count, Some(&keys), reportable);
            }
        }
        let AnyPduRef::Pdu(p) = &scoped.pdu else {
            return Reply::Drop("not a request PDU".into());
        };
        let max_size = usize::try_from(v.max_size)
            .unwrap_or(0)
            .clamp(484, self.max_size);
        let overhead = 160
            + self.engine_id.len() * 2
            + usm_params.user_name.len()
            + scoped.context_name.len()
            + keys.auth.as_ref().map_or(0, |a| a.protocol().mac_len())
            + if keys.privacy.is_some() { 32 } else { 0 };
        let processed = if p.pdu_type == PduType::InformRequest {
            let (user, engine, level) = (
                usm_params.user_name,
                self.engine_id.clone(),
                v.flags.level_name(),
            );
            self.inform(p, |pdu| {
                crate::notify::inform_notification(
                    Version::V3,
                    None,
                    Some((user, &engine, level)),
                    pdu,
                )
            })
        } else {
            self.process(now, Version::V3, &access, p, max_size, overhead)
        };
        let pdu = match processed {
            Ok(pdu) => pdu,
            Err(why) => return Reply::Drop(why),
        };
        let flags = MsgFlags(v.flags.0 & (MsgFlags::AUTH | MsgFlags::PRIV));
        self.send_v3(
            now,
            v.msg_id,
            flags,
            usm_params.user_name,
            // RFC 3412 §7.1.9: the request's context, echoed (an inform's
            // is its sender's, not this engine's).
            (scoped.context_engine_id, scoped.context_name),
            pdu,
            &keys,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn send_v3(
        &mut self,
        now: Instant,
        msg_id: i32,
        flags: MsgFlags,
        user: &[u8],
        context: (&[u8], &[u8]),
        pdu: Pdu,
        keys: &LocalizedKeys,
    ) -> Reply {
        let (context_engine_id, context_name) = context;
        let (boots, time) = self.engine_clock(now);
        let msg = V3Message {
            msg_id,
            max_size: self.max_size as i32,
            flags,
            security_model: message::USM_SECURITY_MODEL,
            security: SecurityParams::Usm(UsmParams {
                engine_id: self.engine_id.clone(),
                engine_boots: boots,
                engine_time: time,
                user_name: user.to_vec(),
                ..Default::default()
            }),
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: context_engine_id.to_vec(),
                context_name: context_name.to_vec(),
                pdu: pdu.into(),
            }),
        };
        if !flags.auth() {
            return match Message::V3(msg).try_to_bytes() {
                Ok(b) => Reply::Send(b),
                Err(e) => Reply::Drop(format!("response not encodable: {e}")),
            };
        }
        self.salt = self.salt.wrapping_add(1);
        let salt = match keys.privacy.as_ref().map(|p| p.protocol()) {
            Some(usm::PrivProtocol::Des) => {
                (u64::from(boots as u32) << 32) | (self.salt & 0xffff_ffff)
            }
            _ => self.salt,
        };
        let mut out = Vec::new();
        match usm::protect(&msg, keys, salt, &mut out) {
            Ok(()) => Reply::Send(out),
            Err(e) => Reply::Drop(format!("response not protected: {e}")),
        }
    }

    /// A Report with usmStats counter `which` (RFC 3414 §3.2): plain
    /// unless `keys` are given (notInTimeWindow goes authNoPriv).
    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        now: Instant,
        v: &V3MessageRef<'_>,
        request_id: i32,
        which: u32,
        count: u32,
        keys: Option<&LocalizedKeys>,
        reportable: bool,
    ) -> Reply {
        let name = [
            "unsupportedSecLevel",
            "notInTimeWindow",
            "unknownUserName",
            "unknownEngineID",
            "wrongDigest",
            "decryptionError",
        ]
        .get(which as usize - 1)
        .copied()
        .unwrap_or("report");
        if !reportable {
            return Reply::Drop(format!("msgID {}: {name} (not reportable)", v.msg_id));
        }
        let mut oid = Oid::new(USM_STATS);
        oid.push(which);
        oid.push(0);
        let pdu = Pdu::new(
            PduType::Report,
            request_id,
            vec![VarBind::new(oid, Value::Counter32(count))],
        );
        let user = v
            .usm
            .as_ref()
            .map(|u| u.user_name.to_vec())
            .unwrap_or_default();
        match keys {
            Some(k) => {
                let engine = self.engine_id.clone();
                self.send_v3(
                    now,
                    v.msg_id,
                    MsgFlags(MsgFlags::AUTH),
                    &user,
                    (&engine, b""),
                    pdu,
                    k,
                )
            }
            None => {
                let (boots, time) = self.engine_clock(now);
                let msg = Message::V3(V3Message {
                    msg_id: v.msg_id,
                    max_size: self.max_size as i32,
                    flags: MsgFlags(0),
                    security_model: message::USM_SECURITY_MODEL,
                    security: SecurityParams::Usm(UsmParams {
                        engine_id: self.engine_id.clone(),
                        engine_boots: boots,
                        engine_time: time,
                        user_name: user,
                        ..Default::default()
                    }),
                    data: ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: self.engine_id.clone(),
                        context_name: Vec::new(),
                        pdu: pdu.into(),
                    }),
                });
                match msg.try_to_bytes() {
                    Ok(b) => Reply::Send(b),
                    Err(e) => Reply::Drop(format!("report not encodable: {e}")),
                }
            }
        }
    }
}

/// The v1 error answer: the request's varbinds, status and index.
fn v1_error(request_id: i32, status: i32, i: usize, request: Vec<VarBind>) -> Pdu {
    let mut e = Pdu::new(PduType::Response, request_id, request);
    e.error_status = status;
    e.error_index = i as i32 + 1;
    e
}

#[cfg(test)]
mod tests;
