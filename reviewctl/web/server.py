"""The server of `reviewctl serve`: the standard library's ThreadingHTTPServer, on a loopback address.

Pages (GET): `/` the tracker, `/due` (and `/due.ics`, its deadlines as a calendar file),
`/figures`, `/actions`, `/case/ID` (with a form for every step allowed now),
`/case/ID/doc/PATH` (a document of the case: a page for markdown), `/new` (a referral),
`/assets/NAME`.  Steps (POST): `/case/ID/STEP` and `/refer`: the command line's own step
(runner.py), then 303 back to the case; a refusal is 422 with the command's error line
beside its form; a post without this session's token is 403 and runs nothing.
"""

from __future__ import annotations

import errno
import re
import socket
import socketserver
import sys
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from reviewctl.adapters.privatedir import private_folder
from reviewctl.adapters.render import read_template
from reviewctl.cli.app import _crash_log
from reviewctl.cli.common import Globals
from reviewctl.cli.output import printable
from reviewctl.core.reports.live_pages import NoSuchCase, Store, document_path, documents
from reviewctl.errors import ReviewctlError, UsageError
from reviewctl.web import pages
from reviewctl.web.body import BodyError, Posted, read_posted, safe_filename
from reviewctl.web.forms import FormError, argv_for, form_for
from reviewctl.web.guard import HEADERS, Guard
from reviewctl.web.runner import Runner
from reviewctl.web.steps import REFER, STEP_COMMANDS

_ID = r"[A-Za-z0-9][A-Za-z0-9-]{0,63}"
_CASE = re.compile(rf"/case/({_ID})")
_STEP = re.compile(rf"/case/({_ID})/([a-z][a-z-]*)")
_DOC = re.compile(rf"/case/({_ID})/doc/(.+)")
_OLD_CASE = re.compile(rf"/cases/({_ID})\.html")  # the static site's links, in a store's own older templates
ASSETS = {"site.css": "text/css", "early.js": "text/javascript", "site.js": "text/javascript",
          "serve.js": "text/javascript"}
_TEXT = (".md", ".txt", ".csv", ".yaml", ".yml")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, given: Globals, host: str, port: int) -> None:
        store = given.store()  # no store here: refused in one line before anything listens
        self.store_root = store.root
        self.globals = Globals(store.root, given.as_of, given.identity)
        self.globals.today()  # a --as-of that is no date: refused now, not on every page
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            super().__init__((host, port), Handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is in use on {host}; give another with --port "
                                 "(--port 0 picks a free one)") from None
            raise
        self.guard = Guard(host, self.server_address[1])
        self.runner = Runner(self.globals)
        self.url = f"{self.guard.origin}/"
        self.entry = f"{self.url}?key={self.guard.key}"  # what the terminal shows: the key lets its browser in
        self.flashes: dict[str, pages.Done] = {}  # by session: what the last step did, shown once
        self.log = sys.stderr  # the terminal's, kept: a step's own output is captured meanwhile

    def server_bind(self) -> None:
        # HTTPServer's own looks the host's name up in the DNS, which a loopback server never needs.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def store(self) -> Store:
        return self.globals.store()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closed its connection before the answer (a tab closed, a favicon no longer
        # wanted) is no error of ours: nothing to log, nothing to write a crash log for.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        # Never a traceback on the terminal (it may quote data): to a log file, as the command line does.
        self.log.write(f"error: an unexpected internal error; details were written to {_crash_log()}\n")


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "reviewctl"
    protocol_version = "HTTP/1.1"
    timeout = 120  # an idle connection is closed, not kept open for ever

    # -- answers -------------------------------------------------------------------
    def version_string(self) -> str:
        return self.server_version  # nothing about Python in the Server header

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log.write(printable(format % args) + "\n")

    def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {**HEADERS, "Content-Type": kind, "Content-Length": str(len(body)),
                            **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, text.encode("utf-8"), headers=headers)

    def _message(self, status: int, title: str, message: str, headers: dict[str, str] | None = None) -> None:
        store, today = self.server.store(), self.server.globals.today()
        self._html(status, pages.message_page(store, today, title, message), headers)

    def _redirect(self, where: str, status: int = HTTPStatus.SEE_OTHER, headers: dict[str, str] | None = None) -> None:
        self._send(status, b"", "text/plain; charset=utf-8", {"Location": where, **(headers or {})})

    def _host_ok(self) -> bool:
        if self.server.guard.host_ok(self.headers.get("Host")):
            return True
        text = (f"This server answers only at {self.server.url}; open that address. "
                "(A page reached under another name is refused, so no other site can use it.)\n")
        self._send(HTTPStatus.MISDIRECTED_REQUEST, text.encode(), "text/plain; charset=utf-8", {"Connection": "close"})
        return False

    def _session(self, path: str) -> str | None:
        """The browser's session; None when the request was answered here: a new session (and
        its cookie) for the address with the key, sent on to the same page without it, or a
        refusal for anything else (another user's process, a page opened without the key)."""
        guard = self.server.guard
        session = guard.session(self.headers.get("Cookie"))
        if session is not None:
            return session
        given = parse_qs(urlsplit(self.path).query).get("key", [None])[0]
        if guard.key_ok(given):
            _, cookie = guard.new_session()
            self._redirect(urlsplit(self.path).path or "/", headers={"Set-Cookie": cookie})
        else:
            text = ("This server answers only the browser that opened the address `reviewctl serve` printed in its "
                    "terminal (it carries a key, so that no other user of this computer can use it); open that "
                    "address.\n")
            self._send(HTTPStatus.FORBIDDEN, text.encode(), "text/plain; charset=utf-8")
        return None

    # -- GET -----------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path = unquote(urlsplit(self.path).path)
        try:
            self._get(path)
        except NoSuchCase as error:
            self._message(HTTPStatus.NOT_FOUND, "Not found", error.message)
        except ReviewctlError as error:
            self._message(HTTPStatus.INTERNAL_SERVER_ERROR, "The store cannot be shown",
                          f"error: {printable(error.message)}")

    def _get(self, path: str) -> None:
        runner = self.server.runner
        if path.startswith("/assets/") and path[len("/assets/"):] in ASSETS:
            self._asset(path[len("/assets/"):])
            return
        if path in ("/index.html", "/due.html", "/figures.html", "/actions.html"):
            self._redirect("/" + path[1:-len(".html")].replace("index", ""), HTTPStatus.FOUND)
            return
        if old := _OLD_CASE.fullmatch(path):
            self._redirect(f"/case/{old.group(1)}", HTTPStatus.FOUND)
            return
        found = self._session(path)
        if found is None:
            return
        session = found
        if path == pages.CALENDAR:  # the command line's own feed, as `due --format ics` writes it
            self._calendar()
            return
        csrf = self.server.guard.token(session)
        store, today = self.server.store(), self.server.globals.today()
        with runner.alone():
            if path.startswith("/") and path[1:] in [a for a, _, _ in pages.PAGES]:
                self._html(HTTPStatus.OK, pages.dashboard(store, today, path[1:], csrf))
            elif path == "/new":
                self._html(HTTPStatus.OK, pages.new_page(store, today, csrf))
            elif case := _CASE.fullmatch(path):
                done = self.server.flashes.pop(session, None)
                self._html(HTTPStatus.OK, pages.case_page(store, today, case.group(1), csrf, done))
            elif doc := _DOC.fullmatch(path):
                download = "download" in parse_qs(urlsplit(self.path).query)
                self._document(store, today, doc.group(1), doc.group(2), download)
            elif (step := _STEP.fullmatch(path)) and step.group(2) in STEP_COMMANDS:
                # The address a refused form was posted to, opened again (a bookmark, the address bar): its case.
                self._redirect(f"/case/{step.group(1)}#step-{step.group(2)}", HTTPStatus.FOUND)
            else:
                raise NoSuchCase(f"there is no page {path!r} here; the tracker is at /")

    def _calendar(self) -> None:
        ran = self.server.runner.run(["due", "--format", "ics"])
        if not ran.out.startswith("BEGIN:VCALENDAR"):  # a store it cannot read: said as the command says it
            self._message(HTTPStatus.INTERNAL_SERVER_ERROR, "The calendar cannot be made", printable(ran.error))
            return
        self._send(HTTPStatus.OK, ran.out.encode("utf-8"), "text/calendar; charset=utf-8",
                   {"Content-Disposition": 'attachment; filename="deadlines.ics"'})

    def _asset(self, name: str) -> None:

        found = read_template(f"site/{name}", self.server.store().templates_search())
        if found is None:
            raise NoSuchCase(f"templates/site/{name} not found; restore it from reviewctl's own templates")
        self._send(HTTPStatus.OK, found[0].encode("utf-8"), f"{ASSETS[name]}; charset=utf-8")

    def _document(self, store: Store, today: date, case_id: str, name: str, download: bool) -> None:
        """A markdown document is a page (its text as HTML, web/markdown.py), and the file itself
        with `?download=1`; another text is shown as text; anything else is a download."""
        if case_id not in store.case_ids():
            raise NoSuchCase(f"no case {case_id!r} in this store")
        data = document_path(store, case_id, name).read_bytes()
        filename = safe_filename(name)  # a name in the store is any bytes: a header gets letters, digits, . _ -
        sandboxed = {"Content-Security-Policy": "sandbox; default-src 'none'"}
        if name.endswith(".md") and not download:
            text = data.decode("utf-8", "replace")
            listed = {d.name for d in documents(store, case_id)}
            word = name[:-len(".md")] + ".docx"
            self._html(HTTPStatus.OK, pages.document_page(store, today, case_id, name, text,
                                                          word if word in listed else None))
        elif name.endswith(_TEXT) and not download:
            self._send(HTTPStatus.OK, data, "text/plain; charset=utf-8", sandboxed)
        else:
            kind = "text/markdown; charset=utf-8" if name.endswith(".md") else \
                "text/plain; charset=utf-8" if name.endswith(_TEXT) else "application/octet-stream"
            self._send(HTTPStatus.OK, data, kind,
                       {"Content-Disposition": f"attachment; filename=\"{filename}\"", **sandboxed})

    # -- POST ----------------------------------------------------------------------
    def do_POST(self) -> None:
        if not self._host_ok():
            return
        path = urlsplit(self.path).path
        try:
            posted = read_posted(self.headers.get("Content-Type"), self.headers.get("Content-Length"), self.rfile)
        except BodyError as error:
            self._message(error.status, "Not done", error.message, {"Connection": "close"})
            return
        guard = self.server.guard
        session = guard.session(self.headers.get("Cookie"))
        if not guard.post_ok(session, posted.first("csrf"), self.headers.get("Origin"),
                             self.headers.get("Sec-Fetch-Site")):
            self._message(HTTPStatus.FORBIDDEN, "Not done: the form has expired",
                          "Nothing was changed: the form was not one this server gave this browser (or the "
                          "server was restarted since). Go back, reload the page, and send the form again.")
            return
        assert session is not None
        try:
            self._post(path, session, posted)
        except FormError as error:
            self._message(HTTPStatus.BAD_REQUEST, "Not done", f"Nothing was changed: {error}.")
        except NoSuchCase as error:
            self._message(HTTPStatus.NOT_FOUND, "Not found", error.message)
        except ReviewctlError as error:  # the page after a refusal could not be read (a case made invalid)
            self._message(HTTPStatus.INTERNAL_SERVER_ERROR, "The store cannot be shown",
                          f"error: {printable(error.message)}")

    def _post(self, path: str, session: str, posted: Posted) -> None:
        if path == "/refer":
            case_id, step = None, "-".join(REFER)
        elif found := _STEP.fullmatch(path):
            case_id, step = found.group(1), found.group(2)
            if step not in STEP_COMMANDS:
                raise NoSuchCase(f"there is no step {step!r} in the browser")
            if case_id not in self.server.store().case_ids():
                raise NoSuchCase(f"no case {case_id!r} in this store")
        else:
            raise NoSuchCase(f"nothing is posted to {path!r}")
        command = REFER if case_id is None else STEP_COMMANDS[step]
        form = form_for(command)
        with self.server.runner.alone():  # the case as it was, to say what the step changed
            was = pages.before_step(self.server.store(), self.server.globals.today(), case_id)
        # A folder of the user's own (0700), in memory where there is one, named by this process:
        # a serve killed outright leaves it to the next reviewctl, which removes it (privatedir.py).
        with private_folder("upload") as folder:
            uploads: dict[str, list[Path]] = {}
            for name, files in posted.files.items():
                for number, upload in enumerate(files):
                    (folder / str(number)).mkdir(exist_ok=True)
                    target = folder / str(number) / upload.filename
                    target.write_bytes(upload.data)
                    uploads.setdefault(name, []).append(target)
            argv = argv_for(form, case_id, {k: v for k, v in posted.fields.items() if k != "csrf"}, uploads)
            ran = self.server.runner.run(argv)
        if ran.code == 0:
            made = case_id if case_id is not None else ran.out.strip().splitlines()[-1]
            said = next((line for line in ran.err.splitlines() if line.startswith(f"{made}: ")), "")
            with self.server.runner.alone():
                self.server.flashes[session] = pages.done(self.server.store(), self.server.globals.today(), made,
                                                          command, was, printable(said))
            self._redirect(f"/case/{made}")
            return
        fields = {k: v for k, v in posted.fields.items() if k != "csrf"}
        refused = pages.Refused(step, printable(ran.error), fields)
        store, today, csrf = self.server.store(), self.server.globals.today(), self.server.guard.token(session)
        status = HTTPStatus.UNPROCESSABLE_ENTITY if ran.refused else HTTPStatus.INTERNAL_SERVER_ERROR
        with self.server.runner.alone():
            text = pages.new_page(store, today, csrf, refused) if case_id is None else \
                pages.case_page(store, today, case_id, csrf, None, refused)
        self._html(status, text)
