"""Approvals of the final report, each tied to a report version by its content hash.

The stage `approved` is reached when every role the type needs has approved the
current text. If the report's text changes afterwards, those approvals are stale.
"""

from __future__ import annotations

from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import Approvals
from reviewctl.core.signing.approved_text import approval_states, final_text_hash
from reviewctl.core.signing.verify import require_verified
from reviewctl.core.steps.write import run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError


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
        jcrg = edit.files.jcrg
        if jcrg is None or digest != jcrg.final_report.sha256:
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
        edit.write(Approvals).seq("approvals").append(yamlio.new_map({
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

    def change(edit: Edit, when: date) -> str:
        states = approval_states(store, edit.files)
        waiting = [s.role for s in states if s.status != "valid"]
        if waiting:
            raise RefusedError(f"{case_id}: not every role has approved the current final report yet "
                               f"(waiting for: {', '.join(waiting)}); approve with --role ROLE")
        require_verified(store, case_id)
        return Act.APPROVE

    return run_record(store, case_id, Act.APPROVE, options, change)
