//! The crate's error type.

use crate::ber::DecodeError;

/// What can go wrong in netmon-snmp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The octets are not a well-formed SNMP message.
    #[error("cannot decode: {0}")]
    Decode(#[from] DecodeError),
    /// An OID that BER cannot carry (first arc above 2, second arc 40 or
    /// more under 0 or 1, more than 128 arcs).
    #[error("OID {0} cannot be encoded")]
    UnencodableOid(String),
    /// A USM password that is empty (RFC 3414 needs at least one octet;
    /// net-snmp asks for eight).
    #[error("empty USM password")]
    EmptyPassword,
    /// A configuration that cannot work (what, in words).
    #[error("{0}")]
    Config(&'static str),
    /// The message is not SNMPv3 with the user-based security model.
    #[error("not an SNMPv3 message with USM security parameters")]
    NotUsm,
    /// The message asks for authentication or privacy the keys cannot
    /// give (usmStatsUnsupportedSecLevels).
    #[error("security level {level} needs keys that user {user:?} does not have")]
    UnsupportedSecurityLevel {
        /// The level asked for (`authNoPriv`, `authPriv`, …).
        level: &'static str,
        /// The user name, lossily as text.
        user: String,
    },
    /// The message names another user than the keys belong to.
    #[error("message for user {message:?}, keys for user {keys:?}")]
    UserMismatch {
        /// msgUserName, lossily as text.
        message: String,
        /// The keys' user, lossily as text.
        keys: String,
    },
    /// msgAuthenticationParameters of the wrong length.
    #[error("authentication parameters of {found} octets where {expected} were expected")]
    AuthParamsLength {
        /// The MAC length of the user's protocol.
        expected: usize,
        /// What the message carries.
        found: usize,
    },
    /// The HMAC does not match (usmStatsWrongDigests).
    #[error("authentication failed: the HMAC does not match (wrongDigest)")]
    WrongDigest,
    /// The ScopedPDU cannot be decrypted (usmStatsDecryptionErrors).
    #[error("decryption failed: {0}")]
    Decryption(&'static str),
    /// The decrypted ScopedPDU does not decode (a wrong privacy key gives
    /// this too); the offset is into the plaintext.
    #[error("cannot decode the decrypted ScopedPDU (wrong privacy key?): {0} of the plaintext")]
    DecryptedDecode(DecodeError),
    /// No answer after the retries or past the deadline.
    #[error("no answer (timeout after the retries)")]
    Timeout,
    /// The agent answered with a Report PDU.
    #[error("the agent reported {}", .0.name())]
    Report(crate::engine::report::ReportKind),
    /// A socket error (its text: `std::io::Error` is neither `Clone` nor
    /// `PartialEq`).
    #[error("I/O: {0}")]
    Io(String),
    /// The message is outside the time window (usmStatsNotInTimeWindows).
    #[error(
        "not in time window: message boots {msg_boots} time {msg_time}, local boots {local_boots} time {local_time}"
    )]
    NotInTimeWindow {
        /// msgAuthoritativeEngineBoots.
        msg_boots: i32,
        /// msgAuthoritativeEngineTime.
        msg_time: i32,
        /// The local notion of boots.
        local_boots: i32,
        /// The local notion of time.
        local_time: i32,
    },
}
