"""The decision whether to hold a statutory review.

For lcspr the statutory partners decide at the meeting.  For sar and dhr the meeting
makes a written recommendation, and the Independent Chair decides (`--chair`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NotRequired, TypedDict

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import ChairDecision, Decision
from reviewctl.core.case.views import Doc
from reviewctl.core.steps.write import advance, finish, render_document
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import (
    Edit,
    StepOptions,
    check_date,
    check_not_future,
    clean_list,
    optional_text,
    required_text,
)
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.load import Act
from reviewctl.core.workflow.statute import check_value
from reviewctl.core.workflow.statute_facts import basis_of
from reviewctl.errors import RefusedError, UsageError


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
    partners: list[str] = field(default_factory=list)  # lcspr: "PARTNER=NAME; ROLE", one per partner
    basis: str | None = None  # sar: the review's statutory basis (workflow statute.bases)


def decide(store: Store, case_id: str, given: DecisionInput, options: StepOptions) -> Outcome:
    rationale = required_text(given.rationale, "--reason", "record why")
    attendees = clean_list(given.attendees, "--attendee")
    parallel = clean_list(given.parallel, "--parallel")
    outcome = "conduct" if given.conduct else "not-conduct"
    step = {(False, True): Act.DECIDE_CONDUCT, (False, False): Act.DECIDE_NOT_CONDUCT,
            (True, True): Act.CHAIR_CONDUCT, (True, False): Act.CHAIR_NOT_CONDUCT}[given.chair, given.conduct]
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        source = edit.case.stage
        decision = edit.write(Decision)
        if given.chair:
            if given.meeting_date or given.attendees or given.parallel or given.scope:
                raise UsageError(
                    "--meeting-date, --attendee, --parallel and --scope belong to the meeting; "
                    "the chair's decision takes --reason, --learning-to and --date"
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
        if given.partners and given.chair:
            raise UsageError("--partner belongs to the partners' decision at the meeting, not the chair's")
        transition = advance(edit, step, options, given.new_type)
        if not given.chair:
            record_partners(edit, decision, edit.case.type, given.partners)
        decider = store.workflow.statute.deciders.get(edit.case.type)
        if decider is not None:
            decision["body"] = decider.body
            if decider.chair and given.chair:
                decision["decided_for"] = decider.chair
        chair_next = store.workflow.decided_by_chair(transition.to)
        record_basis(edit, decision, given, final=not chair_next)
        _documents(edit, decision, given, chair_next, options.date)
        # decision.conducted_from is worked out from this decision's record (workflow/history.py).
        return finish(edit, step, f"{source} -> {transition.to}", options)


def record_partners(edit: Edit, decision: Doc[Decision], case_type: str, given: list[str]) -> None:
    """Each safeguarding partner's agreement (lcspr): all of the workflow's partners, or a refusal."""
    decider = edit.store.workflow.statute.deciders.get(case_type)
    partners = decider.partners if decider is not None else []
    if not partners:
        if given:
            raise UsageError(f"--partner: a '{case_type}' decision is not the partners' (the workflow names none)")
        return
    known = {p.id: p for p in partners}
    agreed: dict[str, tuple[str, str]] = {}
    for text in clean_list(given, "--partner"):
        pid, _, rest = text.partition("=")
        name, _, role = rest.partition(";")
        pid, name, role = pid.strip(), name.strip(), role.strip()
        if pid not in known:
            raise UsageError(f"--partner: the partner before '=' is not a safeguarding partner of this workflow "
                             f"(known: {', '.join(known)}); give PARTNER=NAME; ROLE")
        if not name or not role:
            raise UsageError(f"--partner {pid}: give the name and the role as {pid}=NAME; ROLE")
        if pid in agreed:
            raise UsageError(f"--partner {pid} is given twice; give each partner once")
        agreed[pid] = (name, role)
    missing = [p for p in partners if p.id not in agreed]
    if missing:
        body = decider.body if decider else "partners"
        raise RefusedError(
            f"{edit.case_id}: the decision needs the agreement of each of the {body}; "
            f"missing: {', '.join(p.id for p in missing)}; record each with --partner PARTNER=NAME; ROLE "
            f"(partners: {', '.join(known)})")
    decision["partners"] = yamlio.new_map(
        {pid: yamlio.new_map({"name": name, "role": role}) for pid, (name, role) in agreed.items()})


def record_basis(edit: Edit, decision: Doc[Decision], given: DecisionInput, final: bool) -> None:
    """A review's statutory basis (sar: mandatory or discretionary), for the types the
    workflow gives bases: the meeting may recommend one, the chair may decide it, and the
    final decision to conduct needs one.  The chair's is kept beside the meeting's."""
    case_type = edit.case.type
    bases = edit.store.workflow.statute.bases.get(case_type, [])
    known = ", ".join(f"{b.id} ({b.source})" if b.source else b.id for b in bases)
    if given.basis is not None:
        if not bases:
            raise UsageError(f"--basis: a '{case_type}' review has no statutory basis to choose "
                             "(the workflow's statute.bases names none)")
        if not given.conduct:
            raise UsageError("--basis goes with --conduct: it says on which basis the review is conducted")
        chosen = check_value(given.basis, [b.id for b in bases], "--basis")
        target = decision.sub("chair", ChairDecision) if given.chair else decision
        target["basis"] = chosen
    if final and given.conduct and bases and basis_of(decision.raw) is None:
        raise UsageError(f"{edit.case_id}: a decision to conduct a '{case_type}' review says its basis: "
                         f"give --basis with one of: {known}")


class Partner(TypedDict):
    partner: str  # the partner's key: police, health, local-authority
    name: str | None
    role: str | None


class Who(TypedDict):
    """Who decides, as the documents say it."""

    body: str
    decided_for: str
    partners: list[Partner]
    decided_by: str
    basis: NotRequired[str]  # the basis decided on, in words (sar)


def _who(decision: Doc[Decision], chair_next: bool) -> Who:
    """Who decides, for the documents: the body, the one who decides for it, each partner."""
    record = decision.now
    body = (record.body if record is not None else None) or ""
    chair = (record.decided_for if record is not None else None) or ""
    partners: list[Partner] = [{"partner": pid, "name": p.name, "role": p.role}
                               for pid, p in (record.partners if record is not None else {}).items()]
    return {"body": body, "decided_for": chair, "partners": partners,
            "decided_by": f"{chair}, on behalf of the {body}" if chair and body else body}


def _documents(edit: Edit, decision: Doc[Decision], given: DecisionInput, chair_next: bool, when: date) -> None:
    who = _who(decision, chair_next)
    basis = basis_of(decision.raw)
    named = next((b for b in edit.store.workflow.statute.bases.get(edit.case.type, []) if b.id == basis), None)
    who["basis"] = f"{named.label} ({named.source})" if named else basis or ""
    if not given.chair:
        facts = {k: decision.get(k) for k in ("meeting_date", "attendees", "outcome", "rationale",
                                              "parallel", "scope")}
        decision["record"] = render_document(edit, "decision-record.md.j2", "decision-record", when,
                                             recommendation=chair_next, **facts, **who)
        if chair_next:
            decider = edit.store.workflow.statute.deciders.get(edit.case.type)
            who["decided_for"] = decider.chair or "" if decider else ""
            decision["recommendation"] = render_document(
                edit, "chair-recommendation.md.j2", "recommendation-to-independent-chair", when, **facts, **who)
    if not chair_next:  # the decision is final: tell the referrer
        decision["referrer_letter"] = render_document(
            edit, "referrer-decision-letter.md.j2", "referrer-decision-letter", when,
            conduct=given.conduct, learning_to=decision.get("learning_to") or "", **who)


def _record_meeting(decision: Doc[Decision], values: dict[str, object]) -> None:
    for key, value in values.items():
        if value is None:
            decision.pop(key)
        else:
            decision[key] = value
