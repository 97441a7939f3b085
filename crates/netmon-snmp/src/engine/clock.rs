//! A manager's notion of an agent's snmpEngineBoots and snmpEngineTime
//! (RFC 3414 §2.3 and §3.2.7b), advanced with a monotonic clock the caller
//! passes in, re-anchored on every authenticated message, never moving
//! backwards.

use std::time::Instant;

use crate::usm::time::{PeerClock, check_non_authoritative};

/// What is known of one authoritative engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineClock {
    /// snmpEngineID.
    pub engine_id: Vec<u8>,
    clock: PeerClock,
    anchor: Instant,
}

impl EngineClock {
    /// Learnt from a discovery report (or any authenticated message) at
    /// `now`.
    pub fn new(engine_id: Vec<u8>, boots: i32, time: i32, now: Instant) -> Self {
        EngineClock {
            engine_id,
            clock: PeerClock {
                boots,
                time,
                latest_received: time,
            },
            anchor: now,
        }
    }

    /// (boots, time) to put in a request sent at `now`: the anchored time
    /// plus the whole seconds elapsed since.
    pub fn at(&self, now: Instant) -> (i32, i32) {
        let elapsed = now.saturating_duration_since(self.anchor).as_secs();
        let t = i64::from(self.clock.time) + i64::try_from(elapsed).unwrap_or(i64::MAX);
        (self.clock.boots, t.min(i64::from(i32::MAX)) as i32)
    }

    /// An authenticated message from the engine arrived at `now` carrying
    /// `boots`/`time`: checks it is in the time window and re-anchors
    /// when it is newer. An error means the message must be dropped.
    pub fn on_authenticated(
        &mut self,
        boots: i32,
        time: i32,
        now: Instant,
    ) -> Result<(), crate::Error> {
        let (_, estimate) = self.at(now);
        let current = PeerClock {
            time: estimate,
            ..self.clock
        };
        if let Some(updated) = check_non_authoritative(boots, time, current)? {
            self.clock = updated;
            self.anchor = now;
        }
        Ok(())
    }

    /// An authenticated notInTimeWindow report: its boots/time are the
    /// engine's own, taken as they are (one resync; the caller retries the
    /// request once).
    pub fn resync(&mut self, boots: i32, time: i32, now: Instant) {
        self.clock = PeerClock {
            boots,
            time,
            latest_received: time,
        };
        self.anchor = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn advances_with_the_monotonic_clock_and_reanchors() {
        let t0 = Instant::now();
        let mut c = EngineClock::new(b"e".to_vec(), 3, 1000, t0);
        assert_eq!(c.at(t0 + Duration::from_millis(2500)), (3, 1002));
        // A newer time from the agent re-anchors.
        c.on_authenticated(3, 1010, t0 + Duration::from_secs(5))
            .unwrap();
        assert_eq!(c.at(t0 + Duration::from_secs(6)), (3, 1011));
        // An older message inside the window is accepted without moving
        // the clock back; one older than the window is refused.
        c.on_authenticated(3, 900, t0 + Duration::from_secs(6))
            .unwrap();
        assert_eq!(c.at(t0 + Duration::from_secs(6)), (3, 1011));
        assert!(
            c.on_authenticated(3, 800, t0 + Duration::from_secs(6))
                .is_err()
        );
        // A reboot (more boots) re-anchors even with a smaller time.
        c.on_authenticated(4, 7, t0 + Duration::from_secs(7))
            .unwrap();
        assert_eq!(c.at(t0 + Duration::from_secs(8)), (4, 8));
        // Old boots are refused.
        assert!(
            c.on_authenticated(3, 2000, t0 + Duration::from_secs(8))
                .is_err()
        );
        // A notInTimeWindow report resyncs whatever it says.
        c.resync(4, 2, t0 + Duration::from_secs(9));
        assert_eq!(c.at(t0 + Duration::from_secs(9)), (4, 2));
    }
}
