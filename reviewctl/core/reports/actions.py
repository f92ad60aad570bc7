"""The action plan as monitoring reads it: each action's red, amber or green, and its rows."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from reviewctl.core.clocks.deadlines import Deadline
from reviewctl.core.clocks.per_case import deadlines
from reviewctl.core.reports.case_data import checked_case
from reviewctl.core.store.folder import Store
from reviewctl.core.workflow.history import action_status, closing_stands

DONE = ("complete", "closed")  # an action's statuses that end it


def rag(signed_off: date | None, status: str | None, deadline: Deadline | None) -> str:
    """Red, amber or green from the due date and the reported progress (an action's sign-off and status)."""
    if signed_off or status in DONE:
        return "complete" if status != "closed" else "closed"
    if deadline is not None and deadline.status == "overdue":
        return "red"
    if status == "at-risk" or (deadline is not None and deadline.status == "due-soon"):
        return "amber"
    return "green"


class ActionRow(TypedDict):
    """An action as `actions list --format json` gives it."""

    id: str
    text: str | None
    owner: str | None
    due: str | None
    measure: str | None
    status: str | None
    rag: str
    last_progress: str | None
    signed_off: str | None


def action_rows(store: Store, case_id: str, today: date) -> list[ActionRow]:
    files = checked_case(store, case_id)  # a value of the wrong type is named, not shown blank
    due = {d.item: d for d in deadlines(store.workflow, files.docs, today, store.config.due_soon_working_days,
                                        store.calendar) if d.name == "action"}
    rows: list[ActionRow] = []
    jcrg, stands = files.jcrg, closing_stands(files.docs)
    for action in jcrg.actions if jcrg is not None else []:
        progress = action.progress
        status = action_status(action.status, [p.status for p in progress], action.signed_off, stands)
        rows.append({
            "id": action.id, "text": action.text, "owner": action.owner,
            "due": action.due.isoformat(), "measure": action.measure,
            "status": status, "rag": rag(action.signed_off, status, due.get(action.id)),
            "last_progress": progress[-1].note if progress else None,
            "signed_off": action.signed_off.isoformat() if action.signed_off else None,
        })
    return rows
