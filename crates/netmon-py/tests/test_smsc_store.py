"""The smsc_monitor store read back by pandas: the Parquet file holds the
same values as the CSV file, typed (timestamps, int64, float64)."""

import math
import os
import pathlib
import subprocess

import pytest

from conftest import WORKSPACE, in_ci


def example(name: str) -> pathlib.Path:
    for profile in ("debug", "release"):
        path = WORKSPACE / "target" / profile / "examples" / name
        if path.is_file():
            return path
    reason = f"{name} is not built (cargo build --examples; ./scripts/test.sh does)"
    if in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


def test_parquet_store_equals_csv_store(tmp_path):
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    store = tmp_path / "store"
    run = subprocess.run(
        [str(example("smsc_monitor")), "--systems", "2", "--day", "2015-11-19",
         "--noreports", "--store", str(store)],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (csv_path,) = store.glob("data_*.csv")
    (parquet_path,) = store.glob("data_*.parquet")

    pq = pd.read_parquet(parquet_path)
    csv = pd.read_csv(csv_path)
    csv["Sample Time"] = pd.to_datetime(csv["Sample Time"], format="%Y-%b-%d %H:%M:%S.00", utc=True)

    assert list(pq.columns) == list(csv.columns)
    assert len(pq) == len(csv) == 2 * 288
    assert str(pq["Sample Time"].dtype) in ("datetime64[ns, UTC]", "datetime64[us, UTC]")
    assert (pq["Sample Time"] == csv["Sample Time"]).all()
    assert list(pq["system"].unique()) == ["SMSC-1", "SMSC-2"]
    # Counters written as integers in the CSV are int64 in Parquet.
    assert str(pq["GIW_11_MOSM_OK"].dtype) == "int64"
    assert str(pq["SMH00_licence_usage_pct"].dtype) == "float64"
    compared = 0
    for column in pq.columns[2:]:
        for a, b in zip(pq[column], csv[column]):
            if isinstance(a, float) and math.isnan(a):
                assert math.isnan(b), column
            else:
                assert a == b, (column, a, b)
            compared += 1
    assert compared > 100_000
