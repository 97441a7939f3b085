//! Encryption of the ScopedPDU: CBC-DES (RFC 3414 §8) and CFB128-AES
//! (RFC 3826 §3, also for the 192- and 256-bit keys).
//!
//! ```text
//! DES  key = K[0..8], pre-IV = K[8..16], IV = pre-IV XOR salt;
//!      plaintext padded to 8 octets (n octets of value n)
//! AES  key = K[0..16|24|32], IV = boots(4) ‖ time(4) ‖ salt(8); no padding
//! salt = msgPrivacyParameters (8 octets)
//! ```

use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit, KeyIvInit};

use super::keys::PrivProtocol;
use crate::error::Error;

fn des_parts(key: &[u8], salt: &[u8; 8]) -> (des::Des, [u8; 8]) {
    let cipher = des::Des::new_from_slice(&key[..8]).expect("8-octet DES key");
    let mut iv = [0u8; 8];
    for i in 0..8 {
        iv[i] = key[8 + i] ^ salt[i];
    }
    (cipher, iv)
}

fn aes_iv(boots: i32, time: i32, salt: &[u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..4].copy_from_slice(&boots.to_be_bytes());
    iv[4..8].copy_from_slice(&time.to_be_bytes());
    iv[8..].copy_from_slice(salt);
    iv
}

fn aes_cfb(key: &[u8], iv: &[u8; 16], buf: &mut [u8], encrypt: bool) {
    macro_rules! run {
        ($c:ty) => {{
            if encrypt {
                cfb_mode::Encryptor::<$c>::new_from_slices(key, iv)
                    .expect("AES key and IV lengths")
                    .encrypt(buf)
            } else {
                cfb_mode::Decryptor::<$c>::new_from_slices(key, iv)
                    .expect("AES key and IV lengths")
                    .decrypt(buf)
            }
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        _ => run!(aes::Aes256),
    }
}

/// Encrypts `plain` into `out` (cleared first).
pub(crate) fn encrypt(
    proto: PrivProtocol,
    key: &[u8],
    boots: i32,
    time: i32,
    salt: &[u8; 8],
    plain: &[u8],
    out: &mut Vec<u8>,
) {
    out.clear();
    out.extend_from_slice(plain);
    match proto {
        PrivProtocol::Des => {
            let pad = (8 - plain.len() % 8) % 8;
            out.extend(std::iter::repeat_n(pad as u8, pad));
            let (cipher, iv) = des_parts(key, salt);
            let mut prev = iv;
            for chunk in out.chunks_exact_mut(8) {
                let mut block = [0u8; 8];
                for i in 0..8 {
                    block[i] = chunk[i] ^ prev[i];
                }
                let mut b = Array::from(block);
                cipher.encrypt_block(&mut b);
                chunk.copy_from_slice(&b);
                prev.copy_from_slice(&b);
            }
        }
        _ => aes_cfb(
            &key[..proto.key_len()],
            &aes_iv(boots, time, salt),
            out,
            true,
        ),
    }
}

/// Decrypts `cipher_text` into `out` (cleared first). DES ciphertext that
/// is not a multiple of 8 octets is a decryption error.
pub(crate) fn decrypt(
    proto: PrivProtocol,
    key: &[u8],
    boots: i32,
    time: i32,
    salt: &[u8; 8],
    cipher_text: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    out.clear();
    out.extend_from_slice(cipher_text);
    match proto {
        PrivProtocol::Des => {
            if !cipher_text.len().is_multiple_of(8) {
                return Err(Error::Decryption(
                    "DES ciphertext is not a multiple of 8 octets",
                ));
            }
            let (cipher, iv) = des_parts(key, salt);
            let mut prev = iv;
            for chunk in out.chunks_exact_mut(8) {
                let mut saved = [0u8; 8];
                saved.copy_from_slice(chunk);
                let mut b = Array::from(saved);
                cipher.decrypt_block(&mut b);
                for i in 0..8 {
                    chunk[i] = b[i] ^ prev[i];
                }
                prev = saved;
            }
        }
        _ => aes_cfb(
            &key[..proto.key_len()],
            &aes_iv(boots, time, salt),
            out,
            false,
        ),
    }
    Ok(())
}
