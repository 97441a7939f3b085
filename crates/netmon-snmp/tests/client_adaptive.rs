//! The tokio client against netmon's agent: Get split on tooBig, GetBulk
//! shrunk on tooBig and remembered for the target, tables by index.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use netmon_snmp::agent::sim::Device;
use netmon_snmp::agent::{Access, Agent, Reply};
use netmon_snmp::client::Client;
use netmon_snmp::engine::client::Security;
use netmon_snmp::engine::retry::RetryPolicy;
use netmon_snmp::engine::walk::WalkEnd;
use netmon_snmp::message::CommunityMessage;
use netmon_snmp::{AnyPduRef, Message, MessageRef, Oid, Pdu, PduType, Value, Version};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_millis(500),
        retries: 2,
        backoff: 1.0,
        deadline: None,
    }
}

/// A v2c client (community public) of `addr`.
async fn v2c_client(addr: std::net::SocketAddr) -> Client {
    Client::connect(
        addr,
        Version::V2c,
        Security::Community(b"public".to_vec()),
        policy(),
    )
    .await
    .unwrap()
}

/// Serves `agent` on a loopback port; GetBulk asking for more than
/// `bulk_limit` repetitions gets tooBig (as some agents do instead of
/// cutting the answer), counted in the returned counter.
async fn serve(mut agent: Agent, bulk_limit: i32) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let too_big = Arc::new(AtomicUsize::new(0));
    let counter = too_big.clone();
    tokio::spawn(async move {
        let mut buf = vec![0; 65536];
        loop {
            let Ok((n, from)) = socket.recv_from(&mut buf).await else {
                return;
            };
            let req = &buf[..n];
            if let Ok(MessageRef::Community(c)) = netmon_snmp::decode(req)
                && let AnyPduRef::Pdu(p) = &c.pdu
                && p.pdu_type == PduType::GetBulkRequest
                && p.max_repetitions() > bulk_limit
            {
                counter.fetch_add(1, Ordering::Relaxed);
                let mut e = Pdu::new(PduType::Response, p.request_id, vec![]);
                e.error_status = 1;
                let answer = Message::Community(CommunityMessage {
                    version: c.version,
                    community: c.community.to_vec(),
                    pdu: e.into(),
                })
                .to_bytes();
                let _ = socket.send_to(&answer, from).await;
                continue;
            }
            if let Reply::Send(answer) = agent.handle(Instant::now(), req) {
                let _ = socket.send_to(&answer, from).await;
            }
        }
    });
    (addr, too_big)
}

fn device(max_size: usize) -> Agent {
    Agent::builder(Device::new(5).interfaces(8).mib(Instant::now()))
        .community("public", Access::read_only())
        .max_size(max_size)
        .build()
}

#[tokio::test]
async fn get_is_split_when_the_answer_is_too_big() {
    let (addr, _) = serve(device(600), i32::MAX).await;
    let mut c = v2c_client(addr).await;
    let mut oids = Vec::new();
    for col in [2, 10, 16, 6, 5] {
        for i in 1..=8 {
            oids.push(oid(&format!("1.3.6.1.2.1.2.2.1.{col}.{i}")));
        }
    }
    // Asked in one piece, the agent refuses.
    let whole = c
        .request(
            PduType::GetRequest,
            oids.iter()
                .cloned()
                .map(netmon_snmp::VarBind::null)
                .collect(),
            0,
            0,
        )
        .await
        .unwrap();
    assert_eq!(whole.error_status, 1, "tooBig");
    let pdu = c.get(&oids).await.unwrap();
    assert_eq!(pdu.error_status, 0);
    let names: Vec<Oid> = pdu.varbinds.iter().map(|v| v.name.clone()).collect();
    assert_eq!(names, oids, "every OID answered, in the order asked");
    assert_eq!(
        pdu.varbinds[7].value,
        Value::OctetString(b"GigabitEthernet0/8".to_vec())
    );
}

#[tokio::test]
async fn bulk_shrinks_on_too_big_and_remembers() {
    let (addr, too_big) = serve(device(65507), 5).await;
    let mut c = v2c_client(addr).await;
    let (rows, end) = c.bulk_walk(oid("1.3.6.1.2.1.2.2.1.2"), 40).await;
    assert_eq!(end, WalkEnd::LeftSubtree);
    assert_eq!(rows.len(), 8);
    // 40 → 20 → 10 → 5.
    assert_eq!(too_big.load(Ordering::Relaxed), 3);
    assert_eq!(c.learned_max_repetitions(), Some(5));
    // The next walk of this target starts at 5: no more tooBig.
    let (rows, end) = c.table(oid("1.3.6.1.2.1.2.2.1"), &[2, 10, 31], 40).await;
    assert_eq!(end, WalkEnd::LeftSubtree);
    assert_eq!(too_big.load(Ordering::Relaxed), 3);
    assert_eq!(rows.len(), 8);
    for (i, (index, cells)) in rows.iter().enumerate() {
        assert_eq!(index.arcs(), [i as u32 + 1]);
        assert_eq!(
            cells[0],
            Some(Value::OctetString(
                format!("GigabitEthernet0/{}", i + 1).into_bytes()
            ))
        );
        assert!(matches!(cells[1], Some(Value::Counter32(_))));
        // Column 31 does not exist in ifTable: an empty cell, no error.
        assert_eq!(cells[2], None);
    }
}

/// `walk_batches` hands over every answer's varbinds in order, one batch
/// per answer (at most max-repetitions each); together they name what
/// `walk_with` returns, and the count says how many there were.
#[tokio::test]
async fn walk_batches_hand_over_each_answer_in_order() {
    use netmon_snmp::engine::walk::WalkMode;
    let (addr, _) = serve(device(65507), 1000).await;
    let mut c = v2c_client(addr).await;
    let root = oid("1.3.6.1.2.1");
    for mode in [WalkMode::GetBulk { max_repetitions: 7 }, WalkMode::GetNext] {
        let (whole, end) = c.walk_with(root.clone(), mode).await;
        assert_eq!(end, WalkEnd::LeftSubtree);
        assert!(whole.len() > 50, "{}", whole.len());
        let mut batches = Vec::new();
        let (count, end) = c
            .walk_batches(root.clone(), mode, |b| batches.push(b))
            .await;
        assert_eq!(end, WalkEnd::LeftSubtree);
        assert_eq!(count, whole.len());
        let most = match mode {
            WalkMode::GetBulk { max_repetitions } => max_repetitions as usize,
            WalkMode::GetNext => 1,
        };
        assert!(batches.iter().all(|b| !b.is_empty() && b.len() <= most));
        assert!(batches.len() >= whole.len().div_ceil(most));
        // The simulated counters move between the two walks: the names.
        let names =
            |v: &[netmon_snmp::VarBind]| v.iter().map(|vb| vb.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&batches.concat()), names(&whole));
    }
}
