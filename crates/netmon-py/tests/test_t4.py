"""netmon.t4 on the corpus: the shapes and golden values of the Rust
tests, t4Monitor's plain CSV byte for byte, merges checked against
pandas' own combine_first fold (t4Monitor's merge), calc files in both
modes, the SMSC metric sets, damage reported with its position, and the
GIL released while files are read."""

import io
import os
import warnings
import zipfile

import numpy as np
import pytest

import netmon
import netmon.t4 as t4
from conftest import inside_call_iterations

pd = pytest.importorskip("pandas", reason="pandas is not installed")

SHAPES = {
    "t4_smtfb1_19nov2015_0001_2359_comp.csv": (1438, 531, "format2"),
    "t4_smtfb1_19nov2015_0001_2359_disk.csv": (1438, 42, "format1"),
    "t4_smtfb1_19nov2015_0001_2359_scs.csv": (1438, 24, "format1"),
    "test_data.csv": (286, 930, "format2"),
}


@pytest.fixture
def node_files(corpus):
    return [corpus(f"t4/{name}") for name in sorted(SHAPES) if name.startswith("t4_")]


def same_values(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_corpus_shapes_and_info(corpus, name):
    rows, columns, layout = SHAPES[name]
    path = corpus(f"t4/{name}")
    df = t4.read(path)
    assert df.shape == (rows, columns)
    assert df.index.name == "Sample Time"
    assert isinstance(df.index, pd.DatetimeIndex)
    assert all(dt == np.float64 for dt in df.dtypes)
    # The reader's buffers handed over as they are: one per column.
    assert len(df._mgr.blocks) == columns
    i = t4.info(path)
    assert (i.rows, i.columns, i.layout, i.blocks) == (rows, columns, layout, 1)
    assert i.start == df.index[0].to_pydatetime()
    assert i.end == df.index[-1].to_pydatetime()
    assert i.issue_count == 0 and i.issues == ()
    if name.startswith("t4_"):
        assert i.node == "NODE_1"
        # Stamps like 19-NOV-2015 00:02:00.01: .01 is hundredths.
        assert df.index[0] == pd.Timestamp("2015-11-19 00:02:00.010")
        assert i.interval == pytest.approx(60.01)


def test_test_data_equals_plain_data_read_by_pandas(corpus):
    df = t4.read(corpus("t4/test_data.csv"))
    plain = pd.read_csv(corpus("t4/plain_data.csv"), index_col=0)
    plain.index = pd.to_datetime(plain.index, format="%Y-%b-%d %H:%M:%S.00")
    assert list(df.columns) == list(plain.columns)
    assert (df.index == plain.index).all()
    assert same_values(df.to_numpy(), plain.to_numpy(dtype=np.float64))
    # The integer columns are pandas' int64 columns.
    integer = set(df.attrs["netmon"]["integer_columns"])
    assert integer == {c for c, t in plain.dtypes.items() if t.kind == "i"}


def test_plain_csv_is_t4monitors_byte_for_byte(corpus, tmp_path):
    df = t4.read(corpus("t4/test_data.csv"))
    expected = corpus("t4/plain_data.csv").read_bytes()
    assert t4.to_plain_csv(df).encode() == expected
    out = tmp_path / "plain.csv"
    assert t4.to_plain_csv(df, out) is None
    assert out.read_bytes() == expected


def test_without_pandas_a_dict_of_numpy_arrays(corpus):
    path = corpus("t4/test_data.csv")
    d = t4.read(path, as_pandas=False)
    df = t4.read(path)
    assert list(d) == ["Sample Time"] + list(df.columns)
    assert d["Sample Time"].dtype == np.dtype("datetime64[ns]")
    assert (d["Sample Time"] == df.index.to_numpy()).all()
    for name in df.columns[:50]:
        assert same_values(d[name], df[name].to_numpy())
    # The calc language works on dicts too.
    r = t4.apply_calcs(d, corpus("t4/test_calc.cfg"))
    assert r["Counter00_%BUFFER_FULL"][:2].tolist() == [316.8532176428055, 324.8358640636298]


def test_t4_format_round_trip(corpus, tmp_path):
    df = t4.read(corpus("t4/t4_smtfb1_19nov2015_0001_2359_disk.csv"))
    out = tmp_path / "disk_f2.csv"
    t4.to_t4(df, out)
    back = t4.read(out)
    assert back.equals(df)
    assert t4.info(out).node == "NODE_1"
    assert t4.info(out).layout == "format2"
    with pytest.raises(ValueError, match="cannot be written"):
        t4.to_t4(pd.DataFrame({"a,b": [1.0]}, index=pd.DatetimeIndex(["2015-01-01"])))


def combine_first_fold(frames):
    """t4Monitor's merge: the files folded with pandas' combine_first."""
    out = frames[0]
    for f in frames[1:]:
        out = out.combine_first(f)
    return out


def test_union_merge_equals_pandas_combine_first(node_files):
    merged = t4.read(node_files)
    assert merged.shape == (1438, 597)
    expected = combine_first_fold([t4.read(p) for p in node_files])
    assert sorted(merged.columns) == sorted(expected.columns)
    assert (merged.index == expected.index).all()
    assert same_values(merged.to_numpy(), expected[list(merged.columns)].to_numpy())


def test_shifted_clock_union_and_nearest(node_files):
    comp, disk = node_files[0], node_files[1]
    shifted = t4.read(disk)
    shifted.index = shifted.index + pd.Timedelta("700ms")
    shifted_t4 = t4.to_t4(shifted).encode()
    union = t4.read([comp, shifted_t4])
    assert union.shape == (2876, 573)
    expected = combine_first_fold([t4.read(comp), t4.read(shifted_t4)])
    assert same_values(union.to_numpy(), expected[list(union.columns)].to_numpy())
    nearest = t4.read([comp, shifted_t4], merge="nearest", tolerance=1.0)
    assert nearest.shape == (1438, 573)
    # Every disk value lands on its comp sample.
    disk_only = t4.read(disk)
    assert same_values(nearest[list(disk_only.columns)].to_numpy(), disk_only.to_numpy())
    with pytest.raises(ValueError):
        t4.read([comp, disk], merge="nearest", tolerance=-1)
    with pytest.raises(ValueError):
        t4.read([comp, disk], merge="closest")


def test_zip_archive_and_file_objects(corpus, node_files, tmp_path):
    archive = tmp_path / "node.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in node_files:
            z.write(p, p.name)
    from_zip = t4.read(archive, system="SMSC_A")
    from_paths = t4.read(node_files)
    assert from_zip.equals(from_paths)
    assert from_zip.attrs["netmon"]["system"] == "SMSC_A"
    with open(node_files[2], "rb") as f:
        assert t4.read(f).equals(t4.read(node_files[2]))
    assert t4.read(io.BytesIO(node_files[2].read_bytes())).shape == (1438, 24)


def test_golden_calc_values_in_both_modes(corpus):
    df = t4.read(corpus("t4/test_data.csv"))
    for compat in (False, True, "left-to-right"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            r = t4.apply_calcs(df, corpus("t4/test_calc.cfg"), compat=compat, interval=300)
        assert r["Counter00_%BUFFER_FULL"].iloc[:2].tolist() == [316.8532176428055, 324.8358640636298]
        assert r["Counter00_buffered_total"].iloc[0] == 19192435.0
        assert r["Counter00_sum_time_waiting"].iloc[0] == 0.22173415023974427
        calc = r.attrs["netmon"]["calc"]
        assert len(calc["added"]) == 12, calc
        assert r.shape == (286, 942)
        # The input is left alone.
        assert df.shape == (286, 930)
    # The text of the file gives the same.
    text = corpus("t4/test_calc.cfg").read_text()
    assert t4.apply_calcs(df, text).equals(t4.apply_calcs(df, corpus("t4/test_calc.cfg")))


def test_precedence_and_compat_differ_where_t4monitor_did():
    idx = pd.date_range("2015-11-19", periods=3, freq="5min", name="Sample Time")
    df = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [10.0, 20.0, 30.0]}, index=idx)
    normal = t4.apply_calcs(df, "X = A + B * 2\n")
    compat = t4.apply_calcs(df, "X = A + B * 2\n", compat=True)
    assert normal["X"].tolist() == [21.0, 42.0, 63.0]
    assert compat["X"].tolist() == [22.0, 44.0, 66.0]


def test_calc_errors_and_warnings():
    idx = pd.date_range("2015-11-19", periods=4, freq="5min", name="Sample Time")
    df = pd.DataFrame({"C": [100.0, 160.0, 10.0, 40.0], "Z": [0.0, 1.0, 0.0, 2.0]}, index=idx)
    with pytest.raises(netmon.ParseError) as e:
        t4.apply_calcs(df, "OK = C\nX = (C + \n")
    assert (e.value.line, e.value.column) == (2, 10)
    assert isinstance(e.value, netmon.Error)
    with pytest.warns(RuntimeWarning, match="no column 'nosuch'"):
        r = t4.apply_calcs(df, "X = nosuch + 1\n")
    assert r["X"].isna().all()
    r = t4.apply_calcs(df, "Q = C / Z\n")
    assert r.attrs["netmon"]["calc"]["divisions_by_zero"] == 2
    assert np.isinf(r["Q"].iloc[0])
    # delta() detects the counter reset; rate() divides by the step.
    r = t4.apply_calcs(df, "D = delta(C)\nR = rate(C)\nK = $k * C\n", constants={"k": 2})
    assert r["D"].tolist()[1:] == [60.0, 10.0, 30.0]
    assert r["R"].tolist()[1] == pytest.approx(60.0 / 300.0)
    assert r["K"].tolist() == [200.0, 320.0, 20.0, 80.0]
    with pytest.warns(RuntimeWarning, match="exists; formula skipped"):
        t4.apply_calcs(df, "C = Z\n")
    assert t4.apply_calcs(df, "C = Z\n", overwrite=True)["C"].tolist() == df["Z"].tolist()
    with pytest.raises(FileNotFoundError):
        t4.apply_calcs(df, "no_such_calc_file.cfg")


def test_metric_sets():
    idx = pd.date_range("2015-11-19", periods=3, freq="5min", name="Sample Time")
    df = pd.DataFrame(
        {
            "GIW_11_MOSM_OK": [990.0, 0.0, 5.0],
            "GIW_11_MOSM_FAIL": [10.0, 0.0, 5.0],
            "SMH00_SM_RECEIVED": [10.0, 20.0, 30.0],
            "SMH00_RETRY_ATTEMPT": [3000.0, 6000.0, 0.0],
            "SMH01_SM_RECEIVED": [1.0, 1.0, 1.0],
            "SMH01_RETRY_ATTEMPT": [300.0, 300.0, 300.0],
            "IP7_11_SSRV_TRANS_FAILURE": [5.0, 7.0, 2.0],
            "IP7_11_SSRV_LOCAL_MTP_FAIL": [1.0, 1.0, 1.0],
        },
        index=idx,
    )
    found = t4.metrics.instances(df)
    assert found["giw"] == ["GIW_11"] and found["smh"] == ["SMH00", "SMH01"]
    assert found["nodes"] == [("Node1", ["SMH00"]), ("Node2", ["SMH01"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the counters this frame lacks
        giw = t4.metrics.giw(df)
        smh = t4.metrics.smh(df, delivery_limit=20, delv_per_node_max=40)
        ip7 = t4.metrics.ip7(df)
        every = t4.metrics.compute(df)
    assert giw["GIW_11_MOSM_accepted_pct"].tolist()[0] == 99.0
    assert np.isnan(giw["GIW_11_MOSM_accepted_pct"].iloc[1])  # no traffic: no data, not 0 %
    assert giw["GIW_11_MOSM_accepted_pct"].iloc[2] == 50.0
    # The interval is the index's step: 300 s.
    assert smh["SMH00_delivery_attempts_per_sec"].tolist() == [10.0, 20.0, 0.0]
    assert smh["SMH00_licence_usage_pct"].tolist() == [50.0, 100.0, 0.0]
    assert smh["Node1_licence_usage_pct"].tolist() == [25.0, 50.0, 0.0]
    assert smh["Node2_delivery_attempts_per_sec"].tolist() == [1.0, 1.0, 1.0]
    # Cumulative counters: per-sample deltas, a reset detected.
    assert ip7["IP7_11_transport_errors_to_nw"].tolist()[1:] == [2.0, 2.0]
    assert set(giw.columns) | set(smh.columns) | set(ip7.columns) == set(every.columns)
    assert (every.index == df.index).all()
    # The calc text is the one compute evaluates.
    text = t4.metrics.calc_text(df, ["smh"])
    assert "SMH00_licence_usage_pct = 100 * SMH00_delivery_attempts_per_sec / $delivery_limit" in text
    with pytest.raises(ValueError, match="unknown metric class"):
        t4.metrics.compute(df, ["nope"])


GOOD = (
    "NODE_9, T4 test\r\n$$$ START COLUMN HEADERS $$$\r\n"
    "Sample Time,A,B\r\n$$$ END COLUMN HEADERS $$$\r\n"
    "19-NOV-2015 00:01:00.00,1,2\r\n"
    "19-NOV-2015 00:02:00.00,3,4\r\n"
)


def test_damage_is_reported_with_position_and_the_rest_is_read():
    bad_row = GOOD + "garbage,5,6\r\n19-NOV-2015 00:04:00.00,7,x\r\n"
    with pytest.warns(RuntimeWarning, match=r"<bytes>:7:1: BadTimestamp.*<bytes>:8:27: InvalidValue"):
        df = t4.read(bad_row.encode())
    assert df["A"].tolist() == [1.0, 3.0, 7.0]
    assert np.isnan(df["B"].iloc[2])
    with pytest.raises(netmon.ParseError) as e:
        t4.read(bad_row.encode(), errors="raise")
    assert (e.value.file, e.value.line, e.value.column) == ("<bytes>", 7, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(t4.read(bad_row.encode(), errors="ignore")) == 3

    no_end = b"NODE_9\r\n$$$ START COLUMN HEADERS $$$\r\nSample Time,A\r\n"
    with pytest.raises(netmon.ParseError) as e:
        t4.read(no_end)
    assert e.value.line is not None
    # A broken file among good ones is left out with a warning.
    with pytest.warns(RuntimeWarning, match="file left out"):
        df = t4.read([GOOD.encode(), no_end])
    assert df.shape == (2, 2)
    with pytest.raises(netmon.ParseError):
        t4.read([GOOD.encode(), no_end], errors="raise")
    with pytest.raises(netmon.ParseError):
        t4.read(b"")
    with pytest.raises(FileNotFoundError):
        t4.read("/nonexistent/t4.csv")
    with pytest.raises(netmon.ParseError) as e:
        t4.info(os.devnull)


def test_the_gil_is_released_while_reading(corpus, tmp_path):
    big = tmp_path / "big.csv"
    rows, size = netmon._netmon.t4_synth(str(corpus("t4/t4_smtfb1_19nov2015_0001_2359_comp.csv")), str(big), 40_000_000)
    assert size >= 40_000_000
    n = inside_call_iterations(lambda: t4.read(big))
    assert n > 100, f"only {n} Python iterations ran during t4.read"


def test_a_large_file_parsed_in_parts_into_one_array(corpus, tmp_path):
    """A file large enough to be cut into parts comes as one (columns,
    rows) array, filled in place by the parts: the same DataFrame, kinds
    and facts as one thread's, in one pandas block."""
    big = tmp_path / "big.csv"
    netmon._netmon.t4_synth(str(corpus("t4/t4_smtfb1_19nov2015_0001_2359_comp.csv")), str(big), 20_000_000)
    parts = t4.read(big, threads=2)
    one = t4.read(big, threads=1)
    pd.testing.assert_frame_equal(parts, one)
    assert parts.attrs == one.attrs
    assert parts.attrs["netmon"]["files"][0]["columns"] == 531
    assert parts._mgr.nblocks == 1, "the planned read did not give one array"
    assert one._mgr.nblocks == 531
    as_dict = t4.read(big, threads=2, as_pandas=False)
    assert list(as_dict) == ["Sample Time", *one.columns]
    for name in one.columns[:50]:
        np.testing.assert_array_equal(as_dict[name], one[name].to_numpy())
