"""What each page of the site shows, as plain values for its template.

Everything comes from the report cache (core/reports/cache.py): the same summaries `list`,
`due` and `stats` read.  A summary holds what case.yaml and the step records say, and
never a case's identifiers (identifiers.age, confidential.yaml), so nothing here can
put a real name on a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TypedDict

from reviewctl.core.clocks.deadlines import why_shown, with_status
from reviewctl.core.reports.actions import rag as action_rag
from reviewctl.core.reports.cache import Index
from reviewctl.core.reports.charts import Chart, bar_chart, figure_charts, monthly
from reviewctl.core.reports.summary import Action, PlanItem, Summary
from reviewctl.core.reports.timeline import Timeline, timeline
from reviewctl.core.reports.tracker import DueRow, Figures, Filters, due, period, stats, tracker

# RAG: a word and a shape as well as a colour (WCAG 1.4.1).
RAG_WORDS = {"red": "Red: overdue", "amber": "Amber: due soon", "green": "Green: on track",
             "paused": "Paused", None: "No open deadline", "complete": "Complete", "closed": "Closed"}
RAG_SHAPES = {"red": "■", "amber": "▲", "green": "●", "paused": "‖", None: "–", "complete": "✓", "closed": "✓"}
STATUS_RAG = {"overdue": "red", "due-soon": "amber", "open": "green", "paused": "paused",
              "met": "complete", "met-late": "complete", "missed": "red"}
STATUS_WORDS = {"overdue": "Overdue", "due-soon": "Due soon", "open": "Open", "paused": "Paused", "met": "Met",
                "met-late": "Met late", "missed": "Missed"}
# A case id becomes a file name: anything else is written as its code point.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def page_name(case_id: str) -> str:
    name = _UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", case_id)
    return f"{name}.html" if name and not name.startswith(".") else f"_{name}.html"


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


# What each page's template reads (plain dicts: a template reads an item faster than an attribute).
class Rag(TypedDict):
    key: str
    words: str
    shape: str


class TrackerPageRow(TypedDict):
    id: str
    page: str
    type: str
    stage: str
    type_label: str
    stage_label: str
    subject: str | None
    received: str
    next_deadline: str
    next_due: str
    rag: Rag
    actions_open: int
    published: str


class TrackerPage(TypedDict):
    rows: list[TrackerPageRow]
    types: list[tuple[str, str]]
    stages: list[tuple[str, str]]
    rags: list[tuple[str, str]]


class DuePageRow(DueRow):
    page: str
    type_label: str
    rag: Rag
    status_words: str


class DuePage(TypedDict):
    rows: list[DuePageRow]
    types: list[tuple[str, str]]
    statuses: list[tuple[str, str]]


class YearFigures(TypedDict):
    label: str
    id: str
    figures: Figures
    charts: list[Chart]


class FiguresPage(TypedDict):
    years: list[YearFigures]
    trend: Chart


class ActionRow(TypedDict):
    case: str
    page: str
    id: str
    text: str | None
    owner: str | None
    measure: str | None
    due: str
    status: str
    progress: str
    signed_off: str
    rag: Rag
    done: bool


class ActionsPage(TypedDict):
    rows: list[ActionRow]
    rags: list[tuple[str, str]]


class DeadlineRow(TypedDict):
    label: str
    start: str
    original_due: str
    due: str
    status: str
    status_words: str
    rag: Rag
    met_on: str
    why: str
    days_late: int | None
    late_by: str | None
    standing: str


class StageRow(TypedDict):
    label: str
    id: str
    date: str


class CasePage(TypedDict):
    id: str
    page: str
    type: str
    type_label: str
    stage: str
    stage_label: str
    subject: str | None
    received: str
    incident_date: str
    agencies: list[str]
    decision: str
    decision_date: str
    lead_reviewer: str
    published: str
    terminal: bool
    timeline: Timeline
    deadlines: list[DeadlineRow]
    actions: list[ActionRow]
    stages: list[StageRow]


def rag(value: str | None) -> Rag:
    return {"key": value or "none", "words": RAG_WORDS.get(value, str(value)), "shape": RAG_SHAPES.get(value, "")}


class Pages:
    """The site's pages for one store on one day."""

    def __init__(self, index: Index, today: date, stage_labels: dict[str, str], type_labels: dict[str, str]):
        self.index = index
        self.today = today
        self.stage_labels = stage_labels
        self.type_labels = type_labels

    def tracker(self) -> TrackerPage:
        rows: list[TrackerPageRow] = []
        for r in tracker(self.index, self.today, Filters()):
            rows.append({
                "id": r["id"], "page": page_name(r["id"]), "type": r["type"], "stage": r["stage"],
                "type_label": self.type_labels.get(r["type"], r["type"]),
                "stage_label": r["stage_label"] or r["stage"], "subject": r["subject"], "received": r["received"] or "",
                "next_deadline": r["next_deadline"] or "", "next_due": r["next_due"] or "",
                "rag": rag(r["rag"]), "actions_open": r["actions_open"], "published": r["published"] or "",
            })
        return {"rows": rows, "types": self._options(self.index.types, self.type_labels),
                "stages": self._options([s for s in self.index.stages if any(r["stage"] == s for r in rows)],
                                        self.stage_labels),
                "rags": [(k or "none", RAG_WORDS[k]) for k in ("red", "amber", "green", "paused", None)]}

    def _options(self, keys: list[str], labels: dict[str, str]) -> list[tuple[str, str]]:
        return [(k, labels.get(k, k)) for k in keys]

    def due(self) -> DuePage:
        rows: list[DuePageRow] = [
            {**r, "page": page_name(r["case"]), "type_label": self.type_labels.get(r["type"], r["type"]),
             "rag": rag(STATUS_RAG.get(r["status"])), "status_words": STATUS_WORDS.get(r["status"], r["status"])}
            for r in due(self.index, self.today, None, False)]
        statuses = [(s, STATUS_WORDS[s]) for s in ("overdue", "due-soon", "open", "paused")]
        return {"rows": rows, "types": self._options(self.index.types, self.type_labels), "statuses": statuses}

    def figures(self) -> FiguresPage:
        years: list[YearFigures] = []
        for label, year in (("This year", self.today.year), ("Last year", self.today.year - 1)):
            first, last = period(year, None, None, False, self.today)
            figures = stats(self.index, first, last)
            years.append({"label": f"{label}: {year}", "id": f"y{year}", "figures": figures,
                          "charts": figure_charts(figures, self.type_labels)})
        received = [s.received for s in self.index.summaries if s.received is not None]
        trend: Chart = bar_chart("monthly", "Referrals received in each of the last 12 months",
                                 monthly(received, self.today))
        return {"years": years, "trend": trend}

    def actions(self) -> ActionsPage:
        rows = []
        details = self.index.details()
        for s in self.index.summaries:
            for action, item in zip(s.actions, details[s.id].plan, strict=False):
                rows.append(self._action(s, action, item))
        rows.sort(key=lambda r: (r["done"], r["due"], r["case"], r["id"]))
        rags = [(k, RAG_WORDS[k]) for k in ("red", "amber", "green", "complete", "closed")]
        return {"rows": rows, "rags": rags}

    def _action(self, s: Summary, action: Action, item: PlanItem) -> ActionRow:
        action_id, due_on, signed_off, status = action.id, action.due, action.signed_off, action.status
        text, owner, measure, progress = item
        deadline = None
        for given in s.deadlines:
            if given.name == "action" and given.item == str(action_id):
                deadline = with_status(given, self.today, self.index.due_soon, self.index.calendar)
        value = action_rag(signed_off, status, deadline)
        return {"case": s.id, "page": page_name(s.id), "id": action_id, "text": text, "owner": owner,
                "measure": measure, "due": _iso(due_on), "status": status or "open", "progress": progress or "",
                "signed_off": _iso(signed_off), "rag": rag(value), "done": value in ("complete", "closed")}

    def cases(self) -> Iterator[CasePage]:
        for s in self.index.summaries:
            yield self.case(s)

    def case(self, s: Summary) -> CasePage:
        shown = []
        details = self.index.details()[s.id]
        for given in s.deadlines:
            d = with_status(given, self.today, self.index.due_soon, self.index.calendar)
            if d is not None:
                shown.append((d, given.changes))
        shown.sort(key=lambda pair: (pair[0].start, pair[0].due))
        stages = [(str(to), when, self.stage_labels.get(str(to), str(to)))
                  for to, when in details.stages if isinstance(when, date)]
        drawn = timeline(stages, shown, self.today, bool(s.terminal))
        deadlines: list[DeadlineRow] = [{"label": d.label, "start": _iso(d.start), "original_due": _iso(d.first_due),
                      "due": _iso(d.due), "status": d.status, "status_words": STATUS_WORDS.get(d.status, d.status),
                      "rag": rag(STATUS_RAG.get(d.status)), "met_on": _iso(d.met_on),
                      "why": why_shown(d.why, d.note) or "", "days_late": d.days_late, "late_by": d.late_by,
                      "standing": d.standing} for d, _ in shown]
        actions = [self._action(s, a, p) for a, p in zip(s.actions, details.plan, strict=False)]
        return {
            "id": s.id, "page": page_name(s.id), "type": s.type,
            "type_label": self.type_labels.get(s.type, s.type),
            "stage": s.stage, "stage_label": s.stage_label or s.stage, "subject": s.subject,
            "received": _iso(s.received), "incident_date": _iso(s.incident_date),
            "agencies": list(s.agencies), "decision": s.decision or "", "decision_date": _iso(s.decision_date),
            "lead_reviewer": s.lead_reviewer or "", "published": _iso(s.published),
            "terminal": s.terminal, "timeline": drawn, "deadlines": deadlines, "actions": actions,
            "stages": [{"label": label, "id": sid, "date": when.isoformat()} for sid, when, label in stages],
        }
