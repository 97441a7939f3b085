import builtins
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

__version__: str

class Error(Exception):
    """Base class of every netmon error."""

    line: Optional[int]
    column: Optional[int]
    offset: Optional[int]

class ParseError(Error):
    file: Optional[str]

class DecodeError(Error): ...

class SnmpError(Error):
    status: Optional[str]
    status_code: Optional[int]
    index: Optional[int]
    oid: Optional[str]
    partial: Optional[List[Any]]

class TimeoutError(Error, builtins.TimeoutError):
    """A network operation timed out (also the built-in TimeoutError)."""

    partial: Optional[List[Any]]

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

def t4_read(
    sources: List[Any],
    system: Optional[str] = None,
    merge: str = "union",
    tolerance: Optional[float] = None,
    max_issues: int = 1000,
    threads: int = 0,
) -> Dict[str, Any]:
    """T4 files (paths, zip archives, (name, bytes)) read and merged: rows, index, names, columns (one array each), files, failed."""

def t4_info(path: str) -> Dict[str, Any]:
    """What one T4 file holds."""

def t4_apply_calcs(
    index: Any,
    names: List[str],
    values: Any,
    calc: str,
    is_path: bool,
    compat: bool = False,
    constants: Optional[Dict[str, float]] = None,
    interval: Optional[float] = None,
    overwrite: bool = False,
) -> Dict[str, Any]:
    """A calc file evaluated over a (columns, rows) block: the columns written (names, columns), warnings, divisions by zero."""

def t4_instances(names: List[str]) -> Dict[str, Any]:
    """The SMSC metric instances found among column names."""

def t4_metrics_text(names: List[str], classes: List[str]) -> str:
    """The calc text of the SMSC metric classes for the instances found."""

def t4_write(
    format: str,
    index: Any,
    names: List[str],
    values: Any,
    integer: List[bool],
    path: Optional[str] = None,
    system: Optional[str] = None,
    node: Optional[str] = None,
    first_line: Optional[str] = None,
) -> Optional[str]:
    """Plain CSV or T4 Format 2 to a path, or the text."""

def t4_synth(source: str, output: str, size: int) -> Tuple[int, int]:
    """The benchmarks' deterministic large T4 file: (rows, bytes)."""

UserSpec = Tuple[str, Optional[str], Optional[str], Optional[str], Optional[str]]

def snmp_decode(data: bytes, users: Optional[List[UserSpec]] = None, lenient: bool = False) -> Dict[str, Any]:
    """One SNMP message as a dict (v3 verified and decrypted for the users given)."""

class SnmpClient:
    def __init__(
        self,
        host: str,
        port: int = 161,
        version: str = "2c",
        community: str = "public",
        user: Optional[UserSpec] = None,
        timeout: float = 1.0,
        retries: int = 5,
        transport: str = "udp",
        blocking: bool = False,
    ) -> None: ...
    @property
    def target(self) -> Tuple[str, int]: ...
    def call(
        self,
        op: str,
        oids: List[str],
        a: int = 0,
        b: int = 0,
        columns: Optional[List[int]] = None,
        varbinds: Optional[List[Tuple[Any, ...]]] = None,
    ) -> Any: ...
    def start(
        self,
        done: Callable[[bool, Any], None],
        op: str,
        oids: List[str],
        a: int = 0,
        b: int = 0,
        columns: Optional[List[int]] = None,
        varbinds: Optional[List[Tuple[Any, ...]]] = None,
    ) -> None: ...

class SnmpAgent:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        community: str = "public",
        write: bool = False,
        device: Optional[int] = 0,
        interfaces: int = 4,
        bgp_peers: int = 2,
        objects: Optional[List[Tuple[Any, ...]]] = None,
        writable: bool = False,
        users: Optional[List[UserSpec]] = None,
        engine_id: Optional[bytes] = None,
    ) -> None: ...
    @property
    def address(self) -> Tuple[str, int]: ...
    def close(self) -> None: ...

class SnmpTrapReceiver:
    def __init__(
        self,
        on: Callable[[Dict[str, Any]], None],
        host: str = "127.0.0.1",
        port: int = 0,
        communities: Optional[List[str]] = None,
        users: Optional[List[Tuple[Optional[bytes], UserSpec]]] = None,
        engine_id: Optional[bytes] = None,
    ) -> None: ...
    @property
    def address(self) -> Tuple[str, int]: ...
    @property
    def engine_id(self) -> bytes: ...
    def close(self) -> None: ...

class PacketIter(Iterator[Dict[str, Any]]):
    def __init__(self, path: str) -> None: ...
    def __iter__(self) -> "PacketIter": ...
    def __next__(self) -> Dict[str, Any]: ...
