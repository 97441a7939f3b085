//! A thin tokio driver over [`ClientEngine`] for one target, requests one
//! at a time: UDP connected ([`Client::connect`]) or unconnected
//! ([`Client::unconnected`], for agents answering from another address),
//! or TCP ([`Client::connect_tcp`], RFC 3430). Many targets from one
//! socket: [`crate::poller::Poller`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), netmon_snmp::Error> {
//! use netmon_snmp::client::Client;
//! use netmon_snmp::engine::client::Security;
//! use netmon_snmp::engine::retry::RetryPolicy;
//! use netmon_snmp::Version;
//! let mut c = Client::connect("127.0.0.1:161".parse().unwrap(), Version::V2c,
//!     Security::Community(b"public".to_vec()), RetryPolicy::default()).await?;
//! let pdu = c.get(&["1.3.6.1.2.1.1.5.0".parse().unwrap()]).await?;
//! let (rows, end) = c.bulk_walk("1.3.6.1.2.1.2".parse().unwrap(), 25).await;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use crate::engine::client::{ClientEngine, Event, Security};
use crate::engine::retry::RetryPolicy;
use crate::engine::table::{Rows, TableWalk};
use crate::engine::walk::{Walk, WalkEnd, WalkMode};
use crate::error::Error;
use crate::message::{StreamFrame, Version, next_stream_message};
use crate::oid::Oid;
use crate::pdu::{Pdu, PduType, VarBind, error_status};

fn io(e: std::io::Error) -> Error {
    Error::Io(e.to_string())
}

/// How the client reaches its target.
#[derive(Debug)]
enum Transport {
    /// A connected UDP socket.
    Udp(UdpSocket),
    /// An unconnected UDP socket: answers from any address are taken
    /// (matched by request-id or msgID), for agents that answer from
    /// another address than the one asked.
    UdpAny(UdpSocket, SocketAddr),
    /// RFC 3430: messages back to back on a TCP stream.
    Tcp {
        stream: TcpStream,
        /// Bytes read but not yet framed.
        pending: Vec<u8>,
    },
}

/// A client for one target over UDP or TCP.
#[derive(Debug)]
pub struct Client {
    transport: Transport,
    engine: ClientEngine,
    version: Version,
    buf: Vec<u8>,
    /// The max-repetitions the last GetBulk walk ended with when it had
    /// to shrink: where the next one starts.
    learned_repetitions: Option<i32>,
}

fn seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id()).rotate_left(32)
}

fn any_addr(target: SocketAddr) -> SocketAddr {
    if target.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    }
}

impl Client {
    fn with(
        transport: Transport,
        version: Version,
        security: Security,
        policy: RetryPolicy,
    ) -> Self {
        Client {
            transport,
            engine: ClientEngine::new(version, security, policy, seed()),
            version,
            buf: vec![0; 65536],
            learned_repetitions: None,
        }
    }

    /// UDP: binds a socket of the target's family and connects it.
    pub async fn connect(
        target: SocketAddr,
        version: Version,
        security: Security,
        policy: RetryPolicy,
    ) -> Result<Self, Error> {
        let socket = UdpSocket::bind(any_addr(target)).await.map_err(io)?;
        socket.connect(target).await.map_err(io)?;
        Ok(Client::with(
            Transport::Udp(socket),
            version,
            security,
            policy,
        ))
    }

    /// UDP without connecting: answers are accepted from any address (an
    /// agent behind NAT, or one that answers from its other interface).
    pub async fn unconnected(
        target: SocketAddr,
        version: Version,
        security: Security,
        policy: RetryPolicy,
    ) -> Result<Self, Error> {
        let socket = UdpSocket::bind(any_addr(target)).await.map_err(io)?;
        Ok(Client::with(
            Transport::UdpAny(socket, target),
            version,
            security,
            policy,
        ))
    }

    /// TCP (RFC 3430). Retries still apply, each bounded by the policy's
    /// timeout; an answer to a request sent twice is taken once.
    pub async fn connect_tcp(
        target: SocketAddr,
        version: Version,
        security: Security,
        policy: RetryPolicy,
    ) -> Result<Self, Error> {
        let connect = TcpStream::connect(target);
        let stream = match tokio::time::timeout(
            policy.timeout.max(Duration::from_millis(1)) * (policy.retries + 1),
            connect,
        )
        .await
        {
            Ok(r) => r.map_err(io)?,
            Err(_) => return Err(Error::Timeout),
        };
        let _ = stream.set_nodelay(true);
        Ok(Client::with(
            Transport::Tcp {
                stream,
                pending: Vec::new(),
            },
            version,
            security,
            policy,
        ))
    }

    async fn send(&mut self, datagram: &[u8]) -> Result<(), Error> {
        match &mut self.transport {
            Transport::Udp(s) => s.send(datagram).await.map(drop).map_err(io),
            Transport::UdpAny(s, to) => s.send_to(datagram, *to).await.map(drop).map_err(io),
            Transport::Tcp { stream, .. } => stream.write_all(datagram).await.map_err(io),
        }
    }

    /// The next message received, or `Ok(None)` for a transient error
    /// (ICMP port unreachable) that leaves the retries to decide.
    async fn receive(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match &mut self.transport {
            Transport::Udp(s) => match s.recv(&mut self.buf).await {
                Ok(n) => Ok(Some(self.buf[..n].to_vec())),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Ok(None),
                Err(e) => Err(io(e)),
            },
            Transport::UdpAny(s, _) => match s.recv_from(&mut self.buf).await {
                Ok((n, _)) => Ok(Some(self.buf[..n].to_vec())),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Ok(None),
                Err(e) => Err(io(e)),
            },
            Transport::Tcp { stream, pending } => loop {
                match next_stream_message(pending) {
                    StreamFrame::Complete(n) => {
                        let message: Vec<u8> = pending.drain(..n).collect();
                        return Ok(Some(message));
                    }
                    StreamFrame::Broken(e) => {
                        return Err(Error::Io(format!("TCP stream out of step: {e}")));
                    }
                    StreamFrame::Incomplete => {}
                }
                // A message is at most 2^31 octets by its BER length; the
                // engine never asks for more than 65507, so cap the wait.
                if pending.len() > (1 << 20) {
                    return Err(Error::Io("TCP message over 1 MiB".into()));
                }
                let n = stream.read(&mut self.buf).await.map_err(io)?;
                if n == 0 {
                    return Err(Error::Io("TCP connection closed by the agent".into()));
                }
                pending.extend_from_slice(&self.buf[..n]);
            },
        }
    }

    /// Sends one request and waits for its answer (retries and v3
    /// discovery included).
    pub async fn request(
        &mut self,
        pdu_type: PduType,
        varbinds: Vec<VarBind>,
        non_repeaters: i32,
        max_repetitions: i32,
    ) -> Result<Pdu, Error> {
        let handle = self.engine.send(
            Instant::now(),
            pdu_type,
            varbinds,
            non_repeaters,
            max_repetitions,
        );
        loop {
            while let Some(d) = self.engine.poll_transmit() {
                self.send(&d).await?;
            }
            while let Some(ev) = self.engine.poll_event() {
                if let Event::Response { handle: h, result } = ev
                    && h == handle
                {
                    return result;
                }
            }
            let deadline = self
                .engine
                .poll_timeout()
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            let wait = tokio::time::Instant::from_std(deadline);
            match tokio::time::timeout_at(wait, self.receive()).await {
                Ok(Ok(Some(message))) => self.engine.handle_datagram(Instant::now(), &message),
                Ok(Ok(None)) => {
                    tokio::time::sleep_until(wait).await;
                    self.engine.handle_timeout(Instant::now());
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => self.engine.handle_timeout(Instant::now()),
            }
        }
    }

    fn nulls(oids: &[Oid]) -> Vec<VarBind> {
        oids.iter().cloned().map(VarBind::null).collect()
    }

    /// GetRequest. When the agent answers tooBig, the list is split in
    /// halves, each asked on its own, and the answers joined (in the
    /// order asked); a single OID that is still too big gets the tooBig.
    pub async fn get(&mut self, oids: &[Oid]) -> Result<Pdu, Error> {
        let pdu = self
            .request(PduType::GetRequest, Self::nulls(oids), 0, 0)
            .await?;
        if pdu.error_status != error_status::TOO_BIG || oids.len() < 2 {
            return Ok(pdu);
        }
        let (a, b) = oids.split_at(oids.len() / 2);
        let first = Box::pin(self.get(a)).await?;
        if first.error_status != 0 {
            return Ok(first);
        }
        let second = Box::pin(self.get(b)).await?;
        if second.error_status != 0 {
            let mut e = second;
            if e.error_index > 0 {
                e.error_index += a.len() as i32;
            }
            return Ok(e);
        }
        let mut joined = first;
        joined.varbinds.extend(second.varbinds);
        Ok(joined)
    }

    /// Walks several columns of a table at once (GetBulk; GetNext in v1),
    /// rows assembled by index, one cell per column asked (`None` where a
    /// sparse column has no value for the row).
    pub async fn table(
        &mut self,
        entry: Oid,
        columns: &[u32],
        max_repetitions: i32,
    ) -> (Rows, WalkEnd) {
        let start = self
            .learned_repetitions
            .map_or(max_repetitions, |l| l.min(max_repetitions));
        let mut t = TableWalk::new(entry, columns, start, self.version);
        while let Some((pdu_type, varbinds, reps)) = t.next_request() {
            match self.request(pdu_type, varbinds, 0, reps).await {
                Ok(pdu) => t.on_response(&pdu),
                Err(Error::Timeout) => t.on_timeout(),
                Err(e) => return (t.into_rows(), WalkEnd::Failed(e)),
            }
        }
        if t.max_repetitions() < start {
            self.learned_repetitions = Some(t.max_repetitions());
        }
        let end = t.end().cloned().unwrap_or(WalkEnd::Timeout);
        (t.into_rows(), end)
    }

    /// The max-repetitions this client learned works with its target
    /// (after a walk had to shrink it), if any.
    pub fn learned_max_repetitions(&self) -> Option<i32> {
        self.learned_repetitions
    }

    /// GetNextRequest.
    pub async fn get_next(&mut self, oids: &[Oid]) -> Result<Pdu, Error> {
        self.request(PduType::GetNextRequest, Self::nulls(oids), 0, 0)
            .await
    }

    /// GetBulkRequest.
    pub async fn get_bulk(
        &mut self,
        non_repeaters: i32,
        max_repetitions: i32,
        oids: &[Oid],
    ) -> Result<Pdu, Error> {
        self.request(
            PduType::GetBulkRequest,
            Self::nulls(oids),
            non_repeaters,
            max_repetitions,
        )
        .await
    }

    /// SetRequest.
    pub async fn set(&mut self, varbinds: Vec<VarBind>) -> Result<Pdu, Error> {
        self.request(PduType::SetRequest, varbinds, 0, 0).await
    }

    /// Walks a subtree; returns what was received and why it ended.
    pub async fn walk_with(&mut self, root: Oid, mode: WalkMode) -> (Vec<VarBind>, WalkEnd) {
        let mut out = Vec::new();
        let (_, end) = self
            .walk_batches(root, mode, |batch| out.extend(batch))
            .await;
        (out, end)
    }

    /// Walks as [`Client::walk_with`] does, handing each answer's varbinds
    /// to `batch` while the next request is on its way: what the caller
    /// does with one batch (convert it, store it) overlaps the agent's
    /// work on the next. Returns how many varbinds came and how the walk
    /// ended.
    pub async fn walk_batches(
        &mut self,
        root: Oid,
        mode: WalkMode,
        mut batch: impl FnMut(Vec<VarBind>),
    ) -> (usize, WalkEnd) {
        // Start from what worked last time with this target, if smaller.
        let mode = match (mode, self.learned_repetitions) {
            (WalkMode::GetBulk { max_repetitions }, Some(l)) => WalkMode::GetBulk {
                max_repetitions: max_repetitions.min(l),
            },
            (m, _) => m,
        };
        let asked = match mode {
            WalkMode::GetBulk { max_repetitions } => max_repetitions,
            WalkMode::GetNext => 0,
        };
        let mut walk = Walk::new(root, mode, self.version);
        let mut held: Vec<VarBind> = Vec::new();
        let mut count = 0;
        while let Some(req) = walk.next_request() {
            let ready = std::mem::take(&mut held);
            // The request goes out on its first poll (then waits for the
            // answer); the batch is handed over meanwhile.
            let (answer, ()) = tokio::join!(
                self.request(
                    req.pdu_type,
                    vec![VarBind::null(req.after)],
                    0,
                    req.max_repetitions,
                ),
                async {
                    if !ready.is_empty() {
                        batch(ready);
                    }
                },
            );
            match answer {
                Ok(pdu) => {
                    held = walk.take_response(pdu);
                    count += held.len();
                }
                Err(Error::Timeout) => walk.on_timeout(),
                // Every batch before this answer has been handed over.
                Err(e) => return (count, WalkEnd::Failed(e)),
            }
        }
        if !held.is_empty() {
            batch(held);
        }
        if walk.max_repetitions() > 0 && walk.max_repetitions() < asked {
            self.learned_repetitions = Some(walk.max_repetitions());
        }
        let end = walk.end().cloned().unwrap_or(WalkEnd::Timeout);
        (count, end)
    }

    /// Walks with GetNext (snmpwalk).
    pub async fn walk(&mut self, root: Oid) -> (Vec<VarBind>, WalkEnd) {
        self.walk_with(root, WalkMode::GetNext).await
    }

    /// Walks with GetBulk (snmpbulkwalk); SNMPv1 falls back to GetNext.
    pub async fn bulk_walk(&mut self, root: Oid, max_repetitions: i32) -> (Vec<VarBind>, WalkEnd) {
        self.walk_with(root, WalkMode::GetBulk { max_repetitions })
            .await
    }
}
