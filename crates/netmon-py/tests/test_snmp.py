"""netmon.snmp against real peers: net-snmp's snmpd with the interop
configuration (blocking and asyncio clients, v1/v2c/v3, UDP and TCP,
compared with net-snmp's own snmpbulkwalk), net-snmp's snmptrap and
snmpinform sending to netmon's receivers, and the corpus's messages
(the v3 one decrypted with its published credentials)."""

import asyncio
import builtins
import shutil
import subprocess

import pytest

import netmon
from netmon.snmp import (
    Agent,
    AsyncClient,
    AsyncTrapReceiver,
    Client,
    TrapReceiver,
    User,
    VarBind,
    decode,
)
from conftest import in_ci
from interop import snmpd

AUTH, PRIV = "authpass123", "privpass123"


def need(reason: str):
    if in_ci():
        pytest.fail(reason + "; CI=true requires it")
    pytest.skip(reason)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        need(f"{name} is not installed (apt-get install snmp)")
    return path


@pytest.fixture(scope="module")
def agent_port():
    try:
        with snmpd() as port:
            yield port
    except LookupError as e:
        need(str(e))


# ------------------------------------------------------------------ decode


def test_decode_corpus_messages(corpus):
    m = decode(corpus("snmp/bin/snmpv2c-get-response.bin").read_bytes())
    assert (m["version"], m["community"], m["pdu_type"]) == ("2c", b"public", "get-response")
    assert m["varbinds"] == [
        VarBind("1.3.6.1.2.1.25.1.1.0", 970069, "TimeTicks"),
        VarBind("1.3.6.1.2.1.25.1.5.0", 3, "Gauge32"),
        VarBind("1.3.6.1.2.1.25.1.5.1", None, "noSuchInstance"),
    ]
    trap = decode(corpus("snmp/bin/snmpv1_trap_coldstart.bin").read_bytes())
    assert (trap["pdu_type"], trap["enterprise"], trap["generic_trap"]) == ("trap", "1.3.6.1.4.1.4.1.2.21", 0)


def test_decode_v3_decrypts_with_the_user(corpus):
    data = corpus("snmp/bin/snmpv3_req_encrypted.bin").read_bytes()
    sealed = decode(data)
    assert sealed["security_level"] == "authPriv" and sealed["encrypted"] == 96
    assert "varbinds" not in sealed
    pippo = User("pippo", "MD5", "pippoxxx", "DES", "PIPPOxxx")
    m = decode(data, [pippo])
    assert m["authenticated"] and m["decrypted"]
    assert (m["msg_id"], m["engine_boots"], m["engine_time"]) == (821490645, 8, 2745)
    assert m["engine_id"].hex() == "80001f888059dc486145a26322"
    assert m["pdu_type"] == "get-request"
    assert [v.oid for v in m["varbinds"]] == [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.4.3.0",
        "1.3.6.1.2.1.4.10.0",
    ]
    with pytest.raises(netmon.SnmpError, match="HMAC"):
        decode(data, [User("pippo", "MD5", "wrongpass", "DES", "PIPPOxxx")])


def test_decode_damage_has_an_offset(corpus):
    data = corpus("snmp/bin/snmpv2c-get-response.bin").read_bytes()
    with pytest.raises(netmon.DecodeError) as e:
        decode(data[:-3])
    assert isinstance(e.value.offset, int) and 0 <= e.value.offset <= len(data)
    with pytest.raises(netmon.DecodeError):
        decode(b"")


# ------------------------------------------------------------------ snmpd


def snmpbulkwalk(port: int, root: str, *extra: str) -> list:
    out = subprocess.run(
        [tool("snmpbulkwalk"), "-v2c", "-c", "public", "-On", "-Cr25", *extra, f"127.0.0.1:{port}", root],
        capture_output=True, text=True, timeout=60, env={"MIBS": "", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    return [line.split(" = ", 1)[0].lstrip(".") for line in out.stdout.splitlines() if " = " in line]


def test_asyncio_bulk_walk_equals_snmpbulkwalk(agent_port):
    async def walk():
        c = AsyncClient("127.0.0.1", agent_port, community="public")
        # Two walks at once on two clients, and a get on the first.
        return await asyncio.gather(
            c.bulk_walk("1.3.6.1.2.1", max_repetitions=25),
            AsyncClient("::1", agent_port).bulk_walk("1.3.6.1.2.1.1"),
        )

    mib2, system = asyncio.run(walk())
    expected = snmpbulkwalk(agent_port, "1.3.6.1.2.1")
    assert len(mib2) > 200
    assert [v.oid for v in mib2] == expected
    assert VarBind("1.3.6.1.2.1.1.5.0", b"netmon-snmpd", "OCTET STRING") in system
    assert [v.oid for v in system] == [o for o in expected if o.startswith("1.3.6.1.2.1.1.")]


def test_blocking_client_operations(agent_port):
    c = Client("127.0.0.1", agent_port)
    (name,) = c.get("1.3.6.1.2.1.1.5.0")
    assert name.value == b"netmon-snmpd"
    assert c.get(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0"])[1].type == "TimeTicks"
    assert c.get_next("1.3.6.1.2.1.1.5")[0].oid == "1.3.6.1.2.1.1.5.0"
    bulk = c.get_bulk("1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.2.2.1.2", non_repeaters=1, max_repetitions=3)
    assert bulk[0].oid == "1.3.6.1.2.1.1.6.0" and len(bulk) == 4
    walked = c.walk("1.3.6.1.2.1.1")
    assert [v.oid for v in walked] == [v.oid for v in c.bulk_walk("1.3.6.1.2.1.1")]
    assert c.get("1.3.6.1.2.1.1.99.0")[0].type == "noSuchObject"
    table = c.table("1.3.6.1.2.1.2.2.1", {"descr": 2, "type": 3, "mtu": 4})
    assert table.loc["1", "descr"] == b"lo" and table.loc["1", "type"] == 24
    with pytest.raises(netmon.SnmpError) as e:
        Client("127.0.0.1", agent_port, version="1").get("1.3.6.1.2.1.1.99.0")
    assert (e.value.status, e.value.index, e.value.oid) == ("noSuchName", 1, "1.3.6.1.2.1.1.99.0")


def test_set_and_tcp(agent_port):
    rw = Client("127.0.0.1", agent_port, community="private", transport="tcp")
    rw.set({"1.3.6.1.2.1.1.6.0": "rack 7, row B"})
    assert Client("127.0.0.1", agent_port).get("1.3.6.1.2.1.1.6.0")[0].value == b"rack 7, row B"
    with pytest.raises(netmon.SnmpError) as e:
        Client("127.0.0.1", agent_port).set([("1.3.6.1.2.1.1.6.0", "no rights")])
    assert e.value.status in ("noAccess", "authorizationError", "notWritable", "readOnly")


@pytest.mark.parametrize(
    "user",
    [
        User("shaAesUser", "SHA", AUTH, "AES", PRIV),
        User("sha256Aes256", "SHA-256", AUTH, "AES-256", PRIV),
        User("md5DesUser", "MD5", AUTH, "DES", PRIV),
        User("authOnlyUser", "SHA-512", AUTH),
        User("noAuthUser"),
    ],
    ids=lambda u: u.name,
)
def test_v3_users(agent_port, user):
    c = Client("127.0.0.1", agent_port, version="3", user=user)
    assert c.get("1.3.6.1.2.1.1.5.0")[0].value == b"netmon-snmpd"
    assert len(c.bulk_walk("1.3.6.1.2.1.1")) > 5


def test_v3_wrong_password_and_timeout(agent_port):
    bad = Client("127.0.0.1", agent_port, version="3", user=User("shaAesUser", "SHA", "wrongpass1", "AES", PRIV),
                 timeout=0.3, retries=1)
    with pytest.raises(netmon.SnmpError, match="(?i)wrongDigest|digest"):
        bad.get("1.3.6.1.2.1.1.5.0")
    silent = Client("127.0.0.1", agent_port, community="nobody", timeout=0.2, retries=1)
    with pytest.raises(netmon.TimeoutError):
        silent.get("1.3.6.1.2.1.1.5.0")
    # Also Python's own TimeoutError, as asyncio code catches it.
    assert issubclass(netmon.TimeoutError, builtins.TimeoutError)
    assert issubclass(netmon.TimeoutError, netmon.Error)
    try:
        silent.get("1.3.6.1.2.1.1.5.0")
    except builtins.TimeoutError as e:
        assert "timeout" in str(e)
    else:
        raise AssertionError("no timeout")

    async def walk():
        return await AsyncClient("127.0.0.1", agent_port, community="nobody", timeout=0.2, retries=0).walk("1.3.6.1.2.1.1")

    with pytest.raises(netmon.TimeoutError) as e:
        asyncio.run(walk())
    assert e.value.partial == []


# ------------------------------------------------------------------ simulator


def test_simulated_agent_serves_net_snmp_tools():
    with Agent(objects={"1.3.6.1.4.1.99999.1.0": (42, "Gauge32")}, interfaces=3) as a:
        out = subprocess.run(
            [tool("snmpget"), "-v2c", "-c", "public", "-On", "-Oq", f"127.0.0.1:{a.port}", "1.3.6.1.4.1.99999.1.0"],
            capture_output=True, text=True, timeout=30, env={"MIBS": "", "PATH": "/usr/bin:/bin"},
        )
        assert out.stdout.strip() == ".1.3.6.1.4.1.99999.1.0 42", out.stderr
        c = Client(*a.address)
        assert len(c.table("1.3.6.1.2.1.2.2.1", [2, 10])) == 3
        assert [v.oid for v in c.bulk_walk("1.3.6.1.2.1.2")] == snmpbulkwalk(a.port, "1.3.6.1.2.1.2")
        with pytest.raises(netmon.SnmpError):
            c.set([("1.3.6.1.4.1.99999.1.0", 7, "Gauge32")])
    with pytest.raises(netmon.TimeoutError):
        Client(*a.address, timeout=0.2, retries=0).get("1.3.6.1.2.1.1.5.0")


def test_simulated_agent_v3_and_set():
    user = User("simUser", "SHA-256", AUTH, "AES", PRIV)
    with Agent(device=None, objects=[("1.3.6.1.4.1.99999.2.0", "old")], writable=True, write=True, users=[user]) as a:
        c = Client(*a.address, version="3", user=user)
        c.set([("1.3.6.1.4.1.99999.2.0", "x", "OCTET STRING")])
        assert c.get("1.3.6.1.4.1.99999.2.0")[0].value == b"x"
        with pytest.raises(ValueError, match="unknown SNMP type"):
            c.set([("1.3.6.1.4.1.99999.2.0", 1, "Float")])


# ------------------------------------------------------------------ traps


def send(*args: str) -> None:
    out = subprocess.run(list(args), capture_output=True, text=True, timeout=30,
                         env={"MIBS": "", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr


def test_trap_receiver_takes_net_snmp_traps_and_informs():
    trap_user = User("trapUser", "SHA", AUTH, "AES", PRIV, engine_id=bytes.fromhex("8000000001020304"))
    with TrapReceiver(users=[trap_user]) as r:
        target = f"127.0.0.1:{r.port}"
        send(tool("snmptrap"), "-v2c", "-c", "public", target, "123", "1.3.6.1.6.3.1.1.5.3",
             "1.3.6.1.2.1.2.2.1.1.2", "i", "2")
        n = r.receive(timeout=10)
        assert (n.kind, n.version, n.community, n.uptime) == ("trap", "2c", b"public", 123)
        assert n.trap_oid == "1.3.6.1.6.3.1.1.5.3"
        assert n.varbinds[-1] == VarBind("1.3.6.1.2.1.2.2.1.1.2", 2, "INTEGER")
        send(tool("snmptrap"), "-v1", "-c", "public", target, "1.3.6.1.4.1.8072", "127.0.0.1", "6", "17", "55")
        n = r.receive(timeout=10)
        assert (n.kind, n.enterprise, n.specific_trap) == ("trap-v1", "1.3.6.1.4.1.8072", 17)
        send(tool("snmptrap"), "-v3", "-e", "0x8000000001020304", "-u", "trapUser", "-l", "authPriv",
             "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV, target, "0", "1.3.6.1.6.3.1.1.5.1")
        n = r.receive(timeout=10)
        assert (n.version, n.user, n.security_level) == ("3", b"trapUser", "authPriv")
        # snmpinform succeeds only when the receiver acknowledges.
        send(tool("snmpinform"), "-v2c", "-c", "public", "-t", "2", "-r", "1", target, "0",
             "1.3.6.1.6.3.1.1.5.4")
        assert r.receive(timeout=10).kind == "inform"
        with pytest.raises(netmon.TimeoutError):
            r.receive(timeout=0.1)


def test_async_trap_receiver():
    async def run():
        async with AsyncTrapReceiver() as r:
            proc = await asyncio.create_subprocess_exec(
                tool("snmptrap"), "-v2c", "-c", "public", f"127.0.0.1:{r.port}", "7", "1.3.6.1.6.3.1.1.5.4",
                env={"MIBS": "", "PATH": "/usr/bin:/bin"},
            )
            assert await proc.wait() == 0
            first = await r.receive(timeout=10)
            with pytest.raises(netmon.TimeoutError):
                await r.receive(timeout=0.1)
            return first

    n = asyncio.run(run())
    assert (n.kind, n.uptime, n.trap_oid) == ("trap", 7, "1.3.6.1.6.3.1.1.5.4")
