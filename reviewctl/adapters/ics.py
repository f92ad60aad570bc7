"""The only user of icalendar: deadlines as an iCalendar feed (`due --format ics`).

Each deadline is an all-day event whose UID is made of the case id, the clock id and
the item (an agency, a milestone, an action), so importing the feed again updates the
events already in a calendar instead of adding copies.  SEQUENCE counts the changes
that moved the due date (pauses resumed, extensions), so a calendar that compares it
takes the new date.

A deadline met (or missed) stays in the feed as the same event, its title saying so
(`[met on 18 Nov 2026]`) and its SEQUENCE one higher, so a calendar that imported it
while it was open updates it rather than keeping it open. It stays a VEVENT, as every
calendar shows one (Outlook does not import VTODOs), CATEGORIES `met`, `met-late` or
`missed` for a filter; STATUS COMPLETED belongs to VTODO alone in RFC 5545, so it is not used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from icalendar import Calendar, Event

from reviewctl import __version__

STATUS_WORDS = {"overdue": "OVERDUE", "due-soon": "due soon", "open": "open", "paused": "PAUSED",
                "met": "met", "met-late": "met late", "missed": "MISSED"}


def _status(row: Mapping[str, Any]) -> str:
    """The word in an event's title: `[OVERDUE]`, or `[met on 18 Nov 2026]` once done."""
    word = STATUS_WORDS.get(row["status"], row["status"])
    met_on = row.get("met_on")
    return f"{word} on {date.fromisoformat(met_on).strftime('%d %b %Y').lstrip('0')}" if met_on else word


def uid(case: str, clock: str, item: str | None) -> str:
    # Percent-encoded: an item is free text (an agency's name), a UID is best kept plain.
    parts = [case, clock] + ([item] if item is not None else [])
    return "/".join(quote(p, safe="") for p in parts) + "@reviewctl"


def due_calendar(rows: Sequence[Mapping[str, Any]], partnership: str, today: date) -> bytes:
    """`rows` as `reviewctl due --format json` gives them, with `met_on` where a deadline was met."""
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
        event.add("uid", uid(r["case"], r["clock"], r["item"]))
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
        event.add("description", "\n".join(lines))
        settled = r["status"] in ("met", "met-late", "missed")
        # One more once settled: the same event, changed, so that a calendar takes the new version.
        event.add("sequence", (r["why"].count("; ") + 1 if r["why"] else 0) + settled)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        event.add("categories", [r["type"], r["status"]])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
