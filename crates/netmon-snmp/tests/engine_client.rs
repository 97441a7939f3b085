//! The sans-IO client engine on a simulated clock against a small
//! simulated agent built from the codec (v2c, and v3 with discovery,
//! authPriv, reboots and wrong credentials). The interop tests against
//! net-snmp's snmpd come with the tokio driver.

use std::time::{Duration, Instant};

use netmon_snmp::Error;
use netmon_snmp::engine::client::{ClientEngine, Event, Handle, Security};
use netmon_snmp::engine::report::ReportKind;
use netmon_snmp::engine::retry::RetryPolicy;
use netmon_snmp::message::{
    CommunityMessage, MsgFlags, ScopedPdu, ScopedPduData, SecurityParams, UsmParams, V3Message,
};
use netmon_snmp::usm::{self, AuthProtocol, PrivProtocol, UsmUser, time::check_authoritative};
use netmon_snmp::{AnyPduRef, Message, MessageRef, Oid, Pdu, PduType, Value, VarBind, Version};

const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04netmonsim";

/// Answers every varbind with its own OID as an OCTET STRING.
struct Agent {
    boots: i32,
    t0: Instant,
    users: Vec<UsmUser>,
}

fn report(msg_id: i32, flags: u8, boots: i32, time: i32, user: &[u8], oid: &str) -> V3Message {
    V3Message {
        msg_id,
        max_size: 65507,
        flags: MsgFlags(flags),
        security_model: 3,
        security: SecurityParams::Usm(UsmParams {
            engine_id: ENGINE.to_vec(),
            engine_boots: boots,
            engine_time: time,
            user_name: user.to_vec(),
            ..Default::default()
        }),
        data: ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: ENGINE.to_vec(),
            context_name: vec![],
            pdu: Pdu::new(
                PduType::Report,
                0,
                vec![VarBind::new(oid.parse().unwrap(), Value::Counter32(1))],
            )
            .into(),
        }),
    }
}

fn answer_pdu(p: &netmon_snmp::PduRef<'_>) -> Pdu {
    let vbs = p
        .varbinds
        .iter()
        .map(|vb| {
            let name = vb.unwrap().name.to_oid();
            let text = name.to_string().into_bytes();
            VarBind::new(name, Value::OctetString(text))
        })
        .collect();
    Pdu::new(PduType::Response, p.request_id, vbs)
}

impl Agent {
    fn time(&self, now: Instant) -> i32 {
        now.duration_since(self.t0).as_secs() as i32
    }

    fn answer(&self, now: Instant, bytes: &[u8]) -> Option<Vec<u8>> {
        match netmon_snmp::decode(bytes).ok()? {
            MessageRef::Community(c) => {
                let AnyPduRef::Pdu(p) = &c.pdu else {
                    return None;
                };
                Some(
                    Message::Community(CommunityMessage {
                        version: c.version,
                        community: c.community.to_vec(),
                        pdu: answer_pdu(p).into(),
                    })
                    .to_bytes(),
                )
            }
            MessageRef::V3(v) => {
                let u = v.usm.as_ref()?;
                let time = self.time(now);
                if u.engine_id.is_empty() {
                    let r = report(
                        v.msg_id,
                        0,
                        self.boots,
                        time,
                        u.user_name,
                        "1.3.6.1.6.3.15.1.1.4.0",
                    );
                    return Some(Message::V3(r).to_bytes());
                }
                let Some(user) = self.users.iter().find(|x| x.name() == u.user_name) else {
                    let r = report(
                        v.msg_id,
                        0,
                        self.boots,
                        time,
                        u.user_name,
                        "1.3.6.1.6.3.15.1.1.3.0",
                    );
                    return Some(Message::V3(r).to_bytes());
                };
                let keys = user.localize(ENGINE);
                let mut buf = Vec::new();
                let scoped = match usm::unprotect(bytes, &v, &keys, &mut buf) {
                    Ok(s) => s,
                    Err(_) => {
                        let r = report(
                            v.msg_id,
                            0,
                            self.boots,
                            time,
                            u.user_name,
                            "1.3.6.1.6.3.15.1.1.5.0",
                        );
                        return Some(Message::V3(r).to_bytes());
                    }
                };
                if check_authoritative(u.engine_boots, u.engine_time, self.boots, time).is_err() {
                    let r = report(
                        v.msg_id,
                        MsgFlags::AUTH,
                        self.boots,
                        time,
                        u.user_name,
                        "1.3.6.1.6.3.15.1.1.2.0",
                    );
                    let mut out = Vec::new();
                    usm::protect(&r, &keys, 0, &mut out).unwrap();
                    return Some(out);
                }
                let AnyPduRef::Pdu(p) = &scoped.pdu else {
                    return None;
                };
                let resp = V3Message {
                    msg_id: v.msg_id,
                    max_size: 65507,
                    flags: MsgFlags(v.flags.0 & !MsgFlags::REPORTABLE),
                    security_model: 3,
                    security: SecurityParams::Usm(UsmParams {
                        engine_id: ENGINE.to_vec(),
                        engine_boots: self.boots,
                        engine_time: time,
                        user_name: u.user_name.to_vec(),
                        ..Default::default()
                    }),
                    data: ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: ENGINE.to_vec(),
                        context_name: vec![],
                        pdu: answer_pdu(p).into(),
                    }),
                };
                let mut out = Vec::new();
                usm::protect(&resp, &keys, 0x55aa, &mut out).unwrap();
                Some(out)
            }
            MessageRef::Unknown { .. } => None,
        }
    }
}

/// Runs the engine against the agent until `handle` finishes; returns its
/// result and how many datagrams the engine sent.
fn run(
    e: &mut ClientEngine,
    agent: Option<&Agent>,
    mut now: Instant,
    handle: Handle,
) -> (Result<Pdu, Error>, usize, Instant) {
    let mut sent = 0;
    for _ in 0..100 {
        while let Some(d) = e.poll_transmit() {
            sent += 1;
            if let Some(reply) = agent.and_then(|a| a.answer(now, &d)) {
                now += Duration::from_millis(1);
                e.handle_datagram(now, &reply);
            }
        }
        while let Some(ev) = e.poll_event() {
            if let Event::Response { handle: h, result } = ev
                && h == handle
            {
                return (result, sent, now);
            }
        }
        match e.poll_timeout() {
            Some(t) => {
                now = now.max(t);
                e.handle_timeout(now);
            }
            None => panic!("stuck: nothing to send, no timeout, no event"),
        }
    }
    panic!("no result after 100 rounds")
}

fn get(e: &mut ClientEngine, now: Instant, oid: &str) -> Handle {
    e.send(
        now,
        PduType::GetRequest,
        vec![VarBind::null(oid.parse::<Oid>().unwrap())],
        0,
        0,
    )
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_secs(1),
        retries: 2,
        backoff: 2.0,
        deadline: None,
    }
}

#[test]
fn v2c_get_and_timeout() {
    let t0 = Instant::now();
    let agent = Agent {
        boots: 1,
        t0,
        users: vec![],
    };
    let mut e = ClientEngine::new(
        Version::V2c,
        Security::Community(b"public".to_vec()),
        policy(),
        42,
    );
    let h = get(&mut e, t0, "1.3.6.1.2.1.1.5.0");
    let (r, sent, _) = run(&mut e, Some(&agent), t0, h);
    let pdu = r.unwrap();
    assert_eq!(sent, 1);
    assert_eq!(
        pdu.varbinds[0].value,
        Value::OctetString(b"1.3.6.1.2.1.1.5.0".to_vec())
    );

    // Nobody answers: 1 send + 2 retries, then Timeout after 1 + 2 + 4 s.
    let h = get(&mut e, t0, "1.3.6.1.2.1.1.5.0");
    let (r, sent, end) = run(&mut e, None, t0, h);
    assert_eq!(r.unwrap_err(), Error::Timeout);
    assert_eq!(sent, 3);
    assert_eq!(end.duration_since(t0), Duration::from_secs(7));
    assert_eq!(e.in_flight(), 0);
}

fn users() -> Vec<UsmUser> {
    let mut v = vec![UsmUser::new("noAuthUser")];
    v.push(
        UsmUser::new("authOnlyUser")
            .with_auth(AuthProtocol::Sha512, b"authpass123")
            .unwrap(),
    );
    for (name, a, p) in [
        ("md5DesUser", AuthProtocol::Md5, PrivProtocol::Des),
        ("shaAesUser", AuthProtocol::Sha1, PrivProtocol::Aes128),
        ("sha224Aes192", AuthProtocol::Sha224, PrivProtocol::Aes192),
        (
            "sha1Aes256C",
            AuthProtocol::Sha1,
            PrivProtocol::Aes256Reeder,
        ),
    ] {
        v.push(
            UsmUser::new(name)
                .with_auth(a, b"authpass123")
                .unwrap()
                .with_privacy(p, b"privpass123")
                .unwrap(),
        );
    }
    v
}

#[test]
fn v3_discovers_then_talks_at_every_level() {
    let t0 = Instant::now();
    let agent = Agent {
        boots: 7,
        t0: t0 - Duration::from_secs(5000),
        users: users(),
    };
    for user in users() {
        let name = String::from_utf8_lossy(user.name()).into_owned();
        let mut e = ClientEngine::new(Version::V3, Security::Usm(user), policy(), 7);
        let h1 = get(&mut e, t0, "1.3.6.1.2.1.1.5.0");
        let (r, sent, now) = run(&mut e, Some(&agent), t0, h1);
        assert_eq!(
            r.unwrap_or_else(|err| panic!("{name}: {err:?}"))
                .varbinds
                .len(),
            1
        );
        assert_eq!(sent, 2, "{name}: discovery, then the request");
        // A second request needs no discovery.
        let h2 = get(&mut e, now, "1.3.6.1.2.1.1.1.0");
        let (r, sent, _) = run(&mut e, Some(&agent), now, h2);
        assert!(r.is_ok(), "{name}");
        assert_eq!(sent, 1);
    }
}

#[test]
fn v3_resyncs_once_after_a_reboot() {
    let t0 = Instant::now();
    let mut agent = Agent {
        boots: 7,
        t0: t0 - Duration::from_secs(5000),
        users: users(),
    };
    let user = users().remove(3);
    let mut e = ClientEngine::new(Version::V3, Security::Usm(user), policy(), 9);
    let h = get(&mut e, t0, "1.3.6.1.2.1.1.5.0");
    let (r, _, now) = run(&mut e, Some(&agent), t0, h);
    assert!(r.is_ok());
    // The agent reboots: boots 8, time from 0.
    agent.boots = 8;
    agent.t0 = now;
    let later = now + Duration::from_secs(10);
    let h = get(&mut e, later, "1.3.6.1.2.1.1.3.0");
    let (r, sent, _) = run(&mut e, Some(&agent), later, h);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        sent, 2,
        "the request, refused as out of the window, then once more"
    );
}

#[test]
fn v3_reports_become_typed_errors() {
    let t0 = Instant::now();
    let agent = Agent {
        boots: 1,
        t0,
        users: users(),
    };
    let wrong = UsmUser::new("shaAesUser")
        .with_auth(AuthProtocol::Sha1, b"wrongpass123")
        .unwrap()
        .with_privacy(PrivProtocol::Aes128, b"privpass123")
        .unwrap();
    let mut e = ClientEngine::new(Version::V3, Security::Usm(wrong), policy(), 3);
    let h = get(&mut e, t0, "1.3.6.1.2.1.1.5.0");
    let (r, _, _) = run(&mut e, Some(&agent), t0, h);
    assert_eq!(r.unwrap_err(), Error::Report(ReportKind::WrongDigest));

    let stranger = UsmUser::new("nobody")
        .with_auth(AuthProtocol::Md5, b"authpass123")
        .unwrap();
    let mut e = ClientEngine::new(Version::V3, Security::Usm(stranger), policy(), 4);
    let h = get(&mut e, t0, "1.3.6.1.2.1.1.5.0");
    let (r, _, _) = run(&mut e, Some(&agent), t0, h);
    assert_eq!(r.unwrap_err(), Error::Report(ReportKind::UnknownUserName));
}
