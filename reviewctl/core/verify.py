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
The base branch itself is named by the base (or by the user: --base, or the local git
setting `reviewctl.base`), never by the branch under review.
Approvals a forge wrote into a merge commit (Reviewed-by:, Approved-by:) are shown,
but do not count as signed.

A case's stage follows from its approvals: a case in a stage that only the approval
step reaches must carry a counted approval for every role its type needs.
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
from reviewctl.core.store import CASES_DIR, CONFIG_FILE, DEFAULT_WORKFLOW, Store, read_documents
from reviewctl.core.workflow import APPROVE_STEP, Workflow, check_workflow, load_workflow
from reviewctl.errors import InvalidDataError, RefusedError, ReviewctlError, UsageError

_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): (.+)$", re.MULTILINE)
# Where the base is looked for when neither --base nor `git config reviewctl.base` names it.
_DEFAULT_BASES = ("origin/HEAD", "main", "origin/main", "master", "origin/master")
LOCAL_BASE_SETTING = "reviewctl.base"


@dataclass(frozen=True)
class Check:
    role: str
    version: int | None
    by: str | None
    commit: str | None
    status: str  # valid | unsigned | rejected | missing | forge
    reason: str

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def trailers(message: str) -> dict[str, str]:
    return {key: value.strip() for key, value in _TRAILER.findall(message)}


@dataclass
class Base:
    """What the base branch says: the allowed signers, who holds each role, what needs approval."""

    ref: str  # as messages name it, e.g. main
    commit: str  # what it resolved to: every file of the base is read from this commit
    signers: Path
    roles: dict[str, list[str]]
    signed: bool  # whether approvals must be signed, as the base says (a branch may not opt out)
    workflow: Workflow  # the base's: a branch may not drop a role, or the approval step

    @property
    def counted(self) -> set[str]:
        """The statuses that count as an approval under the base's rules."""
        return {"valid"} if self.signed else {"valid", "unsigned"}


def resolve_base(store: Store, name: str, given_as: str) -> str | None:
    """The commit of the base branch `name`: a branch, a remote-tracking branch, a full ref
    or a commit id, never a tag; refused where a tag of the same name could stand in for it."""
    repo = store.repo
    found = repo.resolve_branch(name)
    if found is not None and not name.startswith("refs/") and repo.has_tag(name):
        raise UsageError(f"{given_as} {name!r}: both a branch and a tag are named {name!r}, and a tag could "
                         f"stand in for the base; delete the tag (`git tag -d {name}`) or give the full name "
                         f"({found[0]})")
    return found[1] if found is not None else None


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


def _settings_at(store: Store, commit: str) -> dict[str, Any]:
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
    return Base(ref, commit, signers, {str(r): [str(p) for p in (ps or [])] for r, ps in roles.items()}, signed,
                _workflow_at(store, ref, commit, settings))


def _workflow_at(store: Store, ref: str, commit: str, settings: dict[str, Any]) -> Workflow:
    """The workflow as the base has it: the roles each type needs, and the approval step."""
    name = settings.get("workflow")
    if not name:
        if not store.config.workflow:
            return store.workflow  # the built-in workflow, already loaded
        flow, problems = load_workflow(DEFAULT_WORKFLOW, str(DEFAULT_WORKFLOW))
    else:
        shown = f"{ref}:{name}"
        text = store.repo.show_file(commit, _prefixed(store, str(name)))
        if text is None:
            raise InvalidDataError(f"{ref}:{CONFIG_FILE}: workflow: {name} is not on {ref}; commit it there, "
                                   "or remove the key")
        flow, problems = check_workflow(yamlio.parse_safe(text, shown), shown)
    if flow is None:
        raise InvalidDataError(problems[0])
    return flow


def check_case(store: Store, case_id: str, docs: dict[str, Any], base: Base,
               commits: list[tuple[str, list[str], str]], base_type: str | None = None) -> list[Check]:
    """A row for each approval the case records, then one for each required role without a counted one.

    The roles are those of the case's type, and of its type on the base (`base_type`): a
    branch that changes the type (to `unknown`, or from dhr to sar) drops no role.
    """
    given = (docs.get("approvals") or {}).get("approvals") or []
    digest: str | None = None
    try:
        digest = final_text_hash(store, case_id, docs)[1]
    except (ReviewctlError, KeyError, TypeError, ValueError):  # no final report, or a broken record of it
        digest = None
    required = base.signed
    # A merge commit's message is written by whoever merges: it never makes an approval.
    mine = [(c, t) for c, parents, m in commits
            if len(parents) <= 1 and (t := trailers(m)).get("Reviewctl-Case") == case_id]
    checks = []
    for entry in given if isinstance(given, list) else []:
        if not isinstance(entry, dict):
            continue
        role, sha = str(entry.get("role")), str(entry.get("sha256"))
        by_role = [(c, t) for c, t in mine if t.get("Reviewctl-Step") == APPROVE_STEP
                   and t.get("Reviewctl-Role") == role]
        made = [(c, t) for c, t in by_role if t.get("Reviewctl-Report-Sha256") == sha
                and t.get("Reviewctl-Report-Version") == str(entry.get("version"))] or by_role[:1]

        def result(status: str, reason: str, commit: str | None = None,
                   entry: dict[str, Any] = entry, role: str = role) -> Check:
            return Check(role, entry.get("version"), entry.get("email"), commit, status, reason)

        if not made:
            # In a store that records plain approvals this is shown, not rejected.
            checks.append(result("rejected" if required else "unsigned",
                                 "no approval commit in this branch's history records it: approvals.yaml was "
                                 "edited by hand, the commit's trailers were changed, or the approval is on "
                                 "another branch"))
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
    case_type = str((docs.get("case") or {}).get("type"))
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
    for commit, parents, message in commits:
        if len(parents) > 1 and case_id in message:
            for key in ("Reviewed-by", "Approved-by"):
                for who in re.findall(rf"^{key}: (.+)$", message, re.MULTILINE):
                    checks.append(Check("forge", None, who.strip(), commit, "forge",
                                        f"{key} in a merge commit: shown, but not a signed approval"))
            if trailers(message).get("Reviewctl-Step") == APPROVE_STEP:
                checks.append(Check(trailers(message).get("Reviewctl-Role", "?"), None, None, commit, "forge",
                                    "approval trailers in a merge commit: shown, but not an approval"))
    return checks


def verify(store: Store, case_id: str, base: str | None) -> list[Check]:
    store.existing_case_dir(case_id)
    with tempfile.TemporaryDirectory(prefix="reviewctl-verify-") as tmp:
        base_info = read_base(store, base, Path(tmp))
        return _check_cases(store, [case_id], base_info)[case_id][1]


def _check_cases(store: Store, case_ids: list[str], base: Base) -> dict[str, tuple[dict[str, Any], list[Check]]]:
    """Each case's documents and checks; the log is read once for all the cases."""
    if not case_ids:
        return {}
    base_types = _types_at(store, base.commit, case_ids)
    commits = store.repo.commits_with("Reviewctl-Step: approve")
    commits += [c for c in store.repo.commits_with("-by: ") if len(c[1]) > 1]
    found = {}
    for case_id in case_ids:
        docs = read_documents(store, case_id, roundtrip=False)
        found[case_id] = (docs, check_case(store, case_id, docs, base, commits, base_types.get(case_id)))
    return found


def _types_at(store: Store, commit: str, case_ids: list[str]) -> dict[str, str]:
    """Each case's type as the base has it (cases the base does not have are left out)."""
    paths = {case_id: _prefixed(store, f"{CASES_DIR}/{case_id}/case.yaml") for case_id in case_ids}
    texts = store.repo.texts_at(commit, list(paths.values()))
    types = {}
    for case_id, path in paths.items():
        text = texts.get(path)
        if text is None:
            continue
        try:
            case = yamlio.parse_fast(text, f"{commit[:10]}:{path}")
        except ReviewctlError:
            continue  # a base that cannot be read gives no type; the branch's own type still counts
        if isinstance(case, dict) and case.get("type") is not None:
            types[case_id] = str(case["type"])
    return types


def past_approval(flow: Workflow, case: Any) -> bool:
    """Whether the case's stage or history says it has been approved, by the workflow `flow`."""
    if not isinstance(case, dict):
        return False
    if str(case.get("stage")) in flow.after_approval(str(case.get("type"))):
        return True
    history = case.get("history") or []
    return isinstance(history, list) and any(
        isinstance(h, dict) and h.get("step") == APPROVE_STEP and h.get("to") != h.get("from") for h in history)


def approval_problems(store: Store, cases: dict[str, tuple[Any, bool]], base: str | None) -> list[str]:
    """For `validate`: every rejected approval, and every approved case short of a role.

    `cases`: each readable case's case.yaml mapping, and whether it has approvals.yaml.
    """
    problems: list[str] = []
    if base is None and not any(has or past_approval(store.workflow, case) for case, has in cases.values()):
        return problems  # nothing approved here: no need of a base (`validate --base` always reads it)
    with tempfile.TemporaryDirectory(prefix="reviewctl-verify-") as tmp:
        base_info = read_base(store, base, Path(tmp))
        flows = [store.workflow, base_info.workflow]  # the branch's and the base's say
        relevant = [case_id for case_id, (case, has_approvals) in cases.items()
                    if has_approvals or any(past_approval(flow, case) for flow in flows)]
        found = _check_cases(store, relevant, base_info)
    for case_id, (docs, checks) in found.items():
        where = store.shown(store.case_dir(case_id))
        for check in checks:
            if check.status == "rejected":
                problems.append(f"{where}/approvals.yaml: {check.role}: approval rejected: {check.reason}")
        if not any(past_approval(flow, docs.get("case")) for flow in flows):
            continue
        stage = (docs.get("case") or {}).get("stage")
        for check in checks:
            if check.status == "missing" and check.role == "(any)":
                problems.append(f"{where}/case.yaml: stage: '{stage}' cannot stand: {check.reason}")
            elif check.status == "missing":
                problems.append(f"{where}/case.yaml: stage: '{stage}' needs a valid approval by the role "
                                f"'{check.role}' and has none ({check.reason}); stages move only through "
                                "`reviewctl approve`")
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
