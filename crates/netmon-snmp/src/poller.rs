//! Many targets from one UDP socket: a [`ClientEngine`] per target, a
//! bound on requests in flight across all of them, answers matched by
//! source address or, in the unconnected mode's spirit, by request-id or
//! msgID when an agent answers from another address.
//!
//! ```no_run
//! # async fn demo() -> Result<(), netmon_snmp::Error> {
//! use netmon_snmp::poller::Poller;
//! use netmon_snmp::engine::client::Security;
//! use netmon_snmp::engine::retry::RetryPolicy;
//! use netmon_snmp::Version;
//! let mut p = Poller::bind("0.0.0.0:0".parse().unwrap(), 256).await?;
//! for port in 20000..21000 {
//!     p.add_target(([127, 0, 0, 1], port).into(), Version::V2c,
//!         Security::Community(b"public".to_vec()), RetryPolicy::default());
//! }
//! let results = p.get_all(&["1.3.6.1.2.1.1.3.0".parse().unwrap()]).await;
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;

use crate::engine::client::{ClientEngine, Event, Handle, Security};
use crate::engine::retry::RetryPolicy;
use crate::error::Error;
use crate::message::{Version, message_id};
use crate::oid::Oid;
use crate::pdu::{Pdu, PduType, VarBind};

/// A target's index in its [`Poller`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetId(pub usize);

/// One request of a batch.
#[derive(Debug, Clone)]
pub struct Request {
    /// To whom.
    pub target: TargetId,
    /// Which PDU.
    pub pdu_type: PduType,
    /// The varbinds.
    pub varbinds: Vec<VarBind>,
    /// GetBulk's non-repeaters.
    pub non_repeaters: i32,
    /// GetBulk's max-repetitions.
    pub max_repetitions: i32,
}

#[derive(Debug)]
struct Target {
    addr: SocketAddr,
    engine: ClientEngine,
}

/// What the last batch saw besides its results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollStats {
    /// Datagrams sent (retries and discovery included).
    pub sent: u64,
    /// Datagrams received.
    pub received: u64,
    /// Received but matched to no request (late, duplicated, foreign).
    pub unmatched: u64,
}

/// The poller.
#[derive(Debug)]
pub struct Poller {
    socket: UdpSocket,
    targets: Vec<Target>,
    by_addr: HashMap<SocketAddr, usize>,
    max_in_flight: usize,
    buf: Vec<u8>,
    seed: u64,
    stats: PollStats,
}

fn io(e: std::io::Error) -> Error {
    Error::Io(e.to_string())
}

impl Poller {
    /// Binds the one socket (`0.0.0.0:0` or `[::]:0` for either family's
    /// targets); at most `max_in_flight` requests wait at once.
    pub async fn bind(local: SocketAddr, max_in_flight: usize) -> Result<Self, Error> {
        let socket = UdpSocket::bind(local).await.map_err(io)?;
        // Answers arrive in bursts of up to `max_in_flight` datagrams: ask
        // for a receive buffer that holds them (the kernel caps it at
        // net.core.rmem_max; best effort).
        let want = (max_in_flight.max(1) * 8192).clamp(1 << 20, 16 << 20);
        let _ = socket2::SockRef::from(&socket).set_recv_buffer_size(want);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Ok(Poller {
            socket,
            targets: Vec::new(),
            by_addr: HashMap::new(),
            max_in_flight: max_in_flight.max(1),
            buf: vec![0; 65536],
            seed,
            stats: PollStats::default(),
        })
    }

    /// Adds a target.
    pub fn add_target(
        &mut self,
        addr: SocketAddr,
        version: Version,
        security: Security,
        policy: RetryPolicy,
    ) -> TargetId {
        let id = self.targets.len();
        // Spread request-ids: each engine starts at its own random point.
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.targets.push(Target {
            addr,
            engine: ClientEngine::new(version, security, policy, self.seed ^ id as u64),
        });
        self.by_addr.insert(addr, id);
        TargetId(id)
    }

    /// How many targets.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// True without targets.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// A target's address.
    pub fn addr(&self, t: TargetId) -> Option<SocketAddr> {
        self.targets.get(t.0).map(|t| t.addr)
    }

    /// Counters of the batches so far.
    pub fn stats(&self) -> PollStats {
        self.stats
    }

    /// One GetRequest of `oids` to every target; results in target order.
    pub async fn get_all(&mut self, oids: &[Oid]) -> Vec<Result<Pdu, Error>> {
        let varbinds: Vec<VarBind> = oids.iter().cloned().map(VarBind::null).collect();
        let requests = (0..self.targets.len())
            .map(|t| Request {
                target: TargetId(t),
                pdu_type: PduType::GetRequest,
                varbinds: varbinds.clone(),
                non_repeaters: 0,
                max_repetitions: 0,
            })
            .collect();
        self.run(requests).await
    }

    async fn flush(&mut self, t: usize) -> Result<(), Error> {
        let Some(target) = self.targets.get_mut(t) else {
            return Ok(());
        };
        while let Some(d) = target.engine.poll_transmit() {
            self.stats.sent += 1;
            if let Err(e) = self.socket.send_to(&d, target.addr).await {
                // A target we cannot send to times out like a silent one,
                // unless the socket itself is broken.
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::NetworkUnreachable
                        | std::io::ErrorKind::HostUnreachable
                        | std::io::ErrorKind::PermissionDenied
                ) {
                    return Err(io(e));
                }
            }
        }
        Ok(())
    }

    /// Runs a batch: every request answered, failed or timed out (per the
    /// target's retry policy); results in the order of `requests`. A
    /// request to an unknown target fails at once.
    pub async fn run(&mut self, requests: Vec<Request>) -> Vec<Result<Pdu, Error>> {
        let mut results: Vec<Option<Result<Pdu, Error>>> = vec![None; requests.len()];
        let mut pending: VecDeque<(usize, Request)> = requests.into_iter().enumerate().collect();
        let mut in_flight: HashMap<(usize, Handle), usize> = HashMap::new();
        let mut active: HashMap<usize, usize> = HashMap::new();
        let mut next_check: Option<Instant> = None;
        loop {
            let now = Instant::now();
            while in_flight.len() < self.max_in_flight {
                let Some((idx, r)) = pending.pop_front() else {
                    break;
                };
                let Some(target) = self.targets.get_mut(r.target.0) else {
                    results[idx] = Some(Err(Error::Config("no such target")));
                    continue;
                };
                let h = target.engine.send(
                    now,
                    r.pdu_type,
                    r.varbinds,
                    r.non_repeaters,
                    r.max_repetitions,
                );
                in_flight.insert((r.target.0, h), idx);
                *active.entry(r.target.0).or_default() += 1;
                let due = target.engine.poll_timeout();
                next_check = match (next_check, due) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if let Err(e) = self.flush(r.target.0).await {
                    results[idx] = Some(Err(e));
                }
            }
            if in_flight.is_empty() && pending.is_empty() {
                break;
            }
            let wake = next_check.unwrap_or_else(|| now + Duration::from_secs(1));
            let got = tokio::time::timeout_at(
                tokio::time::Instant::from_std(wake),
                self.socket.recv_from(&mut self.buf),
            )
            .await;
            let mut touched = Vec::new();
            match got {
                Ok(Ok((n, from))) => {
                    self.stats.received += 1;
                    let bytes = &self.buf[..n];
                    let t = self.by_addr.get(&from).copied().or_else(|| {
                        // Answered from another address: find the engine
                        // waiting for this id.
                        let id = message_id(bytes)?;
                        active
                            .keys()
                            .copied()
                            .find(|t| self.targets[*t].engine.awaits(id))
                    });
                    match t {
                        Some(t) => {
                            self.targets[t]
                                .engine
                                .handle_datagram(Instant::now(), bytes);
                            touched.push(t);
                        }
                        None => self.stats.unmatched += 1,
                    }
                }
                // ICMP errors of earlier sends: the retries decide.
                Ok(Err(_)) => {}
                Err(_) => {
                    let now = Instant::now();
                    next_check = None;
                    for &t in active.keys() {
                        let e = &mut self.targets[t].engine;
                        if e.poll_timeout().is_some_and(|d| d <= now) {
                            e.handle_timeout(now);
                            touched.push(t);
                        }
                        next_check = match (next_check, e.poll_timeout()) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                }
            }
            for t in touched {
                let _ = self.flush(t).await;
                while let Some(ev) = self.targets[t].engine.poll_event() {
                    match ev {
                        Event::Response { handle, result } => {
                            if let Some(idx) = in_flight.remove(&(t, handle)) {
                                results[idx] = Some(result);
                                if let Some(n) = active.get_mut(&t) {
                                    *n -= 1;
                                    if *n == 0 {
                                        active.remove(&t);
                                    }
                                }
                            }
                        }
                        Event::Dropped(_) => self.stats.unmatched += 1,
                    }
                }
                if let Some(d) = self.targets[t].engine.poll_timeout() {
                    next_check = Some(next_check.map_or(d, |c| c.min(d)));
                }
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or(Err(Error::Timeout)))
            .collect()
    }
}
