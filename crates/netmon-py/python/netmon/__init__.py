"""netmon: network and telecom monitoring with a Rust core.

The package grows with the Rust crates: ``netmon.t4`` (T4 statistics),
``netmon.snmp`` and ``netmon.pcap`` follow. Today it offers the error
hierarchy and timestamp helpers shared by all of them.
"""

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
]
