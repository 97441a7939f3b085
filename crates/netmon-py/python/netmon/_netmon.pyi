from typing import Optional

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
