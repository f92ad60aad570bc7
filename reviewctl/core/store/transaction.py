"""One step = one lock, one journal, atomic writes and one commit, or nothing at all.

Order: take the store's lock; refuse if an earlier step was interrupted; refuse if
the case's own files have uncommitted edits; (the caller loads, checks and edits in
memory); write a journal of what the files were; replace each file atomically; commit
only those paths; drop the journal.  If anything fails before the commit, the files
are put back from the journal (the commit is built from HEAD's tree, not the index, so
the real index is untouched until the branch has moved).  If the process is killed, the journal stays behind
and `reviewctl doctor` puts them back, unless the step's commit was made.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reviewctl.adapters import filelock
from reviewctl.adapters.files import remove_durably, write_atomic
from reviewctl.adapters.journal import JOURNAL_NAME, Journal, original
from reviewctl.core.store.confinement import check_case_tree, refuse_links
from reviewctl.core.store.folder import Store
from reviewctl.errors import BusyError, RefusedError, UnusableError, UsageError

LOCK_NAME = "reviewctl.lock"
BINARY_SUFFIXES = {".docx"}  # files a step writes as bytes
__all__ = ["JOURNAL_NAME", "Journal"]  # doctor reads the journal through this module


def _fault(point: str) -> None:
    # Fault injection for the tests of interrupted steps: the process dies here for
    # real, exactly as a kill -9 would leave it.
    if os.environ.get("REVIEWCTL_FAULT") == point:
        os._exit(137)


@dataclass
class Outcome:
    """What a step did (or, with --dry-run, would do)."""

    case_id: str
    step: str
    summary: str
    paths: list[str]
    diff: str
    commit: str | None = None
    dry_run: bool = False
    branch: str | None = None  # --propose: the branch the commit went on
    removed: list[str] = field(default_factory=list)  # the paths the step deleted


def _lock_timeout(store: Store, variable: str = "REVIEWCTL_LOCK_TIMEOUT") -> float:
    value = os.environ.get(variable)
    if value is None:
        return store.config.lock_timeout_seconds
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise UsageError(f"{variable} {value!r} is not a number of seconds; unset it or give e.g. 10")
    return seconds


def use_git_lock_timeout(store: Store) -> None:
    """How long git commands wait for a lock file another git holds (index.lock, HEAD.lock)."""
    store.repo.lock_timeout = _lock_timeout(store, "REVIEWCTL_GIT_LOCK_TIMEOUT")


@contextmanager
def store_lock(store: Store) -> Iterator[None]:
    """An exclusive lock on the store; the kernel drops it if the process dies."""
    path = store.repo.git_dir / LOCK_NAME
    timeout = _lock_timeout(store)
    with filelock.held(path, timeout) as taken:
        if not taken:
            raise BusyError(
                f"another reviewctl command is changing this store (lock {path} held "
                f"for over {timeout:g}s); wait for it to finish and run this again"
            )
        yield


def journal_path(store: Store) -> Path:
    return store.repo.git_dir / JOURNAL_NAME


def refuse_if_interrupted(store: Store) -> None:
    path = journal_path(store)
    if path.exists():
        try:
            journal = Journal.load(path.read_text(encoding="utf-8"))
            what = f"'{journal.step}' of {journal.case_id}"
        except (ValueError, TypeError):
            what = "a step"
        raise BusyError(
            f"{what} was interrupted before it finished; run `reviewctl doctor` to put the "
            "files back as they were, then repeat the step"
        )


def committed(store: Store, journal: Journal) -> str | None:
    """The journal's step's commit, if it was made: on HEAD's history since the journal's HEAD.

    Searched, not only HEAD, because other commits may have been made since (by hand, or
    a sync).  A journal written before the message was kept matches on the trailers.
    """
    def matches(body: str) -> bool:
        if journal.message is not None:
            return body.strip() == journal.message.strip()
        lines = body.splitlines()
        case_ok = f"Reviewctl-Case: {journal.case_id}" in lines or not any(
            line.startswith("Reviewctl-Case:") for line in lines)
        return case_ok and f"Reviewctl-Step: {journal.step}" in lines

    return next((commit for commit, body in store.repo.commits_since(journal.head) if matches(body)), None)


def restore(store: Store, journal: Journal, index: bool = True) -> None:
    """Put the journal's files back as they were, and (with `index`) their index entries to HEAD."""
    root = store.repo.root
    for rel in journal.files:
        path = root / rel
        original = journal.original(rel)
        if original is None:
            path.unlink(missing_ok=True)
        elif not _holds(path, original):  # untouched files are not rewritten: a read-only folder
            write_atomic(path, original)
    for rel in sorted(journal.created_dirs, key=len, reverse=True):
        folder = root / rel
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if index:
        store.repo.unstage(list(journal.files))


def _holds(path: Path, text: str | bytes) -> bool:
    try:
        return path.read_bytes() == (text.encode("utf-8") if isinstance(text, str) else text)
    except OSError:
        return False


def render_diff(store: Store, changes: dict[Path, str | bytes | None]) -> str:
    out: list[str] = []
    for path, new in changes.items():
        rel = store.repo_path(path)
        if isinstance(new, bytes) or (path.suffix.lower() in BINARY_SUFFIXES and path.exists()):
            # As git says it: a diff of a zip of XML would help no one.
            out.append(f"Binary files {f'a/{rel}' if path.exists() else '/dev/null'} and "
                       f"{'/dev/null' if new is None else f'b/{rel}'} differ\n")
            continue
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        out += difflib.unified_diff(
            old.splitlines(keepends=True), (new or "").splitlines(keepends=True),
            fromfile=f"a/{rel}" if path.exists() else "/dev/null", tofile="/dev/null" if new is None else f"b/{rel}",
        )
    return "".join(out)


@contextmanager
def step_guard(store: Store, case_id: str, locked: bool = False) -> Iterator[None]:
    """Hold the lock for one step and refuse while the store is not safe to change.

    `locked`: the caller already holds the lock (a step that changes two cases).
    """
    repo = store.repo
    repo.read_settings_later()  # the commit's identity and settings, read beside the checks below
    try:
        repo.identity()  # fail before anything is done when git cannot commit
        with _guarded(store, case_id, locked):
            yield
    finally:
        repo.drop_settings_read()  # no git process outlives the step


@contextmanager
def _guarded(store: Store, case_id: str, locked: bool) -> Iterator[None]:
    repo = store.repo
    with contextlib.nullcontext() if locked else store_lock(store):
        refuse_if_interrupted(store)
        underway = repo.operation_in_progress()
        if underway:
            raise RefusedError(f"{underway} is under way in this repository; finish or abort it "
                               "(`git status` says how), then repeat the step")
        check_case_tree(store, case_id)  # nothing is written through a link, nor read through one
        # One `git status`, under the lock: the case's changes, and HEAD and its branch for the step.
        dirty = repo.changed_paths(store.repo_path(store.case_dir(case_id)))
        if repo.head() is None:
            raise UnusableError(
                f"{repo.root}: the repository has no commits yet; commit the store first"
            )
        if dirty:
            raise RefusedError(
                f"{case_id}: uncommitted edits in {', '.join(dirty[:3])}"
                f"{' …' if len(dirty) > 3 else ''}; commit them (`git add` and `git commit`) "
                "or discard them (`git restore`), then repeat the step"
            )
        yield


def apply(store: Store, case_id: str, step: str, summary: str, changes: Mapping[Path, str | bytes | None],
          message: str, dry_run: bool, sign: bool = False, propose: bool = False,
          branch: str | None = None) -> Outcome:
    """Write `changes` (None: delete the file) and commit them as one step; must run inside `step_guard`.

    With `propose`, the commit goes on a new branch (`branch`, default review/ID/STEP)
    and the work tree, the index and the current branch are not touched at all.
    """
    repo = store.repo
    for path in changes:
        refuse_links(store, path)
    paths = [store.repo_path(p) for p in changes]
    removed = [store.repo_path(p) for p, text in changes.items() if text is None]
    diff = render_diff(store, dict(changes))
    if dry_run:
        return Outcome(case_id, step, summary, paths, diff, dry_run=True, removed=removed)
    if propose:
        contents = {store.repo_path(p): text for p, text in changes.items()}
        made, proposed = repo.commit_to_branch(branch or f"review/{case_id}/{step}", message, contents, sign)
        return Outcome(case_id, step, summary, paths, diff, commit=proposed, branch=made)
    if not repo.on_branch():
        raise RefusedError("HEAD is detached, so the step's commit would belong to no branch; check out "
                           "a branch (or use --propose), then repeat the step")
    use_git_lock_timeout(store)
    repo.wait_for_locks()  # a lock another git left behind is named before anything is written
    created: list[str] = []
    for path, text in changes.items():
        if text is None:  # a deletion creates no folder
            continue
        folder = path.parent
        while not folder.exists():  # folders below the repository root, as changes lie
            created.append(store.repo_path(folder))
            folder = folder.parent
    originals = {store.repo_path(p): original(p) for p in changes}
    journal = Journal(
        step, case_id, repo.head(), {rel: kept for rel, (kept, _) in originals.items()},
        created, message, [rel for rel, (_, binary) in originals.items() if binary],
    )
    journal.write(journal_path(store))
    commit: str | None = None
    try:
        for path, text in changes.items():
            if text is None:
                remove_durably(path)
            else:
                write_atomic(path, text)
            _fault("after-write")
        commit = repo.commit_step(message, paths, sign=sign)
        _fault("after-commit")
    except BaseException:
        # Once committed, the step is done: nothing to put back.  The real index is not
        # touched before the commit, so only the files need putting back.
        if commit is None and committed(store, journal) is None:
            restore(store, journal, index=False)
        journal_path(store).unlink(missing_ok=True)
        raise
    journal_path(store).unlink(missing_ok=True)
    return Outcome(case_id, step, summary, paths, diff, commit=commit, removed=removed)
