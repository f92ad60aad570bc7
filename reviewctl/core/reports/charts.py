"""Bar charts for the site's figures, as geometry an SVG template draws.

Each bar carries its number as text beside it, and each chart has a table of the same
figures under it: the chart is a picture of the table, never the only way to read it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:  # the figures' shape; the tracker's module is loaded by the one that calls these
    from reviewctl.core.reports.tracker import Figures

# Each bar has its label above it, left-aligned (a long label is never cut off), and its
# number after it.
BAR_LEFT, BAR_RIGHT = 0.0, 720.0
ROW = 44.0


# A chart is a plain dict (id, title, height, bars, total, description): a template reads
# an item faster than an attribute.
class Bar(TypedDict):
    label: str
    value: int
    label_y: float
    y: float
    text_y: float
    width: float
    text_x: float


class Chart(TypedDict):
    id: str
    title: str
    height: float
    bars: list[Bar]
    total: int
    description: str


def bar_chart(chart_id: str, title: str, items: list[tuple[str, int]]) -> Chart:
    most = max((v for _, v in items), default=0) or 1
    bars: list[Bar] = []
    for i, (label, value) in enumerate(items):
        length = round((BAR_RIGHT - BAR_LEFT) * value / most, 1)
        y = round(4 + i * ROW, 1)
        bars.append({"label": label, "value": value, "label_y": y + 13, "y": y + 18, "text_y": y + 33,
                     "width": max(length, 1.0 if value else 0.0), "text_x": round(BAR_LEFT + length + 6, 1)})
    return {"id": chart_id, "title": title, "height": 8 + len(items) * ROW, "bars": bars,
            "total": sum(v for _, v in items), "description": "; ".join(f"{b['label']}: {b['value']}" for b in bars)}


def monthly(received: list[date], today: date, months: int = 12) -> list[tuple[str, int]]:
    """Referrals received in each of the last `months` months, up to today's month."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    counts = dict.fromkeys(reversed(keys), 0)
    for day in received:
        key = (day.year, day.month)
        if key in counts:
            counts[key] += 1
    return [(date(y, m, 1).strftime("%b %Y"), n) for (y, m), n in counts.items()]


def figure_charts(figures: Figures, type_labels: dict[str, str]) -> list[Chart]:
    """The charts of one period's figures (the shape `reviewctl stats --format json` has)."""
    referrals = figures["referrals"]
    timescales = figures["timescales"]
    actions = figures["actions"]
    words = {"accepted": "Accepted for scoping", "no-further-action": "No further action"}
    return [
        bar_chart("referrals", "Referrals received, by review type",
                  [(type_labels.get(t, t), n) for t, n in referrals.items() if t != "total"]),
        bar_chart("triage", "Triage outcomes", [(words.get(k, k), n) for k, n in figures["triage"].items()]),
        bar_chart("decisions", "Decisions", [("To conduct a review", figures["decisions"]["conduct"]),
                                             ("Not to conduct", figures["decisions"]["not-conduct"])]),
        bar_chart("timescales", "Deadlines settled in the period",
                  [("Met within the original due date", timescales["within_original"]),
                   ("Met within the revised due date", timescales["within_revised"]),
                   ("Met late", timescales["met_late"]), ("Missed", timescales["missed"])]),
        bar_chart("actions", "Improvement actions",
                  [("Agreed", actions["agreed"]), ("Completed", actions["completed"]),
                   ("Overdue at the end", actions["overdue_at_end"])]),
    ]
