"""A case's deadlines from its records and history: every clock of the workflow that has
started, each with its pauses and extensions (clocks.yaml), the day it stopped running, the
corrections that moved a date it counts from, and, for a reopened case, once per cycle.

The arithmetic (due dates, pauses, status) is in clocks/deadlines.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

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
from reviewctl.core.workflow.history import Cycle, corrections, cycles, feeds, with_derived

if TYPE_CHECKING:  # not at run time: a warm report never loads the workflow's models
    from reviewctl.adapters.calendar import Calendar
    from reviewctl.core.workflow.load import Workflow


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


def _left(history: list[Any], runs: Callable[[Any], bool]) -> dict[str, Any] | None:
    """The entry by which the case last left the stages in which a clock runs."""
    last = None
    for entry in history:
        if isinstance(entry, dict) and runs(entry.get("from")) and not runs(entry.get("to")):
            last = entry
    return last if last is not None and isinstance(last.get("date"), date) else None


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
        return [given for _, given in _cycle_inputs(workflow, docs, runs[0], calendar)]
    latest: dict[tuple[str, str | None], tuple[date, DeadlineInput]] = {}
    ended: list[DeadlineInput] = []
    for cycle in runs:
        for raw, given in _cycle_inputs(workflow, cycle.docs, cycle, calendar):
            key = (given.name, given.item)
            before = latest.get(key)
            if before is not None and (before[0], before[1].met_on) == (raw, given.met_on):
                first = before[1]  # the same deadline, as it stands in this later cycle
                given = given._replace(start=first.start, original=first.original, note=first.note,
                                       cycle=first.cycle, moved=tuple(dict.fromkeys(first.moved + given.moved)))
            elif before is not None:
                ended.append(before[1])
            latest[key] = (raw, given)
    return [*ended, *(given for _, given in latest.values())]


def _cycle_inputs(workflow: Workflow, docs: Documents, cycle: Cycle,
                  calendar: Calendar) -> list[tuple[date, DeadlineInput]]:
    """The started deadlines of one cycle of the case: (the date its clock's record starts it, the deadline)."""
    docs = with_derived(workflow, docs)
    case = docs.get("case") or {}
    case_type = case.get("type")
    stage = case.get("stage")
    history = case.get("history") or []
    changes = recorded_changes(docs) if "clocks" in docs else {}
    fixes = corrections(docs)
    imported_by = workflow.imports.step if workflow.imports is not None else None
    found: list[tuple[date, DeadlineInput]] = []
    for clock in workflow.clocks:
        if (clock.types is not None and case_type not in clock.types) or not condition_holds(clock.when, docs):
            continue
        candidates: list[tuple[str, str | None, Any, Any, tuple[str, ...]]]
        if clock.each is None:
            first = clock.start_in(docs)
            reads = tuple(p for p in (clock.start, clock.start_else, clock.due, clock.met) if p)
            candidates = [(clock.label, None, first, lookup(docs, clock.met), reads)]
        else:
            entries = lookup(docs, clock.each) or []
            candidates = []
            for n, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
                if not isinstance(entry, dict):
                    continue
                item = str(entry.get(clock.item)) if clock.item else None
                label = f"{clock.label}: {item}" if item else clock.label
                first = entry.get(clock.start or clock.due or "")
                reads = tuple(f"{clock.each}.{n}.{key}" for key in (clock.start, clock.due, clock.met) if key)
                candidates.append((label, item, first, entry.get(clock.met), reads))
        while_in = clock.while_in

        def runs(at: Any, while_in: list[str] | None = while_in) -> bool:
            return at in while_in if while_in is not None else at is not None and not workflow.is_terminal(str(at))

        # An earlier cycle's clock, still running when it ended, stops at the reopening that ended it.
        left = None if runs(stage) else _left(history, runs)
        stopped = cycle.until if runs(stage) else left["date"] if left is not None else date.min
        # A case brought in from an earlier tracker past the stages a clock runs in: what its row
        # did not date is not known, neither met nor missed.
        unknown = left is not None and (left.get("imported") is not None or left.get("step") == imported_by)
        unit = unit_of(clock)
        for label, item, start, met, reads in candidates:
            if not isinstance(start, date):
                continue  # the clock has not started
            raw = start
            if cycle.since is not None and unit != FIXED:
                start = max(start, cycle.since)  # a clock counts again from the reopening
            if cycle.until is not None:
                label = f"{label} (until the reopening on {cycle.until.isoformat()})"
            met_on = met if isinstance(met, date) else None
            if met_on is None and unknown:
                continue
            # A clock with `due` was handed its due date as `start`.
            due, note = month_end(due_date(start, clock.limit, calendar), unit, calendar)
            if clock.hold and met_on is None:
                met_on = due  # a minimum period is met by time passing
            moved = tuple((fix.date, f"moved by a correction of {fix}") for fix in fixes if feeds(fix.field, reads))
            found.append((raw, DeadlineInput(
                clock.id, label, item, start, due, met_on, clock.standing, unit, changes.get((clock.id, item), ()),
                # A clock given its due date has that date as `start`: the day it
                # stopped is the day the case moved on, even before it fell due.
                None if stopped is None else stopped if unit == FIXED else max(stopped, start),
                note, cycle.number, moved, cycle.until)))
    return found


def deadlines(workflow: Workflow, docs: Documents, today: date, due_soon: int, calendar: Calendar) -> list[Deadline]:
    """Every started deadline of a case that still applies or was missed, soonest first."""
    return statuses(deadline_inputs(workflow, docs, calendar), today, due_soon, calendar)
