"""A second attack on what `reviewctl serve` leaves behind: a file uploaded through a form
(a report, a chronology, which may hold what the guard is about to refuse) was kept in a
folder of the temporary folder while its step ran; a `serve` killed outright (SIGKILL,
the machine's out-of-memory killer) left it there for good. It now goes in a private
folder named by the process, as `confidential --edit`'s copy does, which the next
reviewctl to start removes. A real server in a real process, killed for real."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from helpers import TODAY, Cli, git, to_setup
from webclient import Web

MARK = b"Fictional visit by an officer, left-over-upload-mark"


def copies(folders: list[Path]) -> list[Path]:
    found = []
    for folder in folders:
        for top, _, names in os.walk(folder):
            found += [Path(top, n) for n in names if MARK in Path(top, n).read_bytes()]
    return found


def test_an_upload_does_not_outlive_a_serve_killed_in_its_step(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_setup(cli, "lcspr")
    cli.ok("chronology", "request", case_id, "--agency", "Police")
    temporary, runtime = tmp_path / "tmp", tmp_path / "runtime"
    temporary.mkdir()
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "REVIEWCTL_TODAY": TODAY, "TMPDIR": str(temporary), "XDG_RUNTIME_DIR": str(runtime),
           "REVIEWCTL_FAULT": "after-write"}  # the step dies as a kill -9 would, its upload in hand
    process = subprocess.Popen([sys.executable, "-m", "reviewctl", "serve", "--port", "0"], cwd=store, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?key=([\w-]+)", process.stderr.readline())
        assert found is not None
        web = Web(SimpleNamespace(server_address=("127.0.0.1", int(found.group(1)))))  # type: ignore[arg-type]
        web.get(f"/?key={found.group(2)}")
        csv = b"date,time,event,source,significance\n2026-10-01,,\"" + MARK + b"\",Police log,low\n"
        with contextlib.suppress(ConnectionError, OSError):  # the server died answering
            web.post_files(f"/case/{case_id}/chronology-import", [("agency", "Police")],
                           [("file", "police chronology.csv", csv)])
        assert process.wait(timeout=60) == 137
    finally:
        if process.poll() is None:
            process.kill()
    assert copies([temporary, runtime])  # the kill left it, as it must: nothing could tidy up
    done = subprocess.run([sys.executable, "-m", "reviewctl", "doctor"], cwd=store, capture_output=True, text=True,
                          env={**env, "REVIEWCTL_FAULT": ""}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not copies([temporary, runtime]), "an upload outlived the serve that took it"
    assert "upload" in done.stdout + done.stderr
    git(store, "status", "--porcelain")


def test_another_user_of_this_computer_cannot_use_a_serve(cli: Cli, store: Path) -> None:
    """127.0.0.1 is every user's of a shared machine (a terminal server): a process that did not
    open the address serve printed (with its key) reads no page and posts no step; the
    browser that opened it works as before, and the key is never shown back."""
    from helpers import refer, snapshot

    from reviewctl.cli.common import Globals
    from reviewctl.web.server import Server

    case_id = refer(cli)
    before = snapshot(store)
    server = Server(Globals(store, None, None), "127.0.0.1", 0)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        stranger = Web(server)
        for path in ("/", "/new", f"/case/{case_id}", "/due", f"/?key={'0' * 24}"):
            answer = stranger.get(path)
            assert answer.status == 403, (path, answer.status)
            assert case_id not in answer.text and server.guard.key not in answer.text
        assert stranger.cookie is None  # no session was given
        token = server.guard.token("made-up")
        posted = stranger.post(f"/case/{case_id}/triage", [("accept", "yes"), ("reason", "r")], csrf=token)
        assert posted.status == 403
        assert snapshot(store) == before
        owner = Web(server)
        entered = owner.get(f"/?key={server.guard.key}")
        assert entered.status == 303 and entered.headers["location"] == "/" and owner.cookie is not None
        assert case_id in owner.get("/").text
        assert owner.post(f"/case/{case_id}/triage", [("accept", "yes"), ("reason", "Meets the criteria")]).status \
            == 303
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
