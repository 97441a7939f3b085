//! The tokio driver of the [`Agent`]: one UDP socket, datagrams in,
//! answers out, until shutdown; and a [`Fleet`] of simulated devices on
//! loopback ports from one process.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use netmon_snmp::agent::serve::Fleet;
//! let fleet = Fleet::spawn(100, "127.0.0.1".parse().unwrap(), None, b"public").await?;
//! println!("first device at {}", fleet.addrs()[0]);
//! fleet.shutdown().await;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::sim::Device;
use super::{Access, Agent, Reply};

/// Serves `agent` on `socket` until `shutdown` completes. A datagram that
/// cannot be answered is counted in the agent's [`super::Stats`] and
/// skipped; a send that fails (the requester went away) is skipped too.
pub async fn run(
    socket: &UdpSocket,
    agent: &mut Agent,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut buf = vec![0u8; 65536];
    tokio::pin!(shutdown);
    loop {
        let (n, from) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            r = socket.recv_from(&mut buf) => match r {
                Ok(x) => x,
                // ICMP errors for earlier answers surface here on Linux.
                Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset) => continue,
                Err(e) => return Err(e),
            },
        };
        if let Reply::Send(answer) = agent.handle(Instant::now(), &buf[..n]) {
            let _ = socket.send_to(&answer, from).await;
        }
    }
}

/// Simulated devices, each an [`Agent`] on its own UDP port.
#[derive(Debug)]
pub struct Fleet {
    addrs: Vec<SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Fleet {
    /// Starts `n` [`Device`]s (device `k` has number `k`) answering
    /// `community` read-only, on `ip` at consecutive ports from
    /// `first_port`, or on ports the system picks.
    pub async fn spawn(
        n: usize,
        ip: IpAddr,
        first_port: Option<u16>,
        community: &[u8],
    ) -> io::Result<Fleet> {
        Fleet::spawn_with(n, ip, first_port, |k, start| {
            Agent::builder(Device::new(k as u32).mib(start))
                .community(community.to_vec(), Access::read_only())
                .build()
        })
        .await
    }

    /// Starts `n` agents built by `make(k, start)`.
    pub async fn spawn_with(
        n: usize,
        ip: IpAddr,
        first_port: Option<u16>,
        make: impl Fn(usize, Instant) -> Agent,
    ) -> io::Result<Fleet> {
        let (stop, watcher) = watch::channel(false);
        let start = Instant::now();
        let mut addrs = Vec::with_capacity(n);
        let mut tasks = Vec::with_capacity(n);
        for k in 0..n {
            let port = match first_port {
                Some(p) => u16::try_from(usize::from(p) + k).map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidInput, "fleet ports beyond 65535")
                })?,
                None => 0,
            };
            let socket = UdpSocket::bind(SocketAddr::new(ip, port)).await?;
            addrs.push(socket.local_addr()?);
            let mut agent = make(k, start);
            let mut watcher = watcher.clone();
            tasks.push(tokio::spawn(async move {
                let stop = async move {
                    let _ = watcher.wait_for(|s| *s).await;
                };
                let _ = run(&socket, &mut agent, stop).await;
            }));
        }
        Ok(Fleet { addrs, stop, tasks })
    }

    /// The devices' addresses, device `k` at index `k`.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Stops every agent and waits for them.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}
