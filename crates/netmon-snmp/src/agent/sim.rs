//! Simulated devices: the MIB of a router as pollers see it (MIB-II
//! system, interfaces and ifXTable with 32- and 64-bit counters that move
//! with time, host CPU and memory, BGP peers), deterministic for a seed and
//! a start instant, so tests and benchmarks know what they will read.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use netmon_snmp::agent::sim::Device;
//! use netmon_snmp::Value;
//! let start = Instant::now();
//! let mib = Device::new(3).interfaces(4).bgp_peers(2).mib(start);
//! let in_octets = "1.3.6.1.2.1.2.2.1.10.1".parse().unwrap();
//! let (Some(Value::Counter32(a)), Some(Value::Counter32(b))) = (
//!     mib.get(&in_octets, start),
//!     mib.get(&in_octets, start + Duration::from_secs(10)),
//! ) else { panic!() };
//! assert!(b > a);
//! ```

use std::time::Instant;

use crate::agent::mib::{Mib, Table};
use crate::oid::Oid;
use crate::value::Value;

fn oid(s: &str) -> Oid {
    s.parse().unwrap_or_default()
}

/// A small deterministic mixer (splitmix64).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// One simulated device.
#[derive(Debug, Clone)]
pub struct Device {
    number: u32,
    interfaces: u32,
    bgp_peers: u32,
}

/// Octets per second of interface `i` of device `n`, in and out.
fn rates(n: u32, i: u32) -> (u64, u64) {
    let h = mix(u64::from(n) << 32 | u64::from(i));
    // 100 kB/s to ~12.6 MB/s: a gigabit port at 0.1 % to 10 %.
    (100_000 + h % 12_500_000, 100_000 + (h >> 24) % 12_500_000)
}

impl Device {
    /// Device number `n` (it seeds every value), with 4 interfaces and 2
    /// BGP peers.
    pub fn new(number: u32) -> Self {
        Device {
            number,
            interfaces: 4,
            bgp_peers: 2,
        }
    }

    /// How many interfaces (ifIndex 1..=n).
    pub fn interfaces(mut self, n: u32) -> Self {
        self.interfaces = n;
        self
    }

    /// How many BGP peers.
    pub fn bgp_peers(mut self, n: u32) -> Self {
        self.bgp_peers = n;
        self
    }

    /// The value of a counter of interface `i` at `secs` after the start:
    /// octets in (`out` false) or out, and packets (octets / 500).
    pub fn octets(&self, i: u32, out: bool, secs: f64) -> u64 {
        let (rin, rout) = rates(self.number, i);
        let rate = if out { rout } else { rin };
        // A start offset so 32-bit counters wrap within hours, not days.
        let base = mix(u64::from(self.number) ^ u64::from(i) << 20 ^ u64::from(out)) % (1 << 32);
        base + (rate as f64 * secs.max(0.0)) as u64
    }

    /// The device's MIB, its clock starting at `start`.
    pub fn mib(&self, start: Instant) -> Mib {
        let n = self.number;
        let secs = move |now: Instant| now.saturating_duration_since(start).as_secs_f64();
        let mut mib = Mib::new();
        mib.scalar(
            oid("1.3.6.1.2.1.1.1.0"),
            Value::OctetString(format!("netmon simulated router {n}").into_bytes()),
        )
        .scalar(
            oid("1.3.6.1.2.1.1.2.0"),
            Value::ObjectId(oid("1.3.6.1.4.1.8072.3.2.10")),
        )
        .computed(oid("1.3.6.1.2.1.1.3.0"), move |now| {
            Value::TimeTicks((secs(now) * 100.0) as u64 as u32)
        })
        .writable(
            oid("1.3.6.1.2.1.1.4.0"),
            Value::OctetString(b"noc@example.net".to_vec()),
        )
        .writable(
            oid("1.3.6.1.2.1.1.5.0"),
            Value::OctetString(format!("sim-{n}").into_bytes()),
        )
        .writable(
            oid("1.3.6.1.2.1.1.6.0"),
            Value::OctetString(format!("rack {}", n % 40).into_bytes()),
        )
        .scalar(oid("1.3.6.1.2.1.1.7.0"), Value::Integer(78))
        .scalar(
            oid("1.3.6.1.2.1.2.1.0"),
            Value::Integer(i64::from(self.interfaces)),
        );

        let ifs: Vec<Oid> = (1..=self.interfaces).map(|i| Oid::new([i])).collect();
        let dev = self.clone();
        let if_table = Table::new(
            vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20],
            ifs.clone(),
            move |col, row, now| {
                let i = row as u32 + 1;
                let t = secs(now);
                let up = !mix(u64::from(n) * 131 + u64::from(i)).is_multiple_of(10);
                let c32 = |v: u64| Value::Counter32(v as u32);
                Some(match col {
                    1 => Value::Integer(i64::from(i)),
                    2 => Value::OctetString(format!("GigabitEthernet0/{i}").into_bytes()),
                    3 => Value::Integer(6),
                    4 => Value::Integer(1500),
                    5 => Value::Gauge32(1_000_000_000),
                    6 => Value::OctetString(vec![
                        0x02,
                        0x00,
                        (n >> 16) as u8,
                        (n >> 8) as u8,
                        n as u8,
                        i as u8,
                    ]),
                    7 => Value::Integer(1),
                    8 => Value::Integer(if up { 1 } else { 2 }),
                    9 => Value::TimeTicks(0),
                    10 => c32(dev.octets(i, false, t)),
                    11 => c32(dev.octets(i, false, t) / 500),
                    13 | 14 | 19 | 20 => c32((t / 60.0) as u64 * u64::from(i % 3)),
                    16 => c32(dev.octets(i, true, t)),
                    17 => c32(dev.octets(i, true, t) / 500),
                    _ => return None,
                })
            },
        );
        let dev = self.clone();
        let ifx_table = Table::new(vec![1, 6, 7, 10, 11, 15, 18], ifs, move |col, row, now| {
            let i = row as u32 + 1;
            let t = secs(now);
            Some(match col {
                1 => Value::OctetString(format!("Gi0/{i}").into_bytes()),
                6 => Value::Counter64(dev.octets(i, false, t)),
                7 => Value::Counter64(dev.octets(i, false, t) / 500),
                10 => Value::Counter64(dev.octets(i, true, t)),
                11 => Value::Counter64(dev.octets(i, true, t) / 500),
                15 => Value::Gauge32(1000),
                18 => Value::OctetString(format!("uplink {i} of sim-{n}").into_bytes()),
                _ => return None,
            })
        });
        let cpu = Table::new(vec![2], vec![Oid::new([196_608])], move |_, _, now| {
            // A load that wanders between 5 and 95 %, changing each minute.
            let minute = secs(now) as u64 / 60;
            Some(Value::Integer(
                5 + (mix(u64::from(n) << 20 ^ minute) % 91) as i64,
            ))
        });
        let peers: Vec<Oid> = (0..self.bgp_peers)
            .map(|p| Oid::new([10, (n >> 8) as u8 as u32, n as u8 as u32, p + 1]))
            .collect();
        let peer_count = self.bgp_peers;
        let bgp = Table::new(
            vec![1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 16],
            peers,
            move |col, row, now| {
                let p = row as u32;
                let t = secs(now);
                let addr = [10, (n >> 8) as u8, n as u8, p as u8 + 1];
                let established = p + 1 < peer_count || peer_count == 1 || n.is_multiple_of(2);
                Some(match col {
                    1 => Value::IpAddress(if established { addr } else { [0; 4] }),
                    2 => Value::Integer(if established { 6 } else { 3 }),
                    3 => Value::Integer(2),
                    4 => Value::Integer(4),
                    5 => Value::IpAddress([10, (n >> 8) as u8, n as u8, 254]),
                    7 => Value::IpAddress(addr),
                    9 => Value::Integer(64_512 + i64::from(p)),
                    10 | 12 => Value::Counter32((t / 2.0) as u32 + p * 1000),
                    11 | 13 => Value::Counter32((t / 3.0) as u32 + p * 700),
                    16 => Value::Gauge32(if established { t as u32 } else { 0 }),
                    _ => return None,
                })
            },
        );
        // Tables never nest, so these mounts cannot fail.
        for (root, table) in [
            ("1.3.6.1.2.1.2.2.1", if_table),
            ("1.3.6.1.2.1.15.3.1", bgp),
            ("1.3.6.1.2.1.25.3.3.1", cpu),
            ("1.3.6.1.2.1.31.1.1.1", ifx_table),
        ] {
            let _ = mib.provider(oid(root), table);
        }
        mib.scalar(oid("1.3.6.1.2.1.15.2.0"), Value::Integer(64_500))
            .scalar(oid("1.3.6.1.4.1.2021.4.5.0"), Value::Integer(8_388_608))
            .computed(oid("1.3.6.1.4.1.2021.4.6.0"), move |now| {
                let minute = secs(now) as u64 / 60;
                Value::Integer(1_048_576 + (mix(u64::from(n) ^ minute << 8) % 4_194_304) as i64)
            });
        mib
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_device_walks_in_order_and_its_counters_move() {
        let start = Instant::now();
        let mib = Device::new(7).interfaces(3).bgp_peers(2).mib(start);
        let mut at = Oid::new([0]);
        let mut names = Vec::new();
        while let Some((name, _)) = mib.next(&at, start) {
            assert!(name > at);
            names.push(name.clone());
            at = name;
        }
        // 7 system + ifNumber, 17×3 ifTable, + bgpLocalAs, 12×2 BGP,
        // 1 CPU, 7×3 ifXTable, 2 memory
        assert_eq!(names.len(), 8 + 51 + 1 + 24 + 1 + 21 + 2);
        let hc: Oid = "1.3.6.1.2.1.31.1.1.1.6.2".parse().unwrap();
        let later = start + Duration::from_secs(300);
        let (Some(Value::Counter64(a)), Some(Value::Counter64(b))) =
            (mib.get(&hc, start), mib.get(&hc, later))
        else {
            panic!("ifHCInOctets.2")
        };
        let (rate, _) = rates(7, 2);
        assert_eq!(b - a, rate * 300);
    }
}
