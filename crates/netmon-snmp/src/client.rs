//! A thin tokio driver over [`ClientEngine`]: one UDP socket connected to
//! one target, requests one at a time. (Many targets from one socket, a
//! bound on requests in flight, TCP and the unconnected mode come next.)
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

use tokio::net::UdpSocket;

use crate::engine::client::{ClientEngine, Event, Security};
use crate::engine::retry::RetryPolicy;
use crate::engine::walk::{Walk, WalkEnd, WalkMode};
use crate::error::Error;
use crate::message::Version;
use crate::oid::Oid;
use crate::pdu::{Pdu, PduType, VarBind};

fn io(e: std::io::Error) -> Error {
    Error::Io(e.to_string())
}

/// A client for one target over UDP.
#[derive(Debug)]
pub struct Client {
    socket: UdpSocket,
    engine: ClientEngine,
    version: Version,
    buf: Vec<u8>,
}

impl Client {
    /// Binds a socket of the target's family and connects it.
    pub async fn connect(
        target: SocketAddr,
        version: Version,
        security: Security,
        policy: RetryPolicy,
    ) -> Result<Self, Error> {
        let bind: SocketAddr = if target.is_ipv4() {
            "0.0.0.0:0".parse().expect("literal")
        } else {
            "[::]:0".parse().expect("literal")
        };
        let socket = UdpSocket::bind(bind).await.map_err(io)?;
        socket.connect(target).await.map_err(io)?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()).rotate_left(32);
        Ok(Client {
            socket,
            engine: ClientEngine::new(version, security, policy, seed),
            version,
            buf: vec![0; 65536],
        })
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
                self.socket.send(&d).await.map_err(io)?;
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
            match tokio::time::timeout_at(wait, self.socket.recv(&mut self.buf)).await {
                Ok(Ok(n)) => self.engine.handle_datagram(Instant::now(), &self.buf[..n]),
                // ICMP port unreachable on a connected socket: keep
                // waiting, as the retries decide.
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    tokio::time::sleep_until(wait).await;
                    self.engine.handle_timeout(Instant::now());
                }
                Ok(Err(e)) => return Err(io(e)),
                Err(_) => self.engine.handle_timeout(Instant::now()),
            }
        }
    }

    fn nulls(oids: &[Oid]) -> Vec<VarBind> {
        oids.iter().cloned().map(VarBind::null).collect()
    }

    /// GetRequest.
    pub async fn get(&mut self, oids: &[Oid]) -> Result<Pdu, Error> {
        self.request(PduType::GetRequest, Self::nulls(oids), 0, 0)
            .await
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
        let mut walk = Walk::new(root, mode, self.version);
        let mut out = Vec::new();
        while let Some(req) = walk.next_request() {
            match self
                .request(
                    req.pdu_type,
                    vec![VarBind::null(req.after)],
                    0,
                    req.max_repetitions,
                )
                .await
            {
                Ok(pdu) => out.extend(walk.on_owned_response(&pdu)),
                Err(Error::Timeout) => walk.on_timeout(),
                Err(e) => return (out, WalkEnd::Failed(e)),
            }
        }
        let end = walk.end().cloned().unwrap_or(WalkEnd::Timeout);
        (out, end)
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
