"""The approval checks of `validate`, kept between runs by everything they depend on.

A case's checks (core/signing/verify.py) are a function of:
- its files (the blob id of each, as validate's own verdicts key them: core/upkeep/verdicts.py),
- what the base says: its allowed signers, its settings and its workflow (`Base.fingerprint`),
  and the case's type on the base,
- the commits of the branch that name the case (an approval commit, or a merge that mentions
  it): their ids stand for their messages, parents and signatures,
- where a role has former holders, the base's commit itself (whether an approval was merged
  into it by the holder's last day),
- the store's settings and workflow, and the version of reviewctl.
With all of these unchanged the checks are the same, so they are not worked out again:
re-reading the documents of every approved case was most of a warm `validate` (issue 22).
Types on the base are kept by the blob id of the case.yaml they were read from.
The file lives under .git, is never committed, and a missing or damaged one is rebuilt.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reviewctl.adapters.files import keep_cache
from reviewctl.adapters.gitdir import find_git_dir

if TYPE_CHECKING:
    from reviewctl.core.signing.base_branch import Base
    from reviewctl.core.signing.verify import Check, Commits
    from reviewctl.core.store.folder import Store

CACHE_NAME = "reviewctl-approvals.pickle"
FORMAT = 1

Key = tuple[object, ...]


@dataclass
class KeptChecks:
    path: Path | None
    settings: tuple[object, ...]  # the store's settings, workflow and reviewctl's version
    folders: dict[str, object]  # each case folder's key, as validate worked it out (None: not kept)
    checks: dict[str, tuple[Key, list[Check]]] = field(default_factory=dict)
    types: dict[str, str | None] = field(default_factory=dict)  # case.yaml blob id -> its type
    types_used: dict[str, str | None] = field(default_factory=dict)  # this run's: kept for the next
    _used: dict[str, tuple[Key, list[Check]]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store, settings: tuple[object, ...], folders: dict[str, object]) -> KeptChecks:
        git_dir = find_git_dir(store.root)
        kept = cls(git_dir / CACHE_NAME if git_dir else None, settings, folders)
        if kept.path is None or not kept.path.is_file():
            return kept
        try:
            with kept.path.open("rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("settings") == settings:
                kept.checks, kept.types = data["checks"], data["types"]
        except Exception:  # noqa: BLE001 - any damage means: rebuild
            pass
        return kept

    def know_types(self, cases: Mapping[str, tuple[object, bool]], folders: Mapping[str, object]) -> None:
        """The type of each case.yaml read here, by its blob id: the base's copy of a case is
        most often the same blob, whose type then needs no second read (`folders`: each case
        folder's key, as validate worked it out, (path in the folder, blob id) pairs)."""
        for case_id, (case, _) in cases.items():
            folder = folders.get(case_id)
            if not isinstance(case, dict) or case.get("type") is None or not isinstance(folder, tuple):
                continue
            blob = next((b for path, b in folder if path == "/case.yaml"), None)
            if isinstance(blob, str):
                self.types.setdefault(blob, str(case["type"]))

    def key(self, case_id: str, base: Base, base_type: str | None, known: Commits) -> Key | None:
        """What the case's checks depend on; None where its folder has no key (a link in it)."""
        folder = self.folders.get(case_id)
        if folder is None:
            return None
        mine = tuple(commit for commit, _ in known.by_case.get(case_id, []))
        merges = tuple(commit for commit, _, message in known.merges if case_id in message)
        # base.ref: a check's reason names the base it was checked against.
        return (folder, base.ref, base.fingerprint, base_type, mine, merges, base.commit if base.former else None)

    def get(self, case_id: str, key: Key) -> list[Check] | None:
        found = self.checks.get(case_id)
        if found is None or found[0] != key:
            return None
        self._used[case_id] = found
        return found[1]

    def put(self, case_id: str, key: Key, checks: list[Check]) -> None:
        self._used[case_id] = (key, checks)

    def save(self, merge: bool) -> None:
        """Keep this run's checks (with `merge`, beside those kept: only some cases were looked at)."""
        if self.path is None:
            return
        checks = {**self.checks, **self._used} if merge else self._used
        types = {**self.types, **self.types_used} if merge else self.types_used
        if checks == self.checks and types == self.types:
            return  # nothing new: no need to write them again
        keep_cache(self.path, {"format": FORMAT, "settings": self.settings, "checks": checks, "types": types})
