//! SNMPv3 with USM, two ways. Raw bytes are checked against fixed users
//! (never a panic; a forged message never authenticates). Then the same
//! bytes, read as a ScopedPDU, are protected with every auth/priv pair of
//! the fixed users and a salt taken from the input, and must unprotect to
//! the same ScopedPDU (encrypt, authenticate, verify, decrypt, decode).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netmon_snmp::message::{
    self, DecodeOptions, ScopedPdu, ScopedPduData, ScopedPduRef, SecurityParams,
    UsmParams, V3Message,
};
use netmon_snmp::usm::{self, AuthProtocol, PrivProtocol, UsmUser};
use netmon_snmp::{MessageRef, decode};

const ENGINE: &[u8] = &[0x80, 0, 0x1f, 0x88, 0x04, b'n', b'e', b't'];

fn users() -> &'static [UsmUser] {
    static USERS: OnceLock<Vec<UsmUser>> = OnceLock::new();
    USERS.get_or_init(|| {
        let mut v = vec![UsmUser::new("noauth")];
        v.push(UsmUser::new("md5").with_auth(AuthProtocol::Md5, b"authpass123").unwrap());
        for (i, (a, p)) in [
            (AuthProtocol::Md5, PrivProtocol::Des),
            (AuthProtocol::Sha1, PrivProtocol::Aes128),
            (AuthProtocol::Sha224, PrivProtocol::Aes192),
            (AuthProtocol::Sha256, PrivProtocol::Aes256Reeder),
            (AuthProtocol::Sha512, PrivProtocol::Aes192Reeder),
        ]
        .into_iter()
        .enumerate()
        {
            v.push(
                UsmUser::new(format!("u{i}"))
                    .with_auth(a, b"authpass123")
                    .unwrap()
                    .with_privacy(p, b"privpass123")
                    .unwrap(),
            );
        }
        v
    })
}

fuzz_target!(|data: &[u8]| {
    // 1. Raw bytes as a message.
    if let Ok(MessageRef::V3(m)) = decode(data)
        && let Some(u) = &m.usm
    {
        for user in users() {
            let keys = user.localize(u.engine_id);
            let mut buf = Vec::new();
            match usm::unprotect(data, &m, &keys, &mut buf) {
                Ok(s) => {
                    // Only unauthenticated messages can pass without the key.
                    assert!(!m.flags.auth(), "forged message authenticated");
                    let _ = s.pdu.varbinds().map(|v| v.check());
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
    // 2. The bytes as a ScopedPDU, protected and unprotected.
    let Ok(scoped) = ScopedPduRef::decode_plaintext(data, DecodeOptions::default()) else {
        return;
    };
    let Ok(scoped) = scoped.to_owned_scoped() else {
        return;
    };
    let salt = data.iter().fold(0u64, |a, b| a.rotate_left(5) ^ u64::from(*b));
    for user in users() {
        let keys = user.localize(ENGINE);
        let msg = V3Message {
            msg_id: 7,
            max_size: 65507,
            flags: keys.request_flags(),
            security_model: 3,
            security: SecurityParams::Usm(UsmParams {
                engine_id: ENGINE.to_vec(),
                engine_boots: (salt >> 40) as i32 & 0x7fff_ffff,
                engine_time: (salt >> 8) as i32 & 0x7fff_ffff,
                user_name: user.name().to_vec(),
                ..Default::default()
            }),
            data: ScopedPduData::Plaintext(scoped.clone()),
        };
        let mut wire = Vec::new();
        usm::protect(&msg, &keys, salt, &mut wire).expect("protect");
        let MessageRef::V3(m) = decode(&wire).expect("our message decodes") else {
            panic!("not v3")
        };
        let mut buf = Vec::new();
        let back = usm::unprotect(&wire, &m, &keys, &mut buf).expect("unprotect");
        let back: ScopedPdu = back.to_owned_scoped().expect("copies");
        let mut a = netmon_snmp::ber::Writer::new();
        back.encode(&mut a);
        let mut b = netmon_snmp::ber::Writer::new();
        scoped.encode(&mut b);
        assert_eq!(a.buf, b.buf, "{:?}", user.name());
        let _ = message::Message::V3(msg).to_bytes();
    }
});
