"""`reviewctl doctor`: find and mend what an interrupted step, or a stopped git, left behind.

In order: git's stale lock files (putting files back needs the index); the journal of
an interrupted step (files put back only when the step's commit was never made); index
entries a step could not refresh after its commit; reviewctl's own temporary files; and
the private folders that a killed `confidential --edit` left with plain identifiers.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reviewctl.adapters import gitlocks, privatedir
from reviewctl.core.privacy.key_checks import finish_purges
from reviewctl.core.store.folder import Store
from reviewctl.core.store.transaction import Journal, committed, journal_path, restore, store_lock, use_git_lock_timeout
from reviewctl.errors import ReviewctlError, UnusableError

# write_atomic's temporary files: mkstemp(prefix=".NAME.", suffix=".tmp") adds 8 characters.
_ATOMIC_TMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def doctor(store: Store) -> list[str]:
    """Mend the store and say what was done; an empty list means all was well."""
    repo = store.repo
    use_git_lock_timeout(store)
    done: list[str] = []
    with store_lock(store):
        done += gitlocks.remove_stale(repo.git_dirs, [repo.root, *repo.git_dirs])
        done += _mend_journal(store)
        caught_up = repo.catch_up_index()
        if caught_up:
            done.append(f"brought the index up to date for {len(caught_up)} committed file(s)")
        done += _remove_leftovers(store)
        try:
            done += finish_purges(store)  # after the journal: a purge put back there gets its key back
        except ReviewctlError as error:  # the rest is mended all the same
            done.append(f"the key store was not looked at: {error.message}")
    done += _remove_private_copies()
    return done


def _mend_journal(store: Store) -> list[str]:
    path = journal_path(store)
    if not path.exists():
        return []
    try:
        journal = Journal.load(path.read_text(encoding="utf-8"))
    except (ValueError, TypeError):
        raise UnusableError(
            f"{store.shown(path)}: the journal of an interrupted step is unreadable; check "
            "`git status`, restore the files with `git restore`, then delete it"
        ) from None
    commit = committed(store, journal)
    if commit is not None:
        # The work tree already holds what was committed; only the index may lag.
        store.repo.unstage(list(journal.files))
        said = f"'{journal.step}' of {journal.case_id} had been committed ({commit[:10]}); nothing to put back"
    else:
        restore(store, journal)
        said = (f"'{journal.step}' of {journal.case_id} was interrupted before its commit; "
                f"put back {len(journal.files)} file(s) as they were. Repeat the step.")
    path.unlink()
    return [said]


def _remove_leftovers(store: Store) -> list[str]:
    """reviewctl's own temporary files: private indexes in the git folder, and write_atomic's."""
    repo = store.repo
    found = {p for folder in repo.git_dirs for p in folder.glob("reviewctl-index-*")}
    found |= {p for folder in repo.git_dirs for p in folder.iterdir() if _ATOMIC_TMP.match(p.name)}
    candidates: list[Path] = []
    for folder, dirs, files in os.walk(store.root):
        dirs[:] = [d for d in dirs if d != ".git"]
        candidates += [Path(folder) / name for name in files if _ATOMIC_TMP.match(name)]
    # A file someone committed is theirs, whatever its name.
    tracked = repo.tracked([p.relative_to(repo.root).as_posix() for p in candidates])
    found |= {p for p in candidates if p.relative_to(repo.root).as_posix() not in tracked}
    said = []
    for path in sorted(found):
        path.unlink(missing_ok=True)
        said.append(f"removed a left-over temporary file {store.shown(path)}")
    return said


def _remove_private_copies() -> list[str]:
    """The plain copies a killed `confidential --edit` or `serve` left (privatedir.py);
    counted, never named: the file in each is named by its case."""
    return privatedir.said(privatedir.sweep())
