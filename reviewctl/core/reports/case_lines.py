"""What the read commands show of one case, as labelled lines and rows: the command line
only lays them out (a table, markdown or JSON).

`show_case` (core/reports/case_data.py) returns the case as JSON-ready data; `show_fields` picks
from it the lines a person reads, and skips what the case has not reached.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewctl.core.store.folder import Store

Field = tuple[str, Any]  # (label, value); a value of None, "" or [] is not shown
# The National Panel's response to a rapid review, in words.
PANEL_WORDS = {"agrees": "agrees with the partners' decision", "disagrees": "disagrees with the partners' decision",
               "national-review": "will consider a national review (Children Act 2004 s.16B)"}


def _joined(part: dict[str, Any], *keys: str) -> str:
    """The values of `keys` that are set, with a space between: "conduct 2026-11-20"."""
    return " ".join(str(part[k]) for k in keys if part.get(k))


def _part(view: dict[str, Any], *path: str) -> Any:
    """view[path[0]][path[1]]...; {} where a part is missing (the case has not reached it)."""
    value: Any = view
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value or {}


def show_fields(view: dict[str, Any]) -> list[Field]:
    """`show`'s lines: the referral, the decisions, the review and its outcome, the statutory records."""
    fields: list[Field] = [(k, view[k]) for k in ("id", "type", "stage", "subject", "referrer", "received",
                                                  "incident_date", "summary")]
    fields.append(("agencies", ", ".join(view["agencies"])))
    triage, decision = _part(view, "triage"), _part(view, "decision")
    fields += [
        ("triage", _joined(triage, "outcome", "date")),
        ("triage reason", triage.get("reason")),
        ("letter", triage.get("letter")),
        ("decision", _joined(decision, "outcome", "meeting_date")),
        ("rationale", decision.get("rationale")),
        ("parallel", ", ".join(decision.get("parallel") or [])),
        ("chair", _joined(_part(decision, "chair"), "outcome", "date")),
        ("learning to", decision.get("learning_to")),
    ]
    lead = _part(view, "commission", "lead_reviewer")
    versions = _part(view, "report", "versions") or []
    publication = _part(view, "publication")
    actions = _part(view, "jcrg", "actions") or []
    fields += [
        ("lead reviewer", f"{lead['name']} ({lead['organisation']})" if lead else None),
        ("panel", ", ".join(f"{m['name']} ({m['agency']})" for m in _part(view, "commission", "panel") or [])),
        ("report", f"version {versions[-1]['version']} of {versions[-1]['date']}" if versions else None),
        ("approvals", ", ".join(f"{a['role']} (v{a['version']}, {a['date']}{'' if a['counts'] else '; ' + a['note']})"
                                for a in view["approval_status"])),
        ("published", f"{publication['date']} at {publication['where']}" if publication.get("where") else None),
        ("actions", _actions_line(actions) if actions else None),
        ("links", ", ".join(f"{link['kind']}: {link['case']}" for link in view["links"])),
    ]
    return fields + statutory_fields(view)


def _actions_line(actions: list[dict[str, Any]]) -> str:
    signed = sum(1 for a in actions if a.get("signed_off"))
    closed = sum(1 for a in actions if a.get("status") == "closed")
    return f"{signed} of {len(actions)} signed off" + (f", {closed} closed without sign-off" if closed else "")


def statutory_fields(view: dict[str, Any]) -> list[Field]:
    """`show`'s lines for the statutory records: who decided, notices, QA, routes, proceedings, themes."""
    decision = _part(view, "decision")
    ofsted = _part(view, "scoping", "ofsted_dfe")
    response = _part(view, "scoping", "panel_response")
    national = view.get("national_review")
    home = _part(view, "homeoffice")
    publication = _part(view, "publication")
    profile = _part(view, "profile")
    proceedings = _part(view, "proceedings", "proceedings") or []
    rows: list[Field] = [
        ("aware", f"{view['aware']} ({view['aware_means']})" if view.get("aware") and view.get("aware_means")
         else view.get("aware")),
        ("decided by", ", on behalf of the ".join(x for x in (decision.get("decided_for"), decision.get("body")) if x)),
        ("basis", f"{view['basis']['id']} ({view['basis']['source']})" if view.get("basis") else None),
        ("partners", ", ".join(f"{k}: {p['name']} ({p['role']})" for k, p in (decision.get("partners") or {}).items())),
        ("ofsted and dfe", (f"notified {ofsted.get('date')}" if ofsted.get("made")
                            else f"not notified: {ofsted.get('reason')}") if ofsted else None),
        ("panel response", f"{response['date']}: {PANEL_WORDS.get(str(view.get('panel_outcome')), '')}"
         if response else None),
        ("national review", f"{national['date']}: " + ("the local review ended" if national["ended_local_review"]
                                                       else "beside the local review") if national else None),
        ("home office", "; ".join([f"submitted {s['date']} (v{s['version']})" for s in home.get("submissions") or []]
                                  + [f"QA {o['outcome']} {o['date']}" for o in home.get("outcomes") or []])),
        ("publication planned", publication.get("planned")),
        ("route", " ".join(str(x) for x in (publication.get("route"), publication.get("route_reason")) if x)),
        ("proceedings", ", ".join(f"{p['id']} {p['kind']} {p['ref']}" for p in proceedings)),
        ("subject details", ", ".join(f"{k}: {v}" for k, v in (profile.get("details") or {}).items())),
        ("themes", ", ".join(profile.get("themes") or [])),
    ]
    return [(k, v) for k, v in rows if v]


def chronology_rows(store: Store, case_id: str) -> list[dict[str, Any]]:
    """The integrated chronology as JSON-ready rows (dates as ISO strings)."""
    from reviewctl.core.reports.integrated_chronology import integrated  # lazy: loads pydantic, difflib

    return [{**asdict(r), "date": r.date.isoformat(), "flags": r.flags}
            for r in integrated(store, case_id, store.config.chronology_gap_days)]


def checklist_rows(store: Store, case_id: str) -> list[dict[str, Any]]:
    """The conduct checklist: each item, and the date it was ticked (ISO) or None."""
    return [{**i, "ticked": i["ticked"].isoformat() if i["ticked"] else None} for i in checklist_items(store, case_id)]


def case_next_steps(store: Store, case_id: str) -> dict[str, Any]:
    """The steps allowed now from a valid case, with what each still needs."""
    from reviewctl.core.reports.case_data import checked_documents  # lazy: loads pydantic, difflib
    from reviewctl.core.workflow.next_steps import next_steps  # lazy: loads pydantic, difflib

    return next_steps(store.workflow, checked_documents(store, case_id))


def case_clocks(store: Store, case_id: str, today: date) -> list[dict[str, Any]]:
    """Every clock of a valid case with its story (started, pauses, extensions, outcome)."""
    from reviewctl.core.clocks.story import clock_story  # lazy: loads pydantic, secrets
    from reviewctl.core.reports.case_data import checked_documents  # lazy: loads pydantic, difflib

    return clock_story(store.workflow, checked_documents(store, case_id), today, store.config.due_soon_working_days,
                       store.calendar)


def checklist_items(store: Store, case_id: str) -> list[dict[str, Any]]:
    from reviewctl.core.reports.case_data import checked_case  # lazy: loads pydantic, difflib

    review = checked_case(store, case_id).review  # a mistyped date is named, not shown unticked
    ticked = review.checklist if review is not None else {}
    return [{"id": item.id, "label": item.label, "ticked": ticked.get(item.id)}
            for item in store.workflow.checklist]
