"""Read-only views of cases: what `show`, `list` and `log` return as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.files import CaseFiles
from reviewctl.core.case.paths import Documents
from reviewctl.core.clocks.deadlines import Deadline
from reviewctl.core.clocks.per_case import deadlines
from reviewctl.core.store.folder import Store
from reviewctl.core.workflow.conformance import case_problems
from reviewctl.core.workflow.next_steps import NextSteps, next_steps
from reviewctl.core.workflow.statute_facts import basis_of, ended_local, panel_outcome
from reviewctl.json_types import JsonObject, JsonValue

if TYPE_CHECKING:  # the notes are made by a module loaded only when a case is shown
    from reviewctl.core.signing.approved_text import ApprovalNote


def plain(value: object) -> JsonValue:
    """Loaded YAML as JSON-ready data: dates as ISO strings, maps as dicts."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return plain_map(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    return str(value)  # nothing else is in a case whose files are valid


def plain_map(value: Mapping[str, object]) -> JsonObject:
    return {str(k): plain(v) for k, v in value.items()}  # str: a key YAML read as a number


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


class CaseHead(TypedDict):
    """What `show` says first of a case, before its deadlines."""

    id: str | None
    type: str
    stage: str
    stage_label: str | None
    subject: str | None
    received: str | None
    incident_date: str | None


class Basis(TypedDict):
    id: str
    label: str
    source: str


class NationalReview(TypedDict):
    date: JsonValue
    ended_local_review: bool


class CaseFacts(TypedDict):
    """The referral, the statutory facts and the history, as `show` gives them after the deadlines."""

    referrer: str | None
    summary: str | None
    aware: str | None
    aware_means: str | None
    basis: Basis | None
    panel_outcome: str | None
    national_review: NationalReview | None
    agencies: list[str]
    triage: JsonValue
    history: list[JsonObject]


@dataclass(frozen=True)
class CaseView:
    """One valid case as `show` gives it: `as_json` is its JSON (the shape is documented)."""

    head: CaseHead
    deadlines: list[Deadline]
    facts: CaseFacts
    documents: dict[str, JsonValue]  # every other file of the case under its name (null when absent)
    next: NextSteps
    approvals: list[ApprovalNote]

    def document(self, name: str) -> JsonObject:
        """A file of the case as JSON-ready data; {} where the case has none (it has not got that far)."""
        found = self.documents.get(name)
        return found if isinstance(found, dict) else {}

    def as_json(self) -> dict[str, object]:
        return {**self.head, "deadlines": [d.as_json() for d in self.deadlines], **self.facts, **self.documents,
                "next": self.next, "approval_status": [plain(asdict(note)) for note in self.approvals]}


def _head(store: Store, files: CaseFiles) -> CaseHead:
    case = files.case
    stage = store.workflow.stage(case.stage)
    return {
        "id": case.id,
        "type": case.type,
        "stage": case.stage,
        "stage_label": stage.label if stage else None,
        "subject": case.subject,
        "received": _iso(case.received),
        "incident_date": _iso(case.incident_date),
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


def checked_documents(store: Store, case_id: str) -> Documents:
    """A case's documents by name (for the clocks' functions), refused as `checked_case` says."""
    return checked_case(store, case_id).docs


def show_case(store: Store, case_id: str, today: date) -> CaseView:
    files = checked_case(store, case_id)
    docs, case = files.docs, files.case
    raw = docs["case"]  # the triage and history as the file has them, for JSON
    facts: CaseFacts = {
        "referrer": case.referrer,
        "summary": case.summary,
        "aware": _iso(case.aware),
        "aware_means": store.workflow.statute.aware.get(case.type),
        "basis": _basis(store, case.type, docs.get("decision")),
        "panel_outcome": panel_outcome((docs.get("scoping") or {}).get("panel_response")),
        "national_review": _national(store, docs),
        "agencies": case.agencies,
        "triage": plain(raw.get("triage")),
        "history": [plain_map(h) for h in raw.get("history") or [] if isinstance(h, dict)],
    }
    # Every other file of the case under its document name (null when absent).
    documents = {name: plain(docs.get(name)) for name in DOCUMENT_FILES if name != "case"}
    documents["links"] = plain((docs.get("links") or {}).get("links") or [])
    from reviewctl.core.signing.approved_text import approval_notes  # lazy: loads 3 more modules

    due = deadlines(store.workflow, docs, today, store.config.due_soon_working_days, store.calendar)
    return CaseView(_head(store, files), due, facts, documents, next_steps(store.workflow, docs), approval_notes(files))


def _basis(store: Store, case_type: str, decision: object) -> Basis | None:
    """The basis a review is conducted on (sar), with its source, as the workflow names it."""
    found = basis_of(decision)
    known = next((b for b in store.workflow.statute.bases.get(case_type, []) if b.id == found), None)
    return None if found is None else {"id": found, "label": known.label if known else found,
                                       "source": known.source if known else ""}


def _national(store: Store, docs: Documents) -> NationalReview | None:
    """The Panel's national review, if it took the case: when, and whether it ended the local review."""
    taken = (docs.get("scoping") or {}).get("national_review")
    if not isinstance(taken, dict):
        return None
    return {"date": plain(taken.get("date")), "ended_local_review": ended_local(store.workflow, docs["case"])}


class CaseLog(TypedDict):
    id: str
    history: list[JsonObject]
    commits: list[dict[str, str]]  # commit, date, author, subject


def case_log(store: Store, case_id: str, today: date) -> CaseLog:
    view = show_case(store, case_id, today)
    commits = store.repo.log(store.repo_path(store.case_dir(case_id)))
    return {"id": case_id, "history": view.facts["history"], "commits": commits}


def history_rows(history: list[JsonObject]) -> list[JsonObject]:
    """History entries for a table: the first step comes from nowhere."""
    return [{**h, "from": h.get("from") or "", "note": _note(h)} for h in history]


def _allowed(allowed: JsonValue) -> str:
    """What the step's --allow let through (privacy/pattern_guard.py): kind and place, and why once."""
    entries = [a for a in allowed if isinstance(a, dict)] if isinstance(allowed, list) else []
    if not entries:
        return ""
    places = ", ".join(f"{a.get('kind')} in {a.get('place')}" for a in entries)
    return f"allowed {places} ({entries[0].get('reason')})"


def _note(entry: JsonObject) -> str:
    """The note column: a correction's old and new value, a type change, and why, beside any --message."""
    parts = [f"{entry['field']}: {_was(entry.get('old'))} -> {entry.get('new')}" if entry.get("field") else "",
             f"type {entry['type']}" if entry.get("type") and entry.get("from") == entry.get("to") else "",
             f"reason: {entry['reason']}" if entry.get("reason") else "", str(entry.get("note") or ""),
             _allowed(entry.get("allowed"))]
    return "; ".join(p for p in parts if p)


def _was(old: object) -> object:
    """A corrected field's earlier value as a reader sees it: never a bare "None"."""
    return "(not recorded)" if old is None else old
