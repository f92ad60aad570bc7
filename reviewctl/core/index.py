"""The report cache: a summary of every case, kept under .git and never committed.

Each case's summary is keyed by the size, modification time, change time and inode of
each of its YAML files, the way git's own index tells whether a file has changed.  An
edit by hand, committed or not, changes those, so the next report parses that case
again.  A summary whose files changed just before the cache was written is not kept
(git's "racy" rule): a second edit within the same tick of the file system's clock
could leave every key the same.  A cache that is missing, unreadable, or from another
version of reviewctl or other settings is rebuilt silently.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewctl import __version__
from reviewctl.adapters import calendar
from reviewctl.adapters.gitdir import find_git_dir
from reviewctl.core.store import CASES_DIR, CONFIG_FILE, Store
from reviewctl.core.summary import Summary
from reviewctl.errors import ReviewctlError

CACHE_NAME = "reviewctl-cache.pickle"
CACHE_FORMAT = 7  # 3: deadlines carry pauses, extensions and when they stopped; 4: a review's expected months;
# 5: the stages a case passed through and what each action is (the site); 6: deadlines carry a note, the store's
# own bank holidays, facts for the statutory figures; 7: each summary keeps its searchable text (`reviewctl search`)
# File times tick in steps of a few milliseconds on common file systems; a file changed
# this close to the start of a build could change again without its key changing.
RACY_NS = 50_000_000

Progress = Callable[[int, int], None]
Signature = tuple[tuple[str, int, int, int, int], ...]


@dataclass
class Index:
    summaries: list[Summary]
    problems: list[str]
    due_soon: int
    types: list[str]
    stages: list[str]
    parsed: int = 0  # cases read from their files this time (0: all from the cache)


def _stat_key(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _settings_key(store: Store, workflow_file: Path) -> tuple[Any, ...]:
    files = [store.root / CONFIG_FILE, workflow_file]
    return (CACHE_FORMAT, __version__, tuple((str(p), _stat_key(p) if p.exists() else None) for p in files))


def _signature(folder: str) -> Signature | None:
    # Called once per case on every report: kept to plain strings and one stat per file.
    keys = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".yaml"):
                    st = entry.stat()
                    keys.append((name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    except OSError:
        return None
    keys.sort()
    if not any(k[0] == "case.yaml" for k in keys):
        return None
    return tuple(keys)


CHUNK = 2000  # cases per pickle in the cache file: bounds the pickler's memo


def _read_cache(path: Path | None) -> dict[str, Any]:
    """The header, with `cases` gathered from the chunks that follow it."""
    if path is None or not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
            if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
                return {}
            cases: dict[str, Any] = {}
            for _ in range(data["chunks"]):
                cases.update(pickle.load(handle))
        data["cases"] = cases
        return data
    except Exception:  # noqa: BLE001 - any damage means: rebuild
        return {}


def _write_cache(path: Path, header: dict[str, Any], cases: dict[str, Any]) -> None:
    # One pickle per chunk of cases: a single pickle of 100,000 summaries would hold a
    # memo of every object in it, which costs more memory than the summaries.
    names = list(cases)
    chunks = [names[i:i + CHUNK] for i in range(0, len(names), CHUNK)]
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".reviewctl-cache.", suffix=".tmp")
    except OSError:
        return  # a store that cannot be written (read-only) is still read
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({**header, "chunks": len(chunks)}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            for chunk in chunks:
                pickle.dump({n: cases[n] for n in chunk}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written is only slower


def _summarise_case(store: Store, case_id: str) -> tuple[str, Any]:
    from reviewctl.core.checks import case_problems
    from reviewctl.core.store import read_documents
    from reviewctl.core.summary import summarise

    try:
        docs = read_documents(store, case_id, roundtrip=False, fast=True)
    except ReviewctlError as error:
        return "problem", error.message
    problems = case_problems(store.workflow, store.shown(store.case_dir(case_id)), case_id, docs)
    if problems:
        return "problem", problems[0]
    from reviewctl.core.search import searchable

    summary = summarise(store.workflow, docs)
    summary["search"] = searchable(store.case_dir(case_id), docs)
    return "ok", summary


def load_index(store: Store, progress: Progress | None = None) -> Index:
    """Every case's summary, from the cache where it is still true, else from its files."""
    git_dir = find_git_dir(store.root)
    cache_path = git_dir / CACHE_NAME if git_dir else None
    cache = _read_cache(cache_path)
    # The workflow file is named in the settings: the cache says which it was, and a
    # change to the settings file changes the key anyway.
    if not cache or cache.get("key") != _settings_key(store, Path(cache.get("workflow_file", ""))):
        cache = {}
    else:
        calendar.preload(cache.get("holidays", {}))
    if cache:
        settings, workflow_file = cache["settings"], Path(cache["workflow_file"])
    else:
        flow, config = store.workflow, store.config
        workflow_file = store.workflow_file
        settings = {"due_soon": config.due_soon_working_days, "types": list(flow.types),
                    "stages": [s.id for s in flow.stages], "extra_holidays": list(config.bank_holidays)}
    calendar.set_extra_holidays(settings.get("extra_holidays", []))
    old: dict[str, tuple[Signature, str, Any]] = cache.get("cases", {})
    cases_dir = store.root / CASES_DIR
    names = sorted(os.listdir(cases_dir)) if cases_dir.is_dir() else []
    fresh: dict[str, tuple[Signature, str, Any]] = {}
    started = time.time_ns()
    base = str(cases_dir)
    signatures = {n: sig for n in names if (sig := _signature(os.path.join(base, n))) is not None}
    stale = sum(1 for n, sig in signatures.items() if n not in old or old[n][0] != sig)
    done = 0
    for name, sig in signatures.items():
        if name in old and old[name][0] == sig:
            fresh[name] = old[name]
            continue
        kind, value = _summarise_case(store, name)
        fresh[name] = (sig, kind, value)
        done += 1
        if progress is not None:
            progress(done, stale)
    if cache_path is not None and (done or fresh.keys() != old.keys() or not cache):
        keep = {n: e for n, e in fresh.items()
                if max(k[2] for k in e[0]) < started - RACY_NS and max(k[3] for k in e[0]) < started - RACY_NS}
        _write_cache(cache_path, {"format": CACHE_FORMAT, "key": _settings_key(store, workflow_file),
                                  "workflow_file": str(workflow_file), "settings": settings,
                                  "holidays": calendar.known_holidays()}, keep)
    summaries = [value for _, kind, value in fresh.values() if kind == "ok"]
    problems = [value for _, kind, value in fresh.values() if kind == "problem"]
    return Index(summaries, problems, settings["due_soon"], settings["types"], settings["stages"], parsed=done)
