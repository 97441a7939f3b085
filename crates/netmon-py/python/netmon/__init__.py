"""netmon: network and telecom monitoring with a Rust core.

The package grows with the Rust crates. ``netmon.pcap`` reads packet
captures into DataFrames, streams them, lists conversations and
correlates two captures of the same traffic; ``netmon.t4`` (T4
statistics) and ``netmon.snmp`` follow. The error hierarchy and timestamp
helpers here are shared by all of them.
"""

from netmon import pcap
from netmon._netmon import (
    DecodeError,
    Error,
    ParseError,
    SnmpError,
    TimeoutError,
    __version__,
    format_timestamp,
    parse_timestamp,
)

__all__ = [
    "DecodeError",
    "Error",
    "ParseError",
    "SnmpError",
    "TimeoutError",
    "__version__",
    "format_timestamp",
    "parse_timestamp",
    "pcap",
]
