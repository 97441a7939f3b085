"""netmon.pcap against tshark on corpus captures, on damaged files, and on
generated two-sided captures whose truth is known."""

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import netmon
import netmon.pcap
from conftest import in_ci, inside_call_iterations


def tshark():
    path = shutil.which("tshark")
    if path is None:
        if in_ci():
            pytest.fail("tshark is not installed; CI=true requires it")
        pytest.skip("tshark is not installed (./scripts/test.sh installs it as root)")
    return path


def tshark_fields(path, fields):
    out = subprocess.run(
        [tshark(), "-n", "-r", str(path), "-o", "ip.check_checksum:TRUE",
         "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
         "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
         "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
        + [a for f in fields for a in ("-e", f)],
        capture_output=True, text=True, check=False,
    ).stdout
    return [line.split("\t") for line in out.splitlines()]


def cell(v):
    return "" if v is None or v is pd.NA else str(int(v)) if not isinstance(v, str) else v


@pytest.mark.parametrize("name", ["snmp/pcap/netsnmp-5.9.3-loopback.pcap", "snmp/pcap/snmpwalk-short.pcap",
                                  "pcap/tcpdump/802.1ad_QinQ.pcap", "pcap/tcpdump/icmp6-rfc8335.pcap",
                                  "pcap/tcpdump/vxlan.pcap"])
def test_read_agrees_with_tshark(corpus, name):
    path = corpus(name)
    df = netmon.pcap.read(path)
    assert len(df) > 0 and df.attrs["error"] is None
    assert str(df["src_port"].dtype) == "UInt16" and df["time"].dt.tz is not None
    assert str(df["ip_src"].dtype) == "category"
    theirs = tshark_fields(path, ["frame.number", "frame.len", "ip.src", "ipv6.src", "ip.ttl",
                                  "udp.srcport", "tcp.srcport", "tcp.seq_raw", "vlan.id",
                                  "icmp.type", "icmpv6.type", "ip.checksum.status"])
    assert len(theirs) == len(df)
    for row, t in zip(df.itertuples(), theirs):
        t += [""] * (12 - len(t))
        assert str(row.number) == t[0] and str(row.len) == t[1]
        ip = "" if pd.isna(row.ip_src) else row.ip_src
        assert ip == (t[2] or t[3]), row.number
        assert cell(row.ip_ttl) == t[4].split(",")[0] or not t[4]
        # The outer transport's port (tshark: the first of each field).
        proto = cell(row.ip_proto)
        outer = t[5] if proto == "17" else t[6] if proto == "6" else (t[5] or t[6])
        assert cell(row.src_port) == outer, row.number
        assert cell(row.tcp_seq) == t[7]
        assert cell(row.vlan) == t[8]
        assert cell(row.icmp_type) == (t[9] or t[10])
        assert cell(row.ip_checksum) == t[11]


def test_streamed_packets_equal_the_frame(corpus):
    path = corpus("snmp/pcap/netsnmp-5.9.3-loopback.pcap")
    df = netmon.pcap.read(path)
    rows = list(netmon.pcap.packets(path))
    assert len(rows) == len(df)
    for r, (_, d) in zip(rows, df.iterrows()):
        assert r["number"] == d["number"] and r["time_ns"] == d["time_ns"]
        assert r["dst_port"] == (None if d["dst_port"] is pd.NA else d["dst_port"])
        assert len(r["data"]) == d["caplen"]


def test_without_pandas_numpy_columns(corpus):
    cols = netmon.pcap.read(corpus("snmp/pcap/snmpv2_get.pcap"), as_pandas=False)
    assert cols["time_ns"].dtype == np.int64
    values, mask = cols["dst_port"]
    assert values.dtype == np.uint16 and mask.dtype == np.bool_
    assert not mask.all()
    codes, addresses = cols["ip_src"]
    assert codes.dtype == np.int32 and len(codes) == len(values)
    assert all(0 <= c < len(addresses) for c in codes)


def test_damage_keeps_the_packets_before_it(corpus, tmp_path):
    data = corpus("snmp/pcap/snmpwalk-short.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: len(data) - 10])
    with pytest.warns(RuntimeWarning, match="at byte"):
        df = netmon.pcap.read(cut)
    whole = netmon.pcap.read(corpus("snmp/pcap/snmpwalk-short.pcap"))
    assert len(df) == len(whole) - 1
    message, offset = df.attrs["error"]
    assert 0 < offset < len(data)
    with pytest.raises(netmon.DecodeError) as e:
        netmon.pcap.read(cut, errors="raise")
    assert e.value.offset == offset
    with pytest.raises(netmon.DecodeError):
        list(netmon.pcap.packets(cut))
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"GIF89a not a capture")
    with pytest.raises(netmon.DecodeError):
        netmon.pcap.read(junk)


def test_flows_match_tshark_conversations(corpus):
    path = corpus("snmp/pcap/netsnmp-5.9.3-loopback.pcap")
    f = netmon.pcap.flows(path)
    udp = f[f.protocol == 17]
    out = subprocess.run([tshark(), "-n", "-q", "-r", str(path), "-z", "conv,udp"],
                         capture_output=True, text=True, check=True).stdout
    conversations = [l for l in out.splitlines() if "<->" in l]
    assert len(udp) == len(conversations) > 5
    total = int((f.a_to_b_packets + f.b_to_a_packets).sum())
    assert total == len(netmon.pcap.read(path))


def test_correlate_generated_captures(tmp_path):
    a, b, truth = netmon.pcap.synth_two_sided(segments=60, lose_every=9, miss_every=7,
                                             snmp_request_lost_every=5, snmp_response_lost_every=6,
                                             offset_ns=2_000_000_000, drift_ppm=10.0)
    (tmp_path / "a.pcap").write_bytes(a)
    (tmp_path / "b.pcap").write_bytes(b)
    r = netmon.pcap.correlate(tmp_path / "a.pcap", tmp_path / "b.pcap")
    assert r["host_a"] == "192.168.1.10"
    assert abs(r["offset_ns"] - 2e9) < 1e6
    tcp = r["flows"][r["flows"].protocol == 6]
    assert tcp.a_to_b_lost_on_path.sum() == truth["lost"]
    assert tcp.a_to_b_missed_by_capture.sum() == truth["missed"]
    s = r["snmp"]
    assert s["requests"] == truth["snmp_polls"] == 20
    assert s["response_lost"] == truth["snmp_response_lost"]
    assert s["resends"] == truth["snmp_request_lost"]
    assert s["answered"] == 20 - truth["snmp_response_lost"]


def test_the_gil_is_released_while_reading(tmp_path):
    a, _, _ = netmon.pcap.synth_two_sided(segments=30_000)
    path = tmp_path / "big.pcap"
    path.write_bytes(a)
    n = inside_call_iterations(lambda: netmon.pcap.read(path, as_pandas=False))
    assert n > 100, f"only {n} Python iterations ran during pcap.read"
