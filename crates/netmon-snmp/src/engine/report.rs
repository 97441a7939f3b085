//! Report PDUs turned into typed errors (RFC 3414 §3.2 usmStats counters,
//! RFC 3412 snmpUnknownSecurityModels and friends).

use crate::oid::Oid;
use crate::pdu::{AnyPduRef, PduType};

/// What a Report says went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportKind {
    /// usmStatsUnsupportedSecLevels: the user may not use this level.
    UnsupportedSecLevel,
    /// usmStatsNotInTimeWindows: boots/time out of the window; resync.
    NotInTimeWindow,
    /// usmStatsUnknownUserNames.
    UnknownUserName,
    /// usmStatsUnknownEngineIDs: the answer to discovery.
    UnknownEngineId,
    /// usmStatsWrongDigests: wrong authentication key.
    WrongDigest,
    /// usmStatsDecryptionErrors: wrong privacy key or protocol.
    DecryptionError,
    /// snmpUnknownSecurityModels, snmpInvalidMsgs, snmpUnknownPDUHandlers.
    Mpd(&'static str),
    /// Another counter.
    Other(Oid),
}

const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];
const MPD_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 11, 2, 1];

impl ReportKind {
    /// The kind of a report varbind's name.
    pub fn from_oid(oid: &Oid) -> Self {
        let a = oid.arcs();
        if a.len() == 11 && a[..9] == USM_STATS && a[10] == 0 {
            return match a[9] {
                1 => ReportKind::UnsupportedSecLevel,
                2 => ReportKind::NotInTimeWindow,
                3 => ReportKind::UnknownUserName,
                4 => ReportKind::UnknownEngineId,
                5 => ReportKind::WrongDigest,
                6 => ReportKind::DecryptionError,
                _ => ReportKind::Other(oid.clone()),
            };
        }
        if a.len() == 11 && a[..9] == MPD_STATS && a[10] == 0 {
            return match a[9] {
                1 => ReportKind::Mpd("snmpUnknownSecurityModels"),
                2 => ReportKind::Mpd("snmpInvalidMsgs"),
                3 => ReportKind::Mpd("snmpUnknownPDUHandlers"),
                _ => ReportKind::Other(oid.clone()),
            };
        }
        ReportKind::Other(oid.clone())
    }

    /// The counter's name.
    pub fn name(&self) -> &'static str {
        match self {
            ReportKind::UnsupportedSecLevel => "usmStatsUnsupportedSecLevels",
            ReportKind::NotInTimeWindow => "usmStatsNotInTimeWindows",
            ReportKind::UnknownUserName => "usmStatsUnknownUserNames",
            ReportKind::UnknownEngineId => "usmStatsUnknownEngineIDs",
            ReportKind::WrongDigest => "usmStatsWrongDigests",
            ReportKind::DecryptionError => "usmStatsDecryptionErrors",
            ReportKind::Mpd(n) => n,
            ReportKind::Other(_) => "other report",
        }
    }
}

/// The kind of a Report PDU (from its first varbind); `None` for another
/// PDU or an empty report.
pub fn classify(pdu: &AnyPduRef<'_>) -> Option<ReportKind> {
    let AnyPduRef::Pdu(p) = pdu else { return None };
    if p.pdu_type != PduType::Report {
        return None;
    }
    let vb = p.varbinds.iter().next()?.ok()?;
    Some(ReportKind::from_oid(&vb.name.to_oid()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_usm_and_mpd_counters() {
        let k = |s: &str| ReportKind::from_oid(&s.parse().unwrap());
        assert_eq!(k("1.3.6.1.6.3.15.1.1.4.0"), ReportKind::UnknownEngineId);
        assert_eq!(k("1.3.6.1.6.3.15.1.1.2.0"), ReportKind::NotInTimeWindow);
        assert_eq!(k("1.3.6.1.6.3.15.1.1.5.0"), ReportKind::WrongDigest);
        assert_eq!(k("1.3.6.1.6.3.15.1.1.3.0"), ReportKind::UnknownUserName);
        assert_eq!(k("1.3.6.1.6.3.15.1.1.6.0"), ReportKind::DecryptionError);
        assert_eq!(k("1.3.6.1.6.3.15.1.1.1.0"), ReportKind::UnsupportedSecLevel);
        assert_eq!(
            k("1.3.6.1.6.3.11.2.1.1.0").name(),
            "snmpUnknownSecurityModels"
        );
        assert!(matches!(k("1.3.6.1.6.3.15.1.1.9.0"), ReportKind::Other(_)));
        assert!(matches!(k("1.3.6.1.6.3.15.1.1.4"), ReportKind::Other(_)));
    }
}
