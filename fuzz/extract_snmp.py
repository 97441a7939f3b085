#!/usr/bin/env python3
"""Writes the UDP payloads on SNMP ports of pcap files into a folder, one
file per datagram, to seed the SNMP fuzz targets from the shared corpus
without committing it:

    python3 extract_snmp.py corpus/snmp_decode ../../shared/corpus/snmp/pcap/*.pcap
"""
import os
import struct
import sys

PORTS = {161, 162, 16161, 16162}


def payloads(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        return
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        if link != 1 or len(frame) < 14:
            continue
        at, etype = 14, struct.unpack(">H", frame[12:14])[0]
        while etype in (0x8100, 0x88A8) and len(frame) >= at + 4:
            etype = struct.unpack(">H", frame[at + 2:at + 4])[0]
            at += 4
        if etype == 0x0800 and len(frame) > at:
            proto, l4 = frame[at + 9], at + (frame[at] & 15) * 4
        elif etype == 0x86DD and len(frame) >= at + 40:
            proto, l4 = frame[at + 6], at + 40
        else:
            continue
        if proto != 17 or len(frame) < l4 + 8:
            continue
        sport, dport = struct.unpack(">HH", frame[l4:l4 + 4])
        if sport in PORTS or dport in PORTS:
            yield frame[l4 + 8:]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 0
    for path in sys.argv[2:]:
        for i, p in enumerate(payloads(path)):
            name = f"{os.path.basename(path)}-{i}"
            open(os.path.join(out, name), "wb").write(p)
            n += 1
    print(f"{n} SNMP datagrams written to {out}")


if __name__ == "__main__":
    main()
