"""The only user of icalendar: deadlines as an iCalendar feed (`due --format ics`).

Each deadline is an all-day event whose UID is made of the case id, the clock id and
the item (an agency, a milestone, an action), and, for a deadline of a reopened case's
later cycle, that cycle: importing the feed again updates the events already in a
calendar instead of adding copies, and no two events of one feed share a UID.

A calendar keeps an event that a later feed leaves out (Outlook's import, and RFC 5546's
PUBLISH, update an event by its UID and never delete one), so no deadline leaves the feed
(core/reports/feed.py): one met, missed or closed stays, the same event changed. Its
title says so (`[met on 18 Nov 2026]`, `[closed on 20 Nov 2026]`), CATEGORIES
`met`, `met-late`, `missed` or `closed` for a filter, STATUS CANCELLED once closed (RFC 5545
gives a VEVENT TENTATIVE, CONFIRMED or CANCELLED; COMPLETED is VTODO's alone, and Outlook does
not import VTODOs), and SEQUENCE one higher, as RFC 5546 asks of a change of status, so a
calendar that compares it takes the new version.  SEQUENCE also counts the changes that
moved the due date (pauses resumed, extensions).  Outlook reads STATUS only as busy or free
(MS-OXCICAL), and every event here is free (TRANSP TRANSPARENT): the title is what says it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from icalendar import Calendar, Event

from reviewctl import __version__

STATUS_WORDS = {"overdue": "OVERDUE", "due-soon": "due soon", "open": "open", "paused": "PAUSED",
                "met": "met", "met-late": "met late", "missed": "MISSED", "closed": "closed"}
DONE = ("met", "met-late", "missed", "closed")  # settled, or closed: it will not change any more


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d %b %Y").lstrip("0")


def _status(row: Mapping[str, Any]) -> str:
    """The words in an event's title: `[OVERDUE]`, or `[met on 18 Nov 2026]` once done."""
    word = STATUS_WORDS.get(row["status"], row["status"])
    if row.get("closed_on"):
        return f"{word} on {_day(row['closed_on'])}"
    met_on = row.get("met_on")
    return f"{word} on {_day(met_on)}" if met_on else word


def uid(case: str, clock: str, item: str | None, cycle: int = 0) -> str:
    # Percent-encoded: an item is free text (an agency's name), a UID is best kept plain.  A
    # deadline of the first cycle keeps the UID it had before any reopening.
    parts = [case, clock] + ([item] if item is not None else []) + ([f"cycle-{cycle}"] if cycle else [])
    return "/".join(quote(p, safe="") for p in parts) + "@reviewctl"


def due_calendar(rows: Sequence[Mapping[str, Any]], partnership: str, today: date) -> bytes:
    """`rows` as `reviewctl due --format json` gives them, with `met_on`, `closed_on` and `cycle`
    (core/reports/feed.py)."""
    cal = Calendar()
    cal.add("prodid", f"-//reviewctl {__version__}//Statutory review deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{partnership}: review deadlines")
    stamp = datetime.combine(today, time(0, 0), tzinfo=UTC)  # the same feed for the same day
    for r in rows:
        due = date.fromisoformat(r["due"])
        event = Event()
        event.add("uid", uid(r["case"], r["clock"], r["item"], r.get("cycle") or 0))
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"{r['case']} ({r['type']}): {r['label']} [{_status(r)}]")
        lines = [f"Case {r['case']}, stage {r['stage']}.", f"Status on {today.isoformat()}: {r['status']}."]
        if r["original_due"] != r["due"]:
            lines.append(f"First due {r['original_due']}.")
        if r["why"]:
            lines.append(f"Moved: {r['why']}.")
        if r["paused_since"]:
            lines.append(f"Paused since {r['paused_since']}: the due date moves on when it resumes.")
        if r.get("met_on"):
            lines.append(f"Met on {r['met_on']}.")
        if r.get("closed_on"):
            lines.append(f"Closed on {r['closed_on']} before it was met: it no longer applies (the case moved on).")
        event.add("description", "\n".join(lines))
        done = r["status"] in DONE
        # One more once done: the same event, changed, so that a calendar takes the new version.
        event.add("sequence", (r["why"].count("; ") + 1 if r["why"] else 0) + done)
        event.add("status", "CANCELLED" if r["status"] == "closed" else "CONFIRMED")
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        event.add("categories", [r["type"], r["status"]])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
