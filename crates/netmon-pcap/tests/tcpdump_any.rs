//! A capture the real `tcpdump -i any` writes (Linux cooked capture v2,
//! ARPHRD 772 for the loopback): UDP datagrams sent on 127.0.0.1 while it
//! runs come back out of the streaming reader and the dissector with
//! their ports and payload lengths, and every SLL2 header re-emits octet
//! for octet. Needs root (or capture rights), as CI has.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netmon_pcap::StreamReader;
use netmon_pcap::dissect::dissect_frame;
use netmon_pcap::transport::link;
use netmon_pcap::wire::Sll2Repr;

#[test]
fn tcpdump_any_writes_sll2_we_read() {
    let Some(tcpdump) = netmon_testkit::tool("tcpdump") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("any.pcap");
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = rx.local_addr().unwrap().port();
    let mut child = Command::new(&tcpdump)
        .args(["-i", "any", "-n", "-U", "-w"])
        .arg(&file)
        .args(["udp", "and", "dst", "port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // tcpdump says "listening on any" once the capture runs.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    for _ in 0..5 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 || line.contains("listening on") {
            said.push_str(&line);
            break;
        }
        said.push_str(&line);
    }
    if !said.contains("listening on any") {
        let _ = child.kill();
        let _ = child.wait();
        let reason = format!("tcpdump cannot capture here: {}", said.trim());
        assert!(!netmon_testkit::in_ci(), "{reason}");
        println!("SKIPPED tcpdump_any_writes_sll2_we_read: {reason}");
        return;
    }
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sport = tx.local_addr().unwrap().port();
    rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 2048];
    for i in 0..20usize {
        let payload = vec![b'n'; 10 + i * 50];
        tx.send_to(&payload, ("127.0.0.1", port)).unwrap();
        let (n, _) = rx.recv_from(&mut buf).unwrap();
        assert_eq!(n, payload.len());
    }
    // Let -U write the last packets out, then stop tcpdump as an
    // operator would (SIGINT) and wait for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    let count = || {
        std::fs::read(&file).map_or(0, |d| {
            netmon_pcap::SliceReader::new(&d).map_or(0, |r| r.map_while(Result::ok).count())
        })
    };
    while count() < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();

    let mut r = StreamReader::new(std::fs::File::open(&file).unwrap()).unwrap();
    assert_eq!(r.link_type(), Some(link::LINUX_SLL2));
    let mut lengths = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        let (sll2, hlen) = Sll2Repr::parse(p.data).unwrap();
        let mut o = Vec::new();
        sll2.emit(&mut o);
        assert_eq!(&o[..], &p.data[..hlen]);
        assert_eq!((sll2.arphrd, sll2.protocol), (772, 0x0800));
        let f = dissect_frame(p.link_type, p.data, p.orig_len as usize);
        assert_eq!(f.udp_ports(), Some((sport, port)), "frame {}", p.number);
        assert_eq!(f.stopped, None);
        lengths.push(f.udp_payload_len.unwrap() as usize);
    }
    // Each datagram at least once (the loopback may show it going out
    // and coming in), in order.
    lengths.dedup();
    assert_eq!(lengths, (0..20).map(|i| 10 + i * 50).collect::<Vec<_>>());
}
