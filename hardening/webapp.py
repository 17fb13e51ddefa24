"""A visitor of a running `aap serve`, over plain HTTP as a browser or a script would: sign in, upload a file,
trigger a button's event through Gradio's queue (hidden events included), fetch a file URL.

    visitor = Visitor(url)
    visitor.login("camille", "secret")
    path = visitor.upload("note.md", b"# Note")
    outcome = visitor.click("aap-add", [[visitor.file_data(path, "note.md")]])
"""

from __future__ import annotations

import json
import uuid

import httpx


class Visitor:
    def __init__(self, url: str, timeout: float = 120):
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=timeout, follow_redirects=False)

    def login(self, user: str, password: str) -> httpx.Response:
        return self.http.post("/login", data={"username": user, "password": password})

    def upload(self, name: str, content: bytes) -> httpx.Response:
        return self.http.post("/gradio_api/upload", files={"files": (name, content)})

    def uploaded_path(self, name: str, content: bytes) -> str:
        response = self.upload(name, content)
        response.raise_for_status()
        return response.json()[0]

    def get_file(self, path: str) -> httpx.Response:
        return self.http.get(f"/gradio_api/file={path}")

    @staticmethod
    def file_data(path: str, name: str) -> dict:
        return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    def click(self, elem_id: str, data: list) -> dict:
        """The event of the button `elem_id`, run through the queue: {"success": bool, "output": …}."""
        config = self.http.get("/config").json()
        button = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id)
        event = next(d for d in config["dependencies"] if [button, "click"] in [list(t) for t in d["targets"]])
        session = uuid.uuid4().hex[:10]
        joined = self.http.post("/gradio_api/queue/join", json={
            "data": data, "event_data": None, "fn_index": event["id"], "trigger_id": button, "session_hash": session})
        joined.raise_for_status()
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
        raise RuntimeError("la file d'attente s'est fermée sans résultat")

    def close(self) -> None:
        self.http.close()
