"""netmon.t4.read beside t4Monitor's pandas path on the same T4 file, one run.

The file is the deterministic ~200 MB Format-2 file of `cargo bench
--bench t4_parse` (t4.md §6.2), written here from the corpus's comp file
unless a file is given. Each reader runs in its own process so that its
peak RSS is its own: netmon.t4.read into a DataFrame, netmon.t4.read into
NumPy arrays, and the pandas path of t4Monitor (`t4_pandas.py`: the lines
up to `Column Average`, `pandas.read_csv` with the time column parsed as
dates). Prints time, MB/s, peak RSS, and the ratios (targets: ≥ 20×
faster, ≤ ¼ of pandas' peak memory); then ROUNDS (3) paired rounds, pandas
timed between two netmon runs, and their median ratio.

    python benches/python/t4_read.py [FILE]
"""

import json
import os
import pathlib
import resource
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = pathlib.Path(os.environ.get("NETMON_CORPUS", HERE.parents[2] / "shared" / "corpus"))
DEFAULT = pathlib.Path("/tmp/netmon_t4_bench_200MB.csv")
SIZE = 200_000_000


def child(kind: str, path: str) -> None:
    """Runs one reader and prints its figures as JSON."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    if kind == "netmon":
        import netmon.t4

        df = netmon.t4.read(path)
        shape = list(df.shape)
    elif kind == "netmon_numpy":
        import netmon.t4

        d = netmon.t4.read(path, as_pandas=False)
        shape = [len(d["Sample Time"]), len(d) - 1]
    else:
        import runpy

        sys.argv = ["t4_pandas.py", path]
        ns = runpy.run_path(str(HERE / "t4_pandas.py"), run_name="t4_pandas")
        shape = list(ns["df"].shape)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "wall": wall, "peak_mib": peak, "base_mib": base, "shape": shape}))


def run(kind: str, path: pathlib.Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1:
        path = pathlib.Path(sys.argv[1])
    else:
        path = DEFAULT
        if not path.exists() or path.stat().st_size < SIZE:
            import netmon

            source = CORPUS / "t4" / "t4_smtfb1_19nov2015_0001_2359_comp.csv"
            rows, size = netmon._netmon.t4_synth(str(source), str(path), SIZE)
            print(f"wrote {path}: {rows} rows, {size / 1e6:.0f} MB")
    size = path.stat().st_size
    # Warm the page cache so that every reader starts alike.
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass
    results = {}
    for kind in ("netmon", "netmon_numpy", "pandas"):
        r = run(kind, path)
        results[kind] = r
        frame_mib = r["shape"][0] * r["shape"][1] * 8 / 2**20
        print(
            f"{kind:<13} {r['shape'][0]:>7}×{r['shape'][1]:<4} {r['wall']:7.2f} s "
            f"{size / 1e6 / r['wall']:8.1f} MB/s  peak RSS {r['peak_mib']:7.0f} MiB "
            f"(after imports {r['base_mib']:.0f} MiB; the f64 frame is {frame_mib:.0f} MiB)"
        )
    n, p = results["netmon"], results["pandas"]
    print(f"speed: netmon {p['wall'] / n['wall']:.1f}× pandas (target ≥ 20×)")
    # This machine's speed drifts over seconds: pandas timed between two
    # netmon runs, so that both see the same moment.
    rounds = int(os.environ.get("ROUNDS", "3"))
    ratios = []
    for _ in range(rounds):
        before = run("netmon", path)["wall"]
        pandas_wall = run("pandas", path)["wall"]
        after = run("netmon", path)["wall"]
        ratios.append(pandas_wall / ((before + after) / 2))
        print(f"  round: netmon {before:.2f} s, pandas {pandas_wall:.2f} s, netmon {after:.2f} s")
    if ratios:
        print("speed, paired rounds (pandas between two netmon runs):",
              " ".join(f"{r:.1f}×" for r in ratios),
              f"; median {sorted(ratios)[len(ratios) // 2]:.1f}×")
    print(f"memory: netmon's peak RSS is {n['peak_mib'] / p['peak_mib']:.2f} of pandas' (target ≤ 0.25); "
          f"over the imports (what the read itself took): {n['peak_mib'] - n['base_mib']:.0f} vs "
          f"{p['peak_mib'] - p['base_mib']:.0f} MiB = {(n['peak_mib'] - n['base_mib']) / (p['peak_mib'] - p['base_mib']):.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
