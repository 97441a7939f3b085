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
        snmp_request_lost_every: 7,
        snmp_response_lost_every: 6,
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
    // ICMP identifier; a lost poll's resend matches, a lost response not.
    let udp: Vec<_> = r.flows.iter().filter(|f| f.a.protocol == 17).collect();
    let matched: u64 = udp
        .iter()
        .map(|f| f.a_to_b.matched + f.b_to_a.matched)
        .sum();
    assert_eq!(
        matched,
        2 * u64::from(truth.udp_each_way) - u64::from(truth.snmp_response_lost)
    );
    let unseen = |g: &dyn Fn(&netmon_pcap::correlate::FlowReport) -> u64| {
        udp.iter().map(|f| g(f)).sum::<u64>()
    };
    assert_eq!(
        unseen(&|f| f.a_to_b.unseen),
        u64::from(truth.snmp_response_lost)
    );
    // The first copy of a resent poll: lost, since the resend got through.
    assert_eq!(
        unseen(&|f| f.b_to_a.lost_on_path),
        u64::from(truth.snmp_request_lost)
    );
    // The polls followed to their responses.
    assert_eq!((truth.snmp_request_lost, truth.snmp_response_lost), (2, 3));
    let s = r.snmp;
    assert_eq!(
        (
            s.requests,
            s.answered,
            s.response_lost,
            s.request_lost,
            s.unanswered,
            s.resends
        ),
        (20, 17, 3, 0, 0, 2),
        "{s:?}"
    );
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
        snmp_request_lost_every: 0,
        snmp_response_lost_every: 0,
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

/// Every request and response of real SNMP captures (net-snmp 5.9.3 and
/// the zeek captures: v1, v2c, v3, GetBulk, informs, reports) has its
/// transaction read; every response's request is in the same capture.
#[test]
fn snmp_transactions_of_real_captures() {
    use netmon_pcap::correlate::snmp_txn;
    let Some(dir) = netmon_testkit::corpus_file("snmp/pcap") else {
        return;
    };
    let mut total = (0, 0);
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let (mut requests, mut responses) = (Vec::new(), Vec::new());
        for p in SliceReader::new(&data).unwrap().map_while(Result::ok) {
            let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
            let (Some((sp, dp)), Some(len)) = (f.udp_ports(), f.udp_payload_len) else {
                continue;
            };
            let payload = &p.data[p.data.len() - len as usize..];
            let snmp_port = [161, 162, 16161, 16162];
            if !snmp_port.contains(&sp) && !snmp_port.contains(&dp) {
                continue;
            }
            // v1 traps (PDU 0xa4) carry no request-id; all else has one.
            // (version 0 at its place in a short-form message).
            let v1_trap = payload.get(2..5) == Some(&[2, 1, 0][..]) && payload.contains(&0xa4);
            match snmp_txn(payload) {
                Some(t) if t.response => responses.push((t.version, t.id, dp)),
                Some(t) => requests.push((t.version, t.id)),
                None => assert!(v1_trap, "{} frame {}", path.display(), p.number),
            }
        }
        for &(version, id, dp) in &responses {
            // v3 notifications are unreportable like responses (their PDU
            // is often encrypted): those to a trap port stand alone.
            let trap = version == 3 && (dp == 162 || dp == 16162);
            assert!(
                trap || requests.contains(&(version, id)),
                "{}: response {id} (v{version}) without its request",
                path.display()
            );
        }
        total.0 += requests.len();
        total.1 += responses.len();
    }
    println!(
        "SNMP transactions: {} requests, {} responses",
        total.0, total.1
    );
    assert!(total.0 > 250 && total.1 > 250, "{total:?}");
}
