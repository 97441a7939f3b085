"""SNMP v1/v2c/v3 with netmon's Rust engine: decode messages, query agents
(blocking or asyncio), receive traps and informs, and simulate agents.

>>> from netmon.snmp import Client
>>> c = Client("192.0.2.1", community="public")                  # doctest: +SKIP
>>> c.get("1.3.6.1.2.1.1.5.0")                                    # doctest: +SKIP
[VarBind(oid='1.3.6.1.2.1.1.5.0', value=b'edge-1', type='OCTET STRING')]
>>> for vb in c.bulk_walk("1.3.6.1.2.1.2.2.1.10"): ...            # doctest: +SKIP

Every call runs in Rust with the GIL released; :class:`AsyncClient` has
the same methods as coroutines, resolved from netmon's own I/O thread
(no thread per request). Values come back as Python objects: ``int`` for
INTEGER, Counter32/64, Gauge32 and TimeTicks, ``bytes`` for OCTET
STRING, dotted ``str`` for OBJECT IDENTIFIER and IpAddress, ``None`` for
NULL and the exceptions (``noSuchObject``, ``noSuchInstance``,
``endOfMibView``, told apart by ``type``).

Errors: :class:`netmon.TimeoutError` when the agent does not answer
after the retries; :class:`netmon.SnmpError` when it answers with an
error-status (``status`` such as ``"noSuchName"``, ``index``, ``oid``)
or a report (v3: wrong digest, unknown user, …); walks that end early
carry what they received in ``partial``; :class:`netmon.DecodeError`
(with ``offset``) for octets that are not SNMP.
"""

from __future__ import annotations

import asyncio
import dataclasses
import queue
from typing import Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from netmon import _netmon
from netmon._netmon import SnmpError, TimeoutError

__all__ = [
    "Agent",
    "AsyncClient",
    "AsyncTrapReceiver",
    "Client",
    "Notification",
    "TrapReceiver",
    "User",
    "VarBind",
    "decode",
]


class VarBind(NamedTuple):
    """One variable binding: the OID (dotted), the value, and its SNMP
    type (``"Counter32"``, ``"OCTET STRING"``, ``"noSuchObject"`` …)."""

    oid: str
    value: Any
    type: str


@dataclasses.dataclass(frozen=True)
class User:
    """An SNMPv3 USM user. Protocols by name: ``MD5``, ``SHA``,
    ``SHA-224``, ``SHA-256``, ``SHA-384``, ``SHA-512``; ``DES``, ``AES``,
    ``AES-192``, ``AES-256``, ``AES-192-C``, ``AES-256-C``. ``engine_id``
    binds a trap receiver's user to one sending engine."""

    name: str
    auth: Optional[str] = None
    auth_password: Optional[str] = dataclasses.field(default=None, repr=False)
    priv: Optional[str] = None
    priv_password: Optional[str] = dataclasses.field(default=None, repr=False)
    engine_id: Optional[bytes] = None

    def _spec(self):
        return (self.name, self.auth, self.auth_password, self.priv, self.priv_password)


@dataclasses.dataclass(frozen=True)
class Notification:
    """A trap or inform as received. ``kind`` is ``"trap-v1"``,
    ``"trap"`` or ``"inform"``; ``source`` the sender's ``(host, port)``;
    ``varbinds`` every varbind as sent (for v2: sysUpTime.0 and
    snmpTrapOID.0 included). The v1 fields are None for v2 and v3."""

    kind: str
    version: str
    source: Tuple[str, int]
    community: Optional[bytes]
    user: Optional[bytes]
    engine_id: Optional[bytes]
    security_level: Optional[str]
    request_id: int
    uptime: Optional[int]
    trap_oid: Optional[str]
    varbinds: List[VarBind]
    enterprise: Optional[str] = None
    agent_addr: Optional[str] = None
    generic_trap: Optional[int] = None
    specific_trap: Optional[int] = None


def _varbinds(rows) -> List[VarBind]:
    return [VarBind(*r) for r in rows]


def decode(data: bytes, usm: Optional[Iterable[User]] = None, *, lenient: bool = False) -> Dict[str, Any]:
    """Decode one SNMP message into a dict: ``version``, then
    ``community`` (v1/v2c) or the v3 header (``msg_id``, ``flags``,
    ``security_level``, ``engine_id``, ``engine_boots``, ``engine_time``,
    ``user``, ``context_engine_id``, ``context_name``), then the PDU:
    ``pdu_type``, ``request_id``, ``error_status``/``error_index`` (or
    ``non_repeaters``/``max_repetitions``), ``varbinds`` (a v1 trap adds
    ``enterprise``, ``agent_addr``, ``generic_trap``, ``specific_trap``,
    ``time_stamp``).

    A v3 message of a user in ``usm`` is authenticated and decrypted
    (``authenticated``, ``decrypted``); a wrong digest raises
    ``netmon.SnmpError``. Without the user, an encrypted ScopedPDU stays
    unread (``encrypted``: its length). ``lenient`` accepts the integer
    encodings some agents get wrong. Damage raises ``netmon.DecodeError``
    with the byte ``offset``."""
    specs = [u._spec() for u in usm] if usm else None
    d = _netmon.snmp_decode(bytes(data), specs, lenient)
    if "varbinds" in d:
        d["varbinds"] = _varbinds(d["varbinds"])
    return d


def _oid_list(oids) -> List[str]:
    if len(oids) == 1 and not isinstance(oids[0], str):
        oids = tuple(oids[0])
    if not oids:
        raise ValueError("no OID given")
    return [str(o) for o in oids]


def _set_items(varbinds) -> list:
    items = varbinds.items() if isinstance(varbinds, Mapping) else varbinds
    out = []
    for item in items:
        if isinstance(varbinds, Mapping):
            oid, value = item
            out.append((str(oid),) + (tuple(value) if isinstance(value, tuple) else (value,)))
        else:
            out.append((str(item[0]),) + tuple(item[1:]))
    return out


def _convert(op: str, result, columns):
    if op == "table":
        return _table(result, columns)
    return _varbinds(result)


def _table(rows, columns):
    names = list(columns.keys()) if isinstance(columns, Mapping) else list(columns)
    try:
        import pandas as pd
    except ImportError:
        return {index: dict(zip(names, [None if c is None else c[0] for c in cells])) for index, cells in rows}
    data = {n: [None if cells[i] is None else cells[i][0] for _, cells in rows] for i, n in enumerate(names)}
    return pd.DataFrame(data, index=pd.Index([index for index, _ in rows], name="index"))


def _raise(e: BaseException):
    partial = getattr(e, "partial", None)
    if partial is not None and partial and isinstance(partial[0], tuple) and len(partial[0]) == 3:
        e.partial = _varbinds(partial)
    raise e


class _Base:
    _blocking = False

    def __init__(
        self,
        host: str,
        port: int = 161,
        *,
        version: str = "2c",
        community: str = "public",
        user: Optional[User] = None,
        timeout: float = 1.0,
        retries: int = 5,
        transport: str = "udp",
    ):
        self._c = _netmon.SnmpClient(
            host,
            port,
            str(version),
            community,
            user._spec() if user else None,
            timeout,
            retries,
            transport,
            self._blocking,
        )

    @property
    def target(self) -> Tuple[str, int]:
        """The agent's ``(host, port)``."""
        return self._c.target

    @staticmethod
    def _columns(columns) -> List[int]:
        return [int(c) for c in (columns.values() if isinstance(columns, Mapping) else columns)]


class Client(_Base):
    """A blocking client for one agent (UDP or ``transport="tcp"``).

    ``version`` is ``"1"``, ``"2c"`` or ``"3"``; v3 needs ``user`` (a
    :class:`User`; the security level follows its keys). ``timeout`` is
    the wait for each attempt in seconds, ``retries`` the resends after
    the first (net-snmp's ``-t`` and ``-r``). v3 discovery, time-window
    resynchronisation and retries happen inside. The calling thread does
    the I/O itself (the GIL released); one client serves one thread at a
    time.
    """

    _blocking = True

    def _call(self, op, oids, a=0, b=0, columns=None, varbinds=None):
        try:
            r = self._c.call(op, oids, a, b, None if columns is None else self._columns(columns), varbinds)
        except (SnmpError, TimeoutError) as e:
            _raise(e)
        return _convert(op, r, columns)

    def get(self, *oids) -> List[VarBind]:
        """GetRequest for one or more OIDs (or one list of them)."""
        return self._call("get", _oid_list(oids))

    def get_next(self, *oids) -> List[VarBind]:
        """GetNextRequest."""
        return self._call("get_next", _oid_list(oids))

    def get_bulk(self, *oids, non_repeaters: int = 0, max_repetitions: int = 10) -> List[VarBind]:
        """GetBulkRequest (v2c/v3)."""
        return self._call("get_bulk", _oid_list(oids), non_repeaters, max_repetitions)

    def set(self, varbinds) -> List[VarBind]:
        """SetRequest. ``varbinds`` is a dict ``{oid: value}`` or a list
        of ``(oid, value)``; give ``(value, type)`` (dict) or ``(oid,
        value, type)`` for types other than INTEGER (int) and OCTET
        STRING (str, bytes): ``"Counter32"``, ``"Gauge32"``,
        ``"TimeTicks"``, ``"IpAddress"``, ``"OBJECT IDENTIFIER"``,
        ``"Counter64"``, ``"x"`` (hex octets)."""
        return self._call("set", [], varbinds=_set_items(varbinds))

    def walk(self, oid: str) -> List[VarBind]:
        """The subtree under ``oid`` with GetNext (snmpwalk)."""
        return self._call("walk", [str(oid)])

    def bulk_walk(self, oid: str, max_repetitions: int = 25) -> List[VarBind]:
        """The subtree under ``oid`` with GetBulk (snmpbulkwalk; v1 falls
        back to GetNext). An agent that answers tooBig or times out on
        big requests gets smaller ones."""
        return self._call("bulk_walk", [str(oid)], max_repetitions)

    def table(self, entry: str, columns, max_repetitions: int = 25):
        """Columns of a table walked together, rows assembled by index:
        a DataFrame indexed by the row index (``"1"``, ``"10.0.0.1"`` …)
        with one column per column asked (``columns``: numbers, or a dict
        ``{name: number}``), None where a sparse column has no cell;
        without pandas a dict ``{index: {column: value}}``."""
        return self._call("table", [str(entry)], max_repetitions, columns=columns)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        return None


def _settle(fut: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


class AsyncClient(_Base):
    """:class:`Client`'s methods as coroutines for asyncio. Requests run on
    netmon's I/O thread and resolve the awaiting future; requests on one
    client go one at a time (use one client per agent for parallelism)."""

    async def _call(self, op, oids, a=0, b=0, columns=None, varbinds=None):
        loop = asyncio.get_running_loop()
        fut = loop.create_future()

        def done(ok, value):
            try:
                loop.call_soon_threadsafe(_settle, fut, ok, value)
            except RuntimeError:  # the loop is closed: nobody waits any more
                pass

        self._c.start(done, op, oids, a, b, None if columns is None else self._columns(columns), varbinds)
        try:
            r = await fut
        except (SnmpError, TimeoutError) as e:
            _raise(e)
        return _convert(op, r, columns)

    async def get(self, *oids) -> List[VarBind]:
        """See :meth:`Client.get`."""
        return await self._call("get", _oid_list(oids))

    async def get_next(self, *oids) -> List[VarBind]:
        """See :meth:`Client.get_next`."""
        return await self._call("get_next", _oid_list(oids))

    async def get_bulk(self, *oids, non_repeaters: int = 0, max_repetitions: int = 10) -> List[VarBind]:
        """See :meth:`Client.get_bulk`."""
        return await self._call("get_bulk", _oid_list(oids), non_repeaters, max_repetitions)

    async def set(self, varbinds) -> List[VarBind]:
        """See :meth:`Client.set`."""
        return await self._call("set", [], varbinds=_set_items(varbinds))

    async def walk(self, oid: str) -> List[VarBind]:
        """See :meth:`Client.walk`."""
        return await self._call("walk", [str(oid)])

    async def bulk_walk(self, oid: str, max_repetitions: int = 25) -> List[VarBind]:
        """See :meth:`Client.bulk_walk`."""
        return await self._call("bulk_walk", [str(oid)], max_repetitions)

    async def table(self, entry: str, columns, max_repetitions: int = 25):
        """See :meth:`Client.table`."""
        return await self._call("table", [str(entry)], max_repetitions, columns=columns)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc) -> None:
        return None


def _objects(objects) -> Optional[list]:
    if objects is None:
        return None
    return _set_items(objects)


class _Served:
    """A socket served on netmon's I/O thread until closed."""

    _s: Any

    @property
    def address(self) -> Tuple[str, int]:
        """``(host, port)`` it is bound to."""
        return self._s.address

    @property
    def host(self) -> str:
        return self._s.address[0]

    @property
    def port(self) -> int:
        return self._s.address[1]

    def close(self) -> None:
        """Stop, and close the socket."""
        self._s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Agent(_Served):
    """A simulated SNMP agent for tests and demonstrations, answering on
    its own I/O thread until closed (a context manager).

    By default it is simulated device ``device`` (its system group,
    ``interfaces`` interfaces whose counters move with time, and
    ``bgp_peers`` BGP sessions); ``device=None`` starts from an empty MIB.
    ``objects`` adds scalars (as :meth:`Client.set` takes them; writable
    with ``writable=True``). It answers ``community`` (read-write with
    ``write=True``) and the v3 ``users``; ``port=0`` picks a free port
    (see :attr:`address`).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        community: str = "public",
        write: bool = False,
        device: Optional[int] = 0,
        interfaces: int = 4,
        bgp_peers: int = 2,
        objects=None,
        writable: bool = False,
        users: Sequence[User] = (),
        engine_id: Optional[bytes] = None,
    ):
        self._s = _netmon.SnmpAgent(
            host,
            port,
            community,
            write,
            device,
            interfaces,
            bgp_peers,
            _objects(objects),
            writable,
            [u._spec() for u in users] or None,
            engine_id,
        )



def _notification(d: Dict[str, Any]) -> Notification:
    d = dict(d)
    d["varbinds"] = _varbinds(d["varbinds"])
    return Notification(**d)


class _ReceiverBase(_Served):
    def _start(self, on, host, port, communities, users, engine_id):
        self._s = _netmon.SnmpTrapReceiver(
            on,
            host,
            port,
            list(communities),
            [(u.engine_id, u._spec()) for u in users] or None,
            engine_id,
        )

    @property
    def engine_id(self) -> bytes:
        """Its snmpEngineID: informs (v3) are sent to it."""
        return self._s.engine_id


class TrapReceiver(_ReceiverBase):
    """Receives traps and informs (v1, v2c, v3; informs acknowledged) on
    netmon's I/O thread; :meth:`receive` and iteration hand them over.

    ``communities`` are accepted for v1/v2c (empty: any); ``users`` are
    the v3 users (a user with ``engine_id`` is bound to that sender's
    engine, as snmptrapd's ``createUser -e``).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        communities: Iterable[str] = ("public",),
        users: Sequence[User] = (),
        engine_id: Optional[bytes] = None,
    ):
        self._queue: "queue.Queue[Notification]" = queue.Queue()
        put = self._queue.put
        self._start(lambda d: put(_notification(d)), host, port, communities, users, engine_id)

    def receive(self, timeout: Optional[float] = None) -> Notification:
        """The next notification; ``netmon.TimeoutError`` after
        ``timeout`` seconds without one."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no notification within {timeout} s") from None

    def __iter__(self) -> Iterator[Notification]:
        while True:
            yield self._queue.get()


class AsyncTrapReceiver(_ReceiverBase):
    """:class:`TrapReceiver` for asyncio: create it in a running loop, then
    ``await receiver.receive()`` or ``async for n in receiver``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        communities: Iterable[str] = ("public",),
        users: Sequence[User] = (),
        engine_id: Optional[bytes] = None,
    ):
        loop = asyncio.get_running_loop()
        self._queue: "asyncio.Queue[Notification]" = asyncio.Queue()
        put = self._queue.put_nowait

        def on(d):
            try:
                loop.call_soon_threadsafe(put, _notification(d))
            except RuntimeError:  # the loop is closed
                pass

        self._start(on, host, port, communities, users, engine_id)

    async def receive(self, timeout: Optional[float] = None) -> Notification:
        """The next notification; ``netmon.TimeoutError`` after
        ``timeout`` seconds without one."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no notification within {timeout} s") from None

    def __aiter__(self) -> "AsyncTrapReceiver":
        return self

    async def __anext__(self) -> Notification:
        return await self._queue.get()

    async def __aenter__(self) -> "AsyncTrapReceiver":
        return self

    async def __aexit__(self, *exc) -> None:
        self.close()
