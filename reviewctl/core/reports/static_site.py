"""`reviewctl site OUT/`: a static HTML site of the store, for people who live in a browser.

Every page, style sheet and script is written into OUT/, with relative links only, so
the site opens from file:// as well as from any static host, and asks nothing of the
network.  The pages are rendered from templates/site/ (a store's own templates/site/
first, as for letters), with HTML escaping on.  OUT/ is reviewctl's own: a folder
that holds other files is refused, and pages of cases no longer in the store are
removed when the site is written again.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from reviewctl import __version__
from reviewctl.adapters.render import read_template, render, render_each
from reviewctl.core.reports.cache import Index
from reviewctl.core.reports.site_pages import Pages
from reviewctl.core.store.folder import CASES_DIR, Store
from reviewctl.errors import UsageError

MARKER = ".reviewctl-site"
ASSETS = ("site.css", "early.js", "site.js")
# The top-level pages: (file, template, title)
PAGES = (("index.html", "tracker.html.j2", "Tracker"), ("due.html", "due.html.j2", "Due"),
         ("figures.html", "figures.html.j2", "Annual figures"), ("actions.html", "actions.html.j2", "Actions"))


@dataclass
class Written:
    folder: Path
    pages: int
    cases: int
    removed: int


def check_out(store: Store, out: Path) -> Path:
    """OUT/ as a folder the site may be written to, before any case is read."""
    if not str(out).strip():
        raise UsageError("give the folder to write the site to, e.g. `reviewctl site site/`")
    target = Path(os.path.abspath(out))
    cases = Path(os.path.abspath(store.root / CASES_DIR))
    if target == cases or cases in target.parents or target in (Path(os.path.abspath(store.root)), Path("/")):
        raise UsageError(f"{out}: the site cannot be written into the store's own folders; give a folder "
                         "of its own, e.g. site/ or one outside the store")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{out} is not a folder; give a folder for the site (it is created if missing)")
    if not target.parent.is_dir():
        raise UsageError(f"{out}: the folder {target.parent} does not exist; create it first")
    if target.is_dir() and any(os.scandir(target)) and not (target / MARKER).is_file():
        raise UsageError(f"{out} holds files that reviewctl did not write; give an empty or new folder "
                         "(a site written before is kept up to date in place)")
    for part in ("cases", "assets"):
        if (target / part).is_symlink():
            raise UsageError(f"{out / part} is a symbolic link; remove it (the site writes only real folders)")
    return target


def _write(path: Path, text: str) -> None:
    """Write `path`, never through a link planted there (O_NOFOLLOW: it is removed instead)."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data and not path.is_symlink():
            return  # unchanged: a static host or a sync tool sees no change
    except OSError:
        pass
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o644)
    except OSError:
        if not path.is_symlink():
            raise
        path.unlink()
        fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


class Writer:
    """Writes pages on a thread of its own: a file system's writes overlap the rendering
    (templates render on the main thread, where their time limit's signal arrives)."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Path, str] | None] = queue.Queue(maxsize=256)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="reviewctl-site-writer", daemon=True)

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None:
                try:
                    _write(*job)
                except BaseException as error:  # noqa: BLE001 - raised again on the main thread
                    self.error = error

    def put(self, path: Path, text: str) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put((path, text))

    def __enter__(self) -> Writer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


def _asset(store: Store, name: str) -> str:
    found = read_template(f"site/{name}", store.templates_search())
    if found is None:
        raise UsageError(f"templates/site/{name} not found; restore it from reviewctl's own templates")
    return found[0]


def write_site(store: Store, index: Index, today: date, out: Path) -> Written:
    flow = store.workflow
    pages = Pages(index, today, {s.id: s.label for s in flow.stages}, dict(flow.types))
    search = store.templates_search()
    target = check_out(store, out)
    (target / "cases").mkdir(parents=True, exist_ok=True)
    (target / "assets").mkdir(exist_ok=True)
    _write(target / MARKER, f"Written by reviewctl {__version__} (`reviewctl site`); the whole folder is "
                            "rewritten each time.\n")
    for name in ASSETS:
        _write(target / "assets" / name, _asset(store, name))
    base: dict[str, object] = {"partnership": store.config.partnership, "today": today.isoformat(),
                               "version": __version__, "nav": [(f, t) for f, _, t in PAGES]}
    data = {"index.html": pages.tracker, "due.html": pages.due, "figures.html": pages.figures,
            "actions.html": pages.actions}
    for filename, template, title in PAGES:
        context = {**base, "root": "", "here": filename, "title": title, **data[filename]()}
        _write(target / filename, render(f"site/{template}", context, search, autoescape=True))
    written = _case_pages(_Part(pages, base, search, target), len(index.summaries))
    removed, kept = 0, set(written)
    for entry in os.scandir(target / "cases"):
        if entry.name.endswith(".html") and entry.name not in kept:
            os.unlink(entry.path)
            removed += 1
    return Written(target, len(PAGES), len(kept), removed)



# From this many case pages, they are rendered over the machine's cores (forked workers);
# rendering was four fifths of a warm site of 10,000 cases, on one core.
PARALLEL_FROM = 400


@dataclass
class _Part:
    """What a worker needs to render its share of the case pages (inherited by fork)."""

    pages: Pages
    base: dict[str, object]
    search: list[Path]
    target: Path


_PART: _Part | None = None


def _case_pages(part: _Part, count: int) -> list[str]:
    """Write every case's page; their file names."""
    workers = min(os.cpu_count() or 1, 8)
    if count < PARALLEL_FROM or workers < 2 or not hasattr(os, "fork"):
        return _render_share(part, 0, 1)
    global _PART
    part.pages.index.details()  # read once here, not once in each worker
    _PART = part
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            shares = list(pool.map(_render_in_worker, range(workers), [workers] * workers))
    finally:
        _PART = None
    return [name for share in shares for name in share]


def _render_in_worker(which: int, of: int) -> list[str]:
    assert _PART is not None
    return _render_share(_PART, which, of)


def _render_share(part: _Part, which: int, of: int) -> list[str]:
    """Render and write the case pages which, which + of, which + 2 * of... of the store's."""
    written: list[str] = []
    summaries = part.pages.index.summaries[which::of]

    def contexts() -> Iterator[dict[str, object]]:
        for s in summaries:
            case = part.pages.case(s)
            written.append(case["page"])  # render_each takes one context, then gives its page
            yield {**part.base, "root": "../", "here": None, "title": case["id"], "case": case}

    with Writer() as writer:  # the files are written while the next pages render
        for text in render_each("site/case.html.j2", contexts(), part.search, autoescape=True):
            writer.put(part.target / "cases" / written[-1], text)
    return written
