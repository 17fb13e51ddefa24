"""A socket guard: any connection (or name lookup) that leaves the machine is refused and recorded.

`install(log)` patches this process; `child_env(log)` gives subprocesses (CLI runs, the Chroma server's Python
side, spawned extraction children) the same guard through a `sitecustomize` on their PYTHONPATH. Attempts are
appended to `log` as JSON lines, so a library that swallows the refusal is still caught by `read_attempts`.

uvloop (which uvicorn, hence Gradio, picks when it is installed) connects and resolves names in C, out of this
guard's sight: `install` makes it unimportable, so a guarded server runs on asyncio's own loop, whose sockets are
Python's. A process that imported uvloop before `install` is not covered.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import socket
import sys
import traceback
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "_site"
ENV_LOG = "NETGUARD_LOG"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}

_state: dict = {"log": None, "attempts": []}


class OutboundBlocked(PermissionError):
    pass


def is_loopback(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").split("%", 1)[0].lower()
    if host in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _is_numeric(host) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host).strip("[]").split("%", 1)[0])
        return True
    except ValueError:
        return False


def _record(kind: str, target) -> None:
    entry = {"kind": kind, "target": repr(target), "pid": os.getpid(),
             "stack": "".join(traceback.format_stack(limit=12)[:-2])}
    _state["attempts"].append(entry)
    if _state["log"]:
        with open(_state["log"], "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")


def _check_address(sock, address, kind: str) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink...: local by nature
    host = address[0] if isinstance(address, tuple) else address
    if not is_loopback(host):
        _record(kind, address)
        raise OutboundBlocked(f"connexion sortante bloquée par le garde réseau : {address!r}")


def install(log: str | os.PathLike | None = None) -> None:
    """Patch socket connect/connect_ex/sendto and getaddrinfo in this process (idempotent)."""
    if log:
        _state["log"] = str(log)
    if getattr(socket, "_aap_netguard", False):
        return
    sys.modules.setdefault("uvloop", None)  # `import uvloop` fails: uvicorn falls back to asyncio (see above)
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex
    original_sendto, original_getaddrinfo = socket.socket.sendto, socket.getaddrinfo

    def connect(self, address):
        _check_address(self, address, "connect")
        return original_connect(self, address)

    def connect_ex(self, address):
        _check_address(self, address, "connect_ex")
        return original_connect_ex(self, address)

    def sendto(self, data, *args):
        _check_address(self, args[-1], "sendto")
        return original_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host) and not _is_numeric(host):  # a numeric address needs no lookup: connect decides
            _record("getaddrinfo", host)
            raise socket.gaierror(socket.EAI_NONAME, f"résolution de nom bloquée par le garde réseau : {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
    socket.getaddrinfo = getaddrinfo
    socket._aap_netguard = True


def child_env(log: str | os.PathLike, env: dict | None = None) -> dict:
    """An environment whose Python subprocesses install the guard at start-up and log to `log`."""
    env = dict(os.environ if env is None else env)
    env[ENV_LOG] = str(log)
    env["PYTHONPATH"] = os.pathsep.join([str(SITE_DIR)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def read_attempts(log: str | os.PathLike) -> list[dict]:
    path = Path(log)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextlib.contextmanager
def redirected(log: str | os.PathLike):
    """Record attempts to another log for a while (a test that provokes one on purpose)."""
    previous, mark = _state["log"], len(_state["attempts"])
    _state["log"] = str(log)
    try:
        yield
    finally:
        _state["log"] = previous
        del _state["attempts"][mark:]
