"""Whole-store checks.  They never write, and they report every problem they find."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from reviewctl.adapters import yamlio
from reviewctl.core.case import check_id
from reviewctl.core.checks import case_problems
from reviewctl.core.confinement import case_tree_problems, link_problem
from reviewctl.core.keys import KeysUnavailable
from reviewctl.core.problems import Problem, as_problems
from reviewctl.core.redaction import findings
from reviewctl.core.schema import errors_of
from reviewctl.core.store import Store, read_documents
from reviewctl.core.templates import template_problems
from reviewctl.core.workflow import Act
from reviewctl.errors import ReviewctlError, UsageError, located

# YAML files get their conflict markers reported by the loader; these by a scan.
_SCANNED_SUFFIXES = {".md", ".csv", ".txt"}


def validate_problems(store: Store, base: str | None = None) -> list[Problem]:
    """Every problem of the store as a record (see core/problems.py)."""
    return as_problems(validate_store(store, base))


def validate_store(store: Store, base: str | None = None) -> list[str]:
    """Every problem of the store; with `base`, also of what changed since that ref."""
    from reviewctl.core.verify import approval_problems

    problems = _settings_problems(store)
    if problems:
        return problems  # without settings and workflow no case can be judged
    problems += _journal_problems(store)
    problems += template_problems(store)
    if store.cases_dir.is_symlink():
        return [*problems, link_problem(store, store.cases_dir)]  # never read cases through a link
    problems += _duplicate_problems(store)
    folders = sorted(p for p in store.cases_dir.iterdir() if p.is_dir() or p.is_symlink()) \
        if store.cases_dir.is_dir() else []
    # Each readable case's record and whether it has approvals: the approvals of those
    # that have them, or whose stage or history says they were approved, are verified
    # against the base, even for a case with other problems (a forger's edit must not
    # hide behind them).
    cases: dict[str, tuple[Any, bool]] = {}
    for folder in folders:
        # A case that is or holds a link is not read at all: the link could lead out of the store.
        linked = case_tree_problems(store, folder)
        if linked:
            problems += linked
            continue
        docs: dict[str, Any] = {}
        problems += _case_folder_problems(store, folder, docs)
        if "case" in docs:
            cases[folder.name] = (docs["case"], "approvals" in docs)
    problems += approval_problems(store, cases, base)
    if base is not None:
        problems += _changes_since(store, base)
    return problems


# Records a pull request may only add to: (file, key, what an entry is).  An entry of the
# base that is changed or removed rewrites what was recorded (a history step, a report
# version that an approval names, an approval).
_GROW_ONLY = [("case.yaml", "history", "an entry"), ("report.yaml", "versions", "a report version"),
              ("approvals.yaml", "approvals", "an approval")]


def _changes_since(store: Store, base: str) -> list[str]:
    """A pull request's changes: records may only grow, and stages only move with the history."""
    from reviewctl.core.base import resolve_base

    repo = store.repo
    name, base = base, resolve_base(store, base, "--base") or ""
    if not base:
        raise UsageError(f"--base {name!r} is not a branch or commit of this repository")
    cases_path = store.repo_path(store.cases_dir)
    changed = {p[len(cases_path) + 1:].split("/")[0] for p in repo.changed_between(base, "HEAD", cases_path)}
    problems = []
    approve_steps = store.workflow.steps_of(Act.APPROVE)
    for case_id in sorted(changed):
        loaded: dict[str, tuple[Any, Any]] = {}
        rewritten: set[str] = set()
        for filename, key, what in _GROW_ONLY:
            path = f"{cases_path}/{case_id}/{filename}"
            before_text, after_text = repo.show_file(base, path), repo.show_file("HEAD", path)
            if before_text is None:
                continue  # new here: checked as the store is
            try:
                before = yamlio.parse_safe(before_text, f"{name}:{path}") or {}
                after = yamlio.parse_safe(after_text or "{}", f"HEAD:{path}") or {}
            except ReviewctlError as error:
                problems.append(error.message)
                continue
            # A file that is not a mapping, or a record that is not a list, is reported by the
            # schema checks; here it is read as holding nothing, never a crash.
            before, after = (d if isinstance(d, dict) else {} for d in (before, after))
            loaded[filename] = (before, after)
            old, new = (v if isinstance(v, list) else [] for v in (before.get(key), after.get(key)))
            if new[:len(old)] != old:
                at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
                rewritten.add(filename)
                problems.append(f"{store.shown(store.case_dir(case_id) / filename)}: {key}[{at}]: {what} of "
                                f"{name} was changed or removed; {key} may only grow (put it back as it was)")
        if "case.yaml" not in loaded or "case.yaml" in rewritten:
            continue
        before, after = loaded["case.yaml"]
        old, new = (v if isinstance(v, list) else [] for v in (before.get("history"), after.get("history")))
        shown = store.shown(store.case_dir(case_id) / "case.yaml")
        if before.get("stage") != after.get("stage") and len(new) == len(old):
            problems.append(f"{shown}: stage: moved from '{before.get('stage')}' to '{after.get('stage')}' "
                            "with no step in the history; stages move only through reviewctl commands")
        elif len(new) - len(old) > 1 and any(isinstance(h, dict) and h.get("step") in approve_steps
                                             for h in new[len(old):]):
            steps = ", ".join(str(h.get("step") if isinstance(h, dict) else h) for h in new[len(old):])
            problems.append(f"{shown}: stage: jumped from '{before.get('stage')}' to '{after.get('stage')}' "
                            f"in one change ({steps}); an approval must be its own reviewed step")
    return problems


def _settings_problems(store: Store) -> list[str]:
    return store.settings[2]


def _journal_problems(store: Store) -> list[str]:
    from reviewctl.core.transaction import journal_path

    if journal_path(store).exists():
        return [f"{store.shown(journal_path(store))}: an interrupted step left files half "
                "changed; run `reviewctl doctor`"]
    return []


def _duplicate_problems(store: Store) -> list[str]:
    if not store.cases_dir.is_dir():
        return []
    seen: dict[str, list[str]] = defaultdict(list)
    for folder in store.cases_dir.iterdir():
        if folder.is_dir():
            seen[folder.name.upper()].append(folder.name)
    return [
        f"{store.shown(store.cases_dir)}: duplicate case id {names[0]!r} "
        f"(folders {', '.join(sorted(names))}); give one of them a new id"
        for names in seen.values() if len(names) > 1
    ]


def _case_folder_problems(store: Store, folder: Path, seen: dict[str, Any]) -> list[str]:
    """The problems of one case folder; `seen` gets its documents when they could be read."""
    shown = store.shown(folder)
    try:
        check_id(folder.name)
    except ReviewctlError:
        return [f"{shown}: not a case id; case folders are named by their id"]
    if not (folder / "case.yaml").is_file():
        return [f"{shown}: no case.yaml; a case folder needs one"]
    problems = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in _SCANNED_SUFFIXES:
            try:
                line = yamlio.conflict_marker_line(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                problems.append(f"{store.shown(path)}: not UTF-8 text; save it as UTF-8")
                continue
            if line is not None:
                problems.append(located(store.shown(path), line, None, "git conflict marker; "
                                        "resolve the merge in this file, then `git add` it"))
    try:
        # The fast loader first; only a case with problems is read again for line numbers.
        docs = read_documents(store, folder.name, roundtrip=False)
        found = case_problems(store.workflow, shown, folder.name, docs)
        if found:
            docs = read_documents(store, folder.name, roundtrip=True)
            found = case_problems(store.workflow, shown, folder.name, docs)
    except ReviewctlError as error:
        return [*problems, error.message]
    seen.update(docs)
    problems += found
    problems += _chronology_problems(store, folder)
    try:
        if "publication" in docs:  # the redaction guard holds after publication too
            guarded = findings(store, folder.name)
            if guarded:
                problems.append(f"{shown}: published case: {guarded.describe()}; redact it")
    except KeysUnavailable:
        pass  # CI holds no key: publish and redaction-check ran the guard where the keys are
    except ReviewctlError as error:
        problems.append(error.message)
    return problems


def _chronology_problems(store: Store, folder: Path) -> list[str]:
    from reviewctl.core.chronology import CHRONOLOGY_DIR, AgencyChronology

    problems = []
    for path in sorted((folder / CHRONOLOGY_DIR).glob("*.yaml")):
        shown = store.shown(path)
        try:
            data = yamlio.read_roundtrip(path, shown)
        except ReviewctlError as error:
            problems.append(error.message)
            continue
        problems += errors_of(AgencyChronology, data, shown)[1]
    return problems
