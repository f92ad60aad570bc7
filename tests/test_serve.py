"""`reviewctl serve` over HTTP (issue 20): a real server on an ephemeral port, real stores
copied from the fixtures, real git.  Every page renders; a form posted makes the very
commit the shell makes; a refusal is 422 with the command line's own error and changes
nothing; a post without this session's token, or to another Host, changes nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import NAME, TODAY, USAGE, Cli, copy_store, git, refer, refused_cleanly, snapshot, to_jcrg, to_setup
from webclient import DEMO_TODAY, demo_store, serving

from reviewctl.cli.serve import loopback
from reviewctl.web.pages import document_title
from reviewctl.web.steps import STEP_COMMANDS


def head(store: Path) -> tuple[str, str, str]:
    """The last commit as the shell would compare it: its tree, its message, and how many commits there are."""
    return (git(store, "rev-parse", "HEAD^{tree}").strip(), git(store, "log", "-1", "--format=%B").strip(),
            git(store, "rev-list", "--count", "HEAD").strip())


@pytest.fixture(scope="module")
def _demo(_isolated_home: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("demo"))


def test_every_page_renders_from_the_live_store(_demo: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    monkeypatch.chdir(_demo)
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    listed = json.loads(cli.ok("list", "--format", "json").out)
    with serving(_demo) as web:
        tracker = web.get("/")
        assert tracker.status == 200 and "<h1>Tracker</h1>" in tracker.text
        assert re.findall(r'<tr data-case="([^"]+)"', tracker.text) == [r["id"] for r in listed]
        for row in listed:
            assert f'<a href="/case/{row["id"]}">{row["id"]}</a>' in tracker.text
        ids = {r["id"] for r in listed}
        for path in ("/due", "/actions"):  # each row links to its case's page
            linked = re.findall(r'<tr data-case="([^"]+)".*?<a href="/case/([^"]+)">', web.get(path).text, re.S)
            assert linked and all(a == b and a in ids for a, b in linked), path
        for path, heading in (("/due", "Due"), ("/figures", "Annual figures"), ("/actions", "Improvement actions"),
                              ("/new", "New referral")):
            page = web.get(path)
            assert page.status == 200 and f"<h1>{heading}</h1>" in page.text, path
        for row in listed:
            page = web.get(f"/case/{row['id']}")
            assert page.status == 200, page.text
            assert f"<h1>{row['id']}: {row['subject']}</h1>" in page.text
            assert '<h2 id="history">History</h2>' in page.text and '<h2 id="documents">Documents</h2>' in page.text
            every = [a for a in re.findall(r'(?:href|src|action)="([^"]*)"', page.text)]
            assert every and all(a.startswith(("/", "#")) for a in every), "a page asks nothing of another site"
            assert page.headers["content-security-policy"].startswith("default-src 'none'")
        # What `next` lists is offered: a decision-stage case has the decide form, an ended one none.
        deciding = next(r["id"] for r in listed if r["stage"] == "decision")
        assert 'action="/case/' + deciding + '/decide"' in web.get(f"/case/{deciding}").text
        ended = web.get(f"/case/{next(r['id'] for r in listed if r['stage'] == 'closed')}").text
        assert "/reopen\"" in ended and "/triage\"" not in ended and "/decide\"" not in ended
        assert web.get("/case/SSCP-2026-NOSUCH").status == 404
        assert web.get("/nowhere").status == 404
        assert web.get("/assets/site.css").headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("outcome", [
    [("accept", "yes"), ("reason", "Meets the criteria for scoping"), ("date", "2026-11-03")],
    [("no-further-action", "yes"), ("reason", "Single agency matter; the school’s plan"),
     ("message", "Spoke to the referrer")],
])
def test_a_triage_form_makes_the_commit_the_shell_makes(store: Path, cli: Cli, tmp_path: Path,
                                                         outcome: list[tuple[str, str]]) -> None:
    case_id = refer(cli)
    shell = tmp_path / "shell"
    copy_store(store, shell)
    commits = int(head(store)[2])
    with serving(store) as web:
        posted = web.post(f"/case/{case_id}/triage", [*outcome, ("agency", "Health"), ("agency", "")])
        assert posted.status == 303 and posted.headers["location"] == f"/case/{case_id}", posted.text
        page = web.get(f"/case/{case_id}").text
        # What was done, in words: the step, its commit, where the case went, the letter it wrote.
        short = git(store, "rev-parse", "--short=10", "HEAD").strip()
        assert f"<strong>Done:</strong> “Triage” is recorded, in one commit (<code>{short}</code>)." in page
        moved = {"accept": "“Referral received” to “Triage accepted; initial scoping and information sharing”",
                 "no-further-action": "“Referral received” to “No further or alternative action”"}
        assert f"The case moved from {moved[outcome[0][0]]}." in page
        letters = git(store, "show", "--name-only", "--format=", "HEAD").split()
        written = [f.split("/", 2)[2] for f in letters if "/documents/" in f]
        assert (outcome[0][0] == "no-further-action") == bool(written)
        for name in written:  # each by its name in words
            assert f'<a href="/case/{case_id}/doc/{name}">{document_title(name)}</a>' in page
        assert web.get(f"/case/{case_id}").text.count("<strong>Done:</strong>") == 0  # said once
    argv = [a for name, value in outcome for a in (f"--{name}",) + (() if value == "yes" else (value,))]
    cli.ok("--store", str(shell), "triage", case_id, *argv, "--agency", "Health")
    assert head(store) == head(shell)
    assert git(store, "status", "--porcelain") == "" and int(head(store)[2]) == commits + 1


def test_a_referral_from_the_new_page(store: Path, cli: Cli, tmp_path: Path) -> None:
    shell = tmp_path / "shell"
    copy_store(store, shell)
    fields = [("type", "sar"), ("subject", "Adult B"), ("referrer", "Fictional Adult Social Care"),
              ("received", "2026-11-02"), ("summary", "Pseudonyms only"), ("agency", "Police"),
              ("agency", "Fictional Housing")]
    with serving(store) as web:
        posted = web.post("/refer", fields)
        assert posted.status == 303, posted.text
        case_id = posted.headers["location"].removeprefix("/case/")
        assert web.get(posted.headers["location"]).status == 200
    assert (store / "cases" / case_id / "case.yaml").is_file()
    cli.ok("--store", str(shell), "refer", "--type", "sar", "--subject", "Adult B", "--referrer",
           "Fictional Adult Social Care", "--received", "2026-11-02", "--summary", "Pseudonyms only",
           "--agency", "Police", "--agency", "Fictional Housing")
    # The id is random: the same message and files, under another id.
    theirs = git(shell, "log", "-1", "--format=%B").strip()
    other = re.search(r"[A-Z]+-\d{4}-[A-Z0-9]+", theirs)
    assert other is not None and head(store)[1] == theirs.replace(other.group(), case_id)
    assert git(store, "show", "--name-only", "--format=").replace(case_id, "ID") == \
        git(shell, "show", "--name-only", "--format=").replace(other.group(), "ID")


def test_a_refusal_is_422_with_the_command_lines_error_and_changes_nothing(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    before = snapshot(store)
    with serving(store) as web:
        answer = web.post(f"/case/{case_id}/triage", [("accept", "yes"), ("no-further-action", "yes"),
                                                      ("reason", "Both, by mistake")])
        assert answer.status == 422
        dated = web.post(f"/case/{case_id}/triage", [("accept", "yes"), ("reason", "r"), ("date", "2026-13-45")])
        assert dated.status == 422
    assert snapshot(store) == before
    line = refused_cleanly(cli, store, USAGE, "triage", case_id, "--accept", "--no-further-action",
                           "--reason", "Both, by mistake")
    assert f'<p class="error" id="triage-error" tabindex="-1"><strong>Not done:</strong> {line}</p>' \
        in answer.text.replace("&#39;", "'")
    # Tied to the fields it names, and kept what was typed.
    # The two switches are one choice: the first it names has the focus, the choice is described by the error.
    assert re.search(r'id="triage-accept" name="accept" value="accept" checked aria-invalid="true" '
                     r'aria-describedby="triage-error" autofocus>',
                     answer.text)
    assert '<fieldset class="field" aria-describedby="triage-error">' in answer.text
    assert 'aria-describedby="triage-error">' in answer.text  # and the form itself
    assert 'value="Both, by mistake"' in answer.text and "<title>Not done: " in answer.text
    date_line = refused_cleanly(cli, store, USAGE, "triage", case_id, "--accept", "--reason", "r",
                                "--date", "2026-13-45")
    assert date_line.replace("'", "&#39;") in dated.text
    assert 'id="triage-date" name="date" value="2026-13-45" aria-invalid="true"' in dated.text


def test_a_post_without_this_sessions_token_is_403_and_changes_nothing(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    before = snapshot(store)
    accept = [("accept", "yes"), ("reason", "Meets the criteria")]
    with serving(store) as web:
        assert web.post(f"/case/{case_id}/triage", accept, csrf=None).status == 403
        assert web.post(f"/case/{case_id}/triage", accept, csrf="0" * 64).status == 403
        assert web.post(f"/case/{case_id}/triage", accept, csrf="é" * 3).status == 403
        token = web.token()
        cookie = web.cookie
        web.cookie = None  # another browser (a page elsewhere) has no cookie of this session
        assert web.post(f"/case/{case_id}/triage", accept, csrf=token).status == 403
        web.cookie = cookie
        for origin in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            assert web.post(f"/case/{case_id}/triage", accept, csrf=token, headers=origin).status == 403
        with serving(store) as other:  # a token of another server (or of this one before a restart)
            other_token = other.token()
        assert web.post(f"/case/{case_id}/triage", accept, csrf=other_token).status == 403
        assert snapshot(store) == before
        assert web.post(f"/case/{case_id}/triage", accept, csrf=token).status == 303  # the same post, with it


def test_another_host_is_refused(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    before = snapshot(store)
    with serving(store) as web:
        token = web.token()
        for host in (f"evil.example:{web.port}", f"localhost:{web.port}", "127.0.0.1", f"127.0.0.1:{web.port + 1}"):
            assert web.get("/", Host=host).status == 421
            answer = web.post(f"/case/{case_id}/triage", [("accept", "yes"), ("reason", "r")], csrf=token,
                              headers={"Host": host})
            assert answer.status == 421 and web.server.url in answer.text
    assert snapshot(store) == before


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.invalid", "", "127.0.0.1.nip.io"])
def test_a_host_other_than_loopback_is_refused(store: Path, cli: Cli, host: str) -> None:
    line = refused_cleanly(cli, store, USAGE, "serve", "--host", host, "--port", "0")
    assert "is not a loopback address" in line


def test_loopback_addresses_are_served() -> None:
    assert [loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost")] == \
        ["127.0.0.1", "127.0.0.2", "::1", "::1", "127.0.0.1"]


def test_no_form_for_what_shows_or_destroys_identifiers(team: Path, cli: Cli) -> None:
    case_id = refer(cli, "lcspr", "--name", NAME)
    before = snapshot(team)
    with serving(team) as web:
        for step in ("confidential", "purge"):
            assert step not in STEP_COMMANDS
            assert web.post(f"/case/{case_id}/{step}", [("show", "yes")]).status == 404
        for path in ("/", "/due", "/new", f"/case/{case_id}"):
            assert NAME not in web.get(path).text
        page = web.get(f"/case/{case_id}").text
        assert "identifiers.age" not in page
        assert web.get(f"/case/{case_id}/doc/identifiers.age").status == 404
        assert web.get(f"/case/{case_id}/doc/../../reviewctl.yaml").status == 404
        assert 'name="name"' not in web.get("/new").text  # refer's --name is left out of the form
        refused = web.post("/refer", [("type", "sar"), ("subject", "A"), ("referrer", "R"), ("name", NAME)])
        assert refused.status == 400 and NAME not in refused.text
    assert snapshot(team) == before


def test_documents_and_a_file_upload(store: Path, cli: Cli) -> None:
    case_id = to_setup(cli, "lcspr")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
        letters = re.findall(rf'<a href="/case/{case_id}/doc/(documents/[^"]+\.md)">', page)
        assert letters
        letter = web.get(f"/case/{case_id}/doc/{letters[0]}")  # a page (test_serve_documents.py)
        assert letter.status == 200 and letter.headers["content-type"] == "text/html; charset=utf-8"
        letter = web.get(f"/case/{case_id}/doc/{letters[0]}?download=1")
        assert letter.status == 200 and letter.headers["content-type"] == "text/markdown; charset=utf-8"
        assert letter.text == (store / "cases" / case_id / letters[0]).read_text()
        assert 'enctype="multipart/form-data"' in page  # chronology import takes a file
        assert web.post(f"/case/{case_id}/chronology-request", [("agency", "Police")]).status == 303
        csv = b"date,time,event,source,significance\n2026-10-01,,Fictional visit by an officer,Police log,low\n"
        answer = web.post_files(f"/case/{case_id}/chronology-import", [("agency", "Police")],
                                [("file", "../police chronology.csv", csv)])
        assert answer.status == 303, answer.text
    assert "chronology" in git(store, "log", "-1", "--format=%B")
    assert git(store, "status", "--porcelain") == ""


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["INT", "TERM", "HUP"])
def test_serve_prints_its_address_and_stops_on_ctrl_c(store: Path, stop: signal.Signals) -> None:
    """Ctrl-C, a `kill`, or the terminal closed: it stops, saying so (after any step under way)."""
    env = {**os.environ, "REVIEWCTL_TODAY": TODAY}
    process = subprocess.Popen([sys.executable, "-m", "reviewctl", "serve", "--port", "0"], cwd=store, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        found = re.search(r"at (http://127\.0\.0\.1:(\d+)/\?key=[\w-]+) \(this computer only\)", first)
        assert found is not None, first
        import urllib.request

        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())  # keeps the session
        with browser.open(found.group(1), timeout=60) as answer:
            assert answer.status == 200
        time.sleep(0.2)
        process.send_signal(stop)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert err.strip().endswith("stopped") and "Traceback" not in err


def test_a_port_in_use_is_refused_in_one_line(store: Path, cli: Cli) -> None:
    with serving(store) as web:
        line = refused_cleanly(cli, store, USAGE, "serve", "--port", str(web.port))
    assert f"port {web.port} is in use" in line


@pytest.mark.parametrize("argv", [["--help"], ["serve", "--help"], ["triage", "{id}", "--accept", "--reason", "r"]])
def test_other_commands_never_load_the_web_face(store: Path, cli: Cli, argv: list[str]) -> None:
    """`serve` is imported only when it runs: `--help` and a step start as fast as before."""
    case_id = refer(cli)
    given = [a.replace("{id}", case_id) for a in argv]
    probe = ("import sys\nfrom reviewctl.cli.app import main\ncode = main(sys.argv[1:])\n"
             "web = ('reviewctl.web', 'http.server', 'email.parser')\n"
             "loaded = sorted(m for m in sys.modules if m.startswith(web))\n"
             "print('LOADED', loaded, code, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, *given], cwd=store, capture_output=True, text=True,
                          env={**os.environ, "REVIEWCTL_TODAY": TODAY}, timeout=120)
    assert "LOADED [] 0" in done.stderr, done.stderr


def test_an_approval_from_the_browser_is_signed_with_your_own_key(signed: Path, cli: Cli, tmp_path: Path) -> None:
    """The approve form signs exactly as `reviewctl approve` does (alice's key, configured in git)."""
    case_id = to_jcrg(cli, signed, tmp_path)
    with serving(signed) as web:
        page = web.get(f"/case/{case_id}").text
        assert 'action="/case/' + case_id + '/approve"' in page and "Signs with your own key" in page
        assert web.post(f"/case/{case_id}/approve", [("role", "sscp")]).status == 303
        git(signed, "config", "--unset", "user.signingkey")  # no key: refused, saying how to make one
        refused = web.post(f"/case/{case_id}/approve", [("role", "independent-chair")])
        assert refused.status == 422 and "ssh-keygen" in refused.text
    verified = subprocess.run(
        ["git", "-c", f"gpg.ssh.allowedSignersFile={signed / '.reviewctl' / 'allowed_signers'}",
         "verify-commit", "HEAD"], cwd=signed, capture_output=True, text=True)
    assert "Good" in verified.stderr and "approve" in git(signed, "log", "-1", "--format=%s")


def test_bad_posts_are_refused_and_change_nothing(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    before = snapshot(store)
    with serving(store) as web:
        token = web.token()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert web.request("POST", f"/case/{case_id}/triage", b"accept=yes&reason=%ff&csrf=" + token.encode(),
                           form).status == 400  # not UTF-8
        assert web.request("POST", f"/case/{case_id}/triage", b'{"accept": true}',
                           {"Content-Type": "application/json"}).status == 415
        assert web.request("POST", f"/case/{case_id}/triage", b"", {**form, "Content-Length": "999999999"}).status \
            == 413
        assert web.post(f"/case/{case_id}/triage", [("accept", "yes"), ("dry-run", "yes")]).status == 400
        assert web.post("/case/TST-2026-NOSUCH/triage", [("accept", "yes"), ("reason", "r")]).status == 404
        assert web.post(f"/case/{case_id}/no-such-step", [("reason", "r")]).status == 404
        assert web.post(f"/case/{case_id}/triage", [("accept", "yes"), ("reason", "a\x00b")]).status == 422
    assert snapshot(store) == before


@pytest.mark.parametrize(("argv", "said"), [
    (["--as-of", "2026-13-01", "serve", "--port", "0"], "not a real date"),
    (["serve", "--port", "70000"], "less than or equal to 65535"),
])
def test_bad_serve_options_are_refused_in_one_line(store: Path, cli: Cli, argv: list[str], said: str) -> None:
    assert said in refused_cleanly(cli, store, USAGE, *argv)


def test_serve_outside_a_store_says_where_to_go(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("serve", "--port", "0")
    assert result.code == 4 and result.err.startswith("error: no reviewctl store here") and result.out == ""


def test_a_browser_that_hangs_up_early_is_no_error(store: Path) -> None:
    """A tab closed before its answer (a favicon no longer wanted): the write fails with a broken
    pipe or a reset, which is no error of ours: no "internal error" and no crash log."""
    import socket
    import struct

    env = {**os.environ, "REVIEWCTL_TODAY": TODAY}
    process = subprocess.Popen([sys.executable, "-m", "reviewctl", "serve", "--port", "0"], cwd=store, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stderr.readline())
        assert found is not None
        for _ in range(5):
            hang_up = socket.create_connection(("127.0.0.1", int(found.group(1))), timeout=30)
            # Closed with a reset at once (linger 0), as a browser drops a connection it no longer wants.
            hang_up.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            hang_up.sendall(f"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:{found.group(1)}\r\n\r\n".encode())
            hang_up.close()
        time.sleep(1)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "internal error" not in err and "Traceback" not in err, err
