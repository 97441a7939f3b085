"""pandas on the shapes of benches/frame.rs, for side-by-side numbers.

Four files of one node (1 440 one-minute samples; 531, 42, 24 and 190
columns; clocks 10 ms, 0 ms, 10 ms and 700 ms late plus 1 ms drift per
sample). Times t4Monitor's union (`combine_first` folded over the files),
a tolerance merge (`merge_asof`, nearest, ±1 s, folded) and a 15-minute
mean+max resample of the 531-column file. Best of 5 runs each.

    python benches/python/frame_pandas.py
"""

import time

import numpy as np
import pandas as pd

S = 1_000_000_000


def node_file(columns, offset_ms, prefix):
    i = np.arange(1440, dtype=np.int64)
    index = pd.to_datetime(i * 60 * S + offset_ms * 1_000_000 + i * 1_000_000)
    data = {
        f"{prefix}{c}": ((i * 7 + c * 13) % 1000).astype(np.float64) for c in range(columns)
    }
    return pd.DataFrame(data, index=index)


def best(f, runs=5):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times) * 1000


files = [
    node_file(531, 10, "[MON.SYST]comp"),
    node_file(42, 0, "[MON.DSK]disk"),
    node_file(24, 10, "[MON.SCS]scs"),
    node_file(190, 700, "[MON.FCM]fcm"),
]


def union():
    out = files[0]
    for f in files[1:]:
        out = out.combine_first(f)
    return out


def nearest():
    out = files[0].sort_index()
    for f in files[1:]:
        out = pd.merge_asof(
            out, f.sort_index(), left_index=True, right_index=True,
            direction="nearest", tolerance=pd.Timedelta(seconds=1),
        )
    return out


def resample():
    r = files[0].resample("15min")
    return r.mean(), r.max()


print(f"pandas {pd.__version__}, numpy {np.__version__}")
print(f"union (combine_first) 4 files : {best(union):8.1f} ms  shape {union().shape}")
print(f"nearest (merge_asof) 4 files  : {best(nearest):8.1f} ms  shape {nearest().shape}")
print(f"resample 15min mean+max       : {best(resample):8.1f} ms")
