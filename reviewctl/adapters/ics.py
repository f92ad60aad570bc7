"""The only user of icalendar: open deadlines as an iCalendar feed (`due --format ics`).

Each deadline is an all-day event whose UID is made of the case id, the clock id and
the item (an agency, a milestone, an action), so importing the feed again updates the
events already in a calendar instead of adding copies.  SEQUENCE counts the changes
that moved the due date (pauses resumed, extensions), so a calendar that compares it
takes the new date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from icalendar import Calendar, Event

from reviewctl import __version__

STATUS_WORDS = {"overdue": "OVERDUE", "due-soon": "due soon", "open": "open", "paused": "PAUSED"}


def uid(case: str, clock: str, item: str | None) -> str:
    # Percent-encoded: an item is free text (an agency's name), a UID is best kept plain.
    parts = [case, clock] + ([item] if item is not None else [])
    return "/".join(quote(p, safe="") for p in parts) + "@reviewctl"


def due_calendar(rows: list[dict[str, Any]], partnership: str, today: date) -> bytes:
    """`rows` as `reviewctl due --format json` gives them."""
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
        event.add("summary", f"{r['case']} ({r['type']}): {r['label']} [{STATUS_WORDS.get(r['status'], r['status'])}]")
        lines = [f"Case {r['case']}, stage {r['stage']}.", f"Status on {today.isoformat()}: {r['status']}."]
        if r["original_due"] != r["due"]:
            lines.append(f"First due {r['original_due']}.")
        if r["why"]:
            lines.append(f"Moved: {r['why']}.")
        if r["paused_since"]:
            lines.append(f"Paused since {r['paused_since']}: the due date moves on when it resumes.")
        event.add("description", "\n".join(lines))
        event.add("sequence", r["why"].count("; ") + 1 if r["why"] else 0)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        event.add("categories", [r["type"], r["status"]])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
