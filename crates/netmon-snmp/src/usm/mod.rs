//! The user-based security model (RFC 3414, RFC 3826, RFC 7860 and the
//! AES-192/256 key-extension drafts).
//!
//! A [`UsmUser`] holds Ku (the password digests, computed once); a
//! [`LocalizedKeys`] holds the keys for one authoritative engine, with the
//! HMAC keyed once; a [`KeyCache`] keeps those per (user, engine).
//! [`protect`] builds an outgoing message (encrypt, then authenticate);
//! [`unprotect`] checks an incoming one (verify in constant time, then
//! decrypt). The time window is [`time`]'s pure functions.
//!
//! ```
//! use netmon_snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};
//! let user = UsmUser::new("alice")
//!     .with_auth(AuthProtocol::Sha1, b"maplesyrup")?
//!     .with_privacy(PrivProtocol::Aes128, b"maplesyrup")?;
//! let keys = user.localize(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
//! assert_eq!(keys.auth.as_ref().unwrap().protocol(), AuthProtocol::Sha1);
//! # Ok::<(), netmon_snmp::Error>(())
//! ```

mod keys;
mod privacy;
pub mod time;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use netmon_core::Secret;
use subtle::ConstantTimeEq;

use keys::KeyedHmac;
pub use keys::{AuthProtocol, MAX_DIGEST, PrivProtocol};

use crate::ber::{Writer, tag};
use crate::error::Error;
use crate::message::{
    self, MessageRef, ScopedPduDataRef, ScopedPduRef, SecurityParams, V3Message, V3MessageRef,
};

/// A USM user: name and Ku for authentication and privacy.
#[derive(Debug, Clone)]
pub struct UsmUser {
    name: Vec<u8>,
    auth: Option<(AuthProtocol, Secret<Vec<u8>>)>,
    privacy: Option<(PrivProtocol, Secret<Vec<u8>>)>,
}

impl UsmUser {
    /// A noAuthNoPriv user.
    pub fn new(name: impl Into<Vec<u8>>) -> Self {
        UsmUser {
            name: name.into(),
            auth: None,
            privacy: None,
        }
    }

    /// Adds authentication (computes Ku: about a million octets hashed).
    /// Call it before [`UsmUser::with_privacy`]: the privacy key is derived
    /// with this hash.
    pub fn with_auth(mut self, proto: AuthProtocol, password: &[u8]) -> Result<Self, Error> {
        if self.privacy.is_some() {
            return Err(Error::Config(
                "set authentication before privacy: the privacy key is derived with the authentication hash",
            ));
        }
        self.auth = Some((proto, Secret::from(proto.password_to_key(password)?)));
        Ok(self)
    }

    /// Adds privacy. The privacy key is derived with the authentication
    /// hash, so call [`UsmUser::with_auth`] first.
    pub fn with_privacy(mut self, proto: PrivProtocol, password: &[u8]) -> Result<Self, Error> {
        let Some((auth, _)) = self.auth else {
            return Err(Error::UnsupportedSecurityLevel {
                level: "privWithoutAuth",
                user: String::from_utf8_lossy(&self.name).into_owned(),
            });
        };
        self.privacy = Some((proto, Secret::from(auth.password_to_key(password)?)));
        Ok(self)
    }

    /// The user name.
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The authentication protocol, if any.
    pub fn auth_protocol(&self) -> Option<AuthProtocol> {
        self.auth.as_ref().map(|a| a.0)
    }

    /// The privacy protocol, if any.
    pub fn priv_protocol(&self) -> Option<PrivProtocol> {
        self.privacy.as_ref().map(|p| p.0)
    }

    /// The keys for one authoritative engine.
    pub fn localize(&self, engine_id: &[u8]) -> LocalizedKeys {
        let auth = self
            .auth
            .as_ref()
            .map(|(p, ku)| AuthKey::new(*p, p.localize(ku.expose(), engine_id)));
        let privacy = match (&self.auth, &self.privacy) {
            (Some((a, _)), Some((p, ku))) => {
                let key = p.key_from_ku(*a, ku.expose(), engine_id);
                Some(PrivKey::new(*p, key).expect("key_from_ku gives key_len octets"))
            }
            _ => None,
        };
        LocalizedKeys {
            user_name: self.name.clone(),
            auth,
            privacy,
        }
    }
}

/// A localised authentication key, with its HMAC keyed once.
#[derive(Debug, Clone)]
pub struct AuthKey {
    protocol: AuthProtocol,
    key: Secret<Vec<u8>>,
    hmac: KeyedHmac,
}

impl AuthKey {
    /// A key as localised (Kul).
    pub fn new(protocol: AuthProtocol, localized: Vec<u8>) -> Self {
        AuthKey {
            protocol,
            hmac: KeyedHmac::new(protocol, &localized),
            key: Secret::from(localized),
        }
    }

    /// The protocol.
    pub fn protocol(&self) -> AuthProtocol {
        self.protocol
    }

    /// The localised key.
    pub fn key(&self) -> &Secret<Vec<u8>> {
        &self.key
    }

    /// The truncated HMAC of a message whose MAC field, at `offset`, is
    /// taken as zeros whatever it holds.
    pub fn mac(&self, msg: &[u8], offset: usize) -> Result<Vec<u8>, Error> {
        let n = self.protocol.mac_len();
        if msg.len() < offset + n {
            return Err(Error::AuthParamsLength {
                expected: n,
                found: msg.len().saturating_sub(offset),
            });
        }
        let zeros = [0u8; MAX_DIGEST];
        let mut out = [0u8; MAX_DIGEST];
        self.hmac
            .compute(&[&msg[..offset], &zeros[..n], &msg[offset + n..]], &mut out);
        Ok(out[..n].to_vec())
    }

    /// Writes the truncated HMAC into the message's MAC field.
    pub fn sign(&self, msg: &mut [u8], offset: usize) -> Result<(), Error> {
        let mac = self.mac(msg, offset)?;
        msg[offset..offset + mac.len()].copy_from_slice(&mac);
        Ok(())
    }

    /// Checks the MAC field (`len` octets at `offset`) in constant time.
    pub fn verify(&self, msg: &[u8], offset: usize, len: usize) -> Result<(), Error> {
        let n = self.protocol.mac_len();
        if len != n || msg.len() < offset + n {
            return Err(Error::AuthParamsLength {
                expected: n,
                found: len,
            });
        }
        let expected = self.mac(msg, offset)?;
        if bool::from(expected.ct_eq(&msg[offset..offset + n])) {
            Ok(())
        } else {
            Err(Error::WrongDigest)
        }
    }
}

/// A privacy key as the cipher uses it.
#[derive(Debug, Clone)]
pub struct PrivKey {
    protocol: PrivProtocol,
    key: Secret<Vec<u8>>,
}

impl PrivKey {
    /// A key of at least [`PrivProtocol::key_len`] octets (longer keys
    /// are cut, as the cipher uses only that many).
    pub fn new(protocol: PrivProtocol, mut key: Vec<u8>) -> Result<Self, Error> {
        if key.len() < protocol.key_len() {
            return Err(Error::Config(
                "privacy key shorter than the protocol needs (DES and AES-128: 16 octets, AES-192: 24, AES-256: 32)",
            ));
        }
        key.truncate(protocol.key_len());
        Ok(PrivKey {
            protocol,
            key: Secret::from(key),
        })
    }

    /// The protocol.
    pub fn protocol(&self) -> PrivProtocol {
        self.protocol
    }

    /// The key octets.
    pub fn key(&self) -> &Secret<Vec<u8>> {
        &self.key
    }

    /// Encrypts a ScopedPDU's octets into `out`.
    pub fn encrypt(&self, boots: i32, time: i32, salt: &[u8; 8], plain: &[u8], out: &mut Vec<u8>) {
        privacy::encrypt(
            self.protocol,
            self.key.expose(),
            boots,
            time,
            salt,
            plain,
            out,
        );
    }

    /// Decrypts into `out`.
    pub fn decrypt(
        &self,
        boots: i32,
        time: i32,
        salt: &[u8],
        cipher_text: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let salt: &[u8; 8] = salt
            .try_into()
            .map_err(|_| Error::Decryption("msgPrivacyParameters is not 8 octets"))?;
        privacy::decrypt(
            self.protocol,
            self.key.expose(),
            boots,
            time,
            salt,
            cipher_text,
            out,
        )
    }
}

/// The keys of one user for one authoritative engine.
#[derive(Debug, Clone)]
pub struct LocalizedKeys {
    /// The user name.
    pub user_name: Vec<u8>,
    /// The authentication key, if the user has one.
    pub auth: Option<AuthKey>,
    /// The privacy key, if the user has one.
    pub privacy: Option<PrivKey>,
}

impl LocalizedKeys {
    /// msgFlags for a request with these keys: reportable, plus auth
    /// and priv as far as the keys go.
    pub fn request_flags(&self) -> crate::message::MsgFlags {
        use crate::message::MsgFlags;
        let mut f = MsgFlags::REPORTABLE;
        if self.auth.is_some() {
            f |= MsgFlags::AUTH;
        }
        if self.privacy.is_some() {
            f |= MsgFlags::PRIV;
        }
        MsgFlags(f)
    }

    fn refuse(&self, level: &'static str) -> Error {
        Error::UnsupportedSecurityLevel {
            level,
            user: String::from_utf8_lossy(&self.user_name).into_owned(),
        }
    }
}

/// Users by name, and their localised keys per (user, engine ID), at most
/// `capacity` of them (the oldest go first): what a trap receiver facing
/// many engines needs.
#[derive(Debug)]
pub struct KeyCache {
    users: HashMap<Vec<u8>, UsmUser>,
    localized: HashMap<(Vec<u8>, Vec<u8>), Arc<LocalizedKeys>>,
    order: VecDeque<(Vec<u8>, Vec<u8>)>,
    capacity: usize,
}

impl KeyCache {
    /// An empty cache holding at most `capacity` localised key sets.
    pub fn new(capacity: usize) -> Self {
        KeyCache {
            users: HashMap::new(),
            localized: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Adds or replaces a user (its cached keys are dropped).
    pub fn add_user(&mut self, user: UsmUser) {
        let name = user.name.clone();
        self.localized.retain(|(u, _), _| *u != name);
        self.order.retain(|(u, _)| *u != name);
        self.users.insert(name, user);
    }

    /// A user by name.
    pub fn user(&self, name: &[u8]) -> Option<&UsmUser> {
        self.users.get(name)
    }

    /// Adds keys localised elsewhere (for instance an informUser whose
    /// keys belong to the receiver's own engine ID).
    pub fn insert(&mut self, engine_id: &[u8], keys: LocalizedKeys) -> Arc<LocalizedKeys> {
        let k = (keys.user_name.clone(), engine_id.to_vec());
        let keys = Arc::new(keys);
        if self.localized.insert(k.clone(), keys.clone()).is_none() {
            self.order.push_back(k);
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.localized.remove(&old);
                }
            }
        }
        keys
    }

    /// The keys of `user` for `engine_id`, localised on first use; `None`
    /// for an unknown user.
    pub fn keys(&mut self, user: &[u8], engine_id: &[u8]) -> Option<Arc<LocalizedKeys>> {
        if let Some(k) = self.localized.get(&(user.to_vec(), engine_id.to_vec())) {
            return Some(k.clone());
        }
        let keys = self.users.get(user)?.localize(engine_id);
        Some(self.insert(engine_id, keys))
    }

    /// How many localised key sets are held.
    pub fn len(&self) -> usize {
        self.localized.len()
    }

    /// True when none are held.
    pub fn is_empty(&self) -> bool {
        self.localized.is_empty()
    }
}

/// Encodes an outgoing v3 message with USM: the ScopedPDU is encrypted
/// when the privacy flag is set (with `salt` as msgPrivacyParameters),
/// then the HMAC is written when the auth flag is set. `msg` must carry
/// USM parameters and a plaintext ScopedPDU; its auth and privacy
/// parameters are ignored. The encoding is appended to `out`.
pub fn protect(
    msg: &V3Message,
    keys: &LocalizedKeys,
    salt: u64,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let SecurityParams::Usm(usm) = &msg.security else {
        return Err(Error::NotUsm);
    };
    let message::ScopedPduData::Plaintext(scoped) = &msg.data else {
        return Err(Error::Decryption(
            "protect needs a plaintext ScopedPDU to encrypt",
        ));
    };
    scoped.pdu.validate()?;
    let flags = msg.flags;
    if flags.privacy() && !flags.auth() {
        return Err(keys.refuse("privWithoutAuth"));
    }
    let auth = match (flags.auth(), &keys.auth) {
        (false, _) => None,
        (true, Some(a)) => Some(a),
        (true, None) => return Err(keys.refuse(flags.level_name())),
    };
    let privacy = match (flags.privacy(), &keys.privacy) {
        (false, _) => None,
        (true, Some(p)) => Some(p),
        (true, None) => return Err(keys.refuse(flags.level_name())),
    };
    let salt_bytes = salt.to_be_bytes();
    let mut w = Writer::with_buffer(std::mem::take(out));
    let start = w.buf.len();
    let seq = w.begin_wide(tag::SEQUENCE);
    w.i64(tag::INTEGER, 3);
    let g = w.begin(tag::SEQUENCE);
    w.i64(tag::INTEGER, i64::from(msg.msg_id));
    w.i64(tag::INTEGER, i64::from(msg.max_size));
    w.primitive(tag::OCTET_STRING, &[flags.0]);
    w.i64(tag::INTEGER, i64::from(msg.security_model));
    w.end(g);
    let sp = w.begin(tag::OCTET_STRING);
    let us = w.begin(tag::SEQUENCE);
    w.primitive(tag::OCTET_STRING, &usm.engine_id);
    w.i64(tag::INTEGER, i64::from(usm.engine_boots));
    w.i64(tag::INTEGER, i64::from(usm.engine_time));
    w.primitive(tag::OCTET_STRING, &usm.user_name);
    let zeros = [0u8; MAX_DIGEST];
    w.primitive(
        tag::OCTET_STRING,
        &zeros[..auth.map_or(0, |a| a.protocol.mac_len())],
    );
    w.primitive(
        tag::OCTET_STRING,
        if privacy.is_some() { &salt_bytes } else { &[] },
    );
    w.end(us);
    w.end(sp);
    match privacy {
        Some(p) => {
            let mut plain = Writer::new();
            scoped.encode(&mut plain);
            let mut cipher_text = Vec::with_capacity(plain.buf.len() + 8);
            p.encrypt(
                usm.engine_boots,
                usm.engine_time,
                &salt_bytes,
                &plain.buf,
                &mut cipher_text,
            );
            w.primitive(tag::OCTET_STRING, &cipher_text);
        }
        None => scoped.encode(&mut w),
    }
    w.end(seq);
    *out = w.into_inner();
    if let Some(a) = auth {
        let offset = match message::decode(&out[start..]) {
            Ok(MessageRef::V3(V3MessageRef { usm: Some(u), .. })) => u.auth_params_offset,
            Ok(_) => return Err(Error::NotUsm),
            Err(e) => return Err(Error::Decode(e)),
        };
        a.sign(&mut out[start..], offset)?;
    }
    Ok(())
}

/// Checks an incoming v3 message against the user's keys: the HMAC when
/// the auth flag is set (constant time), then decryption into `buf` when
/// the privacy flag is set. `raw` is the whole message `msg` was decoded
/// from; the keys must be the message's user's. The time window is not
/// checked here (see [`time`]).
pub fn unprotect<'a>(
    raw: &[u8],
    msg: &V3MessageRef<'a>,
    keys: &LocalizedKeys,
    buf: &'a mut Vec<u8>,
) -> Result<ScopedPduRef<'a>, Error> {
    let usm = msg.usm.as_ref().ok_or(Error::NotUsm)?;
    if usm.user_name != keys.user_name.as_slice() {
        return Err(Error::UserMismatch {
            message: String::from_utf8_lossy(usm.user_name).into_owned(),
            keys: String::from_utf8_lossy(&keys.user_name).into_owned(),
        });
    }
    let flags = msg.flags;
    if flags.privacy() && !flags.auth() {
        return Err(keys.refuse("privWithoutAuth"));
    }
    if flags.auth() {
        let a = keys
            .auth
            .as_ref()
            .ok_or_else(|| keys.refuse(flags.level_name()))?;
        a.verify(raw, usm.auth_params_offset, usm.auth_params.len())?;
    }
    match (&msg.data, flags.privacy()) {
        (ScopedPduDataRef::Plaintext(s), false) => Ok(s.clone()),
        (ScopedPduDataRef::Encrypted(_), false) => Err(Error::Decryption(
            "encrypted ScopedPDU without the privacy flag",
        )),
        (ScopedPduDataRef::Plaintext(_), true) => Err(Error::Decryption(
            "plaintext ScopedPDU with the privacy flag set",
        )),
        (ScopedPduDataRef::Encrypted(c), true) => {
            let p = keys
                .privacy
                .as_ref()
                .ok_or_else(|| keys.refuse(flags.level_name()))?;
            p.decrypt(usm.engine_boots, usm.engine_time, usm.priv_params, c, buf)?;
            let plain: &'a Vec<u8> = buf;
            ScopedPduRef::decode_plaintext(plain, message::DecodeOptions::default())
                .map_err(Error::DecryptedDecode)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netmon_testkit::hex;

    #[test]
    fn des_and_aes_round_trip_every_length() {
        let engine = hex("80001f88046e65746d6f6e74657374");
        for p in PrivProtocol::ALL {
            let key = PrivKey::new(
                p,
                p.key_from_password(AuthProtocol::Sha1, b"privpass123", &engine)
                    .unwrap(),
            )
            .unwrap();
            assert!(PrivKey::new(p, vec![0; p.key_len() - 1]).is_err());
            for len in 0..40 {
                let plain: Vec<u8> = (0..len as u8).collect();
                let mut c = Vec::new();
                key.encrypt(7, 1234, &[1, 2, 3, 4, 5, 6, 7, 8], &plain, &mut c);
                if len > 0 {
                    assert_ne!(&c[..len], &plain[..], "{p:?} {len}");
                }
                let mut back = Vec::new();
                key.decrypt(7, 1234, &[1, 2, 3, 4, 5, 6, 7, 8], &c, &mut back)
                    .unwrap();
                assert_eq!(&back[..len], &plain[..], "{p:?} {len}");
            }
        }
    }

    #[test]
    fn privacy_needs_authentication_first() {
        let u = UsmUser::new("u");
        assert!(u.clone().with_privacy(PrivProtocol::Des, b"x").is_err());
        let u = u
            .with_auth(AuthProtocol::Md5, b"authpass123")
            .unwrap()
            .with_privacy(PrivProtocol::Des, b"privpass123")
            .unwrap();
        assert!(matches!(
            u.with_auth(AuthProtocol::Sha1, b"authpass123"),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn empty_password_is_refused() {
        assert_eq!(
            AuthProtocol::Md5.password_to_key(b"").unwrap_err(),
            Error::EmptyPassword
        );
    }
}
