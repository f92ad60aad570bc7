"""A case's timeline as shapes for an SVG: its stages, and each clock from start to due.

Only geometry is worked out here (numbers and words); the site's template draws it,
so a partnership can restyle it.  Every mark has a shape as well as a colour (a
circle for met, a cross for missed, a diamond for the due date, a dashed line while
paused, a triangle for an extension), and the page lists the same facts in a table.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypedDict

from reviewctl.core.clocks.deadlines import Change, Deadline

WIDTH = 800.0
LEFT, RIGHT = 10.0, 790.0
AXIS_TOP = 24.0  # the month labels sit above this line
STAGE_TOP, STAGE_HEIGHT = 34.0, 26.0
ROW_TOP, ROW_HEIGHT = 76.0, 40.0


# The shapes are plain dicts: a template reads an item faster than an attribute (sandbox).
# A stage the case was in: from the day it entered it to the day it left (None: it is there now).
Band = TypedDict("Band", {"id": str, "label": str, "short": str, "x": float, "width": float, "from": str,
                          "to": str | None, "shade": int, "current": bool})


class Mark(TypedDict):
    shape: str  # extended | met | missed
    x: float
    title: str


class ClockLine(TypedDict):
    label: str
    status: str
    words: str
    y: float
    start: float
    due: float
    original: float | None  # where the first due date was, if it moved
    end: float
    late: float | None
    marks: list[Mark]
    pauses: list[tuple[float, float]]


class Timeline(TypedDict):
    width: float
    height: float
    ticks: list[tuple[float, str]]
    stages: list[Band]
    clocks: list[ClockLine]
    today: float
    today_label: str


WORDS = {"met": "met", "met-late": "met late", "missed": "missed", "paused": "paused", "open": "open",
         "due-soon": "due soon", "overdue": "overdue"}


def _month_ticks(first: date, last: date) -> list[date]:
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= 8)
    ticks = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        if date(year, month, 1) >= first and (month - 1) % step == 0:
            ticks.append(date(year, month, 1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return ticks


def timeline(stages: list[tuple[str, date, str]], deadlines: list[tuple[Deadline, tuple[Change, ...]]],
             today: date, terminal: bool) -> Timeline:
    """The shapes for one case: `stages` as (id, entered on, label), oldest first, and
    each deadline as it stands today with the pauses and extensions recorded for it."""
    days: list[date] = [today] + [d for _, d, _ in stages]
    for d, changes in deadlines:
        days += [d.start, d.due, d.first_due] + ([d.met_on] if d.met_on else [])
        days += [c[1] for c in changes] + [c[2] for c in changes if c[2] is not None]
    first, last = min(days) - timedelta(days=3), max(days) + timedelta(days=3)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (RIGHT - LEFT) * (day - first).days / span, 1)

    ticks = [(x(t), t.strftime("%b %Y")) for t in _month_ticks(first, last)]
    bands: list[Band] = []
    for i, (stage_id, entered, label) in enumerate(stages):
        ends = stages[i + 1][1] if i + 1 < len(stages) else (entered if terminal else today)
        start, stop = x(entered), x(max(ends, entered))
        bands.append({"id": stage_id, "label": label, "short": stage_id, "x": start, "width": max(stop - start, 2.0),
                      "from": entered.isoformat(), "to": None if i + 1 == len(stages) else ends.isoformat(),
                      "shade": i % 2, "current": i + 1 == len(stages)})
    clocks: list[ClockLine] = []
    for row, (d, changes) in enumerate(deadlines):
        y = ROW_TOP + row * ROW_HEIGHT
        end_day = d.met_on or (d.due + timedelta(days=d.days_late or 0) if d.status == "missed" else today)
        if d.status in ("open", "due-soon"):
            end_day = min(today, d.due)
        marks: list[Mark] = []
        pauses = []
        for kind, begun, ended, _, _ in sorted(changes, key=lambda c: c[1]):
            if begun > today:
                continue
            if kind == "pause":
                pauses.append((x(begun), x(min(ended or today, today))))
            else:
                marks.append({"shape": "extended", "x": x(begun), "title": f"extended on {begun} to {ended}"})
        if d.met_on:
            marks.append({"shape": "met", "x": x(d.met_on), "title": f"met on {d.met_on}"})
        if d.status == "missed":
            marks.append({"shape": "missed", "x": x(end_day), "title": f"missed: {d.late_by} late"})
        late = x(end_day) if d.status in ("met-late", "missed", "overdue") else None
        words = WORDS.get(d.status, d.status)
        if d.late_by:
            words += f", {d.late_by} late"
        # end: how far the line runs (met, missed, today or the due date); late: from due to
        # end, when late; original: where the first due date was, if it moved.
        clocks.append({"label": d.label, "status": d.status, "words": words, "y": y, "start": x(d.start),
                       "due": x(d.due), "original": x(d.first_due) if d.first_due != d.due else None,
                       "end": x(max(end_day, d.start)), "late": late, "marks": marks, "pauses": pauses})
    height = ROW_TOP + max(len(clocks), 1) * ROW_HEIGHT + 4
    return {"width": WIDTH, "height": height, "ticks": ticks, "stages": bands, "clocks": clocks,
            "today": x(today), "today_label": today.isoformat()}
