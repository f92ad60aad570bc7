"""Read-only views of cases: what `show`, `list` and `log` return as data."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.files import CaseFiles
from reviewctl.core.clocks.per_case import deadlines
from reviewctl.core.store.folder import Store
from reviewctl.core.workflow.conformance import case_problems
from reviewctl.core.workflow.next_steps import next_steps
from reviewctl.core.workflow.statute_facts import basis_of, ended_local, panel_outcome


def plain(value: Any) -> Any:
    """Loaded YAML as JSON-ready data: dates as ISO strings, maps as dicts."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _summary(store: Store, files: CaseFiles, today: date) -> dict[str, Any]:
    case = files.case
    stage = store.workflow.stage(case.stage)
    due = deadlines(store.workflow, files.docs, today, store.config.due_soon_working_days, store.calendar)
    return {
        "id": case.id,
        "type": case.type,
        "stage": case.stage,
        "stage_label": stage.label if stage else None,
        "subject": case.subject,
        "received": plain(case.received),
        "incident_date": plain(case.incident_date),
        "deadlines": [d.as_json() for d in due],
    }


def checked_case(store: Store, case_id: str) -> CaseFiles:
    """A case, refused with the first problem if its documents are not valid."""
    folder = store.shown(store.case_dir(case_id))
    files = store.case(case_id, fast=True)
    if case_problems(store.workflow, folder, case_id, files.docs):  # read again, for line numbers
        files = store.case(case_id, roundtrip=True)
        problems = case_problems(store.workflow, folder, case_id, files.docs)
        if problems:
            raise problems[0].error()
    return files


def checked_documents(store: Store, case_id: str) -> dict[str, Any]:
    """A case's documents by name (for the clocks' functions), refused as `checked_case` says."""
    return checked_case(store, case_id).docs


def show_case(store: Store, case_id: str, today: date) -> dict[str, Any]:
    files = checked_case(store, case_id)
    docs, case = files.docs, files.case
    raw = docs["case"]  # the triage and history as the file has them, for JSON
    view = _summary(store, files, today)
    view.update({
        "referrer": case.referrer,
        "summary": case.summary,
        "aware": plain(case.aware),
        "aware_means": store.workflow.statute.aware.get(case.type),
        "basis": _basis(store, case.type, docs.get("decision")),
        "panel_outcome": panel_outcome((docs.get("scoping") or {}).get("panel_response")),
        "national_review": _national(store, docs),
        "agencies": case.agencies,
        "triage": plain(raw.get("triage")),
        "history": plain(raw.get("history") or []),
    })
    # Every other file of the case under its document name (null when absent).
    view.update({name: plain(docs.get(name)) for name in DOCUMENT_FILES if name != "case"})
    view["links"] = plain((docs.get("links") or {}).get("links") or [])
    view["next"] = next_steps(store.workflow, docs)
    from reviewctl.core.signing.approved_text import approval_notes  # lazy: loads 3 more modules

    view["approval_status"] = [plain(asdict(note)) for note in approval_notes(files)]
    return view


def _basis(store: Store, case_type: str, decision: Any) -> dict[str, Any] | None:
    """The basis a review is conducted on (sar), with its source, as the workflow names it."""
    found = basis_of(decision)
    known = next((b for b in store.workflow.statute.bases.get(case_type, []) if b.id == found), None)
    return None if found is None else {"id": found, "label": known.label if known else found,
                                       "source": known.source if known else ""}


def _national(store: Store, docs: dict[str, Any]) -> dict[str, Any] | None:
    """The Panel's national review, if it took the case: when, and whether it ended the local review."""
    taken = (docs.get("scoping") or {}).get("national_review")
    if not isinstance(taken, dict):
        return None
    return {"date": plain(taken.get("date")), "ended_local_review": ended_local(store.workflow, docs["case"])}


def case_log(store: Store, case_id: str, today: date) -> dict[str, Any]:
    view = show_case(store, case_id, today)
    commits = store.repo.log(store.repo_path(store.case_dir(case_id)))
    return {"id": case_id, "history": view["history"], "commits": commits}


def history_rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """History entries for a table: the first step comes from nowhere."""
    return [{**h, "from": h.get("from") or "", "note": _note(h)} for h in history]


def _allowed(allowed: list[dict[str, Any]]) -> str:
    """What the step's --allow let through (privacy/pattern_guard.py): kind and place, and why once."""
    if not allowed:
        return ""
    places = ", ".join(f"{a.get('kind')} in {a.get('place')}" for a in allowed)
    return f"allowed {places} ({allowed[0].get('reason')})"


def _note(entry: dict[str, Any]) -> str:
    """The note column: a correction's old and new value, a type change, and why, beside any --message."""
    parts = [f"{entry['field']}: {entry.get('old')} -> {entry.get('new')}" if entry.get("field") else "",
             f"type {entry['type']}" if entry.get("type") and entry.get("from") == entry.get("to") else "",
             f"reason: {entry['reason']}" if entry.get("reason") else "", entry.get("note") or "",
             _allowed(entry.get("allowed") or [])]
    return "; ".join(p for p in parts if p)
