"""netmon.snmp bulk walk beside gufo_snmp and pysnmp on the interop snmpd,
one run.

Starts net-snmp's snmpd with ../shared/interop/snmpd.conf on a free
loopback port (as the tests do), then walks the whole MIB (1.3.6.1) with
GetBulk, max-repetitions 25, v2c community public, ROUNDS times with each
client, and prints the best wall time, varbinds/s, the client's own CPU
time per walk (this process's user+system time: what the client costs,
snmpd's share left out), and the ratios (targets: faster than gufo_snmp,
≥ 10× pysnmp).

    python benches/python/snmp_walk.py          # needs gufo-snmp and pysnmp
"""

import asyncio
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "crates" / "netmon-py" / "tests"))

from interop import snmpd  # noqa: E402

import netmon.snmp  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "5"))
ROOT = "1.3.6.1"
REPS = 25


def cpu() -> float:
    # Every thread of this process (netmon's I/O thread included).
    return time.process_time()


def measure(label, walk):
    best_wall, best_cpu, n = float("inf"), float("inf"), 0
    for _ in range(ROUNDS):
        c0, t0 = cpu(), time.perf_counter()
        n = walk()
        wall, used = time.perf_counter() - t0, cpu() - c0
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, used)
    print(f"{label:<22} {n:>6} varbinds  {best_wall * 1e3:8.1f} ms  {n / best_wall:10.0f} varbinds/s  "
          f"client CPU {best_cpu * 1e3:7.1f} ms")
    return n, best_wall, best_cpu


def _seconds(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    with snmpd() as port:
        results = {}
        client = netmon.snmp.Client("127.0.0.1", port)
        results["netmon"] = measure("netmon Client", lambda: len(client.bulk_walk(ROOT, REPS)))

        async def netmon_async():
            return len(await netmon.snmp.AsyncClient("127.0.0.1", port).bulk_walk(ROOT, REPS))

        results["netmon_async"] = measure("netmon AsyncClient", lambda: asyncio.run(netmon_async()))

        try:
            from gufo.snmp.aio.client import SnmpSession as GufoAsync
            from gufo.snmp.sync.client import SnmpSession as GufoSync
        except ImportError:
            print("gufo_snmp is not installed (pip install gufo-snmp)")
        else:
            def gufo_sync():
                with GufoSync(addr="127.0.0.1", port=port, community="public", max_repetitions=REPS) as s:
                    return sum(1 for _ in s.getbulk(ROOT))

            async def gufo_async():
                async with GufoAsync(addr="127.0.0.1", port=port, community="public", max_repetitions=REPS) as s:
                    return len([x async for x in s.getbulk(ROOT)])

            results["gufo"] = measure("gufo_snmp sync", gufo_sync)
            # The machine's speed drifts: the two blocking clients in turns,
            # each the best of 5 per round, and the median ratio.
            ratios = []
            for _ in range(6):
                ours = min(_seconds(lambda: client.bulk_walk(ROOT, REPS)) for _ in range(5))
                theirs = min(_seconds(gufo_sync) for _ in range(5))
                ratios.append(theirs / ours)
            print("netmon vs gufo, paired rounds (wall):", " ".join(f"{r:.2f}×" for r in ratios),
                  f"; median {sorted(ratios)[len(ratios) // 2]:.2f}×")
            results["gufo_async"] = measure("gufo_snmp async", lambda: asyncio.run(gufo_async()))

        try:
            from pysnmp.hlapi.v3arch.asyncio import (
                CommunityData, ContextData, ObjectIdentity, ObjectType, SnmpEngine, UdpTransportTarget,
                bulk_walk_cmd,
            )
        except ImportError:
            print("pysnmp is not installed (pip install pysnmp)")
        else:
            async def pysnmp_walk():
                engine = SnmpEngine()
                target = await UdpTransportTarget.create(("127.0.0.1", port), timeout=5, retries=1)
                n = 0
                async for err, status, _, rows in bulk_walk_cmd(
                    engine, CommunityData("public"), target, ContextData(), 0, REPS,
                    ObjectType(ObjectIdentity(ROOT)), lexicographicMode=False,
                ):
                    if err or status:
                        raise RuntimeError(f"pysnmp: {err or status}")
                    n += len(rows)
                engine.close_dispatcher()
                return n

            results["pysnmp"] = measure("pysnmp", lambda: asyncio.run(pysnmp_walk()))

        # Blocking against blocking, asyncio against asyncio.
        for ours, other in (("netmon", "gufo"), ("netmon_async", "gufo_async"), ("netmon_async", "pysnmp")):
            if other in results:
                n, o = results[ours], results[other]
                print(f"{ours} vs {other:<11} wall {o[1] / n[1]:6.2f}×   client CPU {o[2] / n[2]:6.2f}×"
                      f"   (varbinds {n[0]} vs {o[0]})")
        print("targets: faster than gufo_snmp, ≥ 10× pysnmp")


if __name__ == "__main__":
    main()
