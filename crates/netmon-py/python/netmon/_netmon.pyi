from typing import Any, Dict, Iterator, List, Optional, Tuple

__version__: str

class Error(Exception):
    """Base class of every netmon error."""

    line: Optional[int]
    column: Optional[int]
    offset: Optional[int]

class ParseError(Error): ...
class DecodeError(Error): ...
class SnmpError(Error): ...
class TimeoutError(Error): ...

def parse_timestamp(text: str) -> int:
    """Parse a timestamp into integer nanoseconds since 1970 UTC."""

def format_timestamp(nanos: int, pattern: Optional[str] = None) -> str:
    """Format nanoseconds since 1970 UTC as RFC 3339 or with a strftime pattern."""

def pcap_columns(path: str, checksums: bool = True) -> Dict[str, Any]:
    """A capture's packets as NumPy columns (nullable ones as (values, mask), addresses as (codes, values)) and `error`."""

def pcap_flows(path: str, max_flows: int = 1000000) -> Tuple[List[Dict[str, Any]], Optional[Tuple[str, int]]]:
    """A capture's conversations, and the damage that ended the reading."""

def pcap_correlate(a: str, b: str) -> Dict[str, Any]:
    """The two-sided report of two captures of the same traffic."""

def pcap_synth_two_sided(
    segments: int = 100,
    lose_every: int = 0,
    miss_every: int = 0,
    snmp_request_lost_every: int = 0,
    snmp_response_lost_every: int = 0,
    offset_ns: int = 0,
    drift_ppm: float = 0.0,
) -> Tuple[bytes, bytes, Dict[str, int]]:
    """Two generated captures with known losses, and the truth."""

class PacketIter(Iterator[Dict[str, Any]]):
    def __init__(self, path: str) -> None: ...
    def __iter__(self) -> "PacketIter": ...
    def __next__(self) -> Dict[str, Any]: ...
