"""A case's deadlines from its records and history: every clock of the workflow that has
started, each with its pauses and extensions (clocks.yaml), the day it stopped running, the
corrections that moved a date it counts from, and, for a reopened case, once per cycle.

The arithmetic (due dates, pauses, status) is in clocks/deadlines.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from reviewctl.core.case.paths import Documents, condition_holds, lookup
from reviewctl.core.clocks.deadlines import (
    FIXED,
    Change,
    Deadline,
    DeadlineInput,
    due_date,
    month_end,
    statuses,
    unit_of,
)
from reviewctl.core.workflow.history import Cycle, Entry, corrections, cycles, entries, feeds, with_derived

if TYPE_CHECKING:  # not at run time: a warm report never loads the workflow's models
    from reviewctl.adapters.calendar import Calendar
    from reviewctl.core.workflow.load import ClockDef, Workflow


def recorded_changes(docs: Documents) -> dict[tuple[str, str | None], tuple[Change, ...]]:
    """The pauses and extensions of clocks.yaml, by (clock, item)."""
    found: dict[tuple[str, str | None], tuple[Change, ...]] = {}
    clocks = docs.get("clocks")
    for record in clocks.get("clocks") or [] if isinstance(clocks, dict) else []:
        if not isinstance(record, dict):
            continue
        changes: list[Change] = [
            ("pause", p["paused"], p.get("resumed"), str(p.get("reason")), p.get("for"))
            for p in record.get("pauses") or [] if isinstance(p, dict) and isinstance(p.get("paused"), date)]
        changes += [
            ("extension", e["date"], e["to"], str(e.get("reason")), e.get("agreed_by"))
            for e in record.get("extensions") or []
            if isinstance(e, dict) and isinstance(e.get("date"), date) and isinstance(e.get("to"), date)]
        item = record.get("item")
        found[(str(record.get("clock")), None if item is None else str(item))] = tuple(changes)
    return found


def _left(history: list[Entry], runs: Callable[[str | None], bool]) -> Entry | None:
    """The entry by which the case last left the stages in which a clock runs."""
    last = None
    for entry in history:
        if runs(entry.source) and not runs(entry.to):
            last = entry
    return last if last is not None and last.date is not None else None


class Candidate(NamedTuple):
    """A clock's deadline as the records of one cycle give it (for a clock run per entry, one entry's)."""

    label: str
    item: str | None
    start: date | None  # None: not started
    met: date | None
    reads: tuple[str, ...]  # the fields it is worked out from: a correction of one moves it


def _candidates(clock: ClockDef, docs: Documents) -> list[Candidate]:
    if clock.each is None:
        reads = tuple(p for p in (clock.start, clock.start_else, clock.due, clock.met) if p)
        return [Candidate(clock.label, None, _day(clock.start_in(docs)), _day(lookup(docs, clock.met)), reads)]
    found = []
    entries = lookup(docs, clock.each)
    for n, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        if not isinstance(entry, dict):
            continue
        item = str(entry.get(clock.item)) if clock.item else None
        reads = tuple(f"{clock.each}.{n}.{key}" for key in (clock.start, clock.due, clock.met) if key)
        found.append(Candidate(f"{clock.label}: {item}" if item else clock.label, item,
                               _day(entry.get(clock.start or clock.due or "")), _day(entry.get(clock.met)), reads))
    return found


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def deadline_inputs(workflow: Workflow, docs: Documents, calendar: Calendar) -> list[DeadlineInput]:
    """Every started deadline of a case, without its status.

    A deadline that was never met stops running when the case ends, or leaves the
    stages the clock runs in (`while_in`); it is then missed if it had fallen due.

    A reopened case's clocks run once per cycle (workflow/history.py): each earlier cycle's
    are worked out from the records as they stood when it ended, and stop there; a clock
    whose start and end are the same in the next cycle is the same deadline, seen as it is
    now; one whose dates differ (a new decision) starts again, no earlier than the reopening,
    and the earlier one keeps the outcome it had.
    """
    runs = cycles(workflow, docs)
    if len(runs) == 1:
        return [_stopped_from_start(given) for _, given in _cycle_inputs(workflow, docs, runs[0], calendar)]
    latest: dict[tuple[str, str | None], tuple[tuple[date, date | None], DeadlineInput]] = {}
    ended: list[DeadlineInput] = []
    for cycle in runs:
        for records, given in _cycle_inputs(workflow, cycle.docs, cycle, calendar):
            key = (given.name, given.item)
            before = latest.get(key)
            if before is not None and before[0] == records:
                first = before[1]  # the same deadline, as it stands in this later cycle
                given = given._replace(start=first.start, original=first.original, note=first.note,
                                       met_on=first.met_on, cycle=first.cycle, changes=first.changes,
                                       moved=tuple(dict.fromkeys(first.moved + given.moved)))
            elif before is not None:
                ended.append(before[1])
            latest[key] = (records, given)
    return [_stopped_from_start(given) for given in [*ended, *(given for _, given in latest.values())]]


def _stopped_from_start(given: DeadlineInput) -> DeadlineInput:
    """A clock that stopped before it started (it never ran) stopped on its start; a clock given
    its due date has that date as `start`, and stops the day the case moved on, even before it.
    Done once a reopened case's deadline is matched across its cycles: it starts where it first did."""
    if given.stopped is None or given.unit == FIXED or given.stopped >= given.start:
        return given
    return given._replace(stopped=given.start)


def _cycle_inputs(workflow: Workflow, docs: Documents, cycle: Cycle,
                  calendar: Calendar) -> list[tuple[tuple[date, date | None], DeadlineInput]]:
    """The started deadlines of one cycle of the case, each with the dates its records start and
    meet it (a minimum period's end is no record: it follows from the start)."""
    docs = with_derived(workflow, docs)
    case = docs.get("case")
    case_type, stage = (case.get("type"), case.get("stage")) if isinstance(case, dict) else (None, None)
    history = entries(docs)
    changes = recorded_changes(docs) if "clocks" in docs else {}
    fixes = corrections(docs)
    imported_by = workflow.imports.step if workflow.imports is not None else None
    found: list[tuple[tuple[date, date | None], DeadlineInput]] = []
    for clock in workflow.clocks:
        if (clock.types is not None and case_type not in clock.types) or not condition_holds(clock.when, docs):
            continue

        def runs(at: str | None, while_in: list[str] | None = clock.while_in) -> bool:
            return at in while_in if while_in is not None else at is not None and not workflow.is_terminal(at)

        # An earlier cycle's clock, still running when it ended, stops at the reopening that ended it.
        running = runs(None if stage is None else str(stage))
        left = None if running else _left(history, runs)
        stopped = cycle.until if running else left.date if left is not None else date.min
        # A case brought in from an earlier tracker past the stages a clock runs in: what its row
        # did not date is not known, neither met nor missed.
        unknown = left is not None and (left.imported is not None or left.step == imported_by)
        unit = unit_of(clock)
        for label, item, raw, met, reads in _candidates(clock, docs):
            if raw is None:
                continue  # the clock has not started
            start = max(raw, cycle.since) if cycle.since is not None and unit != FIXED else raw
            if cycle.until is not None:  # a clock counts again from the reopening
                label = f"{label} (until the reopening on {cycle.until.isoformat()})"
            if met is None and unknown:
                continue
            # A clock with `due` was handed its due date as `start`.
            due, note = month_end(due_date(start, clock.limit, calendar), unit, calendar)
            met_on = due if clock.hold and met is None else met  # a minimum period is met by time passing
            moved = tuple((fix.date, f"moved by a correction of {fix}") for fix in fixes if feeds(fix.field, reads))
            # A pause or extension belongs to the deadline it was made on: not to one that
            # starts again at a reopening after it.
            made = tuple(c for c in changes.get((clock.id, item), ())
                         if cycle.since is None or unit == FIXED or c[1] >= cycle.since)
            found.append(((raw, met), DeadlineInput(
                clock.id, label, item, start, due, met_on, clock.standing, unit, made, stopped,
                note, cycle.number, moved, cycle.until)))
    return found


def deadlines(workflow: Workflow, docs: Documents, today: date, due_soon: int, calendar: Calendar) -> list[Deadline]:
    """Every started deadline of a case that still applies or was missed, soonest first."""
    return statuses(deadline_inputs(workflow, docs, calendar), today, due_soon, calendar)
