"""Recorded exchanges with a real model server, and a stub server on the loopback that replays them.

`make test` cannot run a model, but it can run the real HTTP path: LangChain's clients talk to `ReplayServer`,
which answers each request with the next recorded response (status, headers, body, or the streamed chunks at
their recorded pace, sped up), after checking that the request asks for what the recording was made with (the
structured-output method, streaming). It notes what each request asked and when the client hung up.

The recordings in `tests/data/llm_recordings/` were made once against llama-cpp-python's server with
`RecordingProxy` (see `python tests/llm_replay.py --help`): the app talks to the proxy, the proxy to the server.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "data" / "llm_recordings"


def request_summary(body: dict) -> dict:
    """What a chat request asks, without its (long) prompt: enough to check a replay and to read a recording."""
    response_format = body.get("response_format")
    tool_choice = body.get("tool_choice")
    if isinstance(tool_choice, dict):
        tool_choice = tool_choice.get("function", {}).get("name") or tool_choice.get("type")
    return {
        "model": body.get("model"),
        "stream": bool(body.get("stream")),
        "max_tokens": body.get("max_tokens") or body.get("max_completion_tokens"),
        "response_format": response_format.get("type") if isinstance(response_format, dict) else response_format,
        "tools": [t.get("function", {}).get("name") for t in body.get("tools") or []],
        "tool_choice": tool_choice,
        "roles": [m.get("role") for m in body.get("messages") or []],
    }


def load(name: str) -> dict:
    return json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))


class ReplayServer:
    """Replays the named recordings in order, one per request, on 127.0.0.1 (a free port).

    >>> with ReplayServer(["plan_json_schema_refused", "plan_tool_call"]) as stub:   # doctest: +SKIP
    ...     ChatOpenAI(base_url=stub.base_url, ...)
    >>> stub.requests[0]["response_format"], stub.hangups                          # doctest: +SKIP
    """

    def __init__(self, names: list[str | dict], speed: float = 20.0):
        self.queue = [load(n) if isinstance(n, str) else n for n in names]  # a dict: an exchange a test made up
        self.speed = speed  # recorded pauses between chunks are divided by this
        self.requests: list[dict] = []  # the summary of each request received
        self.bodies: list[dict] = []  # and its whole body (to check what a client sends)
        self.mismatches: list[str] = []  # a request that did not ask what its recording asked
        self.hangups: list[float] = []  # monotonic times at which a client closed a stream before its end
        self.finished: list[float] = []  # monotonic times at which a stream was sent to its end
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ReplayServer:
        threading.Thread(target=self._server.serve_forever, daemon=True, name="llm-replay").start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, summary: dict) -> dict | None:
        with self._lock:
            self.requests.append(summary)
            if not self.queue:
                self.mismatches.append(f"requête de trop : {summary}")
                return None
            recording = self.queue.pop(0)
        expected = recording["request"]
        for key in ("stream", "response_format", "tools", "tool_choice"):
            if expected.get(key) != summary.get(key):
                self.mismatches.append(f"{recording['name']} : {key} {summary.get(key)!r} ≠ {expected.get(key)!r}")
                return None
        return recording

    def _handler(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                replay.bodies.append(body)
                recording = replay._next(request_summary(body))
                if recording is None:
                    self._send(400, {"content-type": "application/json"},
                               json.dumps({"error": {"message": "the replay server has no recording for this request"}}))
                    return
                response = recording["response"]
                if "chunks" not in response:
                    self._send(response["status"], response["headers"], response["body"])
                    return
                self.send_response(response["status"])
                for key, value in response["headers"].items():
                    self.send_header(key, value)
                self.send_header("connection", "close")
                self.end_headers()
                try:
                    for pause, chunk in response["chunks"]:
                        time.sleep(pause / replay.speed)
                        self.wfile.write(chunk.encode("utf-8"))
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    replay.hangups.append(time.monotonic())
                    return
                replay.finished.append(time.monotonic())

            def _send(self, status: int, headers: dict, text: str) -> None:
                data = text.encode("utf-8")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


class RecordingProxy:
    """Forwards every request to `upstream` and saves the exchange (request summary, response with the pause
    before each streamed chunk) as `<prefix>-<n>.json` in `out`."""

    def __init__(self, upstream: str, out: Path, prefix: str, port: int, note: str):
        self.upstream, self.out, self.prefix, self.note = upstream.rstrip("/"), out, prefix, note
        self.count = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())

    def serve(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self._server.serve_forever()

    def _save(self, summary: dict, response: dict) -> None:
        self.count += 1
        name = f"{self.prefix}-{self.count}"
        record = {"name": name, "recorded_with": self.note, "request": summary, "response": response}
        (self.out / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")

    def _handler(self):
        import httpx

        proxy = self
        kept = ("content-type",)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                summary = request_summary(body)
                url = proxy.upstream + self.path.removeprefix("/v1")
                with httpx.Client(timeout=None) as client, client.stream(
                        "POST", url, content=raw, headers={"content-type": "application/json"}) as upstream:
                    headers = {k: v for k, v in upstream.headers.items() if k.lower() in kept}
                    self.send_response(upstream.status_code)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("connection", "close")
                    self.end_headers()
                    chunks, last = [], time.monotonic()
                    try:
                        for piece in upstream.iter_text():
                            now = time.monotonic()
                            chunks.append([round(now - last, 3), piece])
                            last = now
                            self.wfile.write(piece.encode("utf-8"))
                            self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        chunks.append([0, ""])  # the client hung up: the recording ends where it did
                if summary["stream"]:
                    response = {"status": upstream.status_code, "headers": headers, "chunks": chunks}
                else:
                    response = {"status": upstream.status_code, "headers": headers,
                                "body": "".join(c for _, c in chunks), "seconds": round(sum(p for p, _ in chunks), 1)}
                proxy._save(summary, response)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Enregistre les échanges avec un serveur de modèle réel. Exemple : "
                                     "python tests/llm_replay.py --upstream http://127.0.0.1:8081/v1 --port 8090 "
                                     "--prefix plan --note 'llama-cpp-python 0.3, Qwen2.5-Coder-1.5B Q4_K_M'")
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--note", required=True)
    parser.add_argument("--out", type=Path, default=RECORDINGS / "raw")
    args = parser.parse_args()
    RecordingProxy(args.upstream, args.out, args.prefix, args.port, args.note).serve()


if __name__ == "__main__":
    main()
