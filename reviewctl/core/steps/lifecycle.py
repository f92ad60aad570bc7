"""Cases as they really run: withdrawn before a decision, reopened after an end, retyped.

Which stages allow each is the workflow's: `withdraw` and `reopen` are transitions
there (the re-entry points of an ended case are where its `reopen` transitions lead).
A change of type is checked as core/workflow/conformance.py says.
"""

from __future__ import annotations

from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.models import Case
from reviewctl.core.case.paths import plain_copy
from reviewctl.core.case.views import Node
from reviewctl.core.steps.write import advance, finish
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import (
    Edit,
    StepOptions,
    check_date,
    check_new_type,
    check_plausible,
    history_entry,
    required_text,
)
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.history import leaves, remove_path
from reviewctl.core.workflow.load import Act
from reviewctl.core.workflow.suggest import canonical, did_you_mean
from reviewctl.errors import RefusedError, UsageError


def withdraw(store: Store, case_id: str, reason: str, options: StepOptions) -> Outcome:
    reason = required_text(reason, "--reason", "say why it is withdrawn (a duplicate, referred in error, ...)")
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        stage, case_type = edit.case.stage, edit.case.type
        if store.workflow.for_action(Act.WITHDRAW, stage, case_type) is None:
            allowed = store.workflow.sources(Act.WITHDRAW)
            raise RefusedError(f"{case_id}: a case in stage '{stage}' cannot be withdrawn: only before the decision "
                               f"to conduct (stages {', '.join(allowed) or 'none in this workflow'}); "
                               "end it through its own steps instead")
        transition = advance(edit, Act.WITHDRAW, options, reason=reason)
        return finish(edit, Act.WITHDRAW, f"{stage} -> {transition.to}", options)


def reopen(store: Store, case_id: str, target: str, reason: str, options: StepOptions) -> Outcome:
    reason = required_text(reason, "--reason", "say why the case is reopened (new information, a challenge, ...)")
    target = required_text(target, "--to", "name the stage the case goes back to")
    workflow = store.workflow

    stage_ids = [s.id for s in workflow.stages]
    target = canonical(target, stage_ids) or target  # any capitals; an unknown one is never quoted back
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        stage, case_type = edit.case.stage, edit.case.type
        if not workflow.is_terminal(stage):
            raise RefusedError(f"{case_id}: the case is in stage '{stage}' and has not ended; only an ended case "
                               "is reopened")
        points = [t for t in workflow.transitions if t.does == Act.REOPEN and t.from_ == stage
                  and t.applies(case_type)]
        chosen = next((t for t in points if t.to == target), None)
        if chosen is None:
            allowed = ", ".join(t.to for t in points) or "none: this workflow does not reopen it"
            what = ("is not a re-entry point" if workflow.stage(target)
                    else f"names no stage of the workflow{did_you_mean(target, stage_ids)}")
            raise UsageError(f"{case_id}: --to {what} for a case in '{stage}' (re-entry points: {allowed})")
        when = check_date(options.date, edit, not_before_last=True)
        entry = history_entry(chosen.step, when, stage, chosen.to, store.repo.identity().name, options, reason=reason)
        if chosen.afresh:
            _keep_earlier(edit, chosen.afresh, entry)
        record = edit.write(Case)
        record.seq("history").append(entry)
        record["stage"] = chosen.to
        return finish(edit, Act.REOPEN, f"{stage} -> {chosen.to}", options)


def _keep_earlier(edit: Edit, afresh: list[str], entry: Node) -> None:
    """Take the records the reopened case makes afresh (a new decision, a new national notice)
    out of its files, into the reopening's history entry: the earlier cycle keeps them there,
    its decision is still counted and its clocks keep the outcome they had."""
    for name in {path.split(".", 1)[0] for path in afresh}:
        edit.files.editable(name)  # the records are taken out of the maps the step writes
    kept = [leaf for path in afresh for leaf in leaves(plain_copy(remove_path(edit.docs, path)), path)]
    entry["afresh"] = yamlio.new_seq(afresh)
    entry["earlier"] = yamlio.new_seq([yamlio.new_map({"field": f, "value": v}) for f, v in kept])
    for name in {path.split(".", 1)[0] for path in afresh} - {"case"}:
        if not edit.docs.get(name):  # nothing left in the file: it goes
            edit.docs.pop(name, None)
            if (edit.files.folder / DOCUMENT_FILES[name]).exists():
                edit.extra[edit.files.folder / DOCUMENT_FILES[name]] = None


def retype(store: Store, case_id: str, new_type: str, reason: str, options: StepOptions,
           aware: date | None = None) -> Outcome:
    """A change of review type; `aware`: when the new type's responsible body became aware
    (a SAR that becomes a DHR: the day the police notified the Community Safety Partnership),
    where its clocks start.  The history keeps the date it replaces."""
    reason = required_text(reason, "--reason", "say why the review type changes")
    new_type = store.workflow.check_type(new_type)
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        case = edit.case
        stage, old = case.stage, case.type
        if new_type == old:
            raise UsageError(f"{case_id}: the case is already of type '{old}'; nothing to change")
        if new_type == "unknown":
            raise UsageError(f"{case_id}: --type unknown: the type is settled as '{old}'; give the type it should be")
        check_new_type(edit, new_type, Act.RETYPE)
        when = check_date(options.date, edit, not_before_last=True)
        entry = history_entry(Act.RETYPE, when, stage, stage, store.repo.identity().name, options, new_type, reason)
        if aware is not None:
            _new_aware(edit, aware, when, new_type)
            entry.update({"field": "case.aware", "old": case.aware, "new": aware})
            edit.write(Case)["aware"] = aware
            edit.rewrites = True  # the date is replaced on purpose: the history keeps the old one
        edit.write(Case).seq("history").append(entry)
        edit.write(Case)["type"] = new_type
        return finish(edit, Act.RETYPE, f"{old} -> {new_type}", options)


def _new_aware(edit: Edit, aware: date, when: date, new_type: str) -> None:
    """`retype --aware`: a date that has happened, by the change of type, not before the incident."""
    check_plausible(aware, "--aware")
    means = edit.store.workflow.statute.aware.get(new_type, "the body responsible became aware")
    if aware > when:
        raise UsageError(f"{edit.case_id}: --aware {aware} is after the change of type ({when}); give the day "
                         f"{means}")
    incident = edit.case.incident_date
    if incident is not None and aware < incident:
        raise UsageError(f"{edit.case_id}: --aware {aware} is before the incident ({incident}); check both dates")
