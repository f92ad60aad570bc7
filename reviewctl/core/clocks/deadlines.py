"""Deadlines from the workflow's clocks: when each falls due and where it stands.

A clock's due date starts as the workflow's limit from its start (the original due
date) and is revised by what the case's clocks.yaml records: each pause, once resumed,
moves it on by the working days it lasted (calendar days for a month clock or a fixed
due date), and an extension sets it to the date agreed.  Both dates are kept, and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from reviewctl.adapters.calendar import Calendar, add_months

if TYPE_CHECKING:  # not at run time: a warm report never loads the workflow's models
    from reviewctl.core.workflow.load import ClockDef, Limit


# Units a clock counts in: the unit a pause moves its due date by.
WORKING_DAYS, MONTHS, FIXED = "working_days", "months", "due"
# A pause or an extension as recorded, in plain values (the report cache keeps them):
# ("pause", paused, resumed or None, reason, for) / ("extension", date, to, reason, agreed_by)
Change = tuple[str, date, date | None, str, str | None]
# The statuses of a deadline that is settled: it will not change any more.
SETTLED = ("met", "met-late", "missed")


def due_date(start: date, limit: Limit | None, calendar: Calendar) -> date:
    if limit is None:
        return start
    if limit.working_days is not None:
        return calendar.add_working_days(start, limit.working_days)
    assert limit.months is not None
    return add_months(start, limit.months)


def unit_of(clock: ClockDef) -> str:
    if clock.limit is None:
        return FIXED
    return WORKING_DAYS if clock.limit.working_days is not None else MONTHS


def paused_length(unit: str, paused: date, resumed: date, calendar: Calendar) -> int:
    """How long a pause lasted: the working days from the day paused up to the day before
    it resumed (a pause from Friday to Monday costs one), or calendar days for a clock
    counted in months or given a fixed due date."""
    if unit == WORKING_DAYS:
        one = timedelta(days=1)
        return calendar.working_days_between(paused - one, resumed - one)
    return (resumed - paused).days


def shift(due: date, unit: str, length: int, calendar: Calendar) -> date:
    return calendar.add_working_days(due, length) if unit == WORKING_DAYS else due + timedelta(days=length)


def _units(unit: str, length: int) -> str:
    word = "working day" if unit == WORKING_DAYS else "day"
    return f"{length} {word}{'' if length == 1 else 's'}"


def late_by(unit: str, due: date, until: date, calendar: Calendar) -> str:
    """How late, in the clock's own unit: "1 working day" for a working-day clock met on the
    Monday after a Friday due date (not "3 days"); calendar days for a month clock or a
    fixed date.  A working-day clock met on a weekend after its due date is a working day late."""
    if unit == WORKING_DAYS:
        return _units(unit, max(1, calendar.working_days_between(due, until)))
    return _units(unit, (until - due).days)


def why_shown(*parts: str | None) -> str | None:
    """A table's `why` column: why the due date moved, a month clock's note ("falls on Sunday,
    not a working day") and the corrections that moved it, so a table says what JSON does."""
    return "; ".join(part for part in parts if part) or None


def in_order(changes: Iterable[Change]) -> list[Change]:
    """Pauses and extensions in the order they were made: by date, and on one day an extension
    before a pause (a paused clock is not extended, so an extension on the day a pause began
    was agreed before it)."""
    return sorted(changes, key=lambda c: (c[1], c[0] == "pause"))


@dataclass(frozen=True)
class Revision:
    """A clock's due date as it stood on one day, and how it got there."""

    due: date
    paused_since: date | None
    why: list[str]
    # (date, event, due after it) for the clock's story
    events: list[tuple[date, str, date]]


def revise(original: date, unit: str, changes: Iterable[Change], as_of: date, calendar: Calendar) -> Revision:
    """The due date as of `as_of`: resumed pauses and extensions recorded by then.

    A pause still open on `as_of` moves nothing yet: the clock is paused, not late.
    """
    due, paused_since = original, None
    why: list[str] = []
    events: list[tuple[date, str, date]] = []
    for kind, begun, end, reason, other in in_order(changes):
        if begun > as_of:
            continue
        if kind == "pause":
            what = f"{reason}; for {other}" if other else reason
            events.append((begun, f"paused ({what})", due))
            if end is None or end > as_of:
                paused_since = begun
                continue
            length = paused_length(unit, begun, end, calendar)
            due = shift(due, unit, length, calendar)
            why.append(f"paused {begun} to {end} ({what}): +{_units(unit, length)}")
            events.append((end, f"resumed after {_units(unit, length)}", due))
        else:
            assert end is not None
            agreed = f"; agreed by {other}" if other else ""
            due = end
            why.append(f"extended on {begun} to {end} ({reason}{agreed})")
            events.append((begun, f"extended ({reason}{agreed})", due))
    return Revision(due, paused_since, why, events)


@dataclass(frozen=True)
class Deadline:
    name: str
    label: str
    item: str | None
    start: date
    due: date  # the revised due date: the one that counts
    status: str  # met | met-late | missed | paused | open | due-soon | overdue
    met_on: date | None
    working_days_left: int | None
    standing: str
    original_due: date | None = None  # None: the same as `due`
    why: str | None = None
    days_late: int | None = None  # met late or missed: calendar days after the due date
    paused_since: date | None = None
    note: str | None = None  # a month clock that ended on a weekend or bank holiday says so
    late_by: str | None = None  # met late or missed: how late in the clock's own unit ("1 working day")
    cycle: int = 0  # the case's cycle it belongs to: 1 or more after a reopening (workflow/history.py)
    moved: str | None = None  # the corrections of a date it counts from: field, old, new, when, why

    @property
    def late(self) -> bool:
        return self.status in ("met-late", "missed")

    @property
    def settled(self) -> bool:
        return self.status in SETTLED

    @property
    def first_due(self) -> date:
        return self.original_due or self.due

    def as_json(self) -> dict[str, str | int | bool | None]:
        first = self.original_due or self.due  # first_due, once: a bulk report calls this for every deadline
        return {
            "name": self.name,
            "label": self.label,
            "item": self.item,
            "start": self.start.isoformat(),
            "original_due": first.isoformat(),
            "due": self.due.isoformat(),
            "revised": self.due != first or self.why is not None,
            "why": self.why,
            "status": self.status,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "late": self.status in ("met-late", "missed"),
            "days_late": self.days_late,
            "late_by": self.late_by,
            "paused_since": self.paused_since.isoformat() if self.paused_since else None,
            "working_days_left": self.working_days_left,
            "note": self.note,
            "standing": self.standing,
            "cycle": self.cycle,
            "moved": self.moved,
        }


class DeadlineInput(NamedTuple):
    """What a deadline is, before "today" is known: cached by bulk reports."""

    name: str  # the clock's id
    label: str
    item: str | None
    start: date
    original: date  # the due date before pauses and extensions
    met_on: date | None
    standing: str
    unit: str
    changes: tuple[Change, ...]
    stopped: date | None  # the day the case moved on from the stages the clock runs in (None: it runs)
    note: str | None = None
    cycle: int = 0  # the cycle of a reopened case it belongs to
    moved: tuple[tuple[date, str], ...] = ()  # the corrections of a date it counts from: (made on, what)
    until: date | None = None  # an earlier cycle's: the reopening that ended it


def with_status(given: DeadlineInput, today: date, due_soon: int, calendar: Calendar) -> Deadline | None:
    """The deadline as it stood on `today`; None where it had not started, or had stopped
    applying before it fell due (nothing was missed)."""
    name, label, item, start, original, met_on, standing, unit, changes, stopped, note = given[:11]
    if unit != FIXED and start > today:
        return None  # `show --as-of` a day before the clock started
    if met_on is not None and met_on > today:
        met_on = None  # as it stood then: not met yet
    if stopped is not None and stopped > today:
        stopped = None
    if changes:
        rev = revise(original, unit, changes, met_on or stopped or today, calendar)
        due, paused_since, why = rev.due, rev.paused_since, "; ".join(rev.why) or None
    else:  # most deadlines: nothing paused or extended (a bulk report's every row comes here)
        due, paused_since, why = original, None, None
    if paused_since is not None and met_on is not None:
        due = shift(due, unit, paused_length(unit, paused_since, met_on, calendar), calendar)  # met while paused

    def made(status: str, left: int | None = None, until: date | None = None) -> Deadline:
        return Deadline(name, label, item, start, due, status, met_on, left, standing,
                        original if original != due or why else None, why,
                        None if until is None else (until - due).days,
                        paused_since if status == "paused" else None, note,
                        None if until is None else late_by(unit, due, until, calendar),
                        given.cycle, "; ".join(text for _, text in given.moved) or None)

    if met_on is not None:
        return made("met") if met_on <= due else made("met-late", until=met_on)
    if stopped is not None:
        if paused_since is not None or stopped <= due:
            return None  # the case moved on before the clock fell due
        return made("missed", until=stopped)
    if paused_since is not None:
        return made("paused")
    left = calendar.working_days_between(today, due)
    return made("overdue" if today > due else "due-soon" if left <= due_soon else "open", left)


def statuses(inputs: Iterable[DeadlineInput], today: date, due_soon: int, calendar: Calendar) -> list[Deadline]:
    """Every deadline as it stood on `today`, soonest first."""
    return sort_deadlines([d for given in inputs if (d := with_status(given, today, due_soon, calendar)) is not None])


def month_end(due: date, unit: str, calendar: Calendar) -> tuple[date, str | None]:
    """A month clock's end on a weekend or bank holiday: said so, and left, moved on to the
    next working day or moved back to the one before (the store's `month_end`, in its calendar)."""
    return calendar.end_of_month(due) if unit == MONTHS else (due, None)


def sort_deadlines(found: list[Deadline]) -> list[Deadline]:
    return sorted(found, key=lambda d: (d.settled, d.due))
