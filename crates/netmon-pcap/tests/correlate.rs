//! Two-sided correlation on generated captures whose truth is known:
//! NAT (addresses, ports, ICMP identifiers), TTLs rewritten, clock offset
//! and drift, delay and jitter, losses on the path (retransmitted),
//! segments the server's capture missed, a duplicate.

use netmon_pcap::SliceReader;
use netmon_pcap::correlate::{Seen, correlate, seen};
use netmon_pcap::dissect::dissect_frame;
use netmon_pcap::synth::{TwoSided, two_sided};

fn packets(file: &[u8]) -> Vec<Seen> {
    SliceReader::new(file)
        .unwrap()
        .map(|p| {
            let p = p.unwrap();
            let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
            seen(p.number, p.ts_ns, p.data, &f)
        })
        .collect()
}

#[test]
fn losses_misses_clock_and_nat() {
    let params = TwoSided {
        segments: 400,
        offset_ns: 3_200_000_000,
        drift_ppm: 50.0,
        delay_ns: 20_000_000,
        jitter_ns: 5_000_000,
        lose_every: 17,
        miss_every: 13,
        duplicate: Some(5),
    };
    let (a, b, truth) = two_sided(&params);
    let r = correlate(&packets(&a), &packets(&b));
    assert_eq!(r.host_a, Some("192.168.1.10".parse().unwrap()));
    assert_eq!(r.host_b, Some("198.51.100.20".parse().unwrap()));
    // The clock: offset within half a millisecond, drift within 25 ppm.
    assert!((r.offset_ns - 3.2e9).abs() < 5e5, "offset {}", r.offset_ns);
    assert!((r.drift_ppm - 50.0).abs() < 25.0, "drift {}", r.drift_ppm);
    let tcp: Vec<_> = r.flows.iter().filter(|f| f.a.protocol == 6).collect();
    assert_eq!(tcp.len(), 3, "three connections, each mapped through NAT");
    for f in &tcp {
        assert_ne!(f.a, f.b, "NAT rewrote the tuple");
    }
    let sum = |g: &dyn Fn(&netmon_pcap::correlate::FlowReport) -> u64| {
        tcp.iter().map(|f| g(f)).sum::<u64>()
    };
    assert_eq!(sum(&|f| f.a_to_b.lost_on_path), u64::from(truth.lost));
    assert_eq!(
        sum(&|f| f.a_to_b.missed_by_capture),
        u64::from(truth.missed)
    );
    assert_eq!(sum(&|f| f.a_to_b.matched), u64::from(truth.delivered));
    assert_eq!(sum(&|f| f.a_to_b.duplicates), 1);
    assert_eq!(sum(&|f| f.a_to_b.unseen + f.a_to_b.only_at_receiver), 0);
    // Every acknowledgement went through.
    assert_eq!(sum(&|f| f.b_to_a.matched), 3 * u64::from(params.segments));
    assert_eq!(sum(&|f| f.b_to_a.lost_on_path + f.b_to_a.unseen), 0);
    for f in &tcp {
        let d = f.a_to_b;
        // 20 ms plus 0–5 ms: mean near 22.5 ms, never below 20 ms (less
        // the clock estimate's error).
        assert!(
            (d.delay_mean_ns - 22.5e6).abs() < 1e6,
            "{}",
            d.delay_mean_ns
        );
        assert!(d.delay_min_ns > 19.5e6 && d.delay_max_ns < 25.5e6, "{d:?}");
        assert!(d.jitter_ns > 0.5e6 && d.jitter_ns < 3e6, "{}", d.jitter_ns);
    }
    // UDP both ways and the pings, through the port forward and the NAT's
    // ICMP identifier.
    let udp: u64 = r
        .flows
        .iter()
        .filter(|f| f.a.protocol == 17)
        .map(|f| f.a_to_b.matched + f.b_to_a.matched)
        .sum();
    assert_eq!(udp, 2 * u64::from(truth.udp_each_way));
    let icmp: u64 = r
        .flows
        .iter()
        .filter(|f| f.a.protocol == 1)
        .map(|f| f.b_to_a.matched)
        .sum();
    assert_eq!(icmp, u64::from(truth.udp_each_way));
}

#[test]
fn a_clean_path_has_nothing_to_report() {
    let (a, b, truth) = two_sided(&TwoSided {
        segments: 50,
        offset_ns: -750_000_000,
        drift_ppm: 0.0,
        delay_ns: 1_000_000,
        jitter_ns: 1,
        lose_every: 0,
        miss_every: 0,
        duplicate: None,
    });
    let r = correlate(&packets(&a), &packets(&b));
    assert!((r.offset_ns + 0.75e9).abs() < 1e4, "{}", r.offset_ns);
    for f in &r.flows {
        for d in [f.a_to_b, f.b_to_a] {
            assert_eq!(
                d.lost_on_path + d.missed_by_capture + d.unseen + d.only_at_receiver + d.duplicates,
                0,
                "{f:?}"
            );
        }
    }
    assert_eq!(truth.lost + truth.missed, 0);
}
