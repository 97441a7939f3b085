"""OpenVMS T4/TLViz statistics read, merged, calculated and written by
netmon's Rust reader.

>>> import netmon.t4
>>> df = netmon.t4.read("t4_smtfb1_19nov2015_0001_2359_comp.csv")  # doctest: +SKIP
>>> df["[MON.SYST]Cpu Busy"].resample("1h").max()                  # doctest: +SKIP

``read`` returns a pandas DataFrame: a ``DatetimeIndex`` named
``Sample Time`` (the stamps as written, no time zone), one float64
column per T4 column, NaN where a cell is empty or ``NA``. Each column is
the Rust reader's own buffer handed to NumPy and pandas without a copy
(no per-cell Python object, memory one frame), and the files are read
and merged with the GIL released (several files in parallel). Without pandas, or with ``as_pandas=False``, the result is a
dict of NumPy arrays: ``"Sample Time"`` (``datetime64[ns]``) then one
array per column.

What the reader learnt is in ``df.attrs["netmon"]``: ``system``,
``node``, ``interval`` (seconds), ``integer_columns`` (the columns the
files wrote as integers, which :func:`to_plain_csv` writes back as
integers, as pandas does), and ``files`` (one dict per file read).

``apply_calcs`` evaluates a t4Monitor calc file (``NAME = expression``
lines); ``netmon.t4.metrics`` holds the SMSC metric sets (GIW, SMH, SSD,
GHLR, IP7, SIWPC/SIWSMPP). ``to_plain_csv`` and ``to_t4`` write
t4Monitor's plain CSV and T4 Format 2.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import os
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from netmon import _netmon
from netmon._netmon import ParseError

PathLike = Union[str, "os.PathLike[str]"]
Source = Union[PathLike, bytes, "io.IOBase"]

__all__ = [
    "Info",
    "Issue",
    "apply_calcs",
    "info",
    "metrics",
    "read",
    "to_plain_csv",
    "to_t4",
]

_ERRORS = ("warn", "raise", "ignore")


@dataclasses.dataclass(frozen=True)
class Issue:
    """Damage the reader worked around: a row skipped or a cell read as
    NaN. ``kind`` is ``BadTimestamp``, ``ExtraFields``, ``InvalidValue``
    or ``CutShort``; ``line`` and ``column`` are 1-based."""

    file: str
    kind: str
    line: int
    column: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}: {self.text!r}"


@dataclasses.dataclass(frozen=True)
class Info:
    """What a T4 file holds (see :func:`info`)."""

    name: str
    rows: int
    columns: int
    node: Optional[str]
    hardware: Optional[str]
    interval: Optional[float]
    header_interval: Optional[float]
    cpus: Optional[int]
    memory_mb: Optional[int]
    layout: str
    blocks: int
    time_column: str
    start: Optional[_dt.datetime]
    end: Optional[_dt.datetime]
    first_line: str
    issue_count: int
    issues: Tuple[Issue, ...]


def _pandas():
    try:
        import pandas

        return pandas
    except ImportError:
        return None


def _stamp(ns: Optional[int]) -> Optional[_dt.datetime]:
    if ns is None:
        return None
    seconds, rest = divmod(ns, 1_000_000_000)
    return _dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=seconds, microseconds=rest // 1000)


def _issues(facts: Mapping[str, Any]) -> Tuple[Issue, ...]:
    return tuple(Issue(facts["name"], *i) for i in facts["issues"])


def _info(facts: Mapping[str, Any]) -> Info:
    return Info(
        name=facts["name"],
        rows=facts["rows"],
        columns=facts["columns"],
        node=facts["node"],
        hardware=facts["hardware"],
        interval=facts["interval"],
        header_interval=facts["header_interval"],
        cpus=facts["cpus"],
        memory_mb=facts["memory_mb"],
        layout=facts["layout"],
        blocks=facts["blocks"],
        time_column=facts["time_column"],
        start=_stamp(facts["start_ns"]),
        end=_stamp(facts["end_ns"]),
        first_line=facts["first_line"],
        issue_count=facts["issue_count"],
        issues=_issues(facts),
    )


def _parse_error(message: str, file=None, line=None, column=None) -> ParseError:
    e = ParseError(message)
    e.file = file
    e.line = line
    e.column = column
    return e


def _sources(source) -> List[Any]:
    items = source if isinstance(source, (list, tuple)) else [source]
    if not items:
        raise ValueError("no T4 file given")
    out: List[Any] = []
    for n, item in enumerate(items, 1):
        if isinstance(item, (bytes, bytearray, memoryview)):
            out.append((f"<bytes {n}>" if len(items) > 1 else "<bytes>", bytes(item)))
        elif hasattr(item, "read"):
            data = item.read()
            if isinstance(data, str):
                data = data.encode("utf-8")
            out.append((str(getattr(item, "name", f"<stream {n}>")), data))
        else:
            out.append(os.fspath(item))
    return out


def read(
    source: Union[Source, Sequence[Source]],
    *,
    system: Optional[str] = None,
    merge: str = "union",
    tolerance: Optional[float] = None,
    errors: str = "warn",
    as_pandas: Optional[bool] = None,
    max_issues: int = 1000,
    threads: int = 0,
):
    """Read one or more T4 files into one DataFrame.

    ``source`` is a path, bytes, a binary file object, or a list of them;
    a path ending in ``.zip`` is read member by member (its ``.csv``
    files). Several files are merged the way ``merge`` says:

    * ``"union"`` (default): t4Monitor's rule: the sorted union of
      timestamps and columns, the first file winning where two give a
      value for the same cell;
    * ``"nearest"``: samples of different files within ``tolerance``
      seconds of each other share one row (nothing is dropped).

    ``system`` names the system in ``df.attrs["netmon"]["system"]``.
    Several files are read in parallel, one thread each; a single large
    file is cut into ``threads`` parts parsed in parallel (0: as many as
    there are cores; 1: none), with the same result.

    Damage never loses the rest of the data: a row whose time cannot be
    read, or with more fields than the header, is skipped; a cell that is
    not a number is NaN; a file cut mid-row keeps its complete cells. A
    file with no usable header is left out. ``errors`` says what else
    happens: ``"warn"`` (default; one RuntimeWarning per file naming
    file:line:column), ``"raise"`` (``netmon.ParseError`` with ``file``,
    ``line`` and ``column``) or ``"ignore"``. A file that cannot be opened
    raises ``OSError`` whatever ``errors`` says, and so does (as
    ``ParseError``) a read where no file could be used.
    """
    if errors not in _ERRORS:
        raise ValueError("errors must be 'warn', 'raise' or 'ignore'")
    r = _netmon.t4_read(_sources(source), system, merge, tolerance, max_issues, threads)
    for kind, message, file, line, column, errno in r["failed"]:
        if kind == "io":
            raise OSError(errno or 0, message, file)
    if r["failed"] and (errors == "raise" or not r["files"]):
        _, message, file, line, column, _ = r["failed"][0]
        raise _parse_error(message, file, line, column)
    if errors != "ignore":
        for _, message, *_ in r["failed"]:
            warnings.warn(f"{message}; file left out", RuntimeWarning, stacklevel=2)
    for facts in r["files"]:
        issues = _issues(facts)
        if not issues or errors == "ignore":
            continue
        if errors == "raise":
            first = issues[0]
            raise _parse_error(str(first), first.file, first.line, first.column)
        shown = "; ".join(str(i) for i in issues[:5])
        more = facts["issue_count"] - min(5, len(issues))
        tail = f" and {more} more" if more > 0 else ""
        warnings.warn(f"{facts['name']}: {facts['issue_count']} damaged rows or cells worked around: {shown}{tail}",
                      RuntimeWarning, stacklevel=2)
    names: List[str] = r["names"]
    integer = [n for n, i in zip(names, r["integer"]) if i]
    interval = next((f["interval"] for f in r["files"] if f["interval"]), None)
    meta = {
        "system": r["system"],
        "node": r["node"],
        "interval": interval,
        "integer_columns": integer,
        "files": [{k: v for k, v in f.items() if k != "issues"} for f in r["files"]],
    }
    index = r["index"].view("datetime64[ns]")
    # A large single file comes as one (columns, rows) array, else one
    # array per column; either way no value is copied.
    values = r.get("values")
    columns = list(values) if values is not None else r["columns"]
    pd = _pandas() if as_pandas is not False else None
    if as_pandas and pd is None:
        raise ImportError("pandas is needed for as_pandas=True")
    if pd is None:
        out: Dict[str, Any] = {"Sample Time": index}
        out.update(zip(names, columns))
        return out
    df = _dataframe(pd, names, columns, values, pd.DatetimeIndex(index, name="Sample Time"))
    df.attrs["netmon"] = meta
    return df


def _dataframe(pd, names: List[str], columns: List[np.ndarray], values: Optional[np.ndarray], index):
    """A DataFrame over the arrays themselves: the (columns, rows) array as
    pandas' one block, else one block per column rather than a copy of
    them into one."""
    if values is not None and names:
        return pd.DataFrame(values.T, index=index, columns=names, copy=False)
    df = pd.DataFrame(dict(zip(names, columns)), index=index, copy=False)
    if not names:
        df = pd.DataFrame(index=index)
    return df


def info(path: PathLike) -> Info:
    """What a T4 file holds: rows, columns, node, hardware, sample
    interval (the header's, else the median step), CPUs, memory, layout
    (``format1``/``format2``), header blocks, time span and the damage
    worked around. Raises ``netmon.ParseError`` (with ``file``, ``line``,
    ``column``) when the file has no usable header."""
    return _info(_netmon.t4_info(os.fspath(path)))


def _is_frame(data) -> bool:
    pd = _pandas()
    return pd is not None and isinstance(data, pd.DataFrame)


def _index(data) -> np.ndarray:
    """The int64 ns timestamps of a DataFrame (its DatetimeIndex) or of a
    dict's ``"Sample Time"``; zeros when there are none."""
    if _is_frame(data):
        pd = _pandas()
        if isinstance(data.index, pd.DatetimeIndex):
            return np.ascontiguousarray(data.index.as_unit("ns").asi8, dtype=np.int64)
        return np.zeros(len(data), dtype=np.int64)
    stamps = data.get("Sample Time")
    if stamps is not None:
        return np.ascontiguousarray(np.asarray(stamps).astype("datetime64[ns]").view(np.int64))
    rows = next((len(v) for v in data.values()), 0)
    return np.zeros(rows, dtype=np.int64)


def _columns(data) -> Tuple[np.ndarray, List[str], np.ndarray]:
    """The int64 ns index, the names and a (columns, rows) float64 block
    of a DataFrame's numeric columns or of a dict of arrays."""
    index = _index(data)
    if _is_frame(data):
        numeric = data.select_dtypes(include="number")
        names = [str(c) for c in numeric.columns]
        if numeric.shape[1]:
            block = numeric.to_numpy(dtype=np.float64, na_value=np.nan).T
        else:
            block = np.empty((0, len(data)))
    else:
        items = {k: v for k, v in data.items() if k != "Sample Time"}
        names = [str(k) for k in items]
        block = (
            np.vstack([np.asarray(v, dtype=np.float64) for v in items.values()])
            if items
            else np.empty((0, len(index)))
        )
    if len(set(names)) != len(names):
        raise ValueError("column names must be unique")
    return index, names, np.ascontiguousarray(block, dtype=np.float64)


def _interval(data, given: Optional[float]) -> Optional[float]:
    """The sample interval: given, else the one read() found, else the
    median step of the timestamps."""
    if given is not None:
        return float(given)
    attrs = getattr(data, "attrs", None) or {}
    found = (attrs.get("netmon") or {}).get("interval")
    if found is not None:
        return found
    steps = np.diff(_index(data))
    steps = steps[steps > 0]
    return float(np.median(steps)) / 1e9 if len(steps) else None


def _calc_source(calc: Union[PathLike, str]) -> Tuple[str, bool]:
    if isinstance(calc, os.PathLike):
        return os.fspath(calc), True
    if "\n" not in calc and "=" not in calc and os.path.exists(calc):
        return calc, True
    if "\n" not in calc and "=" not in calc:
        raise FileNotFoundError(f"{calc}: no such calc file")
    return calc, False


def _warn_calc(r: Mapping[str, Any], stacklevel: int) -> None:
    lines = []
    for kind, line, name, text in r["warnings"]:
        if kind == "missing_column":
            lines.append(f"line {line}: no column {name!r}: NaN")
        elif kind == "skipped":
            lines.append(f"line {line}: {name!r} exists; formula skipped")
        elif kind == "text":
            lines.append(f"line {line}: t4Monitor would store the text {text!r} in {name!r}; no column")
        elif kind == "scalar_division_by_zero":
            lines.append(f"line {line}: division by zero: NaN")
    if lines:
        more = f" and {len(lines) - 5} more" if len(lines) > 5 else ""
        warnings.warn("calc: " + "; ".join(lines[:5]) + more, RuntimeWarning, stacklevel=stacklevel + 1)


def _evaluate(data, text: str, is_path: bool, compat: bool, constants, interval, overwrite, stacklevel: int):
    index, names, block = _columns(data)
    r = _netmon.t4_apply_calcs(
        index,
        names,
        block,
        text,
        is_path,
        compat,
        {str(k): float(v) for k, v in (constants or {}).items()},
        _interval(data, interval),
        overwrite,
    )
    _warn_calc(r, stacklevel + 1)
    return r


def _added_frame(data, r):
    """The evaluated columns alone, indexed like ``data``."""
    if _is_frame(data):
        return _dataframe(_pandas(), r["names"], r["columns"], None, data.index)
    out: Dict[str, Any] = {}
    if "Sample Time" in data:
        out["Sample Time"] = data["Sample Time"]
    out.update(zip(r["names"], r["columns"]))
    return out


def _calc_report(r) -> Dict[str, Any]:
    return {
        "added": list(r["names"]),
        "warnings": [tuple(w) for w in r["warnings"]],
        "divisions_by_zero": r["divisions_by_zero"],
    }


def apply_calcs(
    data,
    calc: Union[PathLike, str],
    *,
    compat: Union[bool, str] = False,
    constants: Optional[Mapping[str, float]] = None,
    interval: Optional[float] = None,
    overwrite: bool = False,
):
    """Evaluate a calc file over ``data`` and return a copy with the new
    columns appended.

    ``calc`` is a path to a t4Monitor calc file, or its text (any string
    holding ``=`` or a line break). Lines are ``NAME = expression``;
    ``#`` and ``;`` start comments. By default operators have their usual
    precedence and the extended language is available: unary minus,
    quoted column names, ``min``/``max``/``abs``/``if``, ``delta()`` and
    ``rate()`` for cumulative counters, ``$constants`` and ``const``
    lines. ``compat=True`` (or ``"left-to-right"``) evaluates left to
    right exactly as t4Monitor did.

    ``constants`` gives ``$name`` values; ``interval`` the sample
    interval in seconds (default: the one :func:`read` found). A formula
    whose result column exists is skipped unless ``overwrite``. A name
    that is neither a column nor a constant gives a NaN column and a
    RuntimeWarning; division by zero follows IEEE and is counted in
    ``attrs["netmon"]["calc"]["divisions_by_zero"]``. Syntax errors raise
    ``netmon.ParseError`` with ``line`` and ``column``.

    ``data`` is a DataFrame (its numeric columns are used) or a dict of
    arrays as :func:`read` returns without pandas; a dict comes back as a
    new dict with the added arrays.
    """
    if compat not in (False, True, "left-to-right"):
        raise ValueError("compat must be False, True or 'left-to-right'")
    text, is_path = _calc_source(calc)
    r = _evaluate(data, text, is_path, bool(compat), constants, interval, overwrite, stacklevel=2)
    added = _added_frame(data, r)
    if not _is_frame(data):
        out = dict(data)
        out.update(added)
        return out
    pd = _pandas()
    replaced = [n for n in r["names"] if n in data.columns]
    fresh = [n for n in r["names"] if n not in data.columns]
    out = data.copy()
    if replaced:
        out[replaced] = added[replaced]
    if fresh:
        out = pd.concat([out, added[fresh]], axis=1)
    out.attrs = dict(data.attrs)
    meta = dict(out.attrs.get("netmon") or {})
    meta["calc"] = _calc_report(r)
    out.attrs["netmon"] = meta
    return out


def _write_args(data, system: Optional[str]):
    index, names, block = _columns(data)
    attrs = (getattr(data, "attrs", None) or {}).get("netmon") or {}
    integer_names = set(attrs.get("integer_columns") or ())
    if _is_frame(data):
        numeric = data.select_dtypes(include="number")
        integer_names |= {
            str(c) for c, t in numeric.dtypes.items() if t.kind in "iu" and not numeric[c].isna().any()
        }
    integer = [n in integer_names for n in names]
    return index, names, block, integer, system if system is not None else attrs.get("system"), attrs.get("node")


def to_plain_csv(data, path: Optional[PathLike] = None, *, system: Optional[str] = None) -> Optional[str]:
    """Write t4Monitor's plain CSV: ``Sample Time,<columns>`` (with
    ``system``: ``Sample Time,system,<columns>``), stamps as
    ``2014-Jan-01 00:04:23.00``, floats as Python's ``repr``, integer
    columns as integers, NaN as empty cells. Returns the text when
    ``path`` is None. The plain CSV of a file read by :func:`read` is
    what t4Monitor writes for it, byte for byte."""
    index, names, block, integer, system, _ = _write_args(data, system)
    return _netmon.t4_write(
        "plain", index, names, block, integer, None if path is None else os.fspath(path), system, None, None
    )


def to_t4(data, path: Optional[PathLike] = None, *, first_line: Optional[str] = None) -> Optional[str]:
    """Write T4 Format 2 (CRLF, names between the START/END tags), read
    back identically by :func:`read`. The first line defaults to
    ``<node>, netmon Version: <v>, File Type Format 2``. Returns the text
    when ``path`` is None. Column names with commas, line breaks or
    "sample time" raise ValueError."""
    index, names, block, integer, system, node = _write_args(data, None)
    return _netmon.t4_write(
        "t4", index, names, block, integer, None if path is None else os.fspath(path), system, node, first_line
    )


# Last: the metric sets use the helpers above.
from netmon.t4 import metrics  # noqa: E402
