"""The report cache: a summary of every case, kept under .git and never committed.

Each case's summary is keyed by the size, modification time, change time and inode of
each of its YAML files, the way git's own index tells whether a file has changed.  An
edit by hand, committed or not, changes those, so the next report parses that case
again.  A summary whose files changed just before the cache was written is not kept
(git's "racy" rule): a second edit within the same tick of the file system's clock
could leave every key the same.  A cache that is missing, unreadable, or from another
version of reviewctl or other settings is rebuilt silently.

Two files: `reviewctl-cache.pickle` holds what `list` and `due` read (core/reports/summary.py's
`Summary`), `reviewctl-details.pickle` what only `search`, `stats` and `site` read
(`Details`: facts, stages, plan, search text).  `list` and `due` never read the second;
`Index.details()` reads it on first use, under the same keys and rules.  A report that
reads details (search, stats, site) and had no cache to start from works them out as it
reads each case and writes both files; `list` and `due` work out none (the first report
that reads them reads the cases it lacks).  Many cases to read (a fresh clone) are read
over the machine's cores.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl import __version__
from reviewctl.adapters.calendar import Calendar
from reviewctl.adapters.gitdir import find_git_dir
from reviewctl.core.case.files import Records
from reviewctl.core.reports.pickles import (
    CACHE_FORMAT,
    CacheData,
    ReportSettings,
    SettingsKey,
    no_cycle_collection,
    read_cache,
    write_cache,
)
from reviewctl.core.reports.search_text import searchable
from reviewctl.core.reports.summary import NO_DETAILS, Details, Shared, Summary, summarise
from reviewctl.core.reports.summary import details as details_of
from reviewctl.core.store.folder import CASES_DIR, CONFIG_FILE, Store, read_documents
from reviewctl.errors import ReviewctlError

if TYPE_CHECKING:
    from pydantic import BaseModel

CACHE_NAME = "reviewctl-cache.pickle"
DETAILS_NAME = "reviewctl-details.pickle"
# File times tick in steps of a few milliseconds on common file systems; a file changed
# this close to the start of a build could change again without its key changing.
RACY_NS = 50_000_000

Progress = Callable[[int, int], None]
# ("folder times and inode/each YAML file's name:size:mtime:ctime:inode", the YAML files' names)
Signature = tuple[str, tuple[str, ...]]
# Each case by its folder's name: (key, "ok" and its summary, or "problem" and the first problem)
Entry = tuple[Signature, str, "Summary | str"]


@dataclass
class Index:
    summaries: list[Summary]
    problems: list[str]
    due_soon: int
    types: list[str]
    stages: list[str]
    calendar: Calendar  # the store's, as its settings were when the summaries were made
    parsed: int = 0  # cases read from their files this time (0: all from the cache)
    # The cache file's size, times and inode as it stood when read (None: none was kept):
    # while it is the same, so are the summaries and settings (core/reports/output_memo.py).
    cache_stamp: tuple[int, int, int, int] | None = None
    # Where details() comes from; shared by the copies dataclasses.replace makes (stats by type).
    source: _DetailSource | None = field(default=None, repr=False, compare=False)

    def details(self) -> dict[str, Details]:
        """Each case's details by id (facts, stages, plan, search text), read on first use."""
        return self.source.load() if self.source is not None else {}


def _stat_key(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _settings_key(store: Store, workflow_file: Path) -> SettingsKey:
    files = [store.root / CONFIG_FILE, workflow_file]
    return (CACHE_FORMAT, __version__, tuple((str(p), _stat_key(p) if p.exists() else None) for p in files))


class _Scanner:
    """Each case's key: its folder's modification time, change time and inode, then each YAML
    file's name, size, times and inode.  Adding, removing or renaming a file changes its
    folder's times, so while those are as the cache has them, the folder is not listed again:
    only its known files are looked at (one stat each).  The names go with the key."""

    def __init__(self, cases_dir: str) -> None:
        self.base = cases_dir
        self.fd: int | None = None
        if os.stat in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
            try:
                self.fd = os.open(cases_dir, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                self.fd = None
        # Paths relative to the cases folder, opened once; without dir_fd (Windows), whole paths.
        self._stat: Callable[[str], os.stat_result] = partial(os.stat, dir_fd=self.fd) if self.fd is not None \
            else (lambda path: os.stat(os.path.join(cases_dir, path)))

    def __enter__(self) -> _Scanner:
        return self

    def __exit__(self, *_: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __call__(self, name: str, was: Signature | None = None) -> tuple[Signature, int] | None:
        """The case's key, and the newest time among its folder and files (for the racy
        rule); None where `name` is not a case folder.  `was`: its key in the cache."""
        # Called once per case on every report: kept to plain strings and one stat per file.
        try:
            st = self._stat(name)  # before the folder is listed: a file added meanwhile changes it again
            folder = f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
            newest = max(st.st_mtime_ns, st.st_ctime_ns)
            if was is not None and was[0].startswith(folder + "/"):
                files = was[1]
            else:
                files = tuple(sorted(n for n in os.listdir(os.path.join(self.base, name)) if n.endswith(".yaml")))
                if "case.yaml" not in files:
                    return None
            keys = [folder]
            for file in files:
                fs = self._stat(f"{name}/{file}")
                mtime, ctime = fs.st_mtime_ns, fs.st_ctime_ns
                keys.append(f"{file}:{fs.st_size}:{mtime}:{ctime}:{fs.st_ino}")
                newest = max(newest, mtime, ctime)
        except OSError:
            # A known file gone with its folder's times unchanged (the same tick): list it again.
            return self(name) if was is not None else None
        return ("/".join(keys), files), newest


def _summarise_case(store: Store, case_id: str, share: Shared, details: bool = True) -> Summarised:
    """("ok", summary, details) or ("problem", the first problem, None); `details` False: no details (None)."""
    from reviewctl.core.workflow.conformance import case_problems  # lazy: loads pydantic, difflib

    try:
        docs = read_documents(store, case_id, roundtrip=False, fast=True)
    except ReviewctlError as error:
        return "problem", error.message, None
    checked: dict[str, BaseModel] = {}
    problems = case_problems(store.workflow, store.shown(store.case_dir(case_id)), case_id, docs, checked=checked)
    if problems:
        return "problem", str(problems[0]), None
    records = Records(docs, checked)  # the documents as their checks gave them: read at no cost
    if not details:
        return "ok", summarise(store.workflow, docs, store.calendar, share, records), None

    found = details_of(store.workflow, docs, searchable(store.case_dir(case_id), docs), share, records)
    return "ok", summarise(store.workflow, docs, store.calendar, share, records), found


Summarised = tuple[str, "Summary | str", "Details | None"]  # ("ok", summary, details) or ("problem", problem, None)
# Below this many cases to read, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
WORKER_CHUNK = 200  # cases per task sent to a worker
_WORKER_STORE: Store | None = None


def _summarise_all(store: Store, names: list[str], share: Shared, details: bool) -> Iterator[tuple[str, Summarised]]:
    """Each case's summary (and details), in order; read over the machine's cores when there are
    many (a report from no cache reads every case: parsing is most of its time, and it shares out)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(names) < PARALLEL_FROM or workers < 2 or not hasattr(os, "fork"):
        for name in names:
            yield name, _summarise_case(store, name, share, details)
        return
    # Imported here: a warm report, or one that reads a few changed cases, starts no worker.
    from concurrent.futures import ProcessPoolExecutor  # lazy: loads concurrent
    from multiprocessing import get_context  # lazy: loads multiprocessing

    store.calendar  # noqa: B018 - the settings, parsed once here, go to the workers with the fork
    chunks = [(names[i:i + WORKER_CHUNK], details) for i in range(0, len(names), WORKER_CHUNK)]
    # fork: the workers start with this process's modules and settings; only the names go over.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_start_worker,
                             initargs=(store,)) as pool:
        for chunk, (results, holidays) in zip(chunks, pool.map(_summarise_in_worker, chunks), strict=True):
            store.calendar.preload(holidays)  # what the workers worked out goes into this report's cache
            yield from zip(chunk[0], results, strict=True)


def _start_worker(store: Store) -> None:
    global _WORKER_STORE
    _WORKER_STORE = store
    gc.disable()  # a worker lives for one report and makes no cycles worth collecting


def _summarise_in_worker(task: tuple[list[str], bool]) -> tuple[list[Summarised], dict[int, list[date]]]:
    assert _WORKER_STORE is not None
    names, details = task
    share = Shared()  # one copy of each repeated value per chunk: the pickle back keeps it so
    return ([_summarise_case(_WORKER_STORE, n, share, details) for n in names],
            _WORKER_STORE.calendar.known_holidays())


@dataclass
class _DetailSource:
    """How Index.details() finds each case's details: the second cache file where its key
    still matches, else the case's files (read once more)."""

    store: Store
    path: Path | None
    key: SettingsKey
    entries: dict[str, Entry]  # every case of this report, by folder name
    parsed: dict[str, Details]  # details of the cases parsed by this report
    racy: set[str]  # cases whose files changed too recently to be kept
    loaded: dict[str, Details] | None = None

    def load(self) -> dict[str, Details]:
        if self.loaded is not None:
            return self.loaded
        share = Shared()
        cache: CacheData[tuple[Signature, Details]] = read_cache(self.path)
        old = cache.get("cases", {}) if cache.get("key") == self.key else {}
        found: dict[str, Details] = {}
        keep: dict[str, tuple[Signature, Details]] = {}
        started = time.time_ns()
        with _Scanner(str(self.store.root / CASES_DIR)) as scan, no_cycle_collection():
            for name, (sig, kind, _) in self.entries.items():
                if kind != "ok":
                    continue
                got = self.parsed.get(name)
                if got is None and (kept := old.get(name)) is not None and kept[0] == sig:
                    got = kept[1]
                elif got is None:
                    # Looked at again before it is read, as the report did: an edit since the
                    # report's walk is then seen next time.
                    scanned = scan(name)
                    _, _, got = _summarise_case(self.store, name, share)
                    if got is None:  # it broke since the report read it: its problem shows next time
                        found[name] = NO_DETAILS
                        continue
                    found[name] = got
                    if scanned is not None and scanned[1] < started - RACY_NS:
                        keep[name] = (scanned[0], got)
                    continue
                found[name] = got
                if name not in self.racy:
                    keep[name] = (sig, got)
        changed = keep.keys() != old.keys() or any(old[n][0] != entry[0] for n, entry in keep.items())
        if self.path is not None and changed:
            write_cache(self.path, {"format": CACHE_FORMAT, "key": self.key}, keep)
        self.loaded = found
        return found

    def save_parsed(self) -> None:
        """Write the details of the cases this report parsed, without reading the file: for a
        report that parsed every case (no cache to start from)."""
        if self.path is not None:
            keep = {n: (self.entries[n][0], d) for n, d in self.parsed.items() if n not in self.racy}
            write_cache(self.path, {"format": CACHE_FORMAT, "key": self.key}, keep)


def load_index(store: Store, progress: Progress | None = None, details: bool = True) -> Index:
    """Every case's summary, from the cache where it is still true, else from its files.

    `details`: work out the details of each case read (for search, stats and site, which read
    them next); `list` and `due` never read them, so they leave them for the first report that
    does (Index.details() reads the cases it lacks), rather than make every cold tracker pay."""
    git_dir = find_git_dir(store.root)
    cache_path = git_dir / CACHE_NAME if git_dir else None
    cache: CacheData[Entry] = read_cache(cache_path)
    # The workflow file is named in the settings: the cache says which it was, and a
    # change to the settings file changes the key anyway.
    if not cache or cache.get("key") != _settings_key(store, Path(cache.get("workflow_file", ""))):
        cache = {}
    if cache:  # the settings as the cache keeps them: a warm report parses none
        settings, workflow_file = cache["settings"], Path(cache["workflow_file"])
        calendar = store.calendar_with(settings.get("extra_holidays", []), settings.get("month_end", "leave"))
        calendar.preload(cache.get("holidays", {}))
    else:
        flow, config = store.workflow, store.config
        workflow_file = store.workflow_file
        settings = ReportSettings(due_soon=config.due_soon_working_days, types=list(flow.types),
                                  stages=[s.id for s in flow.stages], extra_holidays=list(config.bank_holidays),
                                  month_end=flow.statute.month_end)
        calendar = store.calendar
    old: dict[str, Entry] = cache.pop("cases", {})
    cases_dir = store.root / CASES_DIR
    names = sorted(os.listdir(cases_dir)) if cases_dir.is_dir() else []
    started = time.time_ns()
    share = Shared()
    # Every case in folder order; a case whose key changed is parsed after the walk.
    entries: dict[str, Entry] = {}
    stale: dict[str, tuple[Signature, int]] = {}
    with _Scanner(str(cases_dir)) as scan, no_cycle_collection():
        for name in names:
            was = old.get(name)
            scanned = scan(name, was[0] if was is not None else None)
            if scanned is None:
                continue
            if was is not None and was[0] == scanned[0]:
                entries[name] = was
            else:
                entries[name] = was or (scanned[0], "problem", "")  # its place; filled in below
                stale[name] = (scanned[0][0], share(scanned[0][1])), scanned[1]
    del old
    parsed: dict[str, Details] = {}
    racy: set[str] = set()
    with no_cycle_collection():
        for done, (name, (kind, value, found)) in enumerate(_summarise_all(store, list(stale), share, details), 1):
            sig, newest = stale[name]
            entries[name] = (sig, kind, value)
            if found is not None:
                parsed[name] = found
            if newest >= started - RACY_NS:
                racy.add(name)
            if progress is not None:
                progress(done, len(stale))
    key = _settings_key(store, workflow_file)
    if cache_path is not None and (stale or len(entries) != cache.get("count") or not cache):
        keep = {n: e for n, e in entries.items() if n not in racy}
        write_cache(cache_path, {"format": CACHE_FORMAT, "key": key, "count": len(keep),
                                  "workflow_file": str(workflow_file), "settings": settings,
                                  "holidays": calendar.known_holidays()}, keep)
    summaries = [value for _, _, value in entries.values() if isinstance(value, Summary)]  # kind "ok"
    problems = [value for _, _, value in entries.values() if isinstance(value, str)]  # kind "problem"
    source = _DetailSource(store, git_dir / DETAILS_NAME if git_dir else None, key, entries, parsed, racy)
    if not cache and cache_path is not None and parsed:
        source.save_parsed()
    stamp = cache.get("stamp") if cache and not stale and len(entries) == cache.get("count") else None
    return Index(summaries, problems, settings["due_soon"], settings["types"], settings["stages"], calendar,
                 parsed=len(stale), source=source, cache_stamp=stamp)
