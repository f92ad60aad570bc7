"""A report's output kept for the next run with exactly the same inputs (`list --format json`).

The tracker's rows are a function of the cases' summaries, today's date, the settings and
calendar the summaries were made with, and the filters. When every summary came from the
report cache as it stands on disk (no case read again this run), the cache file's identity
(size, times, inode: it is replaced whole whenever it changes) stands for the summaries and
settings; with today's date, the filters and reviewctl's version it keys the output. A warm
tracker of 10,000 cases spent two thirds of its time on working out the deadlines' status
and encoding the JSON again, for the same bytes (issue 22).

The memo lives under .git, is never committed, and is only a saving: one that is missing,
damaged or for other inputs is written again. It is written beside its final name and
renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

from reviewctl import __version__
from reviewctl.adapters.gitdir import find_git_dir
from reviewctl.core.reports.cache import Index
from reviewctl.core.store.folder import Store

MEMO_NAME = "reviewctl-list-json.memo"
_KEY_LENGTH = 64  # a sha256 in hex, then a newline, then the output


def memo_key(index: Index, today: date, inputs: object) -> str | None:
    """The key of this run's output, or None when it cannot be kept (a case was read again)."""
    if index.parsed or index.cache_stamp is None:
        return None
    return hashlib.sha256(repr((index.cache_stamp, today.isoformat(), inputs, __version__)).encode()).hexdigest()


def _path(store: Store) -> Path | None:
    git_dir = find_git_dir(store.root)
    return git_dir / MEMO_NAME if git_dir else None


def read(store: Store, key: str | None) -> IO[bytes] | None:
    """The kept output for `key`, open after its key line; None where there is none."""
    path = _path(store) if key is not None else None
    if path is None:
        return None
    try:
        handle = path.open("rb")
    except OSError:
        return None
    if handle.read(_KEY_LENGTH + 1) != f"{key}\n".encode():
        handle.close()
        return None
    return handle


class Keeper:
    """Where the output goes as it is made, to be kept: a write that fails (a full disk, a
    quota) gives the memo up, never the command, whose output goes on."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle: IO[str] | None = handle
        self.given_up = False

    def write(self, text: str) -> None:
        if self.handle is None:
            return
        try:
            self.handle.write(text)
        except OSError:
            self.given_up, self.handle = True, None


@contextmanager
def writing(store: Store, key: str | None) -> Iterator[Keeper | None]:
    """What to write the output into as it is made, kept as the memo for `key` when the
    block ends without an error and every write went through; None (nothing kept) without
    a key or a writable .git. An error of the block itself (stdout gone, say) goes on up."""
    path = _path(store) if key is not None else None
    if path is None:
        yield None
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".reviewctl-list-json.", suffix=".tmp")
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
    except OSError:
        yield None  # a store that cannot be written is only slower
        return
    keeper = Keeper(handle)
    keeper.write(f"{key}\n")
    kept = False
    try:
        yield keeper
        try:  # the memo's own writing: a failure gives it up, never the command
            handle.close()
            if not keeper.given_up:
                os.replace(tmp, path)
                kept = True
        except OSError:
            pass
    finally:
        if not kept:
            with contextlib.suppress(OSError):
                handle.close()
            Path(tmp).unlink(missing_ok=True)
