"""Nothing in a store is a symbolic link: reviewctl reads and writes only real files inside it.

A link is committed as easily as a file, and a case folder, `documents/` or `case.yaml`
that points out of the store would make a step write through it, or a report read and
show what it points to.  So a step refuses a case that holds any link (or a special file
such as a pipe), reports refuse the case files they read, and `validate` names each one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl.core.case.problems import Problem

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store


def link_problem(store: Store, path: Path) -> Problem:
    return Problem(store.shown(path), "a symbolic link, which reviewctl does not follow (it could lead out of "
                   "the store); replace it with the real folder or file, or remove it")


def special_problem(store: Store, path: Path) -> Problem:
    return Problem(store.shown(path), "not a regular file or folder; remove it from the case")


def refuse_links(store: Store, path: Path) -> None:
    """Refuse when `path` or any folder between the store (or repository) root and it is a link."""
    root = store.root
    if not path.is_relative_to(root):
        root = store.repo.root
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return  # the rest does not exist yet: it will be made as real folders
        if stat.S_ISLNK(mode):
            raise link_problem(store, current).error()


def odd_entries(folder: Path) -> Iterator[tuple[Path, bool]]:
    """Each link (True) or special file such as a pipe (False) below `folder`, never going
    into a linked folder.  validate looks at every case folder: the kind of each entry comes
    from the folder's listing (no stat of each file, no path object for an ordinary one)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_symlink():
            yield Path(entry.path), True
        elif entry.is_dir(follow_symlinks=False):
            yield from odd_entries(Path(entry.path))
        elif not entry.is_file(follow_symlinks=False):
            yield Path(entry.path), False


def case_tree_problems(store: Store, folder: Path) -> list[Problem]:
    """Every link or special file in the case folder `folder` (or the folder itself being a link)."""
    if folder.is_symlink():
        return [link_problem(store, folder)]
    return [link_problem(store, path) if link else special_problem(store, path)
            for path, link in odd_entries(folder)]


def check_case_tree(store: Store, case_id: str) -> None:
    """Refuse a case whose folder is, or holds, a link: before a step writes or a report reads below it."""
    folder = store.case_dir(case_id)
    refuse_links(store, folder)
    problems = case_tree_problems(store, folder) if folder.exists() else []
    if problems:
        raise problems[0].error()
