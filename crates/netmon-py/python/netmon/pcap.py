"""Packet captures: pcap and pcapng read by netmon's Rust reader.

>>> import netmon.pcap
>>> df = netmon.pcap.read("capture.pcapng")              # doctest: +SKIP
>>> df[df.dst_port == 161].groupby("ip_src").size()      # doctest: +SKIP

``read`` decodes a whole file into a pandas DataFrame (one row per packet,
the first occurrence of each field as Wireshark shows it; nullable integer
columns where a field can be absent) without holding the GIL;
``packets`` streams packets one by one in constant memory; ``flows``
gives the conversations; ``correlate`` matches a CPE's capture with its
server's. Without pandas, ``read`` and ``flows`` return plain dicts and
lists.

Checksum columns hold Wireshark's codes: 0 bad, 1 good, 2 not verifiable,
3 not present.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Dict, Iterator, Union

from netmon import _netmon
from netmon._netmon import DecodeError

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["read", "packets", "flows", "correlate", "synth_two_sided"]

_CODED = ("eth_src", "eth_dst", "ip_src", "ip_dst")

_NULLABLE = {
    "vlan": "UInt16",
    "ip_proto": "UInt8",
    "ip_ttl": "UInt8",
    "src_port": "UInt16",
    "dst_port": "UInt16",
    "tcp_flags": "UInt16",
    "tcp_seq": "UInt32",
    "tcp_ack": "UInt32",
    "icmp_type": "UInt8",
    "ip_checksum": "UInt8",
    "tcp_checksum": "UInt8",
    "udp_checksum": "UInt8",
}


def _pandas():
    try:
        import pandas

        return pandas
    except ImportError:
        return None


def _damage(error, errors: str) -> None:
    if error is None:
        return
    message, offset = error
    if errors == "raise":
        e = DecodeError(message)
        e.offset = offset
        raise e
    if errors == "warn":
        warnings.warn(
            f"{message}; the packets before it were read", RuntimeWarning, stacklevel=3
        )


def read(
    path: PathLike,
    *,
    checksums: bool = True,
    errors: str = "warn",
    as_pandas: bool | None = None,
):
    """Read a pcap or pcapng file into one row per packet.

    Columns: ``number``, ``time`` (UTC, ns) and ``time_ns``, ``caplen``,
    ``len``, ``interface``, ``eth_src``, ``eth_dst``, ``vlan``, ``ip_src``,
    ``ip_dst`` (IPv4 or IPv6, the first IP header), ``ip_proto``,
    ``ip_ttl``, ``src_port``, ``dst_port`` (TCP or UDP), ``tcp_flags``,
    ``tcp_seq``, ``tcp_ack``, ``icmp_type`` (ICMP or ICMPv6),
    ``ip_checksum``, ``tcp_checksum``, ``udp_checksum``.

    A damaged file gives every packet before the damage; ``errors``
    says what else happens: ``"warn"`` (a RuntimeWarning naming the byte
    offset), ``"raise"`` (``netmon.DecodeError`` with ``offset``) or
    ``"ignore"``. The error, if any, is also in ``df.attrs["error"]``.
    Addresses are categorical columns (each distinct address stored once).
    ``as_pandas=False`` (or pandas not installed) returns a dict of NumPy
    arrays, nullable columns as ``(values, mask)`` pairs and addresses as
    ``(codes, values)`` pairs (code -1: none).
    """
    if errors not in ("warn", "raise", "ignore"):
        raise ValueError("errors must be 'warn', 'raise' or 'ignore'")
    cols: Dict[str, Any] = _netmon.pcap_columns(os.fspath(path), checksums)
    error = cols.pop("error")
    _damage(error, errors)
    pd = _pandas() if as_pandas is not False else None
    if as_pandas and pd is None:
        raise ImportError("pandas is needed for as_pandas=True")
    if pd is None:
        cols["error"] = error
        return cols
    data = {}
    for name, value in cols.items():
        if name == "time_ns":
            data["time"] = pd.DatetimeIndex(value.view("datetime64[ns]")).tz_localize("UTC")
            data[name] = value
        elif name in _NULLABLE:
            values, mask = value
            data[name] = pd.arrays.IntegerArray(values, mask)
        elif name in _CODED:
            data[name] = _categorical(pd, *value)
        else:
            data[name] = value
    # The arrays as they are: no copy into consolidated blocks.
    df = pd.DataFrame(data, copy=False)
    df.attrs["error"] = error
    return df


def _categorical(pd, codes, categories):
    """Codes into distinct values (the reader made them distinct, so
    pandas need not check them again where it can skip the check: its
    dtype's own uniqueness check is half the cost of the column)."""
    try:
        dtype = pd.CategoricalDtype._from_fastpath(pd.Index(categories), False)
    except (AttributeError, TypeError):  # a pandas without that path
        dtype = pd.CategoricalDtype(categories)
    try:
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    except TypeError:  # pandas before 2.1 has no validate
        return pd.Categorical.from_codes(codes, dtype=dtype)


def packets(path: PathLike) -> Iterator[Dict[str, Any]]:
    """Stream the packets of a capture one at a time, in constant memory.

    Each is a dict with the columns of :func:`read` (None where absent),
    plus ``comment`` (pcapng) and ``data`` (the captured bytes). Damage
    raises ``netmon.DecodeError`` (with ``offset``) after the packets
    before it.
    """
    return _netmon.PacketIter(os.fspath(path))


def flows(path: PathLike, *, max_flows: int = 1_000_000, errors: str = "warn"):
    """The conversations of a capture (5-tuple, both directions).

    One row per flow: ``protocol``, ``addr_a``, ``port_a``, ``addr_b``,
    ``port_b`` (the smaller end first), then for ``a_to_b`` and ``b_to_a``
    the packets, bytes, first and last time (ns), TCP flags seen,
    retransmissions and sequence gaps. ``errors`` as for :func:`read`.
    """
    rows, error = _netmon.pcap_flows(os.fspath(path), max_flows)
    _damage(error, errors)
    pd = _pandas()
    return pd.DataFrame(rows) if pd is not None else rows


def correlate(a: PathLike, b: PathLike) -> Dict[str, Any]:
    """Match a CPE's capture ``a`` with its management server's ``b``.

    Returns ``host_a``, ``host_b``, ``offset_ns`` and ``drift_ppm`` (B's
    clock against A's), ``matched``, ``snmp`` (requests followed to their
    responses: answered, request_lost, response_lost, unanswered,
    resends) and ``flows``: per flow and direction matched, lost on the
    path, missed by a capture, unseen, only at the receiver, duplicates,
    one-way delay and jitter (a DataFrame when pandas is there).
    """
    r = _netmon.pcap_correlate(os.fspath(a), os.fspath(b))
    pd = _pandas()
    if pd is not None:
        r["flows"] = pd.DataFrame(r["flows"])
    return r


def synth_two_sided(**params) -> "tuple[bytes, bytes, Dict[str, int]]":
    """Two generated pcap files of the same traffic with known truth.

    Parameters (all optional): ``segments``, ``lose_every``,
    ``miss_every``, ``snmp_request_lost_every``,
    ``snmp_response_lost_every``, ``offset_ns``, ``drift_ppm``. Returns
    the CPE's capture, the server's, and what happened.
    """
    return _netmon.pcap_synth_two_sided(**params)
