"""Approvals of the final report, each tied to a report version by its content hash.

The stage `approved` is reached when every role the type needs has approved the
current text. If the report's text changes afterwards, those approvals are stale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.casefiles import CaseFiles
from reviewctl.core.records import own_report_file, own_report_files
from reviewctl.core.review import sha256
from reviewctl.core.step import Edit, StepOptions, run_record
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome
from reviewctl.core.workflow import Act
from reviewctl.errors import InvalidDataError, RefusedError, UsageError


@dataclass(frozen=True)
class ApprovalState:
    role: str
    version: int | None
    by: str | None
    date: date | None
    status: str  # valid | stale | missing


def revised_after(files: CaseFiles, version: object) -> int | None:
    """The latest version stored by a revision after `version`: approvals of `version` no longer count."""
    later = [v.version for v in files.report.versions
             if v.revision and v.version is not None and isinstance(version, int) and v.version > version]
    return max(later) if later else None


@dataclass(frozen=True)
class ApprovalNote:
    """For `show`: one approval, and whether it is of the report as it now stands."""

    role: str | None
    version: int | None
    date: date | None
    counts: bool
    note: str


def approval_notes(files: CaseFiles) -> list[ApprovalNote]:
    """For `show`: each approval, and whether it is of the report as it now stands."""
    final = files.jcrg.final_report.get("version")
    notes = []
    for entry in files.approvals.approvals:
        revised = revised_after(files, entry.version)
        if revised is not None:
            note = f"no longer counts: the report was revised (version {revised})"
        elif entry.version != final:
            note = f"no longer counts: the JCRG's final report is version {final}"
        else:
            note = ""
        notes.append(ApprovalNote(entry.role, entry.version, entry.date, not note, note))
    return notes


def final_text_hash(store: Store, files: CaseFiles) -> tuple[int, str]:
    """The final report's version and the hash of its file's text as it is now."""
    case_id, final = files.id, files.jcrg.final_report
    if not final:
        raise RefusedError(f"{case_id}: no final report agreed by the JCRG yet")
    revised = revised_after(files, final.get("version"))
    if revised is not None:
        raise RefusedError(f"{case_id}: the report was revised (version {revised}) after the JCRG agreed version "
                           f"{final['version']}; take the new version through the JCRG")
    version = files.report.version(final["version"])
    if version is None:
        raise InvalidDataError(f"{store.shown(files.folder)}/jcrg.yaml: final_report: "
                               f"version {final['version']} is not in report.yaml")
    name, own = str(version["file"]), own_report_file(int(final["version"]))
    if name not in own_report_files(int(final["version"])):
        # Never a file elsewhere: the approved text is the version's own file (see records.ReportVersion).
        raise InvalidDataError(f"{store.shown(files.folder)}/report.yaml: versions: file: {name!r} "
                               f"is not version {final['version']}'s own file; put back {own}")
    path = files.folder / name
    data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    if name.endswith(".docx"):  # a Word report is kept, and hashed, exactly as it was handed in
        return int(final["version"]), hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidDataError(f"{store.shown(path)}: not UTF-8 text, so not the report as `reviewctl report` "
                               "stored it; put back the committed file (`git restore`)") from None
    return int(final["version"]), sha256(text)


def approval_states(store: Store, files: CaseFiles) -> list[ApprovalState]:
    roles = store.workflow.approvals.get(files.type, [])
    version, digest = final_text_hash(store, files)
    given = files.approvals.approvals
    states = []
    for role in roles:
        mine = [a for a in given if a.role == role]
        if not mine:
            states.append(ApprovalState(role, None, None, None, "missing"))
            continue
        last = mine[-1]
        status = "valid" if last.sha256 == digest and last.version == version else "stale"
        states.append(ApprovalState(role, last.version, last.by, last.date, status))
    return states


def _check_signing(store: Store, role: str, email: str, case_id: str) -> None:
    repo = store.repo
    key = repo.config("user.signingkey")
    if repo.config("gpg.format") != "ssh" or not key:
        raise RefusedError(
            f"{case_id}: approvals in this store are SSH-signed commits, and git has no SSH signing "
            "key: make one (`ssh-keygen -t ed25519 -f ~/.ssh/reviewctl`), then `git config --global "
            "gpg.format ssh` and `git config --global user.signingkey ~/.ssh/reviewctl.pub`, and ask "
            f"an administrator to run `reviewctl approvers add {role} {email} --key ~/.ssh/reviewctl.pub`"
        )
    if email not in store.config.approvers.get(role, []):
        raise RefusedError(
            f"{case_id}: {email} does not hold the role '{role}'; an administrator adds it with "
            f"`reviewctl approvers add {role} {email} --key KEY.pub`"
        )


def approve(store: Store, case_id: str, *, role: str | None, version: int | None, options: StepOptions) -> Outcome:
    if role is None:
        return settle(store, case_id, options)

    def change(edit: Edit, when: date) -> str | None:
        roles = store.workflow.approvals.get(edit.case.type, [])
        if role not in roles:
            raise UsageError(f"--role {role!r} does not approve a {edit.case.type} review "
                             f"(roles: {', '.join(roles)})")
        current, digest = final_text_hash(store, edit.files)
        if digest != edit.files.jcrg.final_report.sha256:
            raise RefusedError(f"{case_id}: the final report's text has changed since the JCRG agreed "
                               f"version {current}; restore it, or take the new text back through the JCRG")
        if version is not None and version != current:
            raise RefusedError(f"{case_id}: version {version} is not the current final report "
                               f"(version {current} is); approve the current version")
        states = {s.role: s for s in approval_states(store, edit.files)}
        if states[role].status == "valid":
            hint = ("; every role has: record the case approved with `reviewctl approve "
                    f"{case_id}` (no --role)" if all(s.status == "valid" for s in states.values()) else "")
            raise RefusedError(f"{case_id}: '{role}' has already approved version {current}{hint}")
        who = store.repo.identity()
        if store.config.signed_approvals:
            _check_signing(store, role, who.email, case_id)
            edit.sign = True
        edit.trailers = {"Reviewctl-Role": role, "Reviewctl-Report-Version": str(current),
                         "Reviewctl-Report-Sha256": digest}
        # One line per approval: approvals proposed in parallel then merge line by line
        # (`merge=union` in .gitattributes), with no line of one entry taken for another's.
        edit.files.approvals.seq("approvals").append(yamlio.new_map({
            "role": role, "version": current, "sha256": digest, "by": who.name, "email": who.email,
            "date": when,
        }, one_line=True))
        done = all(s.status == "valid" for r, s in states.items() if r != role)
        return Act.APPROVE if done else None

    return run_record(store, case_id, Act.APPROVE, options, change)


def settle(store: Store, case_id: str, options: StepOptions) -> Outcome:
    """Record the case approved once every role's approval is in and verifies.

    Approvals proposed in parallel, one pull request per role, each leave the case in
    its stage (each knew of only its own approval); once both are merged, this step
    moves it on.  It adds no approval, so it needs no signature.
    """
    from reviewctl.core.verify import require_verified

    def change(edit: Edit, when: date) -> str:
        states = approval_states(store, edit.files)
        waiting = [s.role for s in states if s.status != "valid"]
        if waiting:
            raise RefusedError(f"{case_id}: not every role has approved the current final report yet "
                               f"(waiting for: {', '.join(waiting)}); approve with --role ROLE")
        require_verified(store, case_id)
        return Act.APPROVE

    return run_record(store, case_id, Act.APPROVE, options, change)
