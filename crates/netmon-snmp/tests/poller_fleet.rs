//! The poller against a fleet of simulated agents on loopback: many
//! targets from one socket, v2c and v3, a silent target, and an agent that
//! answers from another port.

use std::time::{Duration, Instant};

use netmon_snmp::agent::serve::Fleet;
use netmon_snmp::agent::sim::Device;
use netmon_snmp::agent::{Access, Agent, Reply};
use netmon_snmp::engine::client::Security;
use netmon_snmp::engine::retry::RetryPolicy;
use netmon_snmp::poller::Poller;
use netmon_snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};
use netmon_snmp::{Error, Oid, Value, Version};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn user() -> UsmUser {
    UsmUser::new("poll")
        .with_auth(AuthProtocol::Sha256, b"authpass123")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"privpass123")
        .unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_millis(300),
        retries: 2,
        backoff: 1.0,
        deadline: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_targets_from_one_socket() {
    let fleet = Fleet::spawn_with(300, "127.0.0.1".parse().unwrap(), None, |k, start| {
        Agent::builder(Device::new(k as u32).mib(start))
            .community("public", Access::read_only())
            .user(user(), Access::read_only())
            .build()
    })
    .await
    .unwrap();
    let mut p = Poller::bind("127.0.0.1:0".parse().unwrap(), 64)
        .await
        .unwrap();
    for (k, addr) in fleet.addrs().iter().enumerate() {
        // A third of the fleet over v3 authPriv.
        let (version, security) = if k % 3 == 0 {
            (Version::V3, Security::Usm(user()))
        } else {
            (Version::V2c, Security::Community(b"public".to_vec()))
        };
        p.add_target(*addr, version, security, quick());
    }
    // A target nobody answers for.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    p.add_target(
        silent.local_addr().unwrap(),
        Version::V2c,
        Security::Community(b"public".to_vec()),
        quick(),
    );
    let mut oids = vec![oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.3.0")];
    for i in 1..=4 {
        for col in [2, 10, 16, 8] {
            oids.push(oid(&format!("1.3.6.1.2.1.2.2.1.{col}.{i}")));
        }
    }
    oids.truncate(18);
    oids.push(oid("1.3.6.1.2.1.31.1.1.1.6.1"));
    oids.push(oid("1.3.6.1.2.1.25.3.3.1.2.196608"));
    assert_eq!(oids.len(), 20);
    let t = Instant::now();
    let results = p.get_all(&oids).await;
    let elapsed = t.elapsed();
    assert_eq!(results.len(), 301);
    for (k, r) in results[..300].iter().enumerate() {
        let pdu = r.as_ref().unwrap_or_else(|e| panic!("device {k}: {e}"));
        assert_eq!(pdu.varbinds.len(), 20);
        assert_eq!(
            pdu.varbinds[0].value,
            Value::OctetString(format!("sim-{k}").into_bytes())
        );
        assert!(matches!(pdu.varbinds[18].value, Value::Counter64(_)));
    }
    assert_eq!(results[300], Err(Error::Timeout));
    // The silent target's retries bound the batch, not 300 × anything.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    fleet.shutdown().await;
}

#[tokio::test]
async fn an_agent_answering_from_another_port() {
    // Requests arrive on `front`, answers leave from `back`.
    let front = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let back = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = front.local_addr().unwrap();
    let relay = tokio::spawn(async move {
        let mut agent = Agent::builder(Device::new(9).mib(Instant::now()))
            .community("public", Access::read_only())
            .build();
        let mut buf = vec![0; 65536];
        for _ in 0..4 {
            let (n, from) = front.recv_from(&mut buf).await.unwrap();
            if let Reply::Send(answer) = agent.handle(Instant::now(), &buf[..n]) {
                back.send_to(&answer, from).await.unwrap();
            }
        }
    });
    let mut p = Poller::bind("127.0.0.1:0".parse().unwrap(), 8)
        .await
        .unwrap();
    p.add_target(
        addr,
        Version::V2c,
        Security::Community(b"public".to_vec()),
        quick(),
    );
    let r = p.get_all(&[oid("1.3.6.1.2.1.1.5.0")]).await;
    assert_eq!(
        r[0].as_ref().unwrap().varbinds[0].value,
        Value::OctetString(b"sim-9".to_vec())
    );
    relay.abort();
}
