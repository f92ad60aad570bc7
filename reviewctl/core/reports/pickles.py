"""The report cache's files (core/reports/cache.py says what they hold and when they are
rebuilt): a header, then the cases in chunks, each one pickle, written whole beside the file
and moved into place.  Anything that cannot be read, or is of another format, reads as nothing.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Generic, TypedDict, TypeVar

from reviewctl.adapters.calendar import MonthEnd

CACHE_FORMAT = 10  # 3: deadlines carry pauses, extensions and when they stopped; 4: a review's expected months;
# 5: the stages a case passed through and what each action is (the site); 6: deadlines carry a note, the store's
# own bank holidays, facts for the statutory figures; 7: each summary keeps its searchable text (`reviewctl search`);
# 8: named records, the details in a second file, one text key per case with its folder's times; 9: decisions and
# deadlines worked out from the history (a reopened case's cycles, the corrections that moved a date); 10: an
# action's status as the history gives it, and when a closing held it closed

# (the cache's format, reviewctl's version, (each settings file, its size, times and inode; None: absent))
SettingsKey = tuple[int, str, tuple[tuple[str, tuple[int, int, int, int] | None], ...]]
V = TypeVar("V")


class ReportSettings(TypedDict):
    """What a warm report needs of the settings, kept in the cache so that it parses none."""

    due_soon: int
    types: list[str]
    stages: list[str]
    extra_holidays: list[date]
    month_end: MonthEnd  # the workflow's rule for a due date past a month's end (the calendar's)


class CacheData(TypedDict, Generic[V], total=False):
    """A cache file: its header (the summaries' file has them all; the details' file format and
    key), and `cases`, gathered from the chunks that follow it."""

    format: int
    key: SettingsKey
    count: int
    workflow_file: str
    settings: ReportSettings
    holidays: dict[int, list[date]]
    chunks: int
    cases: dict[str, V]
    stamp: tuple[int, int, int, int]  # the file read: size, times, inode (not written; set on reading)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the cache is read: reading 100,000 summaries
    makes millions of objects, and each generation's collection would walk them all again
    (it cost more than the reading itself).  Summaries hold no cycles to collect.

    What was made meanwhile then goes straight to the oldest generation (freeze, then
    unfreeze, moves it there without a walk), else the first collection afterwards would
    walk it all; skipped where the program keeps frozen objects of its own."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was:
            gc.enable()


CHUNK = 2000  # cases per pickle in the cache file: bounds the pickler's memo


def read_cache(path: Path | None) -> CacheData[V]:
    """The header, with `cases` gathered from the chunks that follow it; {} where there is none.

    What is read is what `write_cache` wrote under this CACHE_FORMAT (and reviewctl's version,
    in the key the caller compares): anything else, damaged or not, is thrown away."""
    if path is None or not path.is_file():
        return {}
    try:
        with path.open("rb") as handle, no_cycle_collection():
            data: CacheData[V] = pickle.load(handle)
            if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
                return {}
            cases: dict[str, V] = {}
            for _ in range(data["chunks"]):
                cases.update(pickle.load(handle))
            st = os.fstat(handle.fileno())  # the file read, even if another process replaces it now
        data["cases"] = cases
        data["stamp"] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        return data
    except Exception:  # noqa: BLE001 - any damage means: rebuild
        return {}


def write_cache(path: Path, header: CacheData[V], cases: dict[str, V]) -> None:
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
