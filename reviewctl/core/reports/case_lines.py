"""What the read commands show of one case, as labelled lines and rows: the command line
only lays them out (a table, markdown or JSON).

`show_case` (core/reports/case_data.py) returns the case as JSON-ready data; `show_fields` picks
from it the lines a person reads, and skips what the case has not reached.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from reviewctl.core.workflow.history import CLOSED, closing_stands
from reviewctl.json_types import JsonObject, JsonValue

if TYPE_CHECKING:
    from reviewctl.core.reports.case_data import CaseView
    from reviewctl.core.store.folder import Store
    from reviewctl.core.workflow.next_steps import NextSteps

Field = tuple[str, JsonValue]  # (label, value); a value of None, "" or [] is not shown
# The National Panel's response to a rapid review, in words.
PANEL_WORDS = {"agrees": "agrees with the partners' decision", "disagrees": "disagrees with the partners' decision",
               "national-review": "will consider a national review (Children Act 2004 s.16B)"}


def _joined(part: JsonObject, *keys: str) -> str:
    """The values of `keys` that are set, with a space between: "conduct 2026-11-20"."""
    return " ".join(str(part[k]) for k in keys if part.get(k))


def _map(value: JsonValue) -> JsonObject:
    """A part of a file; {} where it is missing (the case has not reached it)."""
    return value if isinstance(value, dict) else {}


def _rows(value: JsonValue) -> list[JsonObject]:
    """A list of entries of a file; [] where it is missing."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _words(value: JsonValue) -> str:
    """A list of texts, with commas between."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else ""


def show_fields(view: CaseView) -> list[Field]:
    """`show`'s lines: the referral, the decisions, the review and its outcome, the statutory records."""
    head, facts = view.head, view.facts
    fields: list[Field] = [("id", head["id"]), ("type", head["type"]), ("stage", head["stage"]),
                           ("subject", head["subject"]), ("referrer", facts["referrer"]),
                           ("received", head["received"]), ("incident_date", head["incident_date"]),
                           ("summary", facts["summary"])]
    fields.append(("agencies", ", ".join(facts["agencies"])))
    triage, decision = _map(facts["triage"]), view.document("decision")
    fields += [
        ("triage", _joined(triage, "outcome", "date")),
        ("triage reason", triage.get("reason")),
        ("letter", triage.get("letter")),
        ("decision", _joined(decision, "outcome", "meeting_date")),
        ("rationale", decision.get("rationale")),
        ("parallel", _words(decision.get("parallel"))),
        ("chair", _joined(_map(decision.get("chair")), "outcome", "date")),
        ("learning to", decision.get("learning_to")),
    ]
    commission, report = view.document("commission"), view.document("report")
    lead = _map(commission.get("lead_reviewer"))
    versions = _rows(report.get("versions"))
    publication = view.document("publication")
    actions = _rows(view.document("jcrg").get("actions"))
    stands = closing_stands({"monitoring": view.document("monitoring")})
    fields += [
        ("lead reviewer", f"{lead['name']} ({lead['organisation']})" if lead else None),
        ("panel", ", ".join(f"{m['name']} ({m['agency']})" for m in _rows(commission.get("panel")))),
        ("report", f"version {versions[-1]['version']} of {versions[-1]['date']}" if versions else None),
        ("approvals", ", ".join(f"{a.role} (v{a.version}, {a.date}{'' if a.counts else '; ' + a.note})"
                                for a in view.approvals)),
        ("published", f"{publication['date']} at {publication['where']}" if publication.get("where") else None),
        ("actions", _actions_line(actions, stands) if actions else None),
        ("links", ", ".join(f"{link['kind']}: {link['case']}" for link in _rows(view.documents.get("links")))),
    ]
    return fields + statutory_fields(view)


def _actions_line(actions: list[JsonObject], stands: bool) -> str:
    signed = sum(1 for a in actions if a.get("signed_off"))
    # Closed by a closing that still stands: a reopening to monitoring opened them again.
    closed = sum(1 for a in actions if a.get("status") == CLOSED and stands and not a.get("signed_off"))
    return f"{signed} of {len(actions)} signed off" + (f", {closed} closed without sign-off" if closed else "")


def statutory_fields(view: CaseView) -> list[Field]:
    """`show`'s lines for the statutory records: who decided, notices, QA, routes, proceedings, themes."""
    facts = view.facts
    decision, scoping = view.document("decision"), view.document("scoping")
    ofsted = _map(scoping.get("ofsted_dfe"))
    response = _map(scoping.get("panel_response"))
    national, basis = facts["national_review"], facts["basis"]
    home = view.document("homeoffice")
    publication = view.document("publication")
    profile = view.document("profile")
    proceedings = _rows(view.document("proceedings").get("proceedings"))
    rows: list[Field] = [
        ("aware", f"{facts['aware']} ({facts['aware_means']})" if facts["aware"] and facts["aware_means"]
         else facts["aware"]),
        ("decided by", ", on behalf of the ".join(str(x) for x in (decision.get("decided_for"), decision.get("body"))
                                                 if x)),
        ("basis", f"{basis['id']} ({basis['source']})" if basis else None),
        ("partners", ", ".join(f"{k}: {p['name']} ({p['role']})" for k, p in _map(decision.get("partners")).items()
                               if isinstance(p, dict))),
        ("ofsted and dfe", (f"notified {ofsted.get('date')}" if ofsted.get("made")
                            else f"not notified: {ofsted.get('reason')}") if ofsted else None),
        ("panel response", f"{response['date']}: {PANEL_WORDS.get(str(facts['panel_outcome']), '')}"
         if response else None),
        ("national review", f"{national['date']}: " + ("the local review ended" if national["ended_local_review"]
                                                       else "beside the local review") if national else None),
        ("home office", "; ".join([f"submitted {s['date']} (v{s['version']})" for s in _rows(home.get("submissions"))]
                                  + [f"QA {o['outcome']} {o['date']}" for o in _rows(home.get("outcomes"))])),
        ("publication planned", publication.get("planned")),
        ("route", " ".join(str(x) for x in (publication.get("route"), publication.get("route_reason")) if x)),
        ("proceedings", ", ".join(f"{p['id']} {p['kind']} {p['ref']}" for p in proceedings)),
        ("subject details", ", ".join(f"{k}: {v}" for k, v in _map(profile.get("details")).items())),
        ("themes", _words(profile.get("themes"))),
    ]
    return [(k, v) for k, v in rows if v]


class ChronologyRow(TypedDict):
    date: str
    time: str | None
    agency: str
    event: str
    source: str
    significance: str
    flags: list[str]


def chronology_rows(store: Store, case_id: str) -> list[ChronologyRow]:
    """The integrated chronology as JSON-ready rows (dates as ISO strings)."""
    from reviewctl.core.reports.integrated_chronology import integrated  # lazy: loads pydantic, difflib

    return [{"date": r.date.isoformat(), "time": r.time, "agency": r.agency, "event": r.event, "source": r.source,
             "significance": r.significance, "flags": r.flags}
            for r in integrated(store, case_id, store.config.chronology_gap_days)]


class ChecklistItem(TypedDict):
    id: str
    label: str
    ticked: date | None


class ChecklistRow(TypedDict):
    id: str
    label: str
    ticked: str | None


def checklist_rows(store: Store, case_id: str) -> list[ChecklistRow]:
    """The conduct checklist: each item, and the date it was ticked (ISO) or None."""
    return [{**i, "ticked": i["ticked"].isoformat() if i["ticked"] else None} for i in checklist_items(store, case_id)]


def case_next_steps(store: Store, case_id: str) -> NextSteps:
    """The steps allowed now from a valid case, with what each still needs."""
    from reviewctl.core.reports.case_data import checked_documents  # lazy: loads pydantic, difflib
    from reviewctl.core.workflow.next_steps import next_steps  # lazy: loads pydantic, difflib

    return next_steps(store.workflow, checked_documents(store, case_id))


def case_clocks(store: Store, case_id: str, today: date) -> list[dict[str, Any]]:  # as clocks/story.py gives it
    """Every clock of a valid case with its story (started, pauses, extensions, outcome)."""
    from reviewctl.core.clocks.story import clock_story  # lazy: loads pydantic, secrets
    from reviewctl.core.reports.case_data import checked_documents  # lazy: loads pydantic, difflib

    return clock_story(store.workflow, checked_documents(store, case_id), today, store.config.due_soon_working_days,
                       store.calendar)


def checklist_items(store: Store, case_id: str) -> list[ChecklistItem]:
    from reviewctl.core.reports.case_data import checked_case  # lazy: loads pydantic, difflib

    review = checked_case(store, case_id).review  # a mistyped date is named, not shown unticked
    ticked = review.checklist if review is not None else {}
    return [{"id": item.id, "label": item.label, "ticked": ticked.get(item.id)}
            for item in store.workflow.checklist]
