"""Verdicts of `validate` kept between runs: the cases last found valid, by the blobs of their files.

A case's verdict is kept only while nothing that could change it has changed:
- the case's files: the git blob id of every file in its folder (a link or special file
  anywhere in the folder means no verdict is kept: such a case is checked every time);
- the settings file and the workflow file (their bytes), and the version of reviewctl;
- for a published case, the keys of the redaction check: those live outside the store,
  so a published case's redaction check runs every time (the rest of its verdict is kept).
No check of one case reads today's date, so the calendar is not part of the key.

Blob ids are worked out as git does (sha1 of "blob SIZE\\0" and the bytes), and, like
git's index, each file's id is remembered by its size, times and inode so that an
unchanged file is not read again; a file changed within RACY_NS of the cache being
written is hashed again next time (git's "racy" rule).  The cache lives under .git,
is never committed, and a missing or damaged one is rebuilt silently.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewctl import __version__
from reviewctl.adapters.files import keep_cache
from reviewctl.adapters.gitdir import find_git_dir
from reviewctl.core.store.folder import CONFIG_FILE, Store
from reviewctl.errors import ReviewctlError

CACHE_NAME = "reviewctl-validate.pickle"
FORMAT = 2  # 2: published cases kept, their redaction check run again
RACY_NS = 50_000_000
INDEX_FROM = 200  # unknown files, after which git's index is read for the rest

StatKey = tuple[int, int, int, int]
FolderKey = tuple[tuple[str, str], ...]


@dataclass
class Kept:
    """What the cross-case checks need of a valid case (its summary).

    `flagged`: it has approvals, or its stage or history says it was approved by the
    store's workflow (which is part of the key): only such cases have their approvals
    verified when no base is given.  `case` is its case.yaml mapping, pickled, and read
    only when it is needed (a base, or a store's own workflow).
    """

    key: FolderKey
    case: bytes
    has_approvals: bool
    flagged: bool
    published: bool = False  # its redaction check runs again every time (the keys are not in the store)

    def mapping(self) -> Any:
        return pickle.loads(self.case)


@dataclass
class Verdicts:
    path: Path | None
    settings: tuple[Any, ...]
    valid: dict[str, Kept] = field(default_factory=dict)
    blobs: dict[str, tuple[StatKey, str]] = field(default_factory=dict)  # path -> (stat key, blob id)
    seen: dict[str, tuple[StatKey, str]] = field(default_factory=dict)  # this run's, kept when saved
    started: int = field(default_factory=time.time_ns)
    # Where many files are unknown (a fresh clone), git's index gives their blob ids unread.
    index: Callable[[], dict[str, str]] | None = None
    from_index: dict[str, str] | None = None
    misses: int = 0

    def folder_key(self, folder: str) -> FolderKey | None:
        """The blob id of every file in the folder, by path; None if it holds anything else."""
        found: list[tuple[str, str]] = []
        stack = [folder]
        while stack:
            current = stack.pop()
            try:
                with os.scandir(current) as entries:
                    for entry in entries:
                        if entry.is_symlink():
                            return None
                        if entry.is_dir():
                            stack.append(entry.path)
                        elif entry.is_file():
                            found.append((entry.path[len(folder):], self._blob(entry)))
                        else:
                            return None
            except OSError:
                return None
        found.sort()
        return tuple(found)

    def _blob(self, entry: os.DirEntry[str]) -> str:
        st = entry.stat()
        stat_key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = self.blobs.get(entry.path)
        if known is not None and known[0] == stat_key:
            blob = known[1]
        elif (indexed := self._indexed(entry.path)) is not None:
            blob = indexed
        else:
            with open(entry.path, "rb") as handle:
                data = handle.read()
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
        self.seen[entry.path] = (stat_key, blob)
        return blob


    def _indexed(self, path: str) -> str | None:
        """The blob id git's index has for `path` while the work tree's file is unchanged; asked
        of git only once INDEX_FROM files were unknown (a few changed files are quicker to hash)."""
        self.misses += 1
        if self.from_index is None and self.misses >= INDEX_FROM and self.index is not None:
            self.from_index = self.index()
        return self.from_index.get(path) if self.from_index is not None else None


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def settings_key(store: Store) -> tuple[Any, ...]:
    return (FORMAT, __version__, _digest(store.root / CONFIG_FILE), str(store.workflow_file),
            _digest(store.workflow_file))


def _index_blobs(store: Store) -> dict[str, str]:
    """git's blob ids of the unchanged files under cases/, by their paths as validate lists them."""

    try:
        repo = store.repo
        listed = repo.clean_blobs(store.repo_path(store.cases_dir))
    except ReviewctlError:
        return {}
    root, cases = str(repo.root), str(store.cases_dir)
    return {path: blob for name, blob in listed.items() if (path := os.path.join(root, name)).startswith(cases)}


def load(store: Store) -> Verdicts:
    git_dir = find_git_dir(store.root)
    path = git_dir / CACHE_NAME if git_dir else None
    key = settings_key(store)
    verdicts = Verdicts(path, key, index=lambda: _index_blobs(store))
    if path is None or not path.is_file():
        return verdicts
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        if isinstance(data, dict) and data.get("settings") == key:
            verdicts.valid, verdicts.blobs = data["valid"], data["blobs"]
    except Exception:  # noqa: BLE001 - any damage means: rebuild
        pass
    return verdicts


def save(verdicts: Verdicts, valid: dict[str, Kept], merge: bool = False) -> None:
    """Keep `valid` (with `merge`, beside what was kept: only some cases were looked at)."""
    if verdicts.path is None:
        return
    limit = verdicts.started - RACY_NS
    blobs = {p: e for p, e in verdicts.seen.items() if e[0][1] < limit and e[0][2] < limit}
    if merge:
        valid, blobs = {**verdicts.valid, **valid}, {**verdicts.blobs, **blobs}
    if valid == verdicts.valid and blobs == verdicts.blobs:
        return  # nothing new: no need to write 10,000 verdicts again
    keep_cache(verdicts.path, {"settings": verdicts.settings, "valid": valid, "blobs": blobs})
