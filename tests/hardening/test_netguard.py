"""Campaign 6 (offline): the socket guard that tests/conftest.py installs for the whole suite really guards."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from hardening import netguard


def test_an_outbound_connection_is_refused_and_recorded(tmp_path):
    log = tmp_path / "attempts.jsonl"
    with netguard.redirected(log):
        with pytest.raises(netguard.OutboundBlocked):
            socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1: never routed
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("huggingface.co", 443)
    kinds = [a["kind"] for a in netguard.read_attempts(log)]
    assert kinds == ["connect", "getaddrinfo"]


def test_loopback_stays_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert netguard.is_loopback("::1") and netguard.is_loopback("localhost")
    assert not netguard.is_loopback("10.0.0.1") and not netguard.is_loopback("example.org")


def test_python_subprocesses_get_the_guard_too(tmp_path):
    log = tmp_path / "child.jsonl"
    code = "import socket\ntry:\n    socket.create_connection(('198.51.100.7', 80), timeout=1)\nexcept OSError as e:\n    print(type(e).__name__)"
    out = subprocess.run([sys.executable, "-c", code], env=netguard.child_env(log), capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "OutboundBlocked"
    assert [a["target"] for a in netguard.read_attempts(log)] == ["('198.51.100.7', 80)"]
