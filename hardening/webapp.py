"""A visitor of a running `aap serve`, over plain HTTP as a browser or a script would: sign in, upload a file,
trigger a button's event through Gradio's queue (hidden events included), follow an upload until its report, fetch
a file URL.

    visitor = Visitor(url)
    visitor.login("camille", "secret")
    path = visitor.uploaded_path("note.md", b"# Note")
    outcome = visitor.add_files([visitor.file_data(path, "note.md")])   # queued, then followed to the report
    outcome["status"], outcome["table"]

Like a browser tab, a visitor keeps one Gradio session: the per-session state (`gr.State`: the uploads it follows)
carries from one event to the next.
"""

from __future__ import annotations

import json
import time
import uuid

import httpx

ADD, STATUS, TABLE = "aap-add", "aap-upload-status", "aap-documents"


class Visitor:
    def __init__(self, url: str, timeout: float = 120):
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=timeout, follow_redirects=False)
        self.session = uuid.uuid4().hex[:10]
        self._config: dict | None = None

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

    # -- events ------------------------------------------------------------------------------------------------
    def config(self) -> dict:
        if self._config is None:  # read after login: without it, a server with accounts answers 401
            response = self.http.get("/config")
            response.raise_for_status()
            self._config = response.json()
        return self._config

    def _component(self, elem_id: str) -> int:
        return next(c["id"] for c in self.config()["components"] if c.get("props", {}).get("elem_id") == elem_id)

    def _event(self, target: int, trigger: str) -> dict:
        return next(d for d in self.config()["dependencies"] if [target, trigger] in [list(t) for t in d["targets"]])

    def click(self, elem_id: str, data: list) -> dict:
        """The event of the button `elem_id`, run through the queue: {"success": bool, "output": …}."""
        button = self._component(elem_id)
        return self.trigger(self._event(button, "click"), button, data)

    def trigger(self, event: dict, target: int, data: list) -> dict:
        """One event (`event`: its entry in /config's dependencies) run through the queue in this visitor's session;
        the queue's `process_completed` message, with `by_id`: each output's value under its component's elem_id."""
        joined = self.http.post("/gradio_api/queue/join", json={
            "data": data, "event_data": None, "fn_index": event["id"], "trigger_id": target,
            "session_hash": self.session})
        joined.raise_for_status()
        event_id = joined.json()["event_id"]
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed" and message.get("event_id") == event_id:
                    values = (message.get("output") or {}).get("data") or []
                    ids = [self._elem_id(c) for c in event["outputs"]]
                    message["by_id"] = {i: v for i, v in zip(ids, values) if i}
                    return message
        raise RuntimeError("la file d'attente s'est fermée sans résultat")

    def _elem_id(self, component: int) -> str | None:
        found = next(c for c in self.config()["components"] if c["id"] == component)
        return found.get("props", {}).get("elem_id")

    def add_files(self, files: list[dict], timeout: float = 120) -> dict:
        """« Ajouter à la base » as the page does it: the click only queues the files and starts the progress timer;
        the timer's event is then triggered, as the page would, until the request is done.

        Returns {"success", "error", "status" (the last status shown: the report), "table" (the listing sent with
        the report)}. A click refused at once (a reader, a limit) returns with `success` False and its French
        `error`."""
        button = self._component(ADD)
        add = self._event(button, "click")
        clicked = self.trigger(add, button, [files, None])  # the State input: the server keeps its own value
        outcome = {"success": clicked["success"], "error": (clicked.get("output") or {}).get("error"),
                   "status": clicked["by_id"].get(STATUS), "table": None}
        if not clicked["success"]:
            return outcome
        timer = next(c for c in add["outputs"] if self._type(c) == "timer")
        tick = self._event(timer, "tick")
        deadline = time.monotonic() + timeout
        active = _active(clicked["output"]["data"][add["outputs"].index(timer)])
        while active:
            if time.monotonic() > deadline:
                raise TimeoutError(f"ajout non terminé en {timeout} s : {outcome['status']}")
            time.sleep(0.5)
            followed = self.trigger(tick, timer, [None])
            if not followed["success"]:
                return {**outcome, "success": False, "error": followed["output"].get("error")}
            outcome["status"] = followed["by_id"].get(STATUS, outcome["status"])
            table = followed["by_id"].get(TABLE)
            if isinstance(table, dict) and "data" in table:  # the listing comes with the report only
                outcome["table"] = table
            active = _active(followed["output"]["data"][tick["outputs"].index(timer)])
        return outcome

    def _type(self, component: int) -> str:
        return next(c["type"] for c in self.config()["components"] if c["id"] == component)

    def close(self) -> None:
        self.http.close()


def _active(timer_update) -> bool:
    """Whether a Timer output (an update such as {"__type__": "update", "active": True}) leaves the timer on."""
    return isinstance(timer_update, dict) and bool(timer_update.get("active"))
