"""The decision whether to hold a statutory review.

For lcspr the statutory partners decide at the meeting.  For sar and dhr the meeting
makes a written recommendation, and the Independent Chair decides (`--chair`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewctl.adapters import yamlio
from reviewctl.core.step import (
    Edit,
    StepOptions,
    advance,
    check_date,
    check_not_future,
    clean_list,
    finish,
    optional_text,
    render_document,
    required_text,
)
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome, step_guard
from reviewctl.core.workflow import Act
from reviewctl.errors import UsageError


@dataclass(frozen=True)
class DecisionInput:
    conduct: bool
    rationale: str
    chair: bool = False
    meeting_date: date | None = None
    attendees: list[str] = field(default_factory=list)
    parallel: list[str] = field(default_factory=list)
    scope: str | None = None
    learning_to: str | None = None
    new_type: str | None = None


def decide(store: Store, case_id: str, given: DecisionInput, options: StepOptions) -> Outcome:
    rationale = required_text(given.rationale, "--rationale", "record why")
    attendees = clean_list(given.attendees, "--attendee")
    parallel = clean_list(given.parallel, "--parallel")
    outcome = "conduct" if given.conduct else "not-conduct"
    step = {(False, True): Act.DECIDE_CONDUCT, (False, False): Act.DECIDE_NOT_CONDUCT,
            (True, True): Act.CHAIR_CONDUCT, (True, False): Act.CHAIR_NOT_CONDUCT}[given.chair, given.conduct]
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        source = str(edit.case["stage"])
        decision = edit.doc("decision")
        if given.chair:
            if given.meeting_date or given.attendees or given.parallel or given.scope:
                raise UsageError(
                    "--meeting-date, --attendee, --parallel and --scope belong to the meeting; "
                    "the chair's decision takes --rationale, --learning-to and --date"
                )
            decision["chair"] = yamlio.new_map({
                "outcome": outcome, "rationale": rationale, "date": options.date,
            })
        else:
            meeting = given.meeting_date or options.date
            check_not_future(meeting, options.today, "--meeting-date")
            if meeting > options.date:
                raise UsageError(
                    f"--meeting-date {meeting} is after --date {options.date}; the decision is "
                    "recorded on or after the meeting"
                )
            check_date(meeting, edit, "--meeting-date")
            _record_meeting(decision, {
                "meeting_date": meeting, "attendees": yamlio.new_seq(attendees), "outcome": outcome,
                "rationale": rationale, "parallel": yamlio.new_seq(parallel),
                "scope": optional_text(given.scope),
            })
        learning_to = optional_text(given.learning_to)
        if learning_to:
            decision["learning_to"] = learning_to
        transition = advance(edit, step, options, given.new_type)
        chair_next = store.workflow.decided_by_chair(transition.to)
        _documents(edit, decision, given, chair_next, options.date)
        if given.conduct and not chair_next:  # the final decision to conduct
            decision["conducted_from"] = options.date
        return finish(edit, step, f"{source} -> {transition.to}", options)


def _documents(edit: Edit, decision: Any, given: DecisionInput, chair_next: bool, when: date) -> None:
    if not given.chair:
        facts = {k: decision.get(k) for k in ("meeting_date", "attendees", "outcome", "rationale",
                                              "parallel", "scope")}
        decision["record"] = render_document(edit, "decision-record.md.j2", "decision-record", when,
                                             recommendation=chair_next, **facts)
        if chair_next:
            decision["recommendation"] = render_document(
                edit, "chair-recommendation.md.j2", "recommendation-to-independent-chair", when, **facts)
    if not chair_next:  # the decision is final: tell the referrer
        decision["referrer_letter"] = render_document(
            edit, "referrer-decision-letter.md.j2", "referrer-decision-letter", when,
            conduct=given.conduct, learning_to=decision.get("learning_to") or "")


def _record_meeting(decision: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value is None:
            decision.pop(key, None)
        else:
            decision[key] = value
