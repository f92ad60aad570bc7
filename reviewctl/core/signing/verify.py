"""Which approvals of a case can be trusted.

An approval counts only if all of these hold:
- an approval commit in the history of the branch under review (HEAD), not a merge,
  made it, and its trailers name the case, the role and the report version's content
  hash; a commit that lives only on another branch counts for nothing here;
- the commit's SSH signature is good against the allowed-signers file of the *base*
  branch (never the branch under review, which could add its own key);
- the signer's principal holds the role (in the base branch's settings) and is the
  approver the entry names;
- the approved version is the current final report.
The base branch is found as core/signing/base_branch.py says: never by the branch under review.
Approvals a forge wrote into a merge commit (Reviewed-by:, Approved-by:) are shown,
but do not count as signed.

A case's stage follows from its approvals: a case in a stage that only the approval
step reaches must carry a counted approval for every role its type needs.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from reviewctl.core.case.files import CaseFiles
from reviewctl.core.case.paths import Documents
from reviewctl.core.case.problems import Problem
from reviewctl.core.signing.approved_text import final_text_hash, revised_after
from reviewctl.core.signing.base_branch import Base, read_base, types_at
from reviewctl.core.signing.imported import imported_past_approval
from reviewctl.core.store.folder import Store
from reviewctl.core.workflow.load import APPROVE_STEP, Act, Workflow
from reviewctl.errors import RefusedError, ReviewctlError

if TYPE_CHECKING:
    from reviewctl.core.case.review_records import Approval
    from reviewctl.core.signing.kept_checks import KeptChecks

_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): (.+)$", re.MULTILINE)


class CheckJson(TypedDict):
    role: str
    version: int | None
    by: str | None
    commit: str | None
    status: str
    reason: str


@dataclass(frozen=True)
class Check:
    role: str
    version: int | None
    by: str | None
    commit: str | None
    status: str  # valid | unsigned | rejected | missing | forge | superseded
    reason: str

    def as_json(self) -> CheckJson:
        return CheckJson(role=self.role, version=self.version, by=self.by, commit=self.commit, status=self.status,
                         reason=self.reason)


def trailers(message: str) -> dict[str, str]:
    return {key: value.strip() for key, value in _TRAILER.findall(message)}


class Commits:
    """The approval commits of a branch, their trailers read once, by the case they name; and
    their signatures, checked together (one `git log` for every case) on first use."""

    def __init__(self, store: Store, commits: list[tuple[str, list[str], str]], signers: Path) -> None:
        self.store, self.signers, self.all = store, signers, commits
        self.by_case: dict[str | None, list[tuple[str, dict[str, str]]]] = {}
        for commit, parents, message in commits:
            if len(parents) <= 1:  # a merge commit's message is written by whoever merges
                tags = trailers(message)
                self.by_case.setdefault(tags.get("Reviewctl-Case"), []).append((commit, tags))
        self.merges = [c for c in commits if len(c[1]) > 1]
        self._signatures: dict[str, tuple[str, str | None]] | None = None

    def signatures(self, cases: list[str]) -> dict[str, tuple[str, str | None]]:
        if self._signatures is None:
            self._signatures = self.store.repo.verify_commits(
                [c for case in cases for c, t in self.by_case.get(case, []) if t.get("Reviewctl-Step") == APPROVE_STEP],
                self.signers)
        return self._signatures


def check_case(store: Store, files: CaseFiles, base: Base, commits: list[tuple[str, list[str], str]],
               base_type: str | None = None, known: Commits | None = None,
               cases: list[str] | None = None) -> list[Check]:
    """A row for each approval the case records, then one for each required role without a counted one.

    The roles are those of the case's type, and of its type on the base (`base_type`): a
    branch that changes the type (to `unknown`, or from dhr to sar) drops no role.
    """
    case_id = files.id
    digest: str | None = None
    try:
        digest = final_text_hash(store, files)[1]
    except (ReviewctlError, KeyError, TypeError, ValueError):  # no final report, or a broken record of it
        digest = None
    required = base.signed
    # A merge commit's message is written by whoever merges: it never makes an approval.
    known = known or Commits(store, commits, base.signers)
    mine = known.by_case.get(case_id, [])
    checks = []

    def signature(commit: str) -> tuple[str, str | None]:
        # Every approval commit's signature (of `cases`, all checked together), in one git
        # process, only if some entry gets that far.
        return known.signatures(cases or [case_id]).get(commit) or store.repo.verify_commit(commit, base.signers)

    approvals = files.approvals
    for entry in approvals.approvals if approvals is not None else []:
        role, sha = entry.role, entry.sha256
        by_role = [(c, t) for c, t in mine if t.get("Reviewctl-Step") == APPROVE_STEP
                   and t.get("Reviewctl-Role") == role]
        made = [(c, t) for c, t in by_role if t.get("Reviewctl-Report-Sha256") == sha
                and t.get("Reviewctl-Report-Version") == str(entry.version)] or by_role[:1]

        def result(status: str, reason: str, commit: str | None = None,
                   entry: Approval = entry, role: str = role) -> Check:
            return Check(role, entry.version, entry.email, commit, status, reason)

        revised = revised_after(files, entry.version)
        if revised is not None:  # shown, never counted: the report was revised since
            checks.append(result("superseded", f"it approves version {entry.version}; the report was "
                                               f"revised since (version {revised})"))
            continue
        if sha != digest:  # whatever else holds, an approval of another text does not count
            checks.append(result("rejected", "it approves an older report version, not the current "
                                             "final report", made[0][0] if made else None))
            continue
        if not made:
            # In a store that records plain approvals this is shown, not rejected.
            checks.append(result("rejected" if required else "unsigned",
                                 "no approval commit in this branch's history records it: approvals.yaml was "
                                 "edited by hand, the commit's trailers were changed, the approval is on "
                                 "another branch, or its pull request was squash-merged (merge approvals with "
                                 "a merge commit)"))
            continue
        # Of several commits for one approval, a good signature wins: a later forged or
        # unsigned copy must not hide the real one.
        verified = [(c, t, signature(c)) for c, t in made]
        commit, tags, (state, principal) = next((v for v in verified if v[2][0] == "good"), verified[0])
        if state == "tampered":
            checks.append(result("rejected", "the signature does not match the commit: it was changed "
                                             "(amended, or its trailers edited) after it was signed", commit))
        elif tags.get("Reviewctl-Report-Sha256") != sha or tags.get("Reviewctl-Report-Version") != str(
                entry.version):
            checks.append(result("rejected", "the approval commit's trailers do not match the approval in "
                                             "approvals.yaml", commit))
        elif state == "unsigned":
            checks.append(result("rejected" if required else "unsigned",
                                 "the approval commit is not signed", commit))
        elif state == "unknown-key":
            checks.append(result("rejected", f"signed by a key that is not in the allowed signers of "
                                             f"{base.ref}", commit))
        elif principal not in base.roles.get(role, []) and not (until := _former_until(store, base, role,
                                                                                       principal, commit)):
            former = [u for p, u in base.former.get(role, []) if p == principal]
            why = (f"; they held it until {former[-1]}, and only their approvals merged into {base.ref} by then "
                   "count" if former else "")
            checks.append(result("rejected", f"the signer {principal} does not hold the role '{role}' "
                                             f"on {base.ref}{why}", commit))
        elif principal != entry.email:
            checks.append(result("rejected", f"signed by {principal}, but the approval names "
                                             f"{entry.email}: the commit was re-made by someone else",
                                 commit))
        else:
            held = f" (who held the role until {until})" if principal not in base.roles.get(role, []) else ""
            checks.append(result("valid", f"signed by {principal}{held}", commit))
    case_type = str(_case_map(files).get("type"))
    types = [case_type] + ([base_type] if base_type and base_type != case_type else [])
    roles = list(dict.fromkeys(r for t in types for r in base.workflow.approvals.get(t, [])))
    if not roles:
        checks.append(Check("(any)", None, None, None, "missing",
                            f"the workflow names no role that approves a case of type '{case_type}', so it "
                            "cannot be approved; settle the type first"))
    for role in roles:
        if not any(c.role == role and c.status in base.counted for c in checks):
            checks.append(Check(role, None, None, None, "missing",
                                f"no {'valid signed ' if required else ''}approval of the current final "
                                f"report by this role"))
    for commit, _parents, message in known.merges:
        if case_id in message:
            for key in ("Reviewed-by", "Approved-by"):
                for who in re.findall(rf"^{key}: (.+)$", message, re.MULTILINE):
                    checks.append(Check("forge", None, who.strip(), commit, "forge",
                                        f"{key} in a merge commit: shown, but not a signed approval"))
            if trailers(message).get("Reviewctl-Step") == APPROVE_STEP:
                checks.append(Check(trailers(message).get("Reviewctl-Role", "?"), None, None, commit, "forge",
                                    "approval trailers in a merge commit: shown, but not an approval"))
    return checks


def _former_until(store: Store, base: Base, role: str, principal: str | None, commit: str) -> date | None:
    """The date a former holder of `role` held it until, if this approval of theirs counts.

    It counts when it was merged into the base and committed by that date: a leaver who
    kept the key cannot approve anything new, even with a commit dated in the past, since
    a new approval is not in the base's history.
    """
    for former, until in base.former.get(role, []):
        if (former == principal and store.repo.is_ancestor(commit, base.commit)
                and store.repo.commit_date(commit) <= until):
            return until
    return None


def verify(store: Store, case_id: str, base: str | None) -> list[Check]:
    store.existing_case_dir(case_id)
    with tempfile.TemporaryDirectory(prefix="reviewctl-verify-") as tmp:
        base_info = read_base(store, base, Path(tmp))
        return _check_cases(store, [case_id], base_info)[case_id].checks


class Checked(NamedTuple):
    case: dict[str, object] | None  # case.yaml as read here; None where the checks were kept
    checks: list[Check]


# What check_case reads of a case: its record, approvals, report versions and the JCRG's final report.
_CHECKED_DOCUMENTS = frozenset({"case", "approvals", "report", "jcrg"})


def _check_cases(store: Store, case_ids: list[str], base: Base,
                 loaded: Mapping[str, Documents] | None = None, kept: KeptChecks | None = None
                 ) -> dict[str, Checked]:
    """Each case and its checks; the log is read once for all the cases.  `loaded`: documents
    already read (by validate), by case id; the others are read here.  `kept`: checks kept
    from an earlier run, used where nothing they depend on has changed, and added to."""
    if not case_ids:
        return {}
    base_types = types_at(store, base.commit, case_ids, kept.types if kept else None,
                          kept.types_used if kept else None)
    commits = store.repo.commits_with(f"Reviewctl-Step: {APPROVE_STEP}")
    commits += [c for c in store.repo.commits_with("-by: ") if len(c[1]) > 1]
    known = Commits(store, commits, base.signers)  # each message read once, not once per case
    found = {}
    for case_id in case_ids:
        key = kept.key(case_id, base, base_types.get(case_id), known) if kept else None
        hit = kept.get(case_id, key) if kept and key is not None else None
        if hit is not None:
            found[case_id] = Checked(None, hit)
            continue
        docs = (loaded or {}).get(case_id)
        files = CaseFiles(case_id, store.case_dir(case_id), docs) if docs is not None \
            else store.case(case_id, fast=True, only=_CHECKED_DOCUMENTS)
        checks = check_case(store, files, base, commits, base_types.get(case_id), known, case_ids)
        if kept and key is not None:
            kept.put(case_id, key, checks)
        found[case_id] = Checked(_case_map(files), checks)
    return found


def _case_map(files: CaseFiles) -> dict[str, object]:
    """case.yaml as read, whatever it holds: a case with other problems still has its approvals checked."""
    found = files.docs.get("case")
    return dict(found) if isinstance(found, dict) else {}


def past_approval(flow: Workflow, case: object) -> bool:
    """Whether the case's stage or history says it has been approved, by the workflow `flow`.

    `case`: its map as read, whatever it holds (anything but a mapping has not been approved): a
    case with other problems is still checked, so that a forger's edit cannot hide behind them."""
    if not isinstance(case, dict):
        return False
    if str(case.get("stage")) in flow.after_approval(str(case.get("type"))):
        return True
    history = case.get("history") or []
    if not isinstance(history, list):
        return False
    # A revision (or a reopening) sends the case back: only approvals since the last one count.
    back = flow.steps_of(*Act.BACK)
    since = [h for h in history if isinstance(h, dict)]
    starts = [i for i, h in enumerate(since) if h.get("step") in back]
    approve = flow.steps_of(Act.APPROVE)
    return any(h.get("step") in approve and h.get("to") != h.get("from")
               for h in since[starts[-1] + 1 if starts else 0:])


def approval_problems(store: Store, cases: Mapping[str, tuple[object, bool]], base: str | None,
                      loaded: Mapping[str, Documents] | None = None, kept: KeptChecks | None = None
                      ) -> list[Problem]:
    """For `validate`: every rejected approval, and every approved case short of a role.

    `cases`: each readable case's case.yaml mapping, and whether it has approvals.yaml;
    `loaded`: the documents of some of them, as validate read them; `kept`: checks kept
    from the last run (core/signing/kept_checks.py), saved again here.
    """
    problems: list[Problem] = []
    # Nothing approved here, by the built-in workflow: no need of a base (`validate --base`
    # always reads it).  A store's own workflow is the branch's say, so the base is read.
    if base is None and not store.config.workflow and not any(
            has or past_approval(store.workflow, case) for case, has in cases.values()):
        return problems
    with tempfile.TemporaryDirectory(prefix="reviewctl-verify-") as tmp:
        base_info = read_base(store, base, Path(tmp))
        flows = [store.workflow, base_info.workflow]  # the branch's and the base's say
        relevant = [case_id for case_id, (case, has_approvals) in cases.items()
                    if has_approvals or any(past_approval(flow, case) for flow in flows)]
        found = _check_cases(store, relevant, base_info, loaded, kept)
    if kept is not None:
        kept.save(merge=base is not None)
    for case_id, (read, checks) in found.items():
        where = store.shown(store.case_dir(case_id))
        for check in checks:
            if check.status == "rejected":
                problems.append(Problem(f"{where}/approvals.yaml", f"approval rejected: {check.reason}",
                                        key=check.role))
        mapped = cases[case_id][0]
        case = read if read is not None else mapped if isinstance(mapped, dict) else {}
        if not any(past_approval(flow, case) for flow in flows):
            continue
        if imported_past_approval(store, store.workflow, case_id, case, base_info.commit):
            continue  # approved before reviewctl, and brought in so by the base's import: never signed here
        stage = case.get("stage")
        for check in checks:
            if check.status == "missing" and check.role == "(any)":
                problems.append(Problem(f"{where}/case.yaml", f"'{stage}' cannot stand: {check.reason}", key="stage"))
            elif check.status == "missing":
                problems.append(Problem(f"{where}/case.yaml", f"'{stage}' needs a valid approval by the role "
                                        f"'{check.role}' and has none ({check.reason}); stages move only through "
                                        "`reviewctl approve`", key="stage"))
    return problems


def require_verified(store: Store, case_id: str) -> None:
    """Refuse unless every role's approval of the current report verifies against the base."""
    checks = verify(store, case_id, None)
    bad = [c for c in checks if c.status in ("rejected", "missing")]
    if bad:
        first = bad[0]
        raise RefusedError(f"{case_id}: the approvals do not verify: {first.role}: {first.reason}"
                           f"{f' (and {len(bad) - 1} more)' if len(bad) > 1 else ''}; "
                           f"`reviewctl verify {case_id}` lists them")
