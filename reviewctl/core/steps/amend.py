"""Corrections with an audit trail: `reviewctl amend ID FIELD VALUE --reason TEXT`.

A recorded value is corrected in any stage, an ended case's too.  The history keeps
the field, the old value, the new one, the reason, who and when.  A corrected date is
checked against the rest of the case: never after today (unless it is a planned date),
never before the referral, never after a step of the history it precedes, and never
on the wrong side of a clock's start.  Clocks are worked out from the records, so they
follow the corrected value.
"""

from __future__ import annotations

from datetime import date

from reviewctl.core.case.fields import convert, current, put, resolve
from reviewctl.core.case.files import CaseFiles
from reviewctl.core.case.models import Case
from reviewctl.core.case.paths import Documents, lookup
from reviewctl.core.privacy.published_files import stored_as
from reviewctl.core.store.folder import Store
from reviewctl.core.store.recorded import plain_copy
from reviewctl.core.store.step import (
    Edit,
    StepOptions,
    check_date,
    check_not_future,
    check_planned,
    history_entry,
    required_text,
)
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.conformance import changes_before_start
from reviewctl.core.workflow.history import CHAIR_DATE, DERIVED_FROM, MEETING_DATE, entries, with_derived
from reviewctl.core.workflow.load import Act, Workflow
from reviewctl.errors import RefusedError, UsageError

# Dates that are planned ahead, not things that happened; and the one date before the referral.
_PLANNED = {"due", "embargo_until"}
_BEFORE_REFERRAL = {"incident_date", "aware"}
# Records that follow one another whatever clock counts from them: (earlier, later).  The
# rapid review goes to the Panel after the notification (`scope` refuses the other order).
_IN_ORDER = [("scoping.notified", "scoping.rapid_review_sent")]


def _shown(value: object) -> str:
    # Dates, numbers and yes/no are shown; text may be personal and never is.
    return str(value) if isinstance(value, (date, bool, int)) else "the text"


def clashes(workflow: Workflow, files: CaseFiles) -> list[str]:
    """Every way the case's dates contradict each other, as a sentence naming both."""
    case, docs = files.case, with_derived(workflow, files.docs)  # the clocks count from what is worked out
    found: list[str] = []
    received, incident = case.received, case.incident_date
    if incident is not None and case.aware is not None and case.aware < incident:
        found.append(f"case.aware {case.aware} would be before case.incident_date ({incident})")
    if incident is not None and incident > received:
        found.append(f"case.incident_date {incident} would be after case.received ({received})")
    for entry in case.history:
        if entry.date < received:
            found.append(f"case.received {received} would be after the step '{entry.step}' of {entry.date}")
            break
    found += _after_the_step(workflow, files)
    found += _decision_out_of_order(workflow, docs)
    for first, then in _IN_ORDER:
        early, late = lookup(docs, first), lookup(docs, then)
        if isinstance(early, date) and isinstance(late, date) and late < early:
            found.append(f"{then} {late} would be before {first} ({early})")
    for clock in workflow.clocks:
        if clock.start is None:
            continue
        if clock.each is not None:
            for i, item in enumerate(lookup(docs, clock.each) or [], start=1):
                start, met = item.get(clock.start), item.get(clock.met)
                if isinstance(start, date) and isinstance(met, date) and met < start:
                    found.append(f"{clock.each}.{i}.{clock.met} {met} would be before its {clock.start} ({start})")
            continue
        start, met = clock.start_in(docs), lookup(docs, clock.met)
        if isinstance(start, date) and isinstance(met, date) and met < start:
            where = clock.start if lookup(docs, clock.start) is not None else clock.start_else
            found.append(f"{clock.met} {met} would be before {where} ({start}), where the clock "
                         f"'{clock.id}' starts")
    return found + _paused_before_start(workflow, docs)


def _paused_before_start(workflow: Workflow, docs: Documents) -> list[str]:
    """A clock's start moved after a pause or extension made on it (clocks.yaml)."""
    found = []
    records = (docs.get("clocks") or {}).get("clocks")
    for record in records if isinstance(records, list) else []:
        clock = workflow.clock_for(str(record.get("clock"))) if isinstance(record, dict) else None
        if clock is None:
            continue
        item = None if record.get("item") is None else str(record.get("item"))
        for day, kind, start in [c for c in changes_before_start(workflow, docs, record, item) if c[2]][:1]:
            if clock.each is not None:
                where = f"{clock.each}.{item}.{clock.start or clock.due}"
            else:
                where = str(clock.start if lookup(docs, clock.start or "") is not None else clock.start_else)
                where = f"{where} (worked out from {' or '.join(DERIVED_FROM[where])})" \
                    if where in DERIVED_FROM else where
            found.append(f"{where} {start} would be after the {kind} of {clock.id} on {day}, "
                         "which is made only once the clock has started")
    return found


def _decision_out_of_order(workflow: Workflow, docs: Documents) -> list[str]:
    """A decision's own date against the steps around it in the history: the Independent Chair
    decides after the step before (the meeting's recommendation) and before the step after it;
    the meeting is held on or before the decision recorded at it."""
    moving = [h for h in entries(docs) if h.moves and h.date is not None]

    def last(steps: set[str]) -> int | None:
        return max((i for i, h in enumerate(moving) if h.step in steps), default=None)

    found = []
    at, day = last(workflow.steps_of(*Act.CHAIR)), lookup(docs, CHAIR_DATE)
    if at is not None and isinstance(day, date):
        before = moving[at - 1] if at > 0 else None
        after = moving[at + 1] if at + 1 < len(moving) else None
        if before is not None and before.date is not None and day < before.date:
            found.append(f"{CHAIR_DATE} {day} would be before the step '{before.step}' of {before.date}, "
                         "which came before the chair's decision")
        if after is not None and after.date is not None and day > after.date:
            found.append(f"{CHAIR_DATE} {day} would be after the step '{after.step}' of {after.date}, "
                         "which came after the chair's decision")
    at, day = last(workflow.steps_of(Act.DECIDE_CONDUCT, Act.DECIDE_NOT_CONDUCT)), lookup(docs, MEETING_DATE)
    recorded = moving[at].date if at is not None else None
    if at is not None and isinstance(day, date) and recorded is not None and day > recorded:
        found.append(f"{MEETING_DATE} {day} would be after the step '{moving[at].step}' of "
                     f"{recorded}, which recorded the meeting's decision")
    return found


def _after_the_step(workflow: Workflow, files: CaseFiles) -> list[str]:
    """A date a step of the history needed cannot come after that step."""
    found = []
    case_type = None
    for entry in files.case.history:
        case_type = entry.type or case_type
        transition = workflow.find(entry.step, str(entry.from_), str(case_type))
        if transition is None:
            continue
        for req in transition.requires:
            value = lookup(files.docs, req.field)
            if isinstance(value, date) and value > entry.date and (req.types is None or case_type in req.types):
                found.append(f"{req.field} {value} would be after the step '{entry.step}' of "
                             f"{entry.date}, which needed it")
    return found


def _check_value(edit: Edit, path: str, value: object, today: date) -> None:
    if not isinstance(value, date):
        return
    last = path.rsplit(".", 1)[-1]
    if last in _PLANNED:
        check_planned(value, today, path)
        return
    check_not_future(value, today, path)
    if last not in _BEFORE_REFERRAL and path != "case.received":
        check_date(value, edit, path)


def _plain(files: CaseFiles) -> CaseFiles:
    """The case as plain maps, as the date checks read it."""
    return CaseFiles(files.id, files.folder, plain_copy(files.docs))


WITHHELD = "(withheld: it held one of the case's identifiers)"


def _kept(store: Store, case_id: str, old: object) -> object:
    """The old value as the history keeps it: a value that held one of the case's
    identifiers (the usual reason to correct free text) is not copied into the history."""
    from reviewctl.core.privacy import identifiers  # lazy: loads secrets, pyrage
    from reviewctl.core.privacy.redaction import Guard  # lazy: loads secrets, xml

    if not isinstance(old, str) or stored_as(store, case_id) is None:
        return old
    confidential = identifiers.read(store, case_id)
    guard = Guard.build(confidential, store.config.redaction.allow) if confidential else None
    return WITHHELD if guard and guard.scan(old) else old


def amend(store: Store, case_id: str, path: str, value: str, reason: str, options: StepOptions) -> Outcome:
    reason = required_text(reason, "--reason", "say why the value is corrected")
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        edit.files.editable(path.strip().split(".", 1)[0].strip())  # the map `put` changes in place
        field = resolve(edit.docs, path)
        old = current(field)
        if old is None or old == "":
            raise RefusedError(f"{case_id}: nothing is recorded at {field.path} to correct; record it with its "
                               "own step (`reviewctl show` says what is recorded)")
        new = convert(field, value)
        if new == old:
            raise UsageError(f"{case_id}: {field.path} is already {_shown(new)}; nothing to correct")
        _check_value(edit, field.path, new, options.today)
        before = set(clashes(store.workflow, _plain(edit.files)))
        put(field, new)
        after = [c for c in clashes(store.workflow, _plain(edit.files)) if c not in before]
        if after:
            raise UsageError(f"{case_id}: {after[0]}; the history must stay possible: check both dates")
        case = edit.case
        stage = case.stage
        # Dated when the correction is made: it holds back no later step with an earlier date.
        when = check_date(options.date, edit)
        entry = history_entry(Act.AMEND, when, stage, stage, store.repo.identity().name, options, reason=reason)
        entry.update({"field": field.path, "old": _kept(store, case_id, old), "new": new})
        edit.write(Case).seq("history").append(entry)
        edit.rewrites = True
        from reviewctl.core.steps.write import finish  # lazy: loads secrets, xml

        return finish(edit, Act.AMEND, field.path, options)
