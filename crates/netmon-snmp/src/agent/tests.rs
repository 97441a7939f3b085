//! The agent driven by the client engine, both sans IO, over a simulated
//! clock.

use std::time::{Duration, Instant};

use super::*;
use crate::engine::client::{ClientEngine, Event, Handle, Security};
use crate::engine::report::ReportKind;
use crate::engine::retry::RetryPolicy;
use crate::usm::{AuthProtocol, PrivProtocol};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// Runs the engine's datagrams through the agent until both are quiet;
/// the result of `handle`.
fn exchange(
    engine: &mut ClientEngine,
    agent: &mut Agent,
    now: Instant,
    handle: Handle,
) -> Result<Pdu, Error> {
    for _ in 0..10 {
        while let Some(d) = engine.poll_transmit() {
            if let Reply::Send(answer) = agent.handle(now, &d) {
                engine.handle_datagram(now, &answer);
            }
        }
        while let Some(e) = engine.poll_event() {
            if let Event::Response { handle: h, result } = e
                && h == handle
            {
                return result;
            }
        }
    }
    panic!("no answer");
}

fn request(
    engine: &mut ClientEngine,
    agent: &mut Agent,
    now: Instant,
    t: PduType,
    names: &[&str],
    nr: i32,
    mr: i32,
) -> Result<Pdu, Error> {
    let vbs = names.iter().map(|n| VarBind::null(oid(n))).collect();
    let h = engine.send(now, t, vbs, nr, mr);
    exchange(engine, agent, now, h)
}

fn device_agent(start: Instant) -> Agent {
    Agent::builder(sim::Device::new(1).interfaces(3).mib(start))
        .community("public", Access::read_only())
        .community("private", Access::read_write())
        .community(
            "system-only",
            Access::with_view(View::none().include(oid("1.3.6.1.2.1.1")), false),
        )
        .engine_id(b"\x80\x00\x00\x00\x04netmon-test".to_vec())
        .boots(5)
        .build()
}

fn v2c(c: &str) -> ClientEngine {
    ClientEngine::new(
        Version::V2c,
        Security::Community(c.as_bytes().to_vec()),
        RetryPolicy::default(),
        42,
    )
}

#[test]
fn v2c_get_getnext_bulk_and_exceptions() {
    let now = Instant::now();
    let mut agent = device_agent(now);
    let mut e = v2c("public");
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetRequest,
        &[
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.1.5.1",
            "1.3.6.1.2.1.1.99.0",
            "1.3.6.1.2.1.2.2.1.10.2",
        ],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.error_status, 0);
    assert_eq!(r.varbinds[0].value, Value::OctetString(b"sim-1".to_vec()));
    assert_eq!(r.varbinds[1].value, Value::NoSuchInstance);
    assert_eq!(r.varbinds[2].value, Value::NoSuchObject);
    assert!(matches!(r.varbinds[3].value, Value::Counter32(_)));

    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetNextRequest,
        &["1.3.6.1.2.1.1", "1.3.6.1.4.1.2021.4.6.0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.varbinds[0].name, oid("1.3.6.1.2.1.1.1.0"));
    assert_eq!(r.varbinds[1].value, Value::EndOfMibView);

    // GetBulk: one non-repeater, two repeaters, 4 repetitions.
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetBulkRequest,
        &[
            "1.3.6.1.2.1.1.3",
            "1.3.6.1.2.1.2.2.1.2",
            "1.3.6.1.2.1.2.2.1.10",
        ],
        1,
        4,
    )
    .unwrap();
    let names: Vec<String> = r.varbinds.iter().map(|v| v.name.to_string()).collect();
    assert_eq!(names.len(), 1 + 2 * 4);
    assert_eq!(names[0], "1.3.6.1.2.1.1.3.0");
    assert_eq!(names[1], "1.3.6.1.2.1.2.2.1.2.1");
    assert_eq!(names[2], "1.3.6.1.2.1.2.2.1.10.1");
    // 3 interfaces: the fourth repetition has left ifDescr.
    assert_eq!(names[7], "1.3.6.1.2.1.2.2.1.3.1");

    // Bulk at the end of the MIB stops after one repetition of endOfMibView.
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetBulkRequest,
        &["1.3.6.1.4.1.2021.4.6.0"],
        0,
        10,
    )
    .unwrap();
    assert_eq!(r.varbinds.len(), 1);
    assert_eq!(r.varbinds[0].value, Value::EndOfMibView);
}

#[test]
fn bulk_replies_fit_the_size_limit() {
    let now = Instant::now();
    let mut agent = Agent::builder(sim::Device::new(2).interfaces(200).mib(now))
        .community("public", Access::read_only())
        .max_size(1400)
        .build();
    let mut e = v2c("public");
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetBulkRequest,
        &["1.3.6.1.2.1.2.2.1.2"],
        0,
        1000,
    )
    .unwrap();
    assert_eq!(r.error_status, 0);
    assert!(r.varbinds.len() > 20, "{}", r.varbinds.len());
    assert!(r.varbinds.len() < 200);
    let msg = Message::Community(CommunityMessage {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: r.into(),
    });
    assert!(msg.to_bytes().len() <= 1400);
}

#[test]
fn views_hide_and_walks_skip() {
    let now = Instant::now();
    let mut agent = device_agent(now);
    let mut e = v2c("system-only");
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetRequest,
        &["1.3.6.1.2.1.2.1.0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.varbinds[0].value, Value::NoSuchObject);
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetNextRequest,
        &["1.3.6.1.2.1.1.7.0", "0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.varbinds[0].value, Value::EndOfMibView);
    assert_eq!(r.varbinds[1].name, oid("1.3.6.1.2.1.1.1.0"));
    // With everything but the system group, a walk jumps over it.
    let mut agent = Agent::builder(sim::Device::new(1).mib(now))
        .community(
            "c",
            Access::with_view(View::all().exclude(oid("1.3.6.1.2.1.1")), false),
        )
        .build();
    let mut e = v2c("c");
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetNextRequest,
        &["1.3.6.1.2.1.1.2.0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.varbinds[0].name, oid("1.3.6.1.2.1.2.1.0"));
}

#[test]
fn set_is_two_phase_with_v2c_and_v1_errors() {
    let now = Instant::now();
    let mut agent = device_agent(now);
    let name = oid("1.3.6.1.2.1.1.5.0");
    let set = |e: &mut ClientEngine, agent: &mut Agent, vbs: Vec<VarBind>| {
        let h = e.send(now, PduType::SetRequest, vbs, 0, 0);
        exchange(e, agent, now, h).unwrap()
    };
    let new_name = VarBind::new(name.clone(), Value::OctetString(b"renamed".to_vec()));
    // Read-only community: noAccess.
    let r = set(&mut v2c("public"), &mut agent, vec![new_name.clone()]);
    assert_eq!((r.error_status, r.error_index), (6, 1));
    // A bad second varbind: nothing is applied.
    let bad = VarBind::new(oid("1.3.6.1.2.1.1.1.0"), Value::OctetString(b"x".to_vec()));
    let r = set(
        &mut v2c("private"),
        &mut agent,
        vec![new_name.clone(), bad.clone()],
    );
    assert_eq!((r.error_status, r.error_index), (17, 2));
    let r = set(
        &mut v2c("private"),
        &mut agent,
        vec![VarBind::new(name.clone(), Value::Integer(3))],
    );
    assert_eq!((r.error_status, r.error_index), (7, 1));
    assert_eq!(
        agent.mib.get(&name, now),
        Some(Value::OctetString(b"sim-1".to_vec()))
    );
    let r = set(&mut v2c("private"), &mut agent, vec![new_name.clone()]);
    assert_eq!(r.error_status, 0);
    assert_eq!(agent.mib.get(&name, now), Some(new_name.value.clone()));
    // v1: notWritable and noCreation become noSuchName, wrongType badValue.
    let mut e1 = ClientEngine::new(
        Version::V1,
        Security::Community(b"private".to_vec()),
        RetryPolicy::default(),
        9,
    );
    let r = set(&mut e1, &mut agent, vec![bad]);
    assert_eq!((r.error_status, r.error_index), (2, 1));
    let r = set(
        &mut e1,
        &mut agent,
        vec![VarBind::new(name, Value::Integer(3))],
    );
    assert_eq!((r.error_status, r.error_index), (3, 1));
}

#[test]
fn v1_sees_no_counter64_and_gets_nosuchname() {
    let now = Instant::now();
    let mut agent = device_agent(now);
    let mut e = ClientEngine::new(
        Version::V1,
        Security::Community(b"public".to_vec()),
        RetryPolicy::default(),
        3,
    );
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetRequest,
        &["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.31.1.1.1.6.1"],
        0,
        0,
    )
    .unwrap();
    assert_eq!((r.error_status, r.error_index), (2, 2));
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetNextRequest,
        &["1.3.6.1.2.1.31.1.1.1.1.3"],
        0,
        0,
    )
    .unwrap();
    // ifName.3 is followed by ifHCInOctets.1 (Counter64): skipped to ifHighSpeed.1.
    assert_eq!(r.varbinds[0].name, oid("1.3.6.1.2.1.31.1.1.1.15.1"));
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetNextRequest,
        &["1.3.6.1.4.1.2021.4.6.0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!((r.error_status, r.error_index), (2, 1));
    // An unknown community gets no answer at all.
    let mut bad = ClientEngine::new(
        Version::V1,
        Security::Community(b"nope".to_vec()),
        RetryPolicy::default(),
        4,
    );
    bad.send(
        now,
        PduType::GetRequest,
        vec![VarBind::null(oid("1.3.6.1.2.1.1.5.0"))],
        0,
        0,
    );
    let d = bad.poll_transmit().unwrap();
    assert!(matches!(agent.handle(now, &d), Reply::Drop(_)));
    assert_eq!(agent.stats().bad_communities, 1);
}

fn v3_agent(now: Instant, boots: i32) -> Agent {
    let user = UsmUser::new("ops")
        .with_auth(AuthProtocol::Sha256, b"authpass123")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"privpass123")
        .unwrap();
    Agent::builder(sim::Device::new(4).mib(now))
        .user(user, Access::read_write())
        .engine_id(b"\x80\x00\x00\x00\x04netmon-v3".to_vec())
        .boots(boots)
        .build()
}

fn v3_client(auth: &[u8], seed: u64) -> ClientEngine {
    let user = UsmUser::new("ops")
        .with_auth(AuthProtocol::Sha256, auth)
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"privpass123")
        .unwrap();
    ClientEngine::new(
        Version::V3,
        Security::Usm(user),
        RetryPolicy::default(),
        seed,
    )
}

#[test]
fn v3_discovery_authpriv_and_reports() {
    let now = Instant::now();
    let mut agent = v3_agent(now, 5);
    let mut e = v3_client(b"authpass123", 11);
    let r = request(
        &mut e,
        &mut agent,
        now,
        PduType::GetRequest,
        &["1.3.6.1.2.1.1.5.0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.varbinds[0].value, Value::OctetString(b"sim-4".to_vec()));
    assert_eq!(agent.stats().unknown_engine_ids, 1);
    let later = now + Duration::from_secs(30);
    let r = request(
        &mut e,
        &mut agent,
        later,
        PduType::GetBulkRequest,
        &["1.3.6.1.2.1.2.2.1.1"],
        0,
        5,
    )
    .unwrap();
    assert_eq!(r.varbinds.len(), 5);

    // A wrong password: the agent reports wrongDigest.
    let mut wrong = v3_client(b"not-the-password", 12);
    let err = request(
        &mut wrong,
        &mut agent,
        now,
        PduType::GetRequest,
        &["1.3.6.1.2.1.1.5.0"],
        0,
        0,
    )
    .unwrap_err();
    assert_eq!(err, Error::Report(ReportKind::WrongDigest));
    assert_eq!(agent.stats().wrong_digests, 1);

    // An unknown user.
    let stranger = UsmUser::new("stranger");
    let mut s = ClientEngine::new(
        Version::V3,
        Security::Usm(stranger),
        RetryPolicy::default(),
        13,
    );
    let err = request(
        &mut s,
        &mut agent,
        now,
        PduType::GetRequest,
        &["1.3.6.1.2.1.1.5.0"],
        0,
        0,
    )
    .unwrap_err();
    assert_eq!(err, Error::Report(ReportKind::UnknownUserName));
}

#[test]
fn v3_restart_forces_not_in_time_window_and_the_client_resyncs() {
    let now = Instant::now();
    let mut agent = v3_agent(now, 5);
    let mut e = v3_client(b"authpass123", 21);
    request(
        &mut e,
        &mut agent,
        now,
        PduType::GetRequest,
        &["1.3.6.1.2.1.1.5.0"],
        0,
        0,
    )
    .unwrap();
    // The agent restarts: same engine ID, boots 6, time from zero.
    let later = now + Duration::from_secs(1000);
    let mut restarted = v3_agent(later, 6);
    let r = request(
        &mut e,
        &mut restarted,
        later,
        PduType::GetRequest,
        &["1.3.6.1.2.1.1.5.0"],
        0,
        0,
    )
    .unwrap();
    assert_eq!(r.varbinds[0].value, Value::OctetString(b"sim-4".to_vec()));
    assert_eq!(restarted.stats().not_in_time_windows, 1);
}

#[test]
fn garbage_never_gets_an_answer() {
    let now = Instant::now();
    let mut agent = device_agent(now);
    for junk in [
        &b""[..],
        b"\x30",
        b"\x30\x03\x02\x01\x09",
        b"\xff\xff\xff\xff",
    ] {
        assert!(matches!(agent.handle(now, junk), Reply::Drop(_)));
    }
    assert!(agent.stats().parse_errors >= 3);
}
