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
        yield Web(server)
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
