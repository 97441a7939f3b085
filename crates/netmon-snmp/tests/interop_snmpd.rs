//! netmon's client against the real net-snmp 5.9.3 `snmpd`, configured
//! from ../shared/interop/snmpd.conf: v1 and v2c over IPv4 and IPv6, every
//! v3 user of the configuration (each auth and priv protocol, both
//! AES-192/256 key extensions), and a whole-tree bulk walk compared with
//! net-snmp's own `snmpbulkwalk`.

mod support;

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use netmon_snmp::client::Client;
use netmon_snmp::engine::client::Security;
use netmon_snmp::engine::retry::RetryPolicy;
use netmon_snmp::engine::walk::WalkEnd;
use netmon_snmp::usm::{AuthProtocol, PrivProtocol, UsmUser};
use netmon_snmp::{Oid, Value, Version};

fn policy() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_millis(500),
        retries: 3,
        backoff: 1.0,
        deadline: None,
    }
}

fn sys_name() -> Oid {
    "1.3.6.1.2.1.1.5.0".parse().unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn v1_and_v2c_over_ipv4_and_ipv6() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    rt().block_on(async {
        for addr in [
            format!("127.0.0.1:{}", snmpd.port),
            format!("[::1]:{}", snmpd.port),
        ] {
            let target: SocketAddr = addr.parse().unwrap();
            for version in [Version::V1, Version::V2c] {
                let mut c = Client::connect(
                    target,
                    version,
                    Security::Community(b"public".to_vec()),
                    policy(),
                )
                .await
                .unwrap();
                let pdu = c.get(&[sys_name()]).await.unwrap();
                assert_eq!(
                    pdu.varbinds[0].value,
                    Value::OctetString(b"netmon-snmpd".to_vec()),
                    "{addr} {version:?}"
                );
            }
        }
        // A wrong community gets no answer: a timeout, not a hang.
        let mut c = Client::connect(
            format!("127.0.0.1:{}", snmpd.port).parse().unwrap(),
            Version::V2c,
            Security::Community(b"wrong".to_vec()),
            RetryPolicy {
                timeout: Duration::from_millis(100),
                retries: 1,
                ..policy()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            c.get(&[sys_name()]).await.unwrap_err(),
            netmon_snmp::Error::Timeout
        );
    });
}

#[test]
fn every_v3_user_of_the_interop_configuration() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    use AuthProtocol as A;
    use PrivProtocol as P;
    rt().block_on(async {
        for u in support::snmpd_users() {
            let name = String::from_utf8_lossy(u.name()).into_owned();
            let mut c = Client::connect(
                format!("127.0.0.1:{}", snmpd.port).parse().unwrap(),
                Version::V3,
                Security::Usm(u),
                policy(),
            )
            .await
            .unwrap();
            let pdu = c
                .get(&[sys_name()])
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                pdu.varbinds[0].value,
                Value::OctetString(b"netmon-snmpd".to_vec()),
                "{name}"
            );
        }
        // A wrong password: usmStatsWrongDigests, as a typed error.
        let wrong = UsmUser::new("shaAesUser")
            .with_auth(A::Sha1, b"not-the-password")
            .unwrap()
            .with_privacy(P::Aes128, b"privpass123")
            .unwrap();
        let mut c = Client::connect(
            format!("127.0.0.1:{}", snmpd.port).parse().unwrap(),
            Version::V3,
            Security::Usm(wrong),
            policy(),
        )
        .await
        .unwrap();
        assert_eq!(
            c.get(&[sys_name()]).await.unwrap_err(),
            netmon_snmp::Error::Report(netmon_snmp::engine::report::ReportKind::WrongDigest)
        );
    });
}

#[test]
fn whole_tree_bulk_walk_matches_snmpbulkwalk() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    let Some(bulkwalk) = netmon_testkit::tool("snmpbulkwalk") else {
        return;
    };
    let target = format!("127.0.0.1:{}", snmpd.port);
    let out = Command::new(bulkwalk)
        .args(["-v2c", "-c", "public", "-On", "-Cr10", &target, ".1"])
        .env("MIBS", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(" = ").next())
        .filter(|o| o.starts_with(".1."))
        .map(str::to_string)
        .collect();
    let (ours, end) = rt().block_on(async {
        let mut c = Client::connect(
            target.parse().unwrap(),
            Version::V2c,
            Security::Community(b"public".to_vec()),
            policy(),
        )
        .await
        .unwrap();
        c.bulk_walk("1".parse().unwrap(), 10).await
    });
    let ours: Vec<String> = ours.iter().map(|vb| format!(".{}", vb.name)).collect();
    eprintln!(
        "{} varbinds, end {end:?}; snmpbulkwalk {}",
        ours.len(),
        theirs.len()
    );
    assert_eq!(end, WalkEnd::EndOfMibView);
    assert!(ours.len() > 1000, "{}", ours.len());
    // The agent's tree changes a little between the two walks (sockets,
    // processes); the OIDs must agree but for those few.
    let a: std::collections::BTreeSet<_> = ours.iter().collect();
    let b: std::collections::BTreeSet<_> = theirs.iter().collect();
    let only_ours = a.difference(&b).count();
    let only_theirs = b.difference(&a).count();
    assert!(
        only_ours + only_theirs <= ours.len() / 100 + 10,
        "{only_ours} only in ours, {only_theirs} only in snmpbulkwalk's"
    );
}

#[test]
fn tcp_and_unconnected_udp() {
    let Some(snmpd) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    let target: SocketAddr = format!("127.0.0.1:{}", snmpd.port).parse().unwrap();
    rt().block_on(async {
        let user = support::snmpd_users().into_iter().last().unwrap();
        for (name, security, version) in [
            ("v1", Security::Community(b"public".to_vec()), Version::V1),
            ("v2c", Security::Community(b"public".to_vec()), Version::V2c),
            ("v3", Security::Usm(user), Version::V3),
        ] {
            let mut tcp = Client::connect_tcp(target, version, security.clone(), policy())
                .await
                .unwrap();
            let pdu = tcp.get(&[sys_name()]).await.unwrap();
            assert_eq!(
                pdu.varbinds[0].value,
                Value::OctetString(b"netmon-snmpd".to_vec()),
                "{name} over TCP"
            );
            // A bulk walk over TCP gives what it gives over UDP (the
            // interfaces, which do not change between the two walks).
            let ifs: Oid = "1.3.6.1.2.1.2.2.1.2".parse().unwrap();
            let (over_tcp, end) = tcp.bulk_walk(ifs.clone(), 10).await;
            assert_eq!(end, WalkEnd::LeftSubtree, "{name}");
            let mut udp = Client::unconnected(target, version, security, policy())
                .await
                .unwrap();
            let (over_udp, _) = udp.bulk_walk(ifs, 10).await;
            assert!(!over_tcp.is_empty());
            assert_eq!(over_tcp, over_udp, "{name}");
        }
        // Nothing listening: TCP refuses at once, as an I/O error.
        let closed: SocketAddr = format!("127.0.0.1:{}", netmon_testkit::snmpd::free_port())
            .parse()
            .unwrap();
        let e = Client::connect_tcp(
            closed,
            Version::V2c,
            Security::Community(b"public".to_vec()),
            policy(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, netmon_snmp::Error::Io(_)), "{e:?}");
    });
}

#[test]
fn not_in_time_window_is_recovered_after_a_restart_of_snmpd() {
    // The client learns snmpd's boots and time; snmpd restarts (boots + 1,
    // its persistent folder kept); the next request carries the old boots,
    // snmpd reports notInTimeWindow, the client resyncs and retries once.
    let Some(first) = netmon_testkit::snmpd::start_snmpd() else {
        return;
    };
    let port = first.port;
    let user = support::snmpd_users().into_iter().next().unwrap();
    rt().block_on(async {
        let mut c = Client::connect(
            format!("127.0.0.1:{port}").parse().unwrap(),
            Version::V3,
            Security::Usm(user),
            policy(),
        )
        .await
        .unwrap();
        c.get(&[sys_name()]).await.unwrap();
        let restarted = first.restart();
        let pdu = c
            .get(&[sys_name()])
            .await
            .unwrap_or_else(|e| panic!("{e}: {}", restarted.log()));
        assert_eq!(
            pdu.varbinds[0].value,
            Value::OctetString(b"netmon-snmpd".to_vec())
        );
        // snmpd counted the stale request: the recovery was exercised.
        let counter: Oid = "1.3.6.1.6.3.15.1.1.2.0".parse().unwrap();
        let pdu = c.get(&[counter]).await.unwrap();
        assert!(
            matches!(pdu.varbinds[0].value, Value::Counter32(n) if n >= 1),
            "usmStatsNotInTimeWindows: {:?}\n{}",
            pdu.varbinds[0].value,
            restarted.log()
        );
    });
}
