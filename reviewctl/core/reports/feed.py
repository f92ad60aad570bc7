"""What `due --format ics` puts in a calendar: every deadline that a calendar may hold, as it stands now.

A calendar that imported the feed keeps an event until a later feed changes it: Outlook's
import (and RFC 5546's PUBLISH) updates an event by its UID and keeps one that a later feed
leaves out, open for ever.  So a deadline, once in a feed, stays in every later one, changed:

- open (or paused): as `due` lists it; the filters (`--within`, `--overdue`) choose among these;
- met, met late or missed: settled, in every feed, whatever the filters;
- closed: it stopped applying before it fell due, never met (the case moved on, or was closed
  with its actions still open, or reopened): in every feed, with the day it stopped, where
  `due` and the tracker simply no longer show it;
- met on a day still to come (a report published under an embargo, the year a report stays
  online): open until that day, even where the case has moved on or closed meanwhile.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reviewctl.adapters.calendar import Calendar
from reviewctl.core.clocks.deadlines import FIXED, Deadline, DeadlineInput, with_status
from reviewctl.core.reports.cache import Index
from reviewctl.core.reports.tracker import DueRow, due_row, wanted

CLOSED = "closed"  # a feed's status of a deadline that stopped applying before it fell due


class CalendarRow(DueRow):
    met_on: str | None  # a deadline met (or settled): the day; None while it is open
    closed_on: str | None  # a deadline that stopped applying before it fell due: the day
    cycle: int  # 0, or the reopening the deadline belongs to


def calendar_rows(index: Index, today: date, within: int | None, overdue_only: bool) -> list[CalendarRow]:
    """`due`'s rows (its filters choosing among the open ones), and every deadline met, missed or
    closed, each with `met_on`, `closed_on` and `cycle` (0, or the reopening it belongs to)."""
    rows: list[CalendarRow] = []
    for s in index.summaries:
        for given in s.deadlines:
            shown = with_status(given, today, index.due_soon, index.calendar)
            closed_on = None
            if shown is None:
                shown, closed_on = _ended(given, today, index.due_soon, index.calendar)
            if shown is None or (not shown.settled and closed_on is None and not wanted(shown, within, overdue_only)):
                continue
            rows.append({**due_row(s, shown), "met_on": _iso(shown.met_on), "closed_on": _iso(closed_on),
                         "cycle": shown.cycle})
    rows.sort(key=lambda r: (r["due"], r["case"], r["clock"], r["item"] or "", r["cycle"]))
    return rows


def _ended(given: DeadlineInput, today: date, due_soon: int,
           calendar: Calendar) -> tuple[Deadline | None, date | None]:
    """A deadline that `due` no longer shows although it started: (as a feed shows it, the day it
    was closed, or None where it is open); (None, None) where it has not started."""
    if given.met_on is not None and given.met_on > today:
        # Met on a day to come (an embargo, a report's year online): open until then, the case's
        # having moved on or closed meanwhile notwithstanding.
        return with_status(given._replace(stopped=None), today, due_soon, calendar), None
    stopped = given.stopped
    if stopped is None or stopped > today or (given.unit != FIXED and given.start > today):
        return None, None
    # As it stood on the day it stopped (its due date after the pauses and extensions by then).
    then = with_status(given._replace(stopped=None, met_on=None), stopped, due_soon, calendar)
    if then is None:
        return None, None
    return replace(then, status=CLOSED, working_days_left=None, paused_since=None), stopped


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
