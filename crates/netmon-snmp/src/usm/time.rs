//! The USM timeliness checks of RFC 3414 §3.2.7, as pure functions of
//! boots, time and the local notion of them.

use crate::error::Error;

/// Seconds a message may lag the engine's clock (RFC 3414: 150).
pub const TIME_WINDOW: i32 = 150;

/// snmpEngineBoots' ceiling: an engine there is latched and every
/// authenticated message to or from it is out of the window.
pub const MAX_BOOTS: i32 = i32::MAX;

/// The authoritative side (an agent receiving a request): the message
/// must carry this engine's boots and a time within ±150 s of its own.
pub fn check_authoritative(
    msg_boots: i32,
    msg_time: i32,
    local_boots: i32,
    local_time: i32,
) -> Result<(), Error> {
    let out = local_boots == MAX_BOOTS
        || msg_boots != local_boots
        || (i64::from(msg_time) - i64::from(local_time)).abs() > i64::from(TIME_WINDOW);
    if out {
        Err(Error::NotInTimeWindow {
            msg_boots,
            msg_time,
            local_boots,
            local_time,
        })
    } else {
        Ok(())
    }
}

/// What a non-authoritative engine (a manager) knows of an authoritative
/// one: its boots, its time now (the caller advances it with a monotonic
/// clock) and the latest time received from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeerClock {
    /// snmpEngineBoots as last learnt.
    pub boots: i32,
    /// snmpEngineTime as estimated now.
    pub time: i32,
    /// latestReceivedEngineTime.
    pub latest_received: i32,
}

/// The non-authoritative side (a manager receiving a response, a
/// receiver of informs): newer boots or time re-anchor the clock (the
/// returned `Some`), older ones outside the window are refused. The clock
/// never moves backwards.
pub fn check_non_authoritative(
    msg_boots: i32,
    msg_time: i32,
    peer: PeerClock,
) -> Result<Option<PeerClock>, Error> {
    let refuse = || Error::NotInTimeWindow {
        msg_boots,
        msg_time,
        local_boots: peer.boots,
        local_time: peer.time,
    };
    if peer.boots == MAX_BOOTS {
        return Err(refuse());
    }
    if msg_boots > peer.boots || (msg_boots == peer.boots && msg_time > peer.latest_received) {
        let time = if msg_boots == peer.boots {
            msg_time.max(peer.time)
        } else {
            msg_time
        };
        return Ok(Some(PeerClock {
            boots: msg_boots,
            time,
            latest_received: msg_time,
        }));
    }
    if msg_boots < peer.boots || i64::from(msg_time) < i64::from(peer.time) - i64::from(TIME_WINDOW)
    {
        return Err(refuse());
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authoritative_window() {
        assert!(check_authoritative(5, 1000, 5, 1150).is_ok());
        assert!(check_authoritative(5, 1150, 5, 1000).is_ok());
        assert!(check_authoritative(5, 1000, 5, 1151).is_err());
        assert!(check_authoritative(5, 1151, 5, 1000).is_err());
        assert!(check_authoritative(4, 1000, 5, 1000).is_err());
        assert!(check_authoritative(MAX_BOOTS, 0, MAX_BOOTS, 0).is_err());
        // No overflow at the extremes.
        assert!(check_authoritative(5, i32::MIN, 5, i32::MAX).is_err());
    }

    #[test]
    fn non_authoritative_reanchors_and_refuses_old() {
        let peer = PeerClock {
            boots: 3,
            time: 500,
            latest_received: 480,
        };
        // Newer boots: re-anchor.
        assert_eq!(
            check_non_authoritative(4, 10, peer).unwrap(),
            Some(PeerClock {
                boots: 4,
                time: 10,
                latest_received: 10
            })
        );
        // Same boots, later time: re-anchor, never backwards.
        assert_eq!(
            check_non_authoritative(3, 490, peer).unwrap().unwrap().time,
            500
        );
        // Same boots, older but within the window: accepted, no change.
        assert_eq!(check_non_authoritative(3, 400, peer).unwrap(), None);
        // Older than the window, or older boots: refused.
        assert!(check_non_authoritative(3, 349, peer).is_err());
        assert!(check_non_authoritative(2, 9999, peer).is_err());
    }
}
