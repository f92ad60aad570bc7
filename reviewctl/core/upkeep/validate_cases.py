"""The checks of each case folder for `validate`, run in worker processes when there are many.

A case found valid is remembered by the blobs of its files (core/upkeep/verdicts.py) and not
checked again until one of them, or the settings, changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewctl.adapters import yamlio
from reviewctl.core.case.chronology_records import CHRONOLOGY_DIR, AgencyChronology
from reviewctl.core.case.models import check_id
from reviewctl.core.case.problems import Problem
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.privacy import checked_files
from reviewctl.core.privacy.published_files import stored_as
from reviewctl.core.store.confinement import case_tree_problems
from reviewctl.core.store.folder import Store, read_documents
from reviewctl.core.workflow.conformance import case_problems
from reviewctl.errors import ReviewctlError

# YAML files get their conflict markers reported by the loader; these by a scan.
_SCANNED_SUFFIXES = {".md", ".csv", ".txt"}
# Below this many cases to check, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
CHUNK = 100  # case folders per task sent to a worker


@dataclass
class Checked:
    name: str
    problems: list[Problem]
    case: Any  # the case.yaml mapping when it could be read, for the cross-case checks
    has_approvals: bool
    published: bool
    flagged: bool = False  # it has approvals, or the store's workflow says it was approved
    # A flagged case's documents as read, when it has no problems: its approvals are verified
    # next, from these, not from its files read again.
    docs: dict[str, Any] | None = None


def check_case(store: Store, folder: Path, trust_checked: bool = True) -> Checked:
    """`trust_checked`: a published case's files as publish checked them are not scanned again."""
    from reviewctl.core.signing.verify import past_approval  # lazy: loads tempfile

    checked = _check_case(store, folder, trust_checked)
    checked.flagged = checked.has_approvals or past_approval(store.workflow, checked.case)
    if not checked.flagged or checked.problems:
        checked.docs = None
    return checked


def _check_case(store: Store, folder: Path, trust_checked: bool) -> Checked:
    # A case that is or holds a link is not read at all: the link could lead out of the store.
    linked = case_tree_problems(store, folder)
    if linked:
        return Checked(folder.name, linked, None, False, False)
    docs: dict[str, Any] = {}
    problems = _case_folder_problems(store, folder, docs, trust_checked)
    return Checked(folder.name, problems, docs.get("case"), "approvals" in docs, "publication" in docs, docs=docs)


_WORKER_STORE: Store | None = None


def _start_worker(root: str, identity: str | None) -> None:
    global _WORKER_STORE
    _WORKER_STORE = Store(Path(root), Path(identity) if identity else None)


def _check_in_worker(task: tuple[list[str], bool]) -> list[Checked]:
    assert _WORKER_STORE is not None
    folders, trust_checked = task
    return [check_case(_WORKER_STORE, Path(f), trust_checked) for f in folders]


def check_cases(store: Store, folders: list[Path], trust_checked: bool = True) -> list[Checked]:
    """Each folder's checks, in order; over the machine's cores when there are many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(folders) < PARALLEL_FROM or workers < 2 or not hasattr(os, "fork"):
        return [check_case(store, f, trust_checked) for f in folders]
    # Imported here: `validate --base` on a pull request checks a case or two, with no workers.
    from concurrent.futures import ProcessPoolExecutor  # lazy: loads concurrent
    from multiprocessing import get_context  # lazy: loads multiprocessing

    chunks = [([str(f) for f in folders[i:i + CHUNK]], trust_checked) for i in range(0, len(folders), CHUNK)]
    identity = str(store.identity_file) if store.identity_file else None
    # fork: the workers start with the modules this process has already imported.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_start_worker,
                             initargs=(str(store.root), identity)) as pool:
        return [checked for chunk in pool.map(_check_in_worker, chunks) for checked in chunk]


def _scanned_files(folder: Path) -> list[Path]:
    """The case's markdown, CSV and text files, in path order (os.walk: pathlib's rglob and
    a stat of each path were a third of a case's checks). The folder holds no link: a case
    with one is refused before this (confinement.case_tree_problems)."""
    found = []
    for top, _dirs, files in os.walk(folder):
        found += [os.path.join(top, name) for name in files if os.path.splitext(name)[1] in _SCANNED_SUFFIXES]
    return [Path(p) for p in sorted(found)]


def _case_folder_problems(store: Store, folder: Path, seen: dict[str, Any], trust_checked: bool) -> list[Problem]:
    """The problems of one case folder; `seen` gets its documents when they could be read."""
    shown = store.shown(folder)
    try:
        check_id(folder.name)
    except ReviewctlError:
        return [Problem(shown, "not a case id; case folders are named by their id")]
    if not (folder / "case.yaml").is_file():
        return [Problem(shown, "no case.yaml; a case folder needs one")]
    problems = []
    for path in _scanned_files(folder):
        try:
            with open(path, "rb") as handle:
                line = yamlio.conflict_marker_line(handle.read().decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem(store.shown(path), "not UTF-8 text; save it as UTF-8"))
            continue
        if line is not None:
            problems.append(Problem(store.shown(path), "git conflict marker; resolve the merge in this file, "
                                    "then `git add` it", line))
    try:
        # libyaml first (as `list` reads); a file it refuses is read again by ruamel for the
        # message, and a case with problems again with line numbers.
        try:
            docs = read_documents(store, folder.name, roundtrip=False, fast=True)
        except ReviewctlError:
            docs = read_documents(store, folder.name, roundtrip=False)
        seen.update(docs)  # plain data: what the cross-case checks read, and what a worker sends back
        found = case_problems(store.workflow, shown, folder.name, docs, copies=True)
        if found:
            docs = read_documents(store, folder.name, roundtrip=True)
            found = case_problems(store.workflow, shown, folder.name, docs, copies=True)
    except ReviewctlError as error:
        return [*problems, Problem.of(error)]
    problems += found
    problems += _chronology_problems(store, folder)
    if "publication" in docs:  # the redaction guard holds after publication too
        problems += published_problems(store, folder, shown)
        problems += _published_patterns(store, folder, docs, trust_checked)
    return problems


_KEYS_UNAVAILABLE: dict[Path, bool] = {}


def _keys_unavailable(store: Store) -> bool:
    """Whether no identifiers can be read here for want of an identity (as in CI): worked out
    once per process, not once per published case (each look reads the recipients again)."""
    from reviewctl.core.privacy.case_keys import Keystore, KeysUnavailable, identities  # lazy: loads secrets, pyrage

    if store.root not in _KEYS_UNAVAILABLE:
        try:
            Keystore(store)
            identities(store)
            _KEYS_UNAVAILABLE[store.root] = False
        except KeysUnavailable:
            _KEYS_UNAVAILABLE[store.root] = True
        except ReviewctlError:
            _KEYS_UNAVAILABLE[store.root] = False  # each case's check names the problem
    return _KEYS_UNAVAILABLE[store.root]


def published_problems(store: Store, folder: Path, shown: str) -> list[Problem]:
    """The redaction check of a published case (its keys live outside the store: checked every time)."""
    # Imported here: only a published case needs the keys and the redaction checks.
    from reviewctl.core.privacy.case_keys import KeysUnavailable  # lazy: loads secrets, pyrage
    from reviewctl.core.privacy.redaction import findings  # lazy: loads secrets, xml

    if stored_as(store, folder.name) == "encrypted" and _keys_unavailable(store):
        return []  # what findings() would end in: CI holds no key (see below)
    try:
        guarded = findings(store, folder.name)
        return [Problem(shown, f"published case: {guarded.describe()}; redact it")] if guarded else []
    except KeysUnavailable:
        return []  # CI holds no key: publish and redaction-check ran the guard where the keys are
    except ReviewctlError as error:
        return [Problem.of(error)]


def _published_patterns(store: Store, folder: Path, docs: dict[str, Any], trust_checked: bool) -> list[Problem]:
    """Identifiers nobody listed, in a published case's files, that `publish` did not allow (no key needed).

    With `trust_checked`, files byte for byte as publish checked them are not scanned again
    (core/privacy/checked_files.py); `validate --base` scans the cases a pull request touches whole."""
    from reviewctl.core.privacy.pattern_guard import (
        published_problems,  # lazy: its name (published_problems) is taken here
        scan_context,
    )

    if trust_checked and checked_files.unchanged(store, folder.name, docs["publication"],
                                                 scan_context(store, docs)):
        return []
    try:
        return published_problems(store, folder.name)
    except ReviewctlError as error:
        return [Problem.of(error)]


def _chronology_problems(store: Store, folder: Path) -> list[Problem]:
    problems: list[Problem] = []
    for path in sorted((folder / CHRONOLOGY_DIR).glob("*.yaml")):
        shown = store.shown(path)
        try:
            # libyaml first; a file it refuses, or one with problems, is read again by ruamel for
            # the message and the line numbers.
            try:
                found = errors_of(AgencyChronology, yamlio.parse_fast(yamlio.read_text(path, shown), shown), shown)[1]
            except ReviewctlError:
                found = [Problem(shown, "read again, by ruamel, for the message")]
            if found:
                found = errors_of(AgencyChronology, yamlio.read_roundtrip(path, shown), shown)[1]
        except ReviewctlError as error:
            problems.append(Problem.of(error))
            continue
        problems += found
    return problems
