"""Which approvals of a case can be trusted.

An approval counts only if all of these hold:
- an approval commit made it, whose trailers name the case, the role and the report
  version's content hash;
- the commit's SSH signature is good against the allowed-signers file of the *base*
  branch (never the branch under review, which could add its own key);
- the signer's principal holds the role (in the base branch's settings) and is the
  approver the entry names;
- the approved version is the current final report.
Approvals a forge wrote into a merge commit (Reviewed-by:, Approved-by:) are shown,
but do not count as signed.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewctl.adapters import yamlio
from reviewctl.core.approval import final_text_hash
from reviewctl.core.approvers import SIGNERS_FILE
from reviewctl.core.store import CONFIG_FILE, Store, read_documents
from reviewctl.errors import ReviewctlError, UsageError

_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Check:
    role: str
    version: int | None
    by: str | None
    commit: str | None
    status: str  # valid | rejected | unsigned | forge
    reason: str

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def trailers(message: str) -> dict[str, str]:
    return {key: value.strip() for key, value in _TRAILER.findall(message)}


@dataclass
class Base:
    """What the base branch says: the allowed signers, and who holds each role."""

    ref: str
    signers: Path
    roles: dict[str, list[str]]
    signed: bool  # whether approvals must be signed, as the base says (a branch may not opt out)


def read_base(store: Store, base: str | None, workdir: Path) -> Base:
    repo = store.repo
    ref = base or store.config.base_branch
    if repo.resolve(ref) is None and base is None and repo.resolve(f"origin/{ref}") is not None:
        ref = f"origin/{ref}"
    if repo.resolve(ref) is None:
        # Never fall back to the branch under review: it could bring its own keys.
        raise UsageError(f"the base branch {ref!r} is not in this repository; fetch it, or name the base "
                         "with --base REF (or base_branch in reviewctl.yaml)")
    root = store.repo_path(store.root)
    prefix = "" if root == "." else f"{root}/"
    signers = workdir / "allowed_signers"
    signers.write_text(repo.show_file(ref, f"{prefix}{SIGNERS_FILE}") or "", encoding="utf-8")
    settings = yamlio.parse_safe(repo.show_file(ref, f"{prefix}{CONFIG_FILE}") or "{}", f"{ref}:{CONFIG_FILE}")
    roles = (settings or {}).get("approvers") or {}
    signed = bool((settings or {}).get("signed_approvals", store.config.signed_approvals))
    return Base(ref, signers, {str(r): [str(p) for p in (ps or [])] for r, ps in roles.items()}, signed)


def check_case(store: Store, case_id: str, docs: dict[str, Any], base: Base,
               commits: list[tuple[str, list[str], str]]) -> list[Check]:
    given = (docs.get("approvals") or {}).get("approvals") or []
    digest: str | None = None
    if given:
        try:
            digest = final_text_hash(store, case_id, docs)[1]
        except ReviewctlError:
            digest = None
    required = base.signed
    mine = [(c, t) for c, _, m in commits if (t := trailers(m)).get("Reviewctl-Case") == case_id]
    checks = []
    for entry in given:
        role, sha = str(entry.get("role")), str(entry.get("sha256"))
        by_role = [(c, t) for c, t in mine if t.get("Reviewctl-Step") == "approve"
                   and t.get("Reviewctl-Role") == role]
        made = [(c, t) for c, t in by_role if t.get("Reviewctl-Report-Sha256") == sha
                and t.get("Reviewctl-Report-Version") == str(entry.get("version"))] or by_role[:1]

        def result(status: str, reason: str, commit: str | None = None,
                   entry: dict[str, Any] = entry, role: str = role) -> Check:
            return Check(role, entry.get("version"), entry.get("email"), commit, status, reason)

        if not made:
            # In a store that records plain approvals this is shown, not rejected.
            checks.append(result("rejected" if required else "unsigned",
                                 "no approval commit records it: approvals.yaml was edited by hand, "
                                 "or the commit's trailers were changed"))
            continue
        # Of several commits for one approval, a good signature wins: a later forged or
        # unsigned copy must not hide the real one.
        verified = [(c, t, store.repo.verify_commit(c, base.signers)) for c, t in made]
        commit, tags, (state, principal) = next((v for v in verified if v[2][0] == "good"), verified[0])
        if state == "tampered":
            checks.append(result("rejected", "the signature does not match the commit: it was changed "
                                             "(amended, or its trailers edited) after it was signed", commit))
        elif tags.get("Reviewctl-Report-Sha256") != sha or tags.get("Reviewctl-Report-Version") != str(
                entry.get("version")):
            checks.append(result("rejected", "the approval commit's trailers do not match the approval in "
                                             "approvals.yaml", commit))
        elif sha != digest:
            checks.append(result("rejected", "it approves an older report version, not the current "
                                             "final report", commit))
        elif state == "unsigned":
            checks.append(result("rejected" if required else "unsigned",
                                 "the approval commit is not signed", commit))
        elif state == "unknown-key":
            checks.append(result("rejected", f"signed by a key that is not in the allowed signers of "
                                             f"{base.ref}", commit))
        elif principal not in base.roles.get(role, []):
            checks.append(result("rejected", f"the signer {principal} does not hold the role '{role}' "
                                             f"on {base.ref}", commit))
        elif principal != entry.get("email"):
            checks.append(result("rejected", f"signed by {principal}, but the approval names "
                                             f"{entry.get('email')}: the commit was re-made by someone else",
                                 commit))
        else:
            checks.append(result("valid", f"signed by {principal}", commit))
    for commit, parents, message in commits:
        if len(parents) > 1 and case_id in message:
            for key in ("Reviewed-by", "Approved-by"):
                for who in re.findall(rf"^{key}: (.+)$", message, re.MULTILINE):
                    checks.append(Check("forge", None, who.strip(), commit, "forge",
                                        f"{key} in a merge commit: shown, but not a signed approval"))
    return checks


def verify(store: Store, case_id: str, base: str | None) -> list[Check]:
    store.existing_case_dir(case_id)
    return _verify_all(store, [case_id], base)[1][case_id][1]


def _verify_all(store: Store, case_ids: list[str], base: str | None
                ) -> tuple[bool, dict[str, tuple[dict[str, Any], list[Check]]]]:
    """Whether the base requires signing, and each case's documents and checks.

    The base branch and the log are read once for all the cases.
    """
    with tempfile.TemporaryDirectory(prefix="reviewctl-verify-") as tmp:
        base_info = read_base(store, base, Path(tmp))
        if not case_ids:
            return base_info.signed, {}
        commits = store.repo.commits_with("Reviewctl-Step: approve")
        commits += [c for c in store.repo.commits_with("-by: ") if len(c[1]) > 1]
        found = {}
        for case_id in case_ids:
            docs = read_documents(store, case_id, roundtrip=False)
            found[case_id] = (docs, check_case(store, case_id, docs, base_info, commits))
        return base_info.signed, found


def approval_problems(store: Store, case_ids: list[str], base: str | None) -> list[str]:
    """For `validate`: every rejected approval, and every approved case short of a role."""
    problems = []
    flow = store.workflow
    signed, found = _verify_all(store, case_ids, base)
    counted = {"valid"} if signed else {"valid", "unsigned"}
    for case_id, (docs, checks) in found.items():
        where = store.shown(store.case_dir(case_id))
        for check in checks:
            if check.status == "rejected":
                problems.append(f"{where}/approvals.yaml: {check.role}: approval rejected: {check.reason}")
        case = docs["case"]
        if not any(h.get("step") == "approve" and h.get("to") != h.get("from") for h in case.get("history") or []):
            continue
        for role in flow.approvals.get(str(case.get("type")), []):
            if not any(c.role == role and c.status in counted for c in checks):
                problems.append(f"{where}/approvals.yaml: {role}: the case is past approval without a "
                                "valid approval for this role")
    return problems
