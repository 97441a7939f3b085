//! Password-to-key, localisation and key extension (RFC 3414 A.2, RFC
//! 7860, the Blumenthal and Reeder AES-192/256 drafts).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Digest;

use crate::error::Error;

/// An authentication protocol (usmHMACMD5AuthProtocol … RFC 7860's
/// usmHMAC384SHA512AuthProtocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthProtocol {
    /// HMAC-MD5-96.
    Md5,
    /// HMAC-SHA-96.
    Sha1,
    /// HMAC-SHA-224 truncated to 128 bits.
    Sha224,
    /// HMAC-SHA-256 truncated to 192 bits.
    Sha256,
    /// HMAC-SHA-384 truncated to 256 bits.
    Sha384,
    /// HMAC-SHA-512 truncated to 384 bits.
    Sha512,
}

/// The longest digest (SHA-512).
pub const MAX_DIGEST: usize = 64;

macro_rules! with_digest {
    ($proto:expr, $d:ident => $body:expr) => {
        match $proto {
            AuthProtocol::Md5 => {
                type $d = md5::Md5;
                $body
            }
            AuthProtocol::Sha1 => {
                type $d = sha1::Sha1;
                $body
            }
            AuthProtocol::Sha224 => {
                type $d = sha2::Sha224;
                $body
            }
            AuthProtocol::Sha256 => {
                type $d = sha2::Sha256;
                $body
            }
            AuthProtocol::Sha384 => {
                type $d = sha2::Sha384;
                $body
            }
            AuthProtocol::Sha512 => {
                type $d = sha2::Sha512;
                $body
            }
        }
    };
}

impl AuthProtocol {
    /// Every protocol.
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// Octets of msgAuthenticationParameters: 12, 12, 16, 24, 32, 48.
    pub fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// Octets of the digest (and of a localised key).
    pub fn digest_len(self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
        }
    }

    /// net-snmp's name (`-a` flag): MD5, SHA, SHA-224, …
    pub fn name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// Parses net-snmp's names, case-insensitively (`SHA1` too).
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "MD5" => AuthProtocol::Md5,
            "SHA" | "SHA1" | "SHA-1" => AuthProtocol::Sha1,
            "SHA-224" | "SHA224" => AuthProtocol::Sha224,
            "SHA-256" | "SHA256" => AuthProtocol::Sha256,
            "SHA-384" | "SHA384" => AuthProtocol::Sha384,
            "SHA-512" | "SHA512" => AuthProtocol::Sha512,
            _ => return None,
        })
    }

    /// One digest over several parts.
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        with_digest!(self, D => {
            let mut h = D::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().to_vec()
        })
    }

    /// Ku: the digest of 1 MiB of the password repeated (RFC 3414 A.2).
    pub fn password_to_key(self, password: &[u8]) -> Result<Vec<u8>, Error> {
        if password.is_empty() {
            return Err(Error::EmptyPassword);
        }
        // 64-octet chunks of the endless repetition, read from a buffer
        // long enough to start at any offset within one password.
        let mut cycle = Vec::with_capacity(64 + password.len());
        while cycle.len() < 64 + password.len() {
            cycle.extend_from_slice(password);
        }
        Ok(with_digest!(self, D => {
            let mut h = D::new();
            let mut at = 0usize;
            for _ in 0..(1_048_576 / 64) {
                h.update(&cycle[at..at + 64]);
                at = (at + 64) % password.len();
            }
            h.finalize().to_vec()
        }))
    }

    /// Kul = H(Ku ‖ engineID ‖ Ku).
    pub fn localize(self, ku: &[u8], engine_id: &[u8]) -> Vec<u8> {
        self.digest(&[ku, engine_id, ku])
    }

    /// The localised key for a password and an engine.
    pub fn localized_key(self, password: &[u8], engine_id: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.localize(&self.password_to_key(password)?, engine_id))
    }
}

/// A privacy protocol (DES-CBC of RFC 3414, AES-CFB of RFC 3826 and the
/// two AES-192/256 key extensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrivProtocol {
    /// CBC-DES (usmDESPrivProtocol).
    Des,
    /// CFB128-AES-128 (RFC 3826).
    Aes128,
    /// CFB128-AES-192, key extended as Blumenthal's draft (net-snmp's
    /// `AES-192`).
    Aes192,
    /// CFB128-AES-256, Blumenthal's extension (net-snmp's `AES-256`).
    Aes256,
    /// CFB128-AES-192, key extended as Reeder's draft (net-snmp's
    /// `AES-192-C`, Cisco's flavour).
    Aes192Reeder,
    /// CFB128-AES-256, Reeder's extension (net-snmp's `AES-256-C`).
    Aes256Reeder,
}

impl PrivProtocol {
    /// Every protocol.
    pub const ALL: [PrivProtocol; 6] = [
        PrivProtocol::Des,
        PrivProtocol::Aes128,
        PrivProtocol::Aes192,
        PrivProtocol::Aes256,
        PrivProtocol::Aes192Reeder,
        PrivProtocol::Aes256Reeder,
    ];

    /// Octets of key material the cipher uses (DES: 8 key + 8 pre-IV).
    pub fn key_len(self) -> usize {
        match self {
            PrivProtocol::Des | PrivProtocol::Aes128 => 16,
            PrivProtocol::Aes192 | PrivProtocol::Aes192Reeder => 24,
            PrivProtocol::Aes256 | PrivProtocol::Aes256Reeder => 32,
        }
    }

    /// net-snmp's name (`-x` flag).
    pub fn name(self) -> &'static str {
        match self {
            PrivProtocol::Des => "DES",
            PrivProtocol::Aes128 => "AES",
            PrivProtocol::Aes192 => "AES-192",
            PrivProtocol::Aes256 => "AES-256",
            PrivProtocol::Aes192Reeder => "AES-192-C",
            PrivProtocol::Aes256Reeder => "AES-256-C",
        }
    }

    /// Parses net-snmp's names, case-insensitively (`AES128` too).
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "DES" => PrivProtocol::Des,
            "AES" | "AES128" | "AES-128" => PrivProtocol::Aes128,
            "AES192" | "AES-192" => PrivProtocol::Aes192,
            "AES256" | "AES-256" => PrivProtocol::Aes256,
            "AES192C" | "AES-192-C" => PrivProtocol::Aes192Reeder,
            "AES256C" | "AES-256-C" => PrivProtocol::Aes256Reeder,
            _ => return None,
        })
    }

    fn reeder(self) -> bool {
        matches!(
            self,
            PrivProtocol::Aes192Reeder | PrivProtocol::Aes256Reeder
        )
    }

    /// The key the cipher uses, from the privacy password: localised with
    /// the user's authentication hash, extended when the hash is shorter
    /// than the key, truncated to [`PrivProtocol::key_len`].
    pub fn key_from_password(
        self,
        auth: AuthProtocol,
        password: &[u8],
        engine_id: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let ku = auth.password_to_key(password)?;
        Ok(self.key_from_ku(auth, &ku, engine_id))
    }

    /// As [`PrivProtocol::key_from_password`], from Ku.
    pub fn key_from_ku(self, auth: AuthProtocol, ku: &[u8], engine_id: &[u8]) -> Vec<u8> {
        let mut key = auth.localize(ku, engine_id);
        let need = self.key_len();
        let mut last = key.clone();
        while key.len() < need {
            last = if self.reeder() {
                // Reeder: the previous localised key is the password of
                // the next round of password-to-key and localisation.
                let ku = auth
                    .password_to_key(&last)
                    .expect("a localised key is never empty");
                auth.localize(&ku, engine_id)
            } else {
                // Blumenthal: the digest of the key so far.
                auth.digest(&[&key])
            };
            key.extend_from_slice(&last);
        }
        key.truncate(need);
        key
    }
}

macro_rules! keyed_enum {
    ($($v:ident => $d:ty),* $(,)?) => {
        /// An HMAC keyed once with a localised key, cloned per message.
        #[derive(Clone)]
        pub(crate) enum KeyedHmac { $($v(Hmac<$d>)),* }

        impl KeyedHmac {
            pub(crate) fn new(proto: AuthProtocol, key: &[u8]) -> Self {
                match proto {
                    $(AuthProtocol::$v => KeyedHmac::$v(
                        <Hmac<$d> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length"),
                    )),*
                }
            }

            /// The full HMAC of the parts, written to `out`; returns its length.
            pub(crate) fn compute(&self, parts: &[&[u8]], out: &mut [u8; MAX_DIGEST]) -> usize {
                match self {
                    $(KeyedHmac::$v(m) => {
                        let mut m = m.clone();
                        for p in parts {
                            m.update(p);
                        }
                        let tag = m.finalize().into_bytes();
                        out[..tag.len()].copy_from_slice(&tag);
                        tag.len()
                    }),*
                }
            }
        }
    };
}

keyed_enum! {
    Md5 => md5::Md5,
    Sha1 => sha1::Sha1,
    Sha224 => sha2::Sha224,
    Sha256 => sha2::Sha256,
    Sha384 => sha2::Sha384,
    Sha512 => sha2::Sha512,
}

impl std::fmt::Debug for KeyedHmac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedHmac(***)")
    }
}
