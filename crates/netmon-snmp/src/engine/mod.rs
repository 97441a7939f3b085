//! The sans-IO request engine, piece by piece: time is passed in,
//! datagrams come in and go out as bytes, nothing here does I/O or
//! sleeps. So far: requests in flight with retries, backoff and deadlines
//! ([`retry`]) and walks that always end with a stated reason ([`walk`]).

pub mod retry;
pub mod walk;
