//! Requests in flight: ids, retransmissions with backoff, deadlines.
//! Time is passed in (`now`); nothing sleeps, so tests run on a simulated
//! clock.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use netmon_snmp::engine::retry::{InFlight, Expiry, RetryPolicy};
//! let policy = RetryPolicy { timeout: Duration::from_secs(1), retries: 1, backoff: 2.0, deadline: None };
//! let mut inflight = InFlight::new(policy, 1);
//! let t0 = Instant::now();
//! let id = inflight.insert(t0, "get sysName");
//! assert_eq!(inflight.on_timeout(t0 + Duration::from_secs(1)), vec![Expiry::Retransmit(id)]);
//! assert_eq!(inflight.on_timeout(t0 + Duration::from_secs(3)), vec![Expiry::Failed(id, "get sysName")]);
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long to wait, how often to resend, how long at most.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Wait for the first answer (net-snmp's `-t`, 1 s by default).
    pub timeout: Duration,
    /// Resends after the first attempt (net-snmp's `-r`, 5 by default).
    pub retries: u32,
    /// Each wait is the previous one times this (1.0: constant, as
    /// net-snmp; 2.0: doubling).
    pub backoff: f64,
    /// An overall limit from the first send, whatever the retries.
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            timeout: Duration::from_secs(1),
            retries: 5,
            backoff: 1.0,
            deadline: None,
        }
    }
}

/// What a timeout means for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry<T> {
    /// Send it again (same id: a late answer to any attempt counts).
    Retransmit(i32),
    /// Out of retries or past the deadline; the request is dropped.
    Failed(i32, T),
}

#[derive(Debug)]
struct Entry<T> {
    payload: T,
    attempts: u32,
    wait: Duration,
    next_at: Instant,
    deadline: Option<Instant>,
}

/// Requests waiting for an answer, keyed by request-id (or msgID).
#[derive(Debug)]
pub struct InFlight<T> {
    policy: RetryPolicy,
    entries: HashMap<i32, Entry<T>>,
    next_id: i32,
}

impl<T> InFlight<T> {
    /// Empty; ids start at `first_id` (pick it at random per process, as
    /// agents drop duplicates by id).
    pub fn new(policy: RetryPolicy, first_id: i32) -> Self {
        InFlight {
            policy,
            entries: HashMap::new(),
            next_id: first_id.max(1),
        }
    }

    /// A fresh id: positive, not in flight, wrapping before i32::MAX.
    fn allocate(&mut self) -> i32 {
        loop {
            let id = self.next_id;
            self.next_id = if id == i32::MAX { 1 } else { id + 1 };
            if !self.entries.contains_key(&id) {
                return id;
            }
        }
    }

    /// Registers a request sent at `now`; returns its id.
    pub fn insert(&mut self, now: Instant, payload: T) -> i32 {
        let id = self.allocate();
        self.entries.insert(
            id,
            Entry {
                payload,
                attempts: 1,
                wait: self.policy.timeout,
                next_at: now + self.policy.timeout,
                deadline: self.policy.deadline.map(|d| now + d),
            },
        );
        id
    }

    /// The answer arrived: the request's payload, or `None` for an id not
    /// in flight (a late duplicate, or a forged answer).
    pub fn complete(&mut self, id: i32) -> Option<T> {
        self.entries.remove(&id).map(|e| e.payload)
    }

    /// The payload of a request in flight.
    pub fn get(&self, id: i32) -> Option<&T> {
        self.entries.get(&id).map(|e| &e.payload)
    }

    /// The payload of a request in flight, to change it.
    pub fn get_mut(&mut self, id: i32) -> Option<&mut T> {
        self.entries.get_mut(&id).map(|e| &mut e.payload)
    }

    /// How many are in flight.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// When [`InFlight::on_timeout`] has work next.
    pub fn next_timeout(&self) -> Option<Instant> {
        self.entries.values().map(|e| e.next_at).min()
    }

    /// Everything due at `now`: resends and failures, by id order.
    pub fn on_timeout(&mut self, now: Instant) -> Vec<Expiry<T>> {
        let mut due: Vec<i32> = self
            .entries
            .iter()
            .filter(|(_, e)| e.next_at <= now)
            .map(|(id, _)| *id)
            .collect();
        due.sort_unstable();
        let mut out = Vec::with_capacity(due.len());
        for id in due {
            let policy = self.policy;
            let e = self.entries.get_mut(&id).expect("listed above");
            let past_deadline = e.deadline.is_some_and(|d| now >= d);
            if e.attempts > policy.retries || past_deadline {
                let e = self.entries.remove(&id).expect("listed above");
                out.push(Expiry::Failed(id, e.payload));
                continue;
            }
            e.attempts += 1;
            e.wait = e.wait.mul_f64(policy.backoff.max(1.0));
            let mut next = now + e.wait;
            if let Some(d) = e.deadline {
                next = next.min(d);
            }
            e.next_at = next;
            out.push(Expiry::Retransmit(id));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn retries_with_backoff_then_fails() {
        let t0 = Instant::now();
        let mut f = InFlight::new(
            RetryPolicy {
                timeout: secs(1.0),
                retries: 3,
                backoff: 2.0,
                deadline: None,
            },
            100,
        );
        let id = f.insert(t0, ());
        assert_eq!(f.next_timeout(), Some(t0 + secs(1.0)));
        assert!(f.on_timeout(t0 + secs(0.5)).is_empty());
        // Resends at 1, 1+2, 1+2+4; fails at 1+2+4+8.
        let mut at = t0;
        for wait in [1.0, 2.0, 4.0] {
            at += secs(wait);
            assert_eq!(f.on_timeout(at), vec![Expiry::Retransmit(id)]);
        }
        at += secs(8.0);
        assert_eq!(f.next_timeout(), Some(at));
        assert_eq!(f.on_timeout(at), vec![Expiry::Failed(id, ())]);
        assert!(f.is_empty());
    }

    #[test]
    fn deadline_cuts_retries_short_and_answers_complete() {
        let t0 = Instant::now();
        let mut f = InFlight::new(
            RetryPolicy {
                timeout: secs(1.0),
                retries: 10,
                backoff: 1.0,
                deadline: Some(secs(2.5)),
            },
            1,
        );
        let a = f.insert(t0, "a");
        let b = f.insert(t0, "b");
        assert_ne!(a, b);
        assert_eq!(f.complete(b), Some("b"));
        assert_eq!(
            f.complete(b),
            None,
            "a duplicate answer is not matched twice"
        );
        assert_eq!(f.on_timeout(t0 + secs(1.0)), vec![Expiry::Retransmit(a)]);
        assert_eq!(f.on_timeout(t0 + secs(2.0)), vec![Expiry::Retransmit(a)]);
        // The next wait would end at 3.0; the deadline says 2.5.
        assert_eq!(f.next_timeout(), Some(t0 + secs(2.5)));
        assert_eq!(f.on_timeout(t0 + secs(2.5)), vec![Expiry::Failed(a, "a")]);
    }

    #[test]
    fn ids_wrap_and_skip_those_in_flight() {
        let t0 = Instant::now();
        let mut f = InFlight::new(RetryPolicy::default(), i32::MAX);
        let a = f.insert(t0, 0);
        assert_eq!(a, i32::MAX);
        let b = f.insert(t0, 1);
        assert_eq!(b, 1);
        f.next_id = 1; // force a collision with `b`
        assert_eq!(f.insert(t0, 2), 2);
    }
}
