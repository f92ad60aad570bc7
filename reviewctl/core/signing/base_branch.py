"""The base branch, and what it says: who may sign, who holds each role, what needs approval.

The branch under review never names its base: it could name itself, and bring its own
keys.  The base is `--base`, else the local git setting `reviewctl.base` (out of any
branch's reach), else the default branch (the remote's HEAD, else main or master),
whose own reviewctl.yaml may name another `base_branch`.  A base is always a branch,
a remote-tracking branch, a full ref or a commit id: never a tag, which `git
rev-parse` would prefer to a branch of the same name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.signing.approvers import SIGNERS_FILE
from reviewctl.core.store.folder import CASES_DIR, CONFIG_FILE, DEFAULT_WORKFLOW, Store
from reviewctl.core.workflow.load import Workflow, check_workflow, load_workflow
from reviewctl.errors import InvalidDataError, ReviewctlError, UsageError

# Where the base is looked for when neither --base nor `git config reviewctl.base` names it.
_DEFAULT_BASES = ("origin/HEAD", "main", "origin/main", "master", "origin/master")
LOCAL_BASE_SETTING = "reviewctl.base"


@dataclass
class Base:
    """What the base branch says: the allowed signers, who holds each role, what needs approval."""

    ref: str  # as messages name it, e.g. main
    commit: str  # what it resolved to: every file of the base is read from this commit
    signers: Path
    roles: dict[str, list[str]]
    signed: bool  # whether approvals must be signed, as the base says (a branch may not opt out)
    workflow: Workflow  # the base's: a branch may not drop a role, or the approval step
    former: dict[str, list[tuple[str, date]]] = field(default_factory=dict)  # role -> (principal, until)
    # What the base says, as one digest (its signers, settings and workflow): an approval's
    # check kept between runs (core/signing/kept_checks.py) stands while it is unchanged.
    fingerprint: str = ""

    @property
    def counted(self) -> set[str]:
        """The statuses that count as an approval under the base's rules."""
        return {"valid"} if self.signed else {"valid", "unsigned"}


def resolve_base(store: Store, name: str, given_as: str) -> str | None:
    """The commit of the base branch `name`: a branch, a remote-tracking branch, a full ref
    or a commit id, never a tag; refused where the name is ambiguous, since a tag or a
    branch pushed as `origin/main` could then stand in for the real one."""
    found = store.repo.refs_named(name)
    if len(found) > 1:
        refs = " and ".join(ref for ref, _ in found)
        raise UsageError(f"{given_as} {name!r} names both {refs}, and the wrong one could stand in for the base; "
                         f"delete the one that should not be there, or give the full name ({found[0][0]})")
    if not found or (found[0][0].startswith("refs/tags/") and not name.startswith("refs/")):
        return None
    return found[0][1]


def base_ref(store: Store, base: str | None) -> tuple[str, str]:
    """The base whose signers and roles count, as (name, commit): --base, the local git
    setting, or the base's own choice.

    The branch under review never names its base: it could name itself, and bring its
    own keys.  Without --base, the default branch (the remote's HEAD, else main or
    master) is found first, and its reviewctl.yaml may name another base_branch.
    """
    repo = store.repo
    if base is not None:
        commit = resolve_base(store, base, "--base")
        if commit is None:
            raise UsageError(f"--base {base!r} is not a branch or commit of this repository; fetch it, "
                             "or name another")
        return base, commit
    local = repo.config(LOCAL_BASE_SETTING)
    if local:
        commit = resolve_base(store, local, f"git config {LOCAL_BASE_SETTING}")
        if commit is None:
            raise UsageError(f"git config {LOCAL_BASE_SETTING} names {local!r}, which is not in this "
                             f"repository; fetch it, or change the setting")
        return local, commit
    found = next(((ref, c) for ref in _DEFAULT_BASES
                  if (c := resolve_base(store, ref, "the default branch")) is not None), None)
    if found is None:
        # Never fall back to the branch under review: it could bring its own keys.
        raise UsageError("the base branch 'main' is not in this repository; fetch it, or name the base "
                         f"with --base REF (or `git config {LOCAL_BASE_SETTING} REF` in this clone)")
    settings = _settings_at(store, found[1])
    named = str(settings.get("base_branch") or "").strip()
    if not named:
        return found
    for ref in (named, f"origin/{named}"):
        commit = resolve_base(store, ref, f"{found[0]}:{CONFIG_FILE}: base_branch")
        if commit is not None:
            return (found[0], commit) if commit == found[1] else (ref, commit)
    raise UsageError(f"{found[0]}:{CONFIG_FILE}: base_branch: {named!r} is not in this repository; fetch it, "
                     "or name the base with --base REF")


def _prefixed(store: Store, name: str) -> str:
    root = store.repo_path(store.root)
    return name if root == "." else f"{root}/{name}"


def _settings_at(store: Store, commit: str) -> dict[str, object]:
    text = store.repo.show_file(commit, _prefixed(store, CONFIG_FILE)) or "{}"
    settings = yamlio.parse_safe(text, f"{commit[:10]}:{CONFIG_FILE}")
    return settings if isinstance(settings, dict) else {}


def read_base(store: Store, base: str | None, workdir: Path) -> Base:
    ref, commit = base_ref(store, base)
    signers = workdir / "allowed_signers"
    signers.write_text(store.repo.show_file(commit, _prefixed(store, SIGNERS_FILE)) or "", encoding="utf-8")
    settings = _settings_at(store, commit)
    roles = settings.get("approvers") or {}
    if not isinstance(roles, dict):
        roles = {}
    # A base without the setting is read with the model's default, never the branch's value.
    signed = bool(settings.get("signed_approvals", False))
    flow, flow_text = _workflow_at(store, ref, commit, settings)
    fingerprint = hashlib.sha256("\0".join([signers.read_text(encoding="utf-8"), repr(settings),
                                            flow_text]).encode("utf-8", "surrogateescape")).hexdigest()
    return Base(ref, commit, signers, {str(r): [str(p) for p in (ps or [])] for r, ps in roles.items()}, signed,
                flow, _former(settings), fingerprint)


def _former(settings: dict[str, object]) -> dict[str, list[tuple[str, date]]]:
    """`former_approvers` as the base has it; an entry that is not (principal, date) counts for nothing."""
    raw = settings.get("former_approvers")
    found: dict[str, list[tuple[str, date]]] = {}
    for role, entries in (raw.items() if isinstance(raw, dict) else []):
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("until"), date):
                found.setdefault(str(role), []).append((str(entry.get("principal")), entry["until"]))
    return found


def _workflow_at(store: Store, ref: str, commit: str, settings: dict[str, object]) -> tuple[Workflow, str]:
    """The workflow as the base has it (the roles each type needs, and the approval step),
    and its text ("" for the built-in one, which reviewctl's version stands for)."""
    name = settings.get("workflow")
    text = ""
    if not name:
        if not store.config.workflow:
            return store.workflow, text  # the built-in workflow, already loaded
        flow, problems = load_workflow(DEFAULT_WORKFLOW, str(DEFAULT_WORKFLOW), store.settings_cache)
    else:
        shown = f"{ref}:{name}"
        found = store.repo.show_file(commit, _prefixed(store, str(name)))
        if found is None:
            raise InvalidDataError(f"{ref}:{CONFIG_FILE}: workflow: {name} is not on {ref}; commit it there, "
                                   "or remove the key")
        text = found
        flow, problems = check_workflow(yamlio.parse_safe(text, shown), shown)
    if flow is None:
        raise problems[0].error()
    return flow, text


def types_at(store: Store, commit: str, case_ids: list[str], known: dict[str, str | None] | None = None,
             used: dict[str, str | None] | None = None) -> dict[str, str]:
    """Each case's type as the base has it (cases the base does not have are left out).

    `known`: types already read, by the blob id of the case.yaml they were read from (kept
    between runs by validate): a blob's type never changes. `used`: gets those read or
    looked up here, for the next run."""
    known = {} if known is None else known
    paths = {case_id: _prefixed(store, f"{CASES_DIR}/{case_id}/case.yaml") for case_id in case_ids}
    blobs = store.repo.blob_ids_at(commit, list(paths.values()))
    unread = sorted({b for b in blobs.values() if b is not None and b not in known})
    for unread_blob, read in store.repo.blob_texts(unread).items():
        known[unread_blob] = _type_in(read, f"{commit[:10]}:{unread_blob}")
    types: dict[str, str] = {}
    for case_id, path in paths.items():
        blob = blobs.get(path)
        found = known.get(blob) if blob is not None else None
        if used is not None and blob is not None:
            used[blob] = found
        if found is not None:
            types[case_id] = found
    return types


def _type_in(text: str, shown: str) -> str | None:
    try:
        case = yamlio.parse_fast(text, shown)
    except ReviewctlError:
        return None  # a base that cannot be read gives no type; the branch's own type still counts
    return str(case["type"]) if isinstance(case, dict) and case.get("type") is not None else None
