//! Any bytes as a request to the agent (simulated device, v1/v2c
//! communities and a v3 authPriv user) and as a datagram to the trap
//! receiver: never panics; every answer is itself a message that decodes.
#![no_main]

use std::sync::OnceLock;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use netmon_snmp::agent::sim::Device;
use netmon_snmp::agent::{Access, Agent, Reply};
use netmon_snmp::notify::Receiver;
use netmon_snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};

/// The user's password digests, computed once (a megabyte of hashing).
fn user() -> UsmUser {
    static USER: OnceLock<UsmUser> = OnceLock::new();
    USER.get_or_init(|| {
        UsmUser::new("fuzz")
            .with_auth(AuthProtocol::Sha1, b"authpass123")
            .expect("auth")
            .with_privacy(PrivProtocol::Aes128, b"privpass123")
            .expect("priv")
    })
    .clone()
}

fn start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

fuzz_target!(|data: &[u8]| {
    let now = start();
    let mut agent = Agent::builder(Device::new(1).interfaces(3).mib(now))
        .community("public", Access::read_only())
        .community("private", Access::read_write())
        .user(user(), Access::read_write())
        .engine_id(b"\x80\x00\x00\x00\x04fuzz".to_vec())
        .max_size(1500)
        .build();
    if let Reply::Send(answer) = agent.handle(now, data) {
        assert!(netmon_snmp::decode(&answer).is_ok(), "the agent's answer decodes");
        assert!(answer.len() <= 1500 + 64, "{} octets", answer.len());
    }
    let mut receiver = Receiver::builder()
        .community("public")
        .user(user())
        .engine_id(b"\x80\x00\x00\x00\x04fuzz".to_vec())
        .key_capacity(4)
        .queue_capacity(4)
        .build();
    if let Some(answer) = receiver.handle(now, data) {
        assert!(netmon_snmp::decode(&answer).is_ok(), "the receiver's answer decodes");
    }
    while receiver.poll().is_some() {}
});
