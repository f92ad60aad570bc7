"""Whole-store checks.  They never write, and they report every problem they find."""

from __future__ import annotations

import os
import pickle
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from reviewctl.adapters import yamlio
from reviewctl.core.case.problems import Problem
from reviewctl.core.privacy.key_checks import key_problems
from reviewctl.core.signing.base_branch import resolve_base
from reviewctl.core.signing.kept_checks import KeptChecks
from reviewctl.core.store.confinement import link_problem
from reviewctl.core.store.folder import CASES_DIR, Store
from reviewctl.core.store.templates import template_problems
from reviewctl.core.store.transaction import journal_path
from reviewctl.core.upkeep import verdicts as validcache
from reviewctl.core.upkeep.validate_cases import check_cases, published_problems
from reviewctl.core.workflow.load import Act
from reviewctl.errors import ReviewctlError, UsageError

if TYPE_CHECKING:
    from reviewctl.adapters.gitstatus import Changes


def validate_problems(store: Store, base: str | None = None) -> list[Problem]:
    """Every problem of the store; with `base`, also of what changed since that ref.

    A case last found valid whose files and settings have not changed since is not
    checked again (core/upkeep/verdicts.py); the rest are checked over the machine's cores.
    With `base`, a pull request that changes only case folders has only those cases
    checked: the base was valid when it was merged, so the others stand as it left them.
    """
    # A pull request's changes in the work tree: git's status of a big store is slow, so it
    # runs while the settings, templates and history are read.
    status = store.repo.changes_later(store.repo_path(store.root)) if base is not None else None
    try:
        return _validate(store, base, status)
    finally:
        if status is not None:
            status.cancel()  # no git left running when the check ends early or fails


def _validate(store: Store, base: str | None, status: Changes | None) -> list[Problem]:
    from reviewctl.core.signing.verify import approval_problems  # lazy: loads 3 more modules

    problems = _settings_problems(store)
    if problems:
        return problems  # without settings and workflow no case can be judged
    problems += _journal_problems(store)
    problems += template_problems(store)
    if store.cases_dir.is_symlink():
        return [*problems, link_problem(store, store.cases_dir)]  # never read cases through a link
    # One look at the cases folder: names, not paths, as 10,000 Path objects cost a tenth of a second.
    listed = [(e.name, e.is_dir(), e.is_symlink()) for e in os.scandir(store.cases_dir)] \
        if store.cases_dir.is_dir() else []
    problems += _duplicate_problems(store, [name for name, folder, _ in listed if folder])
    names = sorted(name for name, folder, link in listed if folder or link)
    since = _since(store, base) if base is not None else None
    if since is not None and status is not None:
        touched = _touched_cases(store, since[1] + status.paths())
        if touched is not None:
            names = [n for n in names if n in touched]
    verdicts = validcache.load(store)
    cases_dir = str(store.cases_dir)
    keys = {n: verdicts.folder_key(os.path.join(cases_dir, n)) for n in names}
    # Each readable case's record and whether it has approvals: the approvals of those
    # that have them, or whose stage or history says they were approved, are verified
    # against the base, even for a case with other problems (a forger's edit must not
    # hide behind them).  Without a base, by the built-in workflow, only those can need
    # it, so a kept case's record is read only when it is flagged.
    every = base is not None or bool(store.config.workflow)
    cases: dict[str, tuple[Any, bool]] = {}
    valid: dict[str, validcache.Kept] = {}
    todo = []
    for name in names:
        kept = verdicts.valid.get(name)
        # With a base, a published case a pull request touches is scanned whole: its kept verdict
        # trusted publish's record of the files it checked, which the pull request could have edited.
        if kept is not None and keys[name] is not None and kept.key == keys[name] \
                and not (base is not None and kept.published):
            if every or kept.flagged:
                cases[name] = (kept.mapping(), kept.has_approvals)
            if kept.published:  # the redaction check reads keys that live outside the store: again
                found = published_problems(store, store.cases_dir / name, store.shown(store.cases_dir / name))
                if found:
                    problems += found
                    continue
            valid[name] = kept
        else:
            todo.append(store.cases_dir / name)
    loaded: dict[str, dict[str, Any]] = {}
    for checked in check_cases(store, todo, trust_checked=base is None):
        problems += checked.problems
        if checked.docs is not None:
            loaded[checked.name] = checked.docs
        if checked.case is not None and (every or checked.flagged or checked.problems):
            cases[checked.name] = (checked.case, checked.has_approvals)
        key = keys[checked.name]
        if not checked.problems and key is not None:
            valid[checked.name] = validcache.Kept(key, pickle.dumps(checked.case, pickle.HIGHEST_PROTOCOL),
                                                  checked.has_approvals, checked.flagged, checked.published)
    validcache.save(verdicts, valid, merge=base is not None)
    kept_checks = KeptChecks.load(store, verdicts.settings, dict(keys))
    kept_checks.know_types(cases, keys)
    problems += approval_problems(store, dict(sorted(cases.items())), base, loaded, kept_checks)
    problems += key_problems(store, base)
    if base is not None and since is not None:
        problems += _changes_since(store, base, *since)
    return problems


def _since(store: Store, base: str) -> tuple[str, list[str]]:
    """The commit `base` names, and the paths (from the repository's root) committed since it."""

    resolved = resolve_base(store, base, "--base")
    if not resolved:
        raise UsageError(f"--base {base!r} is not a branch or commit of this repository")
    return resolved, store.repo.changed_between(resolved, "HEAD", store.repo_path(store.root))


def _touched_cases(store: Store, changed: list[str]) -> set[str] | None:
    """The case folders a pull request changes (`changed`: committed since the base, staged,
    unstaged or untracked); None when it changes anything outside them, which every case is
    checked again for."""
    root = store.repo_path(store.root)
    prefix = "" if root == "." else root + "/"
    cases = prefix + CASES_DIR + "/"
    touched = set()
    for path in changed:
        if not path.startswith(cases) or path.count("/") < cases.count("/") + 1:
            return None
        touched.add(path[len(cases):].split("/")[0])
    return touched


# Records a pull request may only add to: (file, key, what an entry is).  An entry of the
# base that is changed or removed rewrites what was recorded (a history step, a report
# version that an approval names, an approval).
_GROW_ONLY = [("case.yaml", "history", "an entry"), ("report.yaml", "versions", "a report version"),
              ("approvals.yaml", "approvals", "an approval")]


def _changes_since(store: Store, base: str, resolved: str, committed: list[str]) -> list[Problem]:
    """A pull request's changes: records may only grow, and stages only move with the history."""
    repo = store.repo
    name, base = base, resolved
    cases_path = store.repo_path(store.cases_dir)
    changed = {p[len(cases_path) + 1:].split("/")[0] for p in committed if p.startswith(cases_path + "/")}
    problems: list[Problem] = []
    approve_steps = store.workflow.steps_of(Act.APPROVE)
    # Every record of every changed case, as the base and as HEAD have it: four git processes in all
    # (a name with a line break, which cat-file's batch cannot carry, is read on its own).
    paths = [f"{cases_path}/{case_id}/{filename}" for case_id in sorted(changed) for filename, _, _ in _GROW_ONLY]
    batch = [path for path in paths if "\n" not in path]
    befores, afters = (repo.texts_at(base, batch), repo.texts_at("HEAD", batch)) if batch else ({}, {})
    for case_id in sorted(changed):
        loaded: dict[str, tuple[Any, Any]] = {}
        rewritten: set[str] = set()
        for filename, key, what in _GROW_ONLY:
            path = f"{cases_path}/{case_id}/{filename}"
            before_text = befores[path] if path in befores else repo.show_file(base, path)
            after_text = afters[path] if path in afters else repo.show_file("HEAD", path)
            if before_text is None:
                continue  # new here: checked as the store is
            try:
                before = yamlio.parse_safe(before_text, f"{name}:{path}") or {}
                after = yamlio.parse_safe(after_text or "{}", f"HEAD:{path}") or {}
            except ReviewctlError as error:
                problems.append(Problem.of(error))
                continue
            # A file that is not a mapping, or a record that is not a list, is reported by the
            # schema checks; here it is read as holding nothing, never a crash.
            before, after = (d if isinstance(d, dict) else {} for d in (before, after))
            loaded[filename] = (before, after)
            old, new = (v if isinstance(v, list) else [] for v in (before.get(key), after.get(key)))
            if new[:len(old)] != old:
                at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
                rewritten.add(filename)
                problems.append(Problem(store.shown(store.case_dir(case_id) / filename), f"{what} of {name} was "
                                        f"changed or removed; {key} may only grow (put it back as it was)",
                                        key=f"{key}[{at}]"))
        if "case.yaml" not in loaded or "case.yaml" in rewritten:
            continue
        before, after = loaded["case.yaml"]
        old, new = (v if isinstance(v, list) else [] for v in (before.get("history"), after.get("history")))
        shown = store.shown(store.case_dir(case_id) / "case.yaml")
        if before.get("stage") != after.get("stage") and len(new) == len(old):
            problems.append(Problem(shown, f"moved from '{before.get('stage')}' to '{after.get('stage')}' with no "
                                           "step in the history; stages move only through reviewctl commands",
                                    key="stage"))
        elif len(new) - len(old) > 1 and any(isinstance(h, dict) and h.get("step") in approve_steps
                                             for h in new[len(old):]):
            steps = ", ".join(str(h.get("step") if isinstance(h, dict) else h) for h in new[len(old):])
            problems.append(Problem(shown, f"jumped from '{before.get('stage')}' to '{after.get('stage')}' in one "
                                           f"change ({steps}); an approval must be its own reviewed step", key="stage"))
    return problems


def _settings_problems(store: Store) -> list[Problem]:
    return store.settings[2]


def _journal_problems(store: Store) -> list[Problem]:
    if journal_path(store).exists():
        return [Problem(store.shown(journal_path(store)), "an interrupted step left files half changed; "
                        "run `reviewctl doctor`")]
    return []


def _duplicate_problems(store: Store, folders: list[str]) -> list[Problem]:
    if len(set(map(str.upper, folders))) == len(folders):
        return []  # the usual answer, found without a Python loop over 10,000 names
    seen: dict[str, list[str]] = defaultdict(list)
    for name in folders:
        seen[name.upper()].append(name)
    return [
        Problem(store.shown(store.cases_dir), f"duplicate case id {names[0]!r} (folders {', '.join(sorted(names))}); "
                "give one of them a new id")
        for names in seen.values() if len(names) > 1
    ]
