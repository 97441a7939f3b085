"""netmon.pcap.read beside dpkt and scapy on the same capture, one run.

The capture is the generated mix of `cargo bench --bench pcap_decode`
(pcap.md §4.1; `/tmp/netmon_pcap_bench_100MB.pcap` once that bench ran,
or any file given). Each reads the fields of the research loop (pcap.md
§4.4): addresses, ports, TCP flags/seq/ack, ICMP types. dpkt reads the
whole file; scapy reads the first `SCAPY_PACKETS` packets (it is about a
thousand times slower) and its rate is compared per packet. Prints
packets/s (best of ROUNDS runs, 3 by default) and the ratios: from the
best runs, and the median of ROUNDS paired rounds (dpkt timed between two
netmon runs, which the machine's drift affects less).

    python benches/python/pcap_read.py [FILE]      # needs dpkt and scapy
"""

import os
import sys
import time

import netmon.pcap
import pandas  # noqa: F401  (imported before timing, like dpkt's modules)
import dpkt  # noqa: F401

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/netmon_pcap_bench_100MB.pcap"
SCAPY_PACKETS = int(os.environ.get("SCAPY_PACKETS", "5000"))
size = os.path.getsize(path)


ROUNDS = int(os.environ.get("ROUNDS", "3"))


def timed(label, fn, rounds=ROUNDS):
    """The best of `rounds` runs."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<28} {n:>9} packets {best:8.3f} s {n / best / 1e6:8.3f} M packets/s (best of {rounds})")
    return n / best


def run_netmon():
    df = netmon.pcap.read(path, checksums=False)
    return len(df)


def run_netmon_numpy():
    cols = netmon.pcap.read(path, checksums=False, as_pandas=False)
    return len(cols["number"])


def run_dpkt():
    import dpkt

    n = 0
    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            n += 1
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            if isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)):
                _ = (ip.src, ip.dst)
                l4 = ip.data
                if isinstance(l4, dpkt.tcp.TCP):
                    _ = (l4.sport, l4.dport, l4.flags, l4.seq, l4.ack)
                elif isinstance(l4, dpkt.udp.UDP):
                    _ = (l4.sport, l4.dport)
                elif isinstance(l4, (dpkt.icmp.ICMP, dpkt.icmp6.ICMP6)):
                    _ = l4.type
    return n


def run_scapy():
    from scapy.all import ICMP, IP, TCP, UDP, IPv6, PcapReader

    n = 0
    with PcapReader(path) as r:
        for p in r:
            n += 1
            if IP in p:
                _ = (p[IP].src, p[IP].dst)
            elif IPv6 in p:
                _ = (p[IPv6].src, p[IPv6].dst)
            if TCP in p:
                _ = (p[TCP].sport, p[TCP].dport, p[TCP].flags, p[TCP].seq, p[TCP].ack)
            elif UDP in p:
                _ = (p[UDP].sport, p[UDP].dport)
            elif ICMP in p:
                _ = p[ICMP].type
            if n >= SCAPY_PACKETS:
                break
    return n


def paired(rounds=ROUNDS):
    """This machine's speed drifts over seconds: each round times dpkt
    between two netmon runs (each the best of three) and takes the ratio
    to their mean, so that both see the same moment. Prints every round's
    ratio; returns their median."""
    ratios = []
    for _ in range(rounds):
        before = min(_seconds(run_netmon) for _ in range(3))
        d = _seconds(run_dpkt)
        after = min(_seconds(run_netmon) for _ in range(3))
        ratios.append(d / ((before + after) / 2))
    print("netmon / dpkt, paired rounds:", " ".join(f"{r:.1f}x" for r in ratios))
    return sorted(ratios)[len(ratios) // 2]


def _seconds(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


print(f"{path}: {size / 1e6:.1f} MB")
run_netmon()  # warm the page cache and the allocator
ours = timed("netmon.pcap.read (pandas)", run_netmon)
timed("netmon.pcap.read (NumPy)", run_netmon_numpy)
dpkt_rate = timed("dpkt", run_dpkt)
scapy_rate = timed(f"scapy (first {SCAPY_PACKETS})", run_scapy, rounds=1)
print(f"netmon / dpkt:  {ours / dpkt_rate:.1f}x from the best runs (target >= 50x)")
print(f"netmon / dpkt:  {paired():.1f}x, the median of the paired rounds")
print(f"netmon / scapy: {ours / scapy_rate:.0f}x")
