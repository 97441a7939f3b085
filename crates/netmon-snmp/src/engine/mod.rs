//! The sans-IO request engine, piece by piece: time is passed in,
//! datagrams come in and go out as bytes, nothing here does I/O or
//! sleeps. So far: requests in flight with retries, backoff and deadlines
//! ([`retry`]), walks that always end with a stated reason ([`walk`]) and table walks
//! that assemble rows by index ([`table`]),
//! an agent's boots and time as a manager tracks them ([`clock`]),
//! Report PDUs as typed kinds ([`report`]), and the engine for one target
//! that ties them together with v3 discovery and resync ([`client`]).

pub mod client;
pub mod clock;
pub mod report;
pub mod retry;
pub mod table;
pub mod walk;
