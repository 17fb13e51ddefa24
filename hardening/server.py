"""`aap serve` as a subprocess on a free loopback port, under the network guard, for campaigns 4 and 6."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import netguard
from .common import ROOT, knowledge_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """`aap serve` over `settings`' data; its stdout/stderr go to a file, its outbound attempts to a guard log."""

    def __init__(self, settings, workdir: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = workdir / "serve-output.txt"
        self.guard_log = workdir / "serve-netguard.jsonl"
        env = netguard.child_env(self.guard_log, {**knowledge_env(settings), **(extra_env or {})})
        env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(ROOT)])
        self._out = open(self.output, "w", encoding="utf-8")
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "aap"), "serve", "--port", str(self.port)],
                                        env=env, cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"aap serve s'est arrêté : {self.output.read_text(encoding='utf-8')[-2000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.3)
        raise TimeoutError("aap serve n'a pas démarré")

    def rss_mb(self) -> float:
        """Resident memory of the server process and its children (extraction children included)."""
        total = 0
        for pid in [self.process.pid] + _children(self.process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024

    def attempts(self) -> list[dict]:
        return netguard.read_attempts(self.guard_log)

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)
        self._out.close()
        return self.output.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> "Served":
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.stop()


def _children(pid: int) -> list[int]:
    try:
        found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return found + [g for c in found for g in _children(c)]
