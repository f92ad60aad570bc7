"""Pausing, resuming and extending a case's clocks, and each clock's whole story.

A clock is named by its id (`rapid-review`), or for a clock that runs once per entry
by its id and the entry (`chronology-return:Police`, `milestone:Draft report`).  Only a
running clock can be paused or extended: started, not met, and not left behind by the
case.  Each change is one step: load, check, edit clocks.yaml in memory, check, commit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reviewctl.core.case.files import Records
from reviewctl.core.case.paths import Documents, condition_holds, lookup
from reviewctl.core.clocks.deadlines import (
    FIXED,
    Deadline,
    DeadlineInput,
    revise,
    with_status,
)
from reviewctl.core.clocks.per_case import deadline_inputs
from reviewctl.core.workflow.load import ClockDef, Workflow
from reviewctl.errors import RefusedError, UsageError

if TYPE_CHECKING:
    from reviewctl.adapters.calendar import Calendar


def clock_key(clock_id: str, item: str | None) -> str:
    return clock_id if item is None else f"{clock_id}:{item}"


def case_clocks(workflow: Workflow, docs: Documents) -> list[tuple[ClockDef, str | None]]:
    """Every clock that runs for the case's type, and each entry of a clock run per entry."""
    case_type = Records(docs).case.type
    found: list[tuple[ClockDef, str | None]] = []
    for clock in workflow.clocks:
        if (clock.types is not None and case_type not in clock.types) or not condition_holds(clock.when, docs):
            continue
        if clock.each is None:
            found.append((clock, None))
            continue
        entries = lookup(docs, clock.each) or []
        found += [(clock, str(e.get(clock.item)) if clock.item else None)
                  for e in (entries if isinstance(entries, list) else []) if isinstance(e, dict)]
    return found


@dataclass(frozen=True)
class Target:
    clock: ClockDef
    item: str | None
    given: DeadlineInput

    @property
    def key(self) -> str:
        return clock_key(self.clock.id, self.item)


def find_target(workflow: Workflow, docs: Documents, case_id: str, name: str, calendar: Calendar) -> Target:
    """The started clock `name` names; a usage error that lists the clocks for a slip."""
    clock_id, _, item_text = name.strip().partition(":")
    item = item_text.strip() or None
    known = case_clocks(workflow, docs)
    keys = [clock_key(c.id, i) for c, i in known]
    ids = list(dict.fromkeys(c.id for c, _ in known))
    matches = [(c, i) for c, i in known if c.id == clock_id]
    if not matches:
        defined = workflow.clock_for(clock_id)
        if defined is not None and defined.each is not None:
            raise RefusedError(f"{case_id}: that clock runs once per entry of {defined.each}, and the case has "
                               "none yet; nothing to pause or extend")
        close = difflib.get_close_matches(clock_id, ids, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        kind = "not a clock of this case" if defined is None else "a clock that does not run for this type"
        raise UsageError(f"{case_id}: CLOCK is {kind}; {hint}known: {', '.join(keys) or 'none'}")
    clock = matches[0][0]
    if clock.each is not None:
        items = [i for _, i in matches]
        if item is None or item not in items:
            by_fold = [i for i in items if i is not None and item is not None and i.casefold() == item.casefold()]
            if not by_fold:
                what = "name the entry as CLOCK:ITEM" if item is None else "no such entry"
                raise UsageError(f"{case_id}: {clock.id} runs once per {clock.item or 'entry'}; {what} "
                                 f"(known: {', '.join(clock_key(clock.id, i) for i in items)})")
            item = by_fold[0]
    elif item is not None:
        raise UsageError(f"{case_id}: {clock.id} runs once per case; name it without ':' (known: {', '.join(keys)})")
    # The current one: a reopened case's earlier deadlines of the clock have ended.
    given = next((d for d in reversed(deadline_inputs(workflow, docs, calendar))
                  if d.name == clock.id and d.item == item and d.until is None), None)
    if given is None:
        started = clock.start or clock.due or "its start"
        raise RefusedError(f"{case_id}: {clock_key(clock.id, item)} has not started (it starts at {started}); "
                           "a clock can be paused or extended once it runs")
    return Target(clock, item, given)


def clock_story(workflow: Workflow, docs: Documents, today: date, due_soon: int,
                calendar: Calendar) -> list[dict[str, object]]:
    """Every clock of the case, started or not, with its story as it stood on `today`."""
    inputs: dict[tuple[str, str | None], list[DeadlineInput]] = {}
    for found in deadline_inputs(workflow, docs, calendar):
        inputs.setdefault((found.name, found.item), []).append(found)
    out = []
    for clock, item in case_clocks(workflow, docs):
        # A reopened case's earlier deadlines of this clock first, each as it ended.
        started: list[DeadlineInput | None] = [*inputs.get((clock.id, item), [])]
        for given in started or [None]:
            key = clock_key(clock.id, item)
            ended = given.until if given is not None else None
            row: dict[str, object] = {
                "clock": key if ended is None else f"{key} (until the reopening on {ended.isoformat()})",
                "label": clock.label, "standing": clock.standing, "source": clock.source, "status": "not started",
                "cycle": given.cycle if given is not None else 0, "moved": None, "story": []}
            if given is not None and not (given.unit != FIXED and given.start > today):
                row.update(_story(given, with_status(given, today, due_soon, calendar), today, calendar))
            elif given is None and clock.each is None and isinstance(clock.start_in(docs), date):
                # Started, yet no deadline: a case imported past it, whose row did not date it.
                row["status"] = "not known (imported without its date)"
            out.append(row)
    return out


def _story(given: DeadlineInput, now: Deadline | None, today: date, calendar: Calendar) -> dict[str, object]:
    _, _, _, start, original, met_on, _, unit, changes, stopped = given[:10]
    stop = stopped if stopped is not None and stopped <= today else None
    met = met_on if met_on is not None and met_on <= today else None
    events: list[tuple[date, str, date]] = []
    if unit != FIXED:
        events.append((start, "started", original))
    # A correction of a date it counts from: when it was made, and what it changed.
    events += [(day, text, original) for day, text in given.moved if day <= today]
    rev = revise(original, unit, changes, met or stop or today, calendar)
    events += rev.events
    if now is None:
        status, due = ("stopped before it fell due" if stop else "not started"), rev.due
        if stop:
            events.append((stop, "stopped: the case moved on", rev.due))
    else:
        status, due = now.status, now.due
        if now.status in ("met", "met-late") and met is not None:
            late = f" ({now.late_by} late)" if now.status == "met-late" else ""
            events.append((met, f"met{late}", due))
        elif now.status == "missed" and stop is not None:
            events.append((stop, f"missed: the case moved on {now.late_by} after it fell due", due))
    return {
        "started": start.isoformat() if unit != FIXED else None,
        "original_due": original.isoformat(), "due": due.isoformat(), "status": status,
        "met_on": met.isoformat() if met else None,
        "days_late": now.days_late if now else None,
        "late_by": now.late_by if now else None,
        "paused_since": now.paused_since.isoformat() if now and now.paused_since else None,
        "why": now.why if now else ("; ".join(rev.why) or None),
        "moved": "; ".join(text for _, text in given.moved) or None,
        "story": [{"date": d.isoformat(), "event": e, "due": after.isoformat()} for d, e, after in
                  sorted(events, key=lambda ev: ev[0])],
    }

