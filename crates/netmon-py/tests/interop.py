"""net-snmp's snmpd with the interop configuration of ../shared/interop,
on a free loopback port (UDP on 127.0.0.1 and ::1, TCP on 127.0.0.1), its
state in a temporary folder: the same daemon the Rust tests start
(netmon-testkit's snmpd module). Used by the tests and by
benches/python/snmp_walk.py."""

import contextlib
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

WORKSPACE = pathlib.Path(__file__).resolve().parents[3]


def interop_dir() -> pathlib.Path:
    env = os.environ.get("NETMON_INTEROP")
    return pathlib.Path(env) if env else WORKSPACE.parent / "shared" / "interop"


def free_port() -> int:
    """A port free for UDP and TCP on 127.0.0.1 and UDP on ::1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                    t.bind(("127.0.0.1", port))
                with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as u6:
                    u6.bind(("::1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def find_daemon(name: str):
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.access(p, os.X_OK)), None
    )


@contextlib.contextmanager
def snmpd():
    """Yields the port of a running snmpd; raises LookupError (with the
    reason) when snmpd or the configuration is missing."""
    daemon = find_daemon("snmpd")
    conf_src = interop_dir() / "snmpd.conf"
    if daemon is None:
        raise LookupError("snmpd is not installed (apt-get install snmpd)")
    if not conf_src.is_file():
        raise LookupError(f"{conf_src} not found (set NETMON_INTEROP)")
    with tempfile.TemporaryDirectory(prefix="netmon-snmpd-") as d:
        d = pathlib.Path(d)
        port = free_port()
        lines = [
            f"agentAddress udp:127.0.0.1:{port},udp6:[::1]:{port},tcp:127.0.0.1:{port}"
            if line.startswith("agentAddress")
            else line
            for line in conf_src.read_text().splitlines()
        ]
        conf = d / "snmpd.conf"
        conf.write_text("\n".join(lines) + "\n")
        log = d / "daemon.log"
        env = dict(os.environ, SNMP_PERSISTENT_DIR=str(d / "persistent"), MIBS="")
        proc = subprocess.Popen(
            [daemon, "-f", "-C", "-c", str(conf), "-Lf", str(log), "-p", str(d / "daemon.pid")], env=env
        )
        try:
            deadline = time.monotonic() + 10
            while "NET-SNMP version" not in (log.read_text() if log.exists() else ""):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"snmpd did not start: {log.read_text() if log.exists() else ''}")
                time.sleep(0.02)
            yield port
        finally:
            proc.kill()
            proc.wait()
