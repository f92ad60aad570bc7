"""Deadlines from the workflow's clocks: when each falls due and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from reviewctl.adapters.calendar import add_months, add_working_days, working_days_between

if TYPE_CHECKING:  # not at run time: a warm report never loads the workflow's models
    from reviewctl.core.workflow import Limit, Workflow

Documents = dict[str, Any]  # "case" / "scoping" / "decision" -> the file's mapping


def lookup(docs: Documents, path: str) -> Any:
    """The value at `document.key.key` in the case's documents, or None."""
    node: Any = docs
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def is_present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def due_date(start: date, limit: Limit | None) -> date:
    if limit is None:
        return start
    if limit.working_days is not None:
        return add_working_days(start, limit.working_days)
    assert limit.months is not None
    return add_months(start, limit.months)


@dataclass(frozen=True)
class Deadline:
    name: str
    label: str
    item: str | None
    start: date
    due: date
    status: str  # met | open | due-soon | overdue
    met_on: date | None
    working_days_left: int | None
    standing: str

    @property
    def late(self) -> bool:
        return self.met_on is not None and self.met_on > self.due

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "item": self.item,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "status": self.status,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "late": self.late,
            "working_days_left": self.working_days_left,
        }


# What a deadline is, before "today" is known: cached by bulk reports.
# (name, label, item, start, due, met_on, standing)
DeadlineInput = tuple[str, str, str | None, date, date, date | None, str]


def with_status(given: DeadlineInput, today: date, due_soon: int) -> Deadline:
    name, label, item, start, due, met_on, standing = given
    if met_on is not None:
        return Deadline(name, label, item, start, due, "met", met_on, None, standing)
    left = working_days_between(today, due)
    status = "overdue" if today > due else "due-soon" if left <= due_soon else "open"
    return Deadline(name, label, item, start, due, status, None, left, standing)


def deadline_inputs(workflow: Workflow, docs: Documents) -> list[DeadlineInput]:
    """Every started deadline of a case that still applies, without its status.

    A deadline that was never met stops applying when the case ends, or leaves the
    stages the clock runs in (`while_in`).
    """
    case = docs.get("case") or {}
    case_type = case.get("type")
    ended = workflow.is_terminal(str(case.get("stage")))
    found: list[DeadlineInput] = []
    for clock in workflow.clocks:
        if clock.types is not None and case_type not in clock.types:
            continue
        candidates: list[tuple[str, str | None, Any, Any]]
        if clock.each is None:
            first = lookup(docs, clock.start or clock.due or "")
            candidates = [(clock.label, None, first, lookup(docs, clock.met))]
        else:
            entries = lookup(docs, clock.each) or []
            candidates = []
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                item = str(entry.get(clock.item)) if clock.item else None
                label = f"{clock.label}: {item}" if item else clock.label
                first = entry.get(clock.start or clock.due or "")
                candidates.append((label, item, first, entry.get(clock.met)))
        applies = (case.get("stage") in clock.while_in) if clock.while_in is not None else not ended
        for label, item, start, met in candidates:
            if not isinstance(start, date):
                continue  # the clock has not started
            met_on = met if isinstance(met, date) else None
            if met_on is not None or applies:
                # A clock with `due` was handed its due date as `start`.
                found.append((clock.id, label, item, start, due_date(start, clock.limit), met_on,
                               clock.standing))
    return found


def sort_deadlines(found: list[Deadline]) -> list[Deadline]:
    return sorted(found, key=lambda d: (d.status == "met", d.due))


def deadlines(workflow: Workflow, docs: Documents, today: date, due_soon: int = 3) -> list[Deadline]:
    """Every started deadline of a case that still applies, soonest first."""
    return sort_deadlines([with_status(d, today, due_soon) for d in deadline_inputs(workflow, docs)])
