"""netmon: network and telecom monitoring with a Rust core.

The package grows with the Rust crates. ``netmon.t4`` reads, merges,
calculates and writes OpenVMS T4 statistics (with the SMSC metric sets
in ``netmon.t4.metrics``); ``netmon.pcap`` reads packet captures into
DataFrames, streams them, lists conversations and correlates two
captures of the same traffic; ``netmon.snmp`` decodes SNMP messages,
queries agents (blocking or asyncio), receives traps and simulates
agents. The error hierarchy and timestamp
helpers here are shared by all of them.
"""

from netmon import pcap, snmp, t4
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
    "snmp",
    "t4",
]
