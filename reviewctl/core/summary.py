"""One case boiled down to what bulk reports need: tracker fields, the deadlines
before "today" is known, and the facts the yearly figures count.

A summary holds only plain values (text, numbers, dates, lists, dicts), so the report
cache can keep it, and reading it back needs none of the models.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reviewctl.core.clocks import deadline_inputs
from reviewctl.core.workflow import Act, Workflow

Summary = dict[str, Any]


def _final_decision(workflow: Workflow, decision: dict[str, Any]) -> tuple[str | None, date | None]:
    chair = decision.get("chair") or {}
    if chair:
        return chair.get("outcome"), chair.get("date")
    return decision.get("outcome"), decision.get("meeting_date")


def _entered(history: list[dict[str, Any]], stages: set[str]) -> date | None:
    return next((h.get("date") for h in reversed(history) if h.get("to") in stages), None)


def summarise(workflow: Workflow, docs: dict[str, Any]) -> Summary:
    case = docs["case"]
    decision = docs.get("decision") or {}
    stage = case.get("stage")
    stage_def = workflow.stage(str(stage))
    chair_pending = bool(decision) and not decision.get("chair") and workflow.decided_by_chair(str(stage))
    outcome, decided = (None, None) if chair_pending or not decision else _final_decision(workflow, decision)
    history = case.get("history") or []
    lead = ((docs.get("commission") or {}).get("lead_reviewer") or {}).get("name")
    jcrg = docs.get("jcrg") or {}
    triage = case.get("triage") or {}
    links = (docs.get("links") or {}).get("links") or []
    publication = docs.get("publication") or {}
    return {
        "id": case.get("id"), "type": case.get("type"), "stage": stage,
        "stage_label": stage_def.label if stage_def else None,
        "terminal": workflow.is_terminal(str(stage)),
        "subject": case.get("subject"), "received": case.get("received"),
        "incident_date": case.get("incident_date"), "agencies": list(case.get("agencies") or []),
        "converted": any(link.get("kind") == "converted" for link in links),
        "decision": outcome, "decision_date": decided, "lead_reviewer": lead,
        # A route that publishes nothing (sar: not-published) records its date without a place.
        "published": publication.get("date") if publication.get("where") is not None else None,
        "deadlines": deadline_inputs(workflow, docs),
        "actions": [(a.get("id"), a.get("due"), a.get("signed_off"), a.get("status"))
                    for a in jcrg.get("actions") or []],
        # For the site: the stages the case passed through (not the steps that leave it where
        # it is, as amend does), and what each action is.
        "stages": [(h.get("to"), h.get("date")) for h in history
                   if isinstance(h, dict) and h.get("from") != h.get("to")],
        "plan": [(a.get("text"), a.get("owner"), a.get("measure"),
                  ((a.get("progress") or [{}])[-1] or {}).get("note")) for a in jcrg.get("actions") or []],
        "facts": {
            "triage_outcome": triage.get("outcome"), "triage_date": triage.get("date"),
            "conducted_from": decision.get("conducted_from"), "agreed": jcrg.get("date"),
            "closed": _entered(history, workflow.reached_by(Act.CLOSE)),
            "expected_months": workflow.expected_months(str(case.get("type"))),
            "ended": history[-1].get("date") if workflow.is_terminal(str(stage)) and history else None,
            **_statutory_facts(docs),
        },
    }


def _statutory_facts(docs: dict[str, Any]) -> dict[str, Any]:
    """What the statutory figures count: the publication route, the findings of a review
    not published (for the annual report), and the learning themes."""
    publication = docs.get("publication") or {}
    final = ((docs.get("jcrg") or {}).get("final_report") or {}).get("version")
    versions = (docs.get("report") or {}).get("versions") or []
    findings = next((list(v.get("recommendations") or []) for v in versions if v.get("version") == final), [])
    return {
        "route": publication.get("route"), "route_reason": publication.get("route_reason"),
        "publication_date": publication.get("date"),
        "findings": findings, "themes": list((docs.get("profile") or {}).get("themes") or []),
    }
