"""Monitoring: the action plan's progress and sign-off, evidence of impact, closure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import STATUSES, Action, Jcrg, Monitoring
from reviewctl.core.case.views import Row
from reviewctl.core.reports.actions import DONE
from reviewctl.core.steps.set_up import slug
from reviewctl.core.steps.write import run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.inputs import read_input
from reviewctl.core.store.step import Edit, StepOptions, optional_text, required_text
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.history import action_status, closing_stands
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError

EVIDENCE_DIR = "evidence"


def _actions(edit: Edit) -> list[Row[Action]]:
    return edit.write(Jcrg).rows("actions", Action)


def _status(edit: Edit, action: Action) -> str | None:
    """The action's status as the history gives it: one a closing closed is open again once a
    reopening has undone that closing (the record keeps what the closing wrote)."""
    return action_status(action.status, [p.status for p in action.progress], action.signed_off,
                         closing_stands(edit.docs))


def _find(edit: Edit, action_id: str) -> Row[Action]:
    actions = _actions(edit)
    found = next((a for a in actions if a.now.id.casefold() == action_id.strip().casefold()), None)
    if found is None:
        known = ", ".join(a.now.id for a in actions) or "none"
        raise UsageError(f"{edit.case_id}: no action {action_id!r} (actions: {known})")
    return found


def _evidence(edit: Edit, path: Path | None, when: date, label: str) -> str | None:
    if path is None:
        return None

    name = f"{when.isoformat()}-{slug(label)}-{path.name}"
    target = edit.store.case_dir(edit.case_id) / EVIDENCE_DIR / name
    # Evidence may be a PDF or a picture: only text is kept, through the text writer.
    text = read_input(path, "--evidence", "only text evidence (UTF-8: .md, .txt, .csv) can be kept in the store; "
                      "link to other files in --progress instead")
    edit.extra[target] = text
    return f"{EVIDENCE_DIR}/{name}"


def update(store: Store, case_id: str, action_id: str, *, progress: str, evidence: Path | None,
           status: str | None, options: StepOptions) -> Outcome:
    note = required_text(progress, "--progress", "say what progress was made")
    given = status  # the --status given; the action's own is _status()
    if given is not None and given not in STATUSES:
        raise UsageError(f"--status {given!r} is not one of: {', '.join(STATUSES)}")

    def change(edit: Edit, when: date) -> None:
        action = _find(edit, action_id)
        now = _status(edit, action.now)
        if now in DONE:
            raise RefusedError(f"{case_id}: action {action.now.id} is {now}")
        entry = yamlio.new_map({"date": when, "note": note, "by": store.repo.identity().name})
        if given:
            entry["status"] = given
            action["status"] = given
        kept = _evidence(edit, evidence, when, action.now.id)
        if kept:
            entry["evidence"] = kept
        action.seq("progress").append(entry)

    return run_record(store, case_id, "actions", options, change)


def sign_off(store: Store, case_id: str, action_id: str, options: StepOptions) -> Outcome:
    def change(edit: Edit, when: date) -> None:
        action = _find(edit, action_id)
        now = action.now
        if now.signed_off:
            raise RefusedError(f"{case_id}: action {now.id} was signed off on {now.signed_off}")
        if _status(edit, now) == "closed":
            raise RefusedError(f"{case_id}: action {now.id} was closed without sign-off")
        action["signed_off"] = when
        action["status"] = "complete"

    return run_record(store, case_id, "sign-off", options, change)


def impact(store: Store, case_id: str, *, note: str, evidence: Path | None, options: StepOptions) -> Outcome:
    text = required_text(note, "--note", "describe the evidence of impact")

    def change(edit: Edit, when: date) -> None:
        entry = yamlio.new_map({"date": when, "note": text, "by": store.repo.identity().name})
        kept = _evidence(edit, evidence, when, "impact")
        if kept:
            entry["evidence"] = kept
        edit.write(Monitoring).seq("impact").append(entry)

    return run_record(store, case_id, "impact", options, change)


def start_monitoring(store: Store, case_id: str, options: StepOptions) -> Outcome:
    return run_record(store, case_id, Act.MONITOR, options, lambda edit, when: Act.MONITOR)


def close(store: Store, case_id: str, *, reason: str | None, options: StepOptions) -> Outcome:
    why = optional_text(reason)
    if reason is not None and why is None:
        raise UsageError("--reason was given blank; say why the open actions are being closed")

    def change(edit: Edit, when: date) -> str:
        still_open = [a for a in _actions(edit) if _status(edit, a.now) not in DONE and not a.now.signed_off]
        if still_open and why is None:
            raise RefusedError(
                f"{case_id}: actions still open: {', '.join(a.now.id for a in still_open)}; sign "
                "them off, or close them consciously with --reason TEXT"
            )
        for action in still_open:
            action["status"] = "closed"
            action["closed_reason"] = why
        monitoring = edit.write(Monitoring)
        monitoring["closed"] = when
        if why:
            monitoring["close_reason"] = why
        return Act.CLOSE

    return run_record(store, case_id, Act.CLOSE, options, change)
