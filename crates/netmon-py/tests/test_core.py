"""The core helpers through the installed wheel."""

import datetime

import pytest

import netmon


def test_version_matches_the_crate():
    assert netmon.__version__.count(".") == 2


def test_parse_timestamp_agrees_with_python():
    ns = netmon.parse_timestamp("19-NOV-2015 00:02:00.01")
    expected = datetime.datetime(2015, 11, 19, 0, 2, 0, 10_000, tzinfo=datetime.timezone.utc)
    assert ns == int(expected.timestamp()) * 1_000_000_000 + 10_000_000
    assert netmon.parse_timestamp("2014-Jan-01 00:04:23.00") == netmon.parse_timestamp(
        "2014-01-01T00:04:23Z"
    )


def test_format_timestamp():
    ns = netmon.parse_timestamp("2014-01-01 00:04:23")
    assert netmon.format_timestamp(ns) == "2014-01-01T00:04:23Z"
    assert netmon.format_timestamp(ns, "%Y-%b-%d %H:%M:%S.00") == "2014-Jan-01 00:04:23.00"


def test_parse_errors_are_positioned_and_in_the_hierarchy():
    with pytest.raises(netmon.ParseError) as info:
        netmon.parse_timestamp("2014-13-01")
    assert isinstance(info.value, netmon.Error)
    assert info.value.column == 6
    assert info.value.line is None
    assert "month" in str(info.value)


def test_hierarchy():
    for cls in (netmon.ParseError, netmon.DecodeError, netmon.SnmpError, netmon.TimeoutError):
        assert issubclass(cls, netmon.Error)


def test_real_t4_stamps_agree_with_strptime(corpus):
    """All 286 stamps of t4Monitor's plain CSV, against Python's parser."""
    lines = corpus("t4/plain_data.csv").read_text().splitlines()[1:]
    stamps = [line.split(",", 1)[0] for line in lines]
    assert len(stamps) == 286
    fmt = "%Y-%b-%d %H:%M:%S.00"
    for s in stamps:
        expected = datetime.datetime.strptime(s, fmt).replace(tzinfo=datetime.timezone.utc)
        ns = netmon.parse_timestamp(s)
        assert ns == int(expected.timestamp()) * 1_000_000_000, s
        assert netmon.format_timestamp(ns, fmt) == s
