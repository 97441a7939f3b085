"""The pandas path of t4Monitor on a T4 file, for side-by-side numbers.

Reproduces what t4mon/df_tools.py does (t4.md §1.2): stop at `Column
Average`, right-strip lines, names between the last START/END tags,
`pandas.read_csv(header=None, names=..., index_col=tcol, parse_dates=[tcol])`,
drop the other "sample time" columns. Prints wall time, MB/s and peak RSS.

    python benches/python/t4_pandas.py FILE
"""

import io
import os
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
size = os.path.getsize(path)
t0 = time.perf_counter()
lines = []
with open(path) as f:
    for line in f:
        if line.startswith("Column Average"):
            break
        lines.append(line.rstrip())
start = max(i for i, l in enumerate(lines) if l == "$$$ START COLUMN HEADERS $$$")
end = max(i for i, l in enumerate(lines) if l == "$$$ END COLUMN HEADERS $$$")
names = ",".join(lines[start + 1 : end]).split(",")
tcol = next(i for i, n in enumerate(names) if "SAMPLE TIME" in n.upper())
df = pd.read_csv(
    io.StringIO("\n".join(lines[end + 1 :])),
    header=None,
    names=names,
    index_col=tcol,
    parse_dates=[tcol],
)
df = df[[c for c in df.columns if "SAMPLE TIME" not in str(c).upper()]]
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas {pd.__version__}: {df.shape} in {wall:.2f} s = {size / 1e6 / wall:.1f} MB/s, peak RSS {peak:.0f} MiB")
