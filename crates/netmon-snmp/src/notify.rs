//! Notifications, sans IO: traps and informs sent ([`TrapSender`]; an
//! inform is a request, sent with [`crate::engine::client::ClientEngine`]
//! and [`notification_varbinds`]), and received ([`Receiver`]: v1, v2c
//! and v3 traps and informs, informs acknowledged, v3 users keyed by
//! engine ID and user name, localised keys cached within a bound).
//!
//! ```
//! use std::time::Instant;
//! use netmon_snmp::notify::{Receiver, TrapSender};
//! use netmon_snmp::engine::client::Security;
//! use netmon_snmp::{Oid, Version};
//! let now = Instant::now();
//! let link_down: Oid = "1.3.6.1.6.3.1.1.5.3".parse().unwrap();
//! let mut sender = TrapSender::new(Version::V2c, Security::Community(b"public".to_vec()));
//! let datagram = sender.trap(now, &link_down, 4200, vec![]).unwrap();
//! let mut receiver = Receiver::builder().build();
//! assert!(receiver.handle(now, &datagram).is_none()); // traps are not answered
//! let n = receiver.poll().unwrap();
//! assert_eq!(n.trap_oid, Some(link_down));
//! ```

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use crate::agent::{Access, Agent, Reply, View, default_engine_id, mib::Mib};
use crate::engine::client::Security;
use crate::error::Error;
use crate::message::{
    self, CommunityMessage, Message, MessageRef, MsgFlags, ScopedPdu, ScopedPduData,
    SecurityParams, UsmParams, V3Message, V3MessageRef, Version,
};
use crate::oid::Oid;
use crate::pdu::{AnyPdu, AnyPduRef, Pdu, PduType, TrapV1, VarBind};
use crate::usm::{self, LocalizedKeys, UsmUser};
use crate::value::Value;

/// sysUpTime.0
pub const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0
pub const SNMP_TRAP_OID: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// snmpTrapEnterprise.0 (RFC 3584 §3.1)
pub const SNMP_TRAP_ENTERPRISE: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];
/// snmpTraps: the generic traps' OIDs are its children 1 to 6.
pub const SNMP_TRAPS: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 5];

/// The varbinds of an SNMPv2 notification: sysUpTime.0, snmpTrapOID.0,
/// then `extra`.
pub fn notification_varbinds(uptime: u32, trap_oid: &Oid, extra: Vec<VarBind>) -> Vec<VarBind> {
    let mut v = Vec::with_capacity(extra.len() + 2);
    v.push(VarBind::new(Oid::new(SYS_UPTIME), Value::TimeTicks(uptime)));
    v.push(VarBind::new(
        Oid::new(SNMP_TRAP_OID),
        Value::ObjectId(trap_oid.clone()),
    ));
    v.extend(extra);
    v
}

fn generic_trap_oid(generic: u32) -> Oid {
    let mut o = Oid::new(SNMP_TRAPS);
    o.push(generic + 1);
    o
}

/// The snmpTrapOID of a v1 trap (RFC 3584 §3.1): a generic trap's
/// standard OID, else enterprise.0.specific.
pub fn v1_trap_oid(t: &TrapV1) -> Oid {
    match u32::try_from(t.generic_trap) {
        Ok(g @ 0..=5) => generic_trap_oid(g),
        _ => {
            let mut o = t.enterprise.clone();
            o.push(0);
            o.push(t.specific_trap as u32);
            o
        }
    }
}

/// A v2 notification as a v1 Trap-PDU (RFC 3584 §3.2): generic traps
/// back to their numbers, others to enterprise and specific.
pub fn to_v1(uptime: u32, trap_oid: &Oid, agent_addr: [u8; 4], extra: Vec<VarBind>) -> TrapV1 {
    let arcs = trap_oid.arcs();
    if arcs.len() == 10 && arcs[..9] == SNMP_TRAPS && (1..=6).contains(&arcs[9]) {
        return TrapV1 {
            enterprise: Oid::new(SNMP_TRAPS),
            agent_addr,
            generic_trap: arcs[9] as i32 - 1,
            specific_trap: 0,
            time_stamp: uptime,
            varbinds: extra,
        };
    }
    let (enterprise, specific) = match arcs {
        [head @ .., 0, last] => (Oid::new(head), *last),
        [head @ .., last] => (Oid::new(head), *last),
        [] => (Oid::new([0, 0]), 0),
    };
    TrapV1 {
        enterprise,
        agent_addr,
        generic_trap: 6,
        specific_trap: specific as i32,
        time_stamp: uptime,
        varbinds: extra,
    }
}

/// Builds trap datagrams for one destination. v1 and v2c carry a
/// community; v3 traps come from this sender's own (authoritative) engine:
/// its engine ID, boots and time, keys localised to it.
#[derive(Debug)]
pub struct TrapSender {
    version: Version,
    security: Security,
    engine_id: Vec<u8>,
    boots: i32,
    started: Option<Instant>,
    keys: Option<LocalizedKeys>,
    request_id: i32,
    salt: u64,
    agent_addr: [u8; 4],
}

impl TrapSender {
    /// A sender with a generated engine ID, boots 1.
    pub fn new(version: Version, security: Security) -> Self {
        let mut s = TrapSender {
            version,
            security,
            engine_id: Vec::new(),
            boots: 1,
            started: None,
            keys: None,
            request_id: (std::process::id() as i32 & 0xffff) << 8 | 1,
            salt: u64::from(std::process::id()).rotate_left(29) ^ 0x7ea,
            agent_addr: [127, 0, 0, 1],
        };
        s.set_engine(default_engine_id(), 1);
        s
    }

    /// The sender's snmpEngineID and boots (v3).
    pub fn set_engine(&mut self, engine_id: Vec<u8>, boots: i32) {
        if let Security::Usm(u) = &self.security {
            self.keys = Some(u.localize(&engine_id));
        }
        self.engine_id = engine_id;
        self.boots = boots;
    }

    /// The agent-addr of v1 traps.
    pub fn set_agent_addr(&mut self, addr: [u8; 4]) {
        self.agent_addr = addr;
    }

    /// The sender's snmpEngineID.
    pub fn engine_id(&self) -> &[u8] {
        &self.engine_id
    }

    /// A trap: `trap_oid` with `uptime` and `extra` varbinds (SNMPv2-Trap;
    /// for v1 converted as RFC 3584 §3.2 says).
    pub fn trap(
        &mut self,
        now: Instant,
        trap_oid: &Oid,
        uptime: u32,
        extra: Vec<VarBind>,
    ) -> Result<Vec<u8>, Error> {
        if self.version == Version::V1 {
            let t = to_v1(uptime, trap_oid, self.agent_addr, extra);
            return self.trap_v1(t);
        }
        self.request_id = self.request_id.wrapping_add(1) & 0x7fff_ffff;
        let pdu = Pdu::new(
            PduType::TrapV2,
            self.request_id,
            notification_varbinds(uptime, trap_oid, extra),
        );
        self.encode(now, pdu.into())
    }

    /// A v1 Trap-PDU as given (v1 senders only).
    pub fn trap_v1(&mut self, t: TrapV1) -> Result<Vec<u8>, Error> {
        let Security::Community(c) = &self.security else {
            return Err(Error::Config("a v1 trap needs a community"));
        };
        Message::Community(CommunityMessage {
            version: Version::V1,
            community: c.clone(),
            pdu: t.into(),
        })
        .try_to_bytes()
    }

    fn encode(&mut self, now: Instant, pdu: AnyPdu) -> Result<Vec<u8>, Error> {
        match &self.security {
            Security::Community(c) => Message::Community(CommunityMessage {
                version: self.version,
                community: c.clone(),
                pdu,
            })
            .try_to_bytes(),
            Security::Usm(user) => {
                let keys = self.keys.as_ref().ok_or(Error::NotUsm)?;
                let started = *self.started.get_or_insert(now);
                let time = i32::try_from(now.saturating_duration_since(started).as_secs())
                    .unwrap_or(i32::MAX);
                let msg = V3Message {
                    msg_id: self.request_id,
                    max_size: 65507,
                    flags: MsgFlags(keys.request_flags().0 & !MsgFlags::REPORTABLE),
                    security_model: message::USM_SECURITY_MODEL,
                    security: SecurityParams::Usm(UsmParams {
                        engine_id: self.engine_id.clone(),
                        engine_boots: self.boots,
                        engine_time: time,
                        user_name: user.name().to_vec(),
                        ..Default::default()
                    }),
                    data: ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: self.engine_id.clone(),
                        context_name: Vec::new(),
                        pdu,
                    }),
                };
                if keys.auth.is_none() {
                    return Message::V3(msg).try_to_bytes();
                }
                self.salt = self.salt.wrapping_add(1);
                let salt = match keys.privacy.as_ref().map(|p| p.protocol()) {
                    Some(usm::PrivProtocol::Des) => {
                        (u64::from(self.boots as u32) << 32) | (self.salt & 0xffff_ffff)
                    }
                    _ => self.salt,
                };
                let mut out = Vec::new();
                usm::protect(&msg, keys, salt, &mut out)?;
                Ok(out)
            }
        }
    }
}

/// What kind of notification arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// SNMPv1 Trap-PDU.
    TrapV1,
    /// SNMPv2-Trap-PDU (v2c or v3).
    Trap,
    /// InformRequest-PDU (acknowledged).
    Inform,
}

/// A received notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Trap or inform.
    pub kind: NotificationKind,
    /// The message's version.
    pub version: Version,
    /// The community (v1, v2c).
    pub community: Option<Vec<u8>>,
    /// The USM user (v3).
    pub user: Option<Vec<u8>>,
    /// The sending engine's ID for a v3 trap, this receiver's for an
    /// inform.
    pub engine_id: Option<Vec<u8>>,
    /// v3 security level (noAuthNoPriv, authNoPriv, authPriv).
    pub level: Option<&'static str>,
    /// request-id (0 for v1).
    pub request_id: i32,
    /// sysUpTime.0 (v1: time-stamp).
    pub uptime: Option<u32>,
    /// snmpTrapOID.0 (v1: per RFC 3584).
    pub trap_oid: Option<Oid>,
    /// The v1 Trap-PDU's own fields.
    pub v1: Option<TrapV1>,
    /// Every varbind as received (for v2: sysUpTime.0 and snmpTrapOID.0
    /// included).
    pub varbinds: Vec<VarBind>,
}

impl Notification {
    fn from_v2(kind: NotificationKind, version: Version, pdu: Pdu) -> Self {
        let uptime = pdu.varbinds.first().and_then(|v| match v.value {
            Value::TimeTicks(t) if v.name.arcs() == SYS_UPTIME => Some(t),
            _ => None,
        });
        let trap_oid = pdu.varbinds.get(1).and_then(|v| match &v.value {
            Value::ObjectId(o) if v.name.arcs() == SNMP_TRAP_OID => Some(o.clone()),
            _ => None,
        });
        Notification {
            kind,
            version,
            community: None,
            user: None,
            engine_id: None,
            level: None,
            request_id: pdu.request_id,
            uptime,
            trap_oid,
            v1: None,
            varbinds: pdu.varbinds,
        }
    }
}

/// v3 users by name, each with the engine it is bound to (`None`: any).
type UsersByName = HashMap<Vec<u8>, Vec<(Option<Vec<u8>>, UsmUser)>>;

/// Builds a [`Receiver`].
#[derive(Debug, Default)]
pub struct ReceiverBuilder {
    communities: Vec<Vec<u8>>,
    users: Vec<(Option<Vec<u8>>, UsmUser)>,
    engine_id: Option<Vec<u8>>,
    boots: i32,
    key_capacity: Option<usize>,
    queue_capacity: Option<usize>,
}

impl ReceiverBuilder {
    /// Accept this community (repeatable; with none, every community is
    /// accepted).
    pub fn community(mut self, c: impl Into<Vec<u8>>) -> Self {
        self.communities.push(c.into());
        self
    }

    /// A v3 user for traps from any engine (keys localised per engine
    /// when its first trap arrives) and for informs to this receiver.
    pub fn user(mut self, user: UsmUser) -> Self {
        self.users.push((None, user));
        self
    }

    /// A v3 user for traps from one engine only (net-snmp's
    /// `createUser -e ENGINEID`).
    pub fn user_for_engine(mut self, engine_id: Vec<u8>, user: UsmUser) -> Self {
        self.users.push((Some(engine_id), user));
        self
    }

    /// This receiver's snmpEngineID (the authoritative one for informs).
    pub fn engine_id(mut self, id: Vec<u8>) -> Self {
        self.engine_id = Some(id);
        self
    }

    /// snmpEngineBoots of this receiver.
    pub fn boots(mut self, boots: i32) -> Self {
        self.boots = boots;
        self
    }

    /// At most this many localised keys are kept (default 10 000).
    pub fn key_capacity(mut self, n: usize) -> Self {
        self.key_capacity = Some(n.max(1));
        self
    }

    /// At most this many notifications wait for [`Receiver::poll`]
    /// (default 10 000; the oldest are dropped and counted).
    pub fn queue_capacity(mut self, n: usize) -> Self {
        self.queue_capacity = Some(n.max(1));
        self
    }

    /// The receiver.
    pub fn build(self) -> Receiver {
        let engine_id = self.engine_id.unwrap_or_else(default_engine_id);
        let mut b = Agent::builder(Mib::new())
            .engine_id(engine_id.clone())
            .boots(self.boots.max(1));
        // Informs: read nothing, but answered.
        let access = Access::with_view(View::none(), false);
        if self.communities.is_empty() {
            b = b.any_community(access.clone());
        }
        for c in &self.communities {
            b = b.community(c.clone(), access.clone());
        }
        let mut users: UsersByName = HashMap::new();
        for (engine, u) in self.users {
            if engine.is_none() || engine.as_deref() == Some(engine_id.as_slice()) {
                b = b.user(u.clone(), access.clone());
            }
            users
                .entry(u.name().to_vec())
                .or_default()
                .push((engine, u));
        }
        Receiver {
            agent: b.build(),
            engine_id,
            users,
            keys: HashMap::new(),
            key_capacity: self.key_capacity.unwrap_or(10_000),
            queue: VecDeque::new(),
            queue_capacity: self.queue_capacity.unwrap_or(10_000),
            stats: ReceiverStats::default(),
        }
    }
}

/// What the receiver counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiverStats {
    /// Notifications accepted.
    pub received: u64,
    /// Datagrams dropped (undecodable, unknown community or user, failed
    /// authentication or decryption, not a notification).
    pub dropped: u64,
    /// Notifications dropped because nobody polled them.
    pub overflowed: u64,
}

/// Receives notifications; see the module's documentation.
#[derive(Debug)]
pub struct Receiver {
    agent: Agent,
    engine_id: Vec<u8>,
    users: UsersByName,
    keys: HashMap<(Vec<u8>, Vec<u8>), LocalizedKeys>,
    key_capacity: usize,
    queue: VecDeque<Notification>,
    queue_capacity: usize,
    stats: ReceiverStats,
}

impl Receiver {
    /// A builder.
    pub fn builder() -> ReceiverBuilder {
        ReceiverBuilder {
            boots: 1,
            ..Default::default()
        }
    }

    /// This receiver's snmpEngineID.
    pub fn engine_id(&self) -> &[u8] {
        &self.engine_id
    }

    /// Counters.
    pub fn stats(&self) -> ReceiverStats {
        self.stats
    }

    /// The next notification received.
    pub fn poll(&mut self) -> Option<Notification> {
        self.queue.pop_front()
    }

    /// The last datagram's drop reason is not kept; this is the count.
    fn dropped(&mut self) -> Option<Vec<u8>> {
        self.stats.dropped += 1;
        None
    }

    fn push(&mut self, n: Notification) {
        self.stats.received += 1;
        if self.queue.len() >= self.queue_capacity {
            self.queue.pop_front();
            self.stats.overflowed += 1;
        }
        self.queue.push_back(n);
    }

    /// One datagram: the answer to send back (an inform's
    /// acknowledgement, a discovery report), if any. Notifications are
    /// queued for [`Receiver::poll`].
    pub fn handle(&mut self, now: Instant, datagram: &[u8]) -> Option<Vec<u8>> {
        let Ok(m) = message::decode(datagram) else {
            return self.dropped();
        };
        match m {
            MessageRef::Community(c) => match &c.pdu {
                AnyPduRef::TrapV1(_) | AnyPduRef::Pdu(_)
                    if !self.agent.community_ok(c.community) =>
                {
                    self.dropped()
                }
                AnyPduRef::TrapV1(_) => {
                    let Ok(AnyPdu::TrapV1(t)) = c.pdu.to_owned_pdu() else {
                        return self.dropped();
                    };
                    let mut n = Notification {
                        kind: NotificationKind::TrapV1,
                        version: c.version,
                        community: Some(c.community.to_vec()),
                        user: None,
                        engine_id: None,
                        level: None,
                        request_id: 0,
                        uptime: Some(t.time_stamp),
                        trap_oid: Some(v1_trap_oid(&t)),
                        v1: None,
                        varbinds: t.varbinds.clone(),
                    };
                    n.v1 = Some(t);
                    self.push(n);
                    None
                }
                AnyPduRef::Pdu(p) if p.pdu_type == PduType::TrapV2 => {
                    let Ok(AnyPdu::Pdu(pdu)) = c.pdu.to_owned_pdu() else {
                        return self.dropped();
                    };
                    let mut n = Notification::from_v2(NotificationKind::Trap, c.version, pdu);
                    n.community = Some(c.community.to_vec());
                    self.push(n);
                    None
                }
                AnyPduRef::Pdu(p) if p.pdu_type == PduType::InformRequest => {
                    self.via_agent(now, datagram)
                }
                _ => self.dropped(),
            },
            MessageRef::V3(v) => {
                let for_us = v.usm.as_ref().is_some_and(|u| {
                    u.engine_id.is_empty() || u.engine_id == self.engine_id.as_slice()
                });
                if for_us {
                    // Discovery and informs: this receiver is authoritative.
                    self.via_agent(now, datagram)
                } else {
                    self.v3_trap(datagram, &v)
                }
            }
            MessageRef::Unknown { .. } => self.dropped(),
        }
    }

    fn via_agent(&mut self, now: Instant, datagram: &[u8]) -> Option<Vec<u8>> {
        let reply = self.agent.handle(now, datagram);
        let mut any = false;
        while let Some(n) = self.agent.poll_inform() {
            any = true;
            self.push(n);
        }
        match reply {
            Reply::Send(b) => Some(b),
            Reply::Drop(_) if !any => self.dropped(),
            Reply::Drop(_) => None,
        }
    }

    fn v3_trap(&mut self, raw: &[u8], v: &V3MessageRef<'_>) -> Option<Vec<u8>> {
        let Some(u) = v.usm else {
            return self.dropped();
        };
        let key = (u.engine_id.to_vec(), u.user_name.to_vec());
        if !self.keys.contains_key(&key) {
            let Some(candidates) = self.users.get(u.user_name) else {
                return self.dropped();
            };
            let user = candidates
                .iter()
                .find(|(e, _)| e.as_deref() == Some(u.engine_id))
                .or_else(|| candidates.iter().find(|(e, _)| e.is_none()));
            let Some((_, user)) = user else {
                return self.dropped();
            };
            if self.keys.len() >= self.key_capacity {
                // Bounded: forget an arbitrary engine's keys (they are
                // localised again if it sends more).
                if let Some(k) = self.keys.keys().next().cloned() {
                    self.keys.remove(&k);
                }
            }
            let localized = user.localize(u.engine_id);
            self.keys.insert(key.clone(), localized);
        }
        let Some(keys) = self.keys.get(&key) else {
            return self.dropped();
        };
        if (v.flags.auth() && keys.auth.is_none())
            || (!v.flags.auth() && keys.auth.is_some())
            || (v.flags.privacy() && keys.privacy.is_none())
        {
            return self.dropped();
        }
        let mut buf = Vec::new();
        let scoped = match usm::unprotect(raw, v, keys, &mut buf) {
            Ok(s) => s,
            Err(_) => return self.dropped(),
        };
        let level = v.flags.level_name();
        match &scoped.pdu {
            AnyPduRef::Pdu(p) if p.pdu_type == PduType::TrapV2 => {
                let Ok(AnyPdu::Pdu(pdu)) = scoped.pdu.to_owned_pdu() else {
                    return self.dropped();
                };
                let mut n = Notification::from_v2(NotificationKind::Trap, Version::V3, pdu);
                n.user = Some(key.1);
                n.engine_id = Some(key.0);
                n.level = Some(level);
                self.push(n);
                None
            }
            _ => self.dropped(),
        }
    }
}

/// Informs, as the agent sees them.
pub(crate) fn inform_notification(
    version: Version,
    community: Option<&[u8]>,
    user: Option<(&[u8], &[u8], &'static str)>,
    pdu: Pdu,
) -> Notification {
    let mut n = Notification::from_v2(NotificationKind::Inform, version, pdu);
    n.community = community.map(<[u8]>::to_vec);
    if let Some((name, engine, level)) = user {
        n.user = Some(name.to_vec());
        n.engine_id = Some(engine.to_vec());
        n.level = Some(level);
    }
    n
}

/// Receives on `socket` until `shutdown` completes: each notification
/// goes to `on` with its sender's address, informs and discovery are
/// answered. One bad datagram never stops it.
#[cfg(feature = "tokio")]
pub async fn run(
    socket: &tokio::net::UdpSocket,
    receiver: &mut Receiver,
    shutdown: impl std::future::Future<Output = ()>,
    mut on: impl FnMut(Notification, std::net::SocketAddr),
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 65536];
    tokio::pin!(shutdown);
    loop {
        let (n, from) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            r = socket.recv_from(&mut buf) => match r {
                Ok(x) => x,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset) => continue,
                Err(e) => return Err(e),
            },
        };
        if let Some(answer) = receiver.handle(Instant::now(), &buf[..n]) {
            let _ = socket.send_to(&answer, from).await;
        }
        while let Some(notification) = receiver.poll() {
            on(notification, from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::client::{ClientEngine, Event};
    use crate::engine::retry::RetryPolicy;
    use crate::usm::{AuthProtocol, PrivProtocol};

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn user(name: &str) -> UsmUser {
        UsmUser::new(name)
            .with_auth(AuthProtocol::Sha512, b"authpass123")
            .unwrap()
            .with_privacy(PrivProtocol::Aes256, b"privpass123")
            .unwrap()
    }

    #[test]
    fn v1_and_v2_forms_convert_both_ways() {
        let link_down = oid("1.3.6.1.6.3.1.1.5.3");
        let t = to_v1(55, &link_down, [10, 0, 0, 1], vec![]);
        assert_eq!((t.generic_trap, t.specific_trap, t.time_stamp), (2, 0, 55));
        assert_eq!(v1_trap_oid(&t), link_down);
        let ent = oid("1.3.6.1.4.1.9999.0.17");
        let t = to_v1(1, &ent, [10, 0, 0, 1], vec![]);
        assert_eq!((t.generic_trap, t.specific_trap), (6, 17));
        assert_eq!(t.enterprise, oid("1.3.6.1.4.1.9999"));
        assert_eq!(v1_trap_oid(&t), ent);
    }

    #[test]
    fn community_traps_v1_and_v2c() {
        let now = Instant::now();
        let mut r = Receiver::builder().community("traps").build();
        let extra = vec![VarBind::new(
            oid("1.3.6.1.2.1.2.2.1.1.3"),
            Value::Integer(3),
        )];
        for version in [Version::V1, Version::V2c] {
            let mut s = TrapSender::new(version, Security::Community(b"traps".to_vec()));
            let d = s
                .trap(now, &oid("1.3.6.1.6.3.1.1.5.3"), 777, extra.clone())
                .unwrap();
            assert_eq!(r.handle(now, &d), None);
            let n = r.poll().unwrap();
            assert_eq!(n.version, version);
            assert_eq!(n.trap_oid, Some(oid("1.3.6.1.6.3.1.1.5.3")));
            assert_eq!(n.uptime, Some(777));
            assert_eq!(n.community.as_deref(), Some(&b"traps"[..]));
            assert_eq!(n.varbinds.last(), extra.last());
        }
        let mut wrong = TrapSender::new(Version::V2c, Security::Community(b"public".to_vec()));
        let d = wrong
            .trap(now, &oid("1.3.6.1.6.3.1.1.5.1"), 1, vec![])
            .unwrap();
        assert_eq!(r.handle(now, &d), None);
        assert!(r.poll().is_none());
        assert_eq!(r.stats().dropped, 1);
        for junk in [&b""[..], b"\x30\x00", b"\x30\x05\x02\x01\x01\x04\x00"] {
            assert_eq!(r.handle(now, junk), None);
        }
        assert_eq!(r.stats().dropped, 4);
    }

    #[test]
    fn v3_traps_keyed_by_engine_and_user() {
        let now = Instant::now();
        let engine_a = b"\x80\x00\x00\x00\x04engine-a".to_vec();
        let engine_b = b"\x80\x00\x00\x00\x04engine-b".to_vec();
        let mut r = Receiver::builder()
            .user(user("anywhere"))
            .user_for_engine(engine_a.clone(), user("only-a"))
            .key_capacity(2)
            .build();
        let send = |name: &str, engine: &[u8]| {
            let mut s = TrapSender::new(Version::V3, Security::Usm(user(name)));
            s.set_engine(engine.to_vec(), 3);
            s.trap(now, &oid("1.3.6.1.4.1.9999.0.1"), 5, vec![])
                .unwrap()
        };
        assert_eq!(r.handle(now, &send("anywhere", &engine_a)), None);
        assert_eq!(r.handle(now, &send("anywhere", &engine_b)), None);
        assert_eq!(r.handle(now, &send("only-a", &engine_a)), None);
        let got: Vec<_> = std::iter::from_fn(|| r.poll()).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].level, Some("authPriv"));
        assert_eq!(got[1].engine_id.as_deref(), Some(&engine_b[..]));
        assert_eq!(got[2].user.as_deref(), Some(&b"only-a"[..]));
        // only-a from another engine, and a wrong password: dropped.
        assert_eq!(r.handle(now, &send("only-a", &engine_b)), None);
        let mut s = TrapSender::new(
            Version::V3,
            Security::Usm(
                UsmUser::new("anywhere")
                    .with_auth(AuthProtocol::Sha512, b"wrong-password")
                    .unwrap()
                    .with_privacy(PrivProtocol::Aes256, b"privpass123")
                    .unwrap(),
            ),
        );
        s.set_engine(engine_b.clone(), 1);
        let d = s
            .trap(now, &oid("1.3.6.1.4.1.9999.0.1"), 5, vec![])
            .unwrap();
        assert_eq!(r.handle(now, &d), None);
        assert!(r.poll().is_none());
        assert_eq!(r.stats().dropped, 2);
        assert!(r.keys.len() <= 2, "key cache bounded");
    }

    fn inform(client: &mut ClientEngine, r: &mut Receiver, now: Instant) -> Pdu {
        let h = client.send(
            now,
            PduType::InformRequest,
            notification_varbinds(99, &oid("1.3.6.1.4.1.9999.0.2"), vec![]),
            0,
            0,
        );
        for _ in 0..5 {
            while let Some(d) = client.poll_transmit() {
                if let Some(answer) = r.handle(now, &d) {
                    client.handle_datagram(now, &answer);
                }
            }
            while let Some(e) = client.poll_event() {
                if let Event::Response { handle, result } = e
                    && handle == h
                {
                    return result.unwrap();
                }
            }
        }
        panic!("no acknowledgement")
    }

    #[test]
    fn informs_are_acknowledged_v2c_and_v3() {
        let now = Instant::now();
        let mut r = Receiver::builder()
            .community("public")
            .user(user("ops"))
            .build();
        let mut c = ClientEngine::new(
            Version::V2c,
            Security::Community(b"public".to_vec()),
            RetryPolicy::default(),
            1,
        );
        let ack = inform(&mut c, &mut r, now);
        assert_eq!(ack.pdu_type, PduType::Response);
        assert_eq!(ack.varbinds.len(), 2);
        let n = r.poll().unwrap();
        assert_eq!(n.kind, NotificationKind::Inform);
        assert_eq!(n.trap_oid, Some(oid("1.3.6.1.4.1.9999.0.2")));

        // v3: the sender discovers the receiver's engine first.
        let mut c = ClientEngine::new(
            Version::V3,
            Security::Usm(user("ops")),
            RetryPolicy::default(),
            2,
        );
        let ack = inform(&mut c, &mut r, now);
        assert_eq!(ack.varbinds.len(), 2);
        let n = r.poll().unwrap();
        assert_eq!((n.kind, n.version), (NotificationKind::Inform, Version::V3));
        assert_eq!(n.engine_id.as_deref(), Some(r.engine_id()));
        assert_eq!(n.level, Some("authPriv"));
    }
}
