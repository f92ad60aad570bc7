"""Triage: a referral accepted for scoping, or no further action (with its letter).

Its own module, apart from `refer`: a triage reads no identifier, so it does not load the
key store and encryption that recording a referral's identifiers needs (issue 22: the step's
imports are most of what it costs beyond a bare typer app)."""

from __future__ import annotations

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import Case
from reviewctl.core.steps.write import advance, finish, render_document
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, clean_list, optional_text, required_text
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.load import Act


def triage(store: Store, case_id: str, *, accept: bool, reason: str, new_type: str | None,
           summary: str | None, agencies: list[str], options: StepOptions) -> Outcome:
    reason = required_text(reason, "--reason", "say why the referral was accepted or not")
    summary = optional_text(summary)
    agencies = clean_list(agencies, "--agency")
    step = Act.TRIAGE_ACCEPT if accept else Act.TRIAGE_NO_FURTHER_ACTION
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        record = edit.write(Case)
        if summary:
            record["summary"] = summary
        for agency in agencies:
            if agency not in edit.case.agencies:
                record.seq("agencies").append(agency)
        source = edit.case.stage
        transition = advance(edit, step, options, new_type)
        when = options.date
        triage_record = yamlio.new_map({
            "outcome": "accepted" if accept else "no-further-action",
            "reason": reason, "date": when,
        })
        if not accept:
            triage_record["letter"] = render_document(
                edit, "no-further-action-letter.md.j2", "no-further-action-letter", when, reason=reason)
            # Recording the outcome in the store is what updates the tracker.
            triage_record["tracker_updated"] = when
        record["triage"] = triage_record
        return finish(edit, step, f"{source} -> {transition.to}", options)
