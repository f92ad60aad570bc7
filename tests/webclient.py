"""`reviewctl serve` in-process for the tests: a real server on an ephemeral port of 127.0.0.1,
and a client that keeps its session cookie as a browser does.

Plain functions and classes only (as helpers.py); the test modules make the fixtures.
"""

from __future__ import annotations

import http.client
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from helpers import git

from reviewctl.cli.common import Globals
from reviewctl.web.server import Server

REPO = Path(__file__).resolve().parent.parent
DEMO_TODAY = "2026-11-27"
AUTO = "auto"  # post the token of this client's session


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # by lower-case name
    text: str


class Web:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.port = server.server_address[1]
        self.authority = f"127.0.0.1:{self.port}"
        self.cookie: str | None = None

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
        sent = {"Host": self.authority, **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body if method == "POST" else None, sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            got = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        if "set-cookie" in got:
            self.cookie = got["set-cookie"].split(";", 1)[0]
        return Answer(response.status, got, text)

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def token(self, page: str = "/new") -> str:
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', self.get(page).text)
        assert found is not None, "the page has no form with a csrf token"
        return found.group(1)

    def post(self, path: str, fields: list[tuple[str, str]], csrf: str | None = AUTO,
             headers: dict[str, str] | None = None) -> Answer:
        given = fields + ([("csrf", self.token() if csrf == AUTO else csrf)] if csrf is not None else [])
        return self.request("POST", path, urlencode(given).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def post_files(self, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> Answer:
        """A multipart post, as a form with a file field sends it."""
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode()
                 for n, v in [*fields, ("csrf", self.token())]]
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"; filename="{f}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
                  for n, f, data in files]
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


@contextmanager
def serving(store: Path, as_of: str | None = None) -> Iterator[Web]:
    server = Server(Globals(store, as_of, None), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, name="reviewctl-serve-test", daemon=True)
    thread.start()
    try:
        web = Web(server)
        web.get(f"/?key={server.guard.key}")  # as the browser that opens the address serve prints
        yield web
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def demo_store(folder: Path) -> Path:
    """A git store of this repository's fictional demo cases."""
    store = folder / "store"
    store.mkdir()
    shutil.copy(REPO / "reviewctl.yaml", store)
    shutil.copytree(REPO / "cases", store / "cases")
    git(store, "init", "-q", "-b", "main")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "demo store")
    return store


class _Controls(HTMLParser):
    """The named controls of one form of a page (by its section's id), as a browser sends them."""

    def __init__(self, section: str) -> None:
        super().__init__()
        self.section, self.inside, self.depth = section, False, 0
        self.action = ""
        self.controls: list[dict[str, str]] = []  # each: tag, type, id, name, value, checked
        self._select: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and a.get("id") == self.section:
            self.inside = True
        if not self.inside:
            return
        if tag == "form":
            self.action = a["action"]
        elif tag in ("input", "select"):
            control = {"tag": tag, "type": a.get("type", "text"), "id": a.get("id", ""), "name": a.get("name", ""),
                       "value": a.get("value", ""), "checked": "checked" if "checked" in a else ""}
            self.controls.append(control)
            self._select = control if tag == "select" else None
        elif tag == "option" and self._select is not None and "selected" in a:
            self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.inside = False
        elif tag == "select":
            self._select = None


def fill(web: Web, page: str, section: str, given: dict[str, str]) -> Answer:
    """Fill the form in section `section` of `page` as a person does, by the fields' ids (a tick
    box or a radio button: its id, any value), and send it as the browser would: every named
    field with its value, a box or a button only when chosen, an empty field as empty."""
    controls = _Controls(section)
    controls.feed(web.get(page).text)
    assert controls.action, f"no form in #{section} of {page}"
    known = {c["id"] for c in controls.controls}
    assert set(given) <= known, f"no field {sorted(set(given) - known)} in #{section}"
    fields = []
    for c in controls.controls:
        if c["type"] in ("checkbox", "radio"):
            chosen = c["id"] in given or (c["checked"] and not any(
                g["name"] == c["name"] and g["id"] in given for g in controls.controls))
            if chosen:
                fields.append((c["name"], c["value"]))
        elif c["name"]:
            fields.append((c["name"], given.get(c["id"], c["value"])))
    return web.request("POST", controls.action, urlencode(fields).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
