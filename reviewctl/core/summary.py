"""One case boiled down to what bulk reports need, as named records of plain values
(text, numbers, dates, tuples), so the report cache can keep them and reading them back
needs none of the models.

A case has two parts, kept in two cache files (core/index.py):
- `Summary`: what `list` and `due` read: tracker fields and the deadlines before
  "today" is known;
- `Details`: what only `search`, `stats` and `site` read: the facts the yearly figures
  count, the stages the case passed through, each action's details and the search text.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, TypeVar

from reviewctl.core.clocks import DeadlineInput, deadline_inputs
from reviewctl.core.workflow import Act, Workflow


class Action(NamedTuple):
    """A JCRG action as the tracker counts it."""

    id: Any
    due: Any  # a date when the record is well formed
    signed_off: Any
    status: Any


class Summary(NamedTuple):
    id: str
    type: str
    stage: str
    stage_label: str | None
    terminal: bool
    subject: Any
    received: Any  # a date when the record is well formed
    incident_date: Any
    agencies: tuple[Any, ...]
    converted: bool
    decision: str | None
    decision_date: Any
    lead_reviewer: Any
    published: Any
    deadlines: tuple[DeadlineInput, ...]
    actions: tuple[Action, ...]


class Facts(NamedTuple):
    """What the yearly and statutory figures count."""

    triage_outcome: Any
    triage_date: Any
    conducted_from: Any
    agreed: Any
    closed: date | None
    expected_months: int | None
    ended: Any
    route: Any
    route_reason: Any
    publication_date: Any
    findings: tuple[Any, ...]
    themes: tuple[Any, ...]


class PlanItem(NamedTuple):
    """What a JCRG action is, for the site (in the order of `Summary.actions`)."""

    text: Any
    owner: Any
    measure: Any
    progress: Any  # the latest progress note


class Details(NamedTuple):
    facts: Facts
    stages: tuple[tuple[Any, Any], ...]  # (stage, date) of each stage the case passed through
    plan: tuple[PlanItem, ...]
    search: dict[str, str]  # the searchable text by field, folded (core/search.py)


# The details of a case that broke between a report's walk and its details being read.
NO_DETAILS = Details(Facts(None, None, None, None, None, None, None, None, None, None, (), ()), (), (), {})
T = TypeVar("T")


class Shared:
    """One object for each repeated value (a date, a type, an agency, a case's file names)
    across the summaries of one build: the cache's pickler then writes each once per chunk,
    and a warm report reads back, and holds in memory, one object instead of one per case."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: T) -> T:
        if isinstance(value, str | date | tuple):
            try:
                return self._seen.setdefault(value, value)  # type: ignore[no-any-return]
            except TypeError:  # a tuple holding something unhashable
                return value
        return value


def _final_decision(workflow: Workflow, decision: dict[str, Any]) -> tuple[str | None, date | None]:
    chair = decision.get("chair") or {}
    if chair:
        return chair.get("outcome"), chair.get("date")
    return decision.get("outcome"), decision.get("meeting_date")


def _entered(history: list[dict[str, Any]], stages: set[str]) -> date | None:
    return next((h.get("date") for h in reversed(history) if h.get("to") in stages), None)


def _deadline(given: DeadlineInput, share: Shared) -> DeadlineInput:
    return given._replace(label=share(given.label), item=share(given.item), start=share(given.start),
                          original=share(given.original), met_on=share(given.met_on),
                          stopped=share(given.stopped), note=share(given.note))


def summarise(workflow: Workflow, docs: dict[str, Any], share: Shared | None = None) -> Summary:
    share = share or Shared()
    case = docs["case"]
    decision = docs.get("decision") or {}
    stage = case.get("stage")
    stage_def = workflow.stage(str(stage))
    chair_pending = bool(decision) and not decision.get("chair") and workflow.decided_by_chair(str(stage))
    outcome, decided = (None, None) if chair_pending or not decision else _final_decision(workflow, decision)
    lead = ((docs.get("commission") or {}).get("lead_reviewer") or {}).get("name")
    jcrg = docs.get("jcrg") or {}
    links = (docs.get("links") or {}).get("links") or []
    publication = docs.get("publication") or {}
    return Summary(
        id=case.get("id"), type=share(case.get("type")), stage=share(stage),
        stage_label=stage_def.label if stage_def else None,
        terminal=workflow.is_terminal(str(stage)),
        subject=case.get("subject"), received=share(case.get("received")),
        incident_date=share(case.get("incident_date")),
        agencies=tuple(share(a) for a in case.get("agencies") or []),
        converted=any(link.get("kind") == "converted" for link in links),
        decision=share(outcome), decision_date=share(decided), lead_reviewer=share(lead),
        # A route that publishes nothing (sar: not-published) records its date without a place.
        published=share(publication.get("date")) if publication.get("where") is not None else None,
        deadlines=tuple(_deadline(d, share) for d in deadline_inputs(workflow, docs)),
        actions=tuple(Action(share(a.get("id")), share(a.get("due")), share(a.get("signed_off")),
                             share(a.get("status"))) for a in jcrg.get("actions") or []),
    )


def details(workflow: Workflow, docs: dict[str, Any], search: dict[str, str], share: Shared | None = None) -> Details:
    share = share or Shared()
    case = docs["case"]
    decision = docs.get("decision") or {}
    stage = case.get("stage")
    history = case.get("history") or []
    jcrg = docs.get("jcrg") or {}
    triage = case.get("triage") or {}
    publication = docs.get("publication") or {}
    final = (jcrg.get("final_report") or {}).get("version")
    versions = (docs.get("report") or {}).get("versions") or []
    findings = next((tuple(v.get("recommendations") or []) for v in versions if v.get("version") == final), ())
    facts = Facts(
        triage_outcome=share(triage.get("outcome")), triage_date=share(triage.get("date")),
        conducted_from=share(decision.get("conducted_from")), agreed=share(jcrg.get("date")),
        closed=share(_entered(history, workflow.reached_by(Act.CLOSE))),
        expected_months=workflow.expected_months(str(case.get("type"))),
        ended=share(history[-1].get("date")) if workflow.is_terminal(str(stage)) and history else None,
        # What the statutory figures count: the publication route, the findings of a review
        # not published (for the annual report), and the learning themes.
        route=share(publication.get("route")), route_reason=publication.get("route_reason"),
        publication_date=share(publication.get("date")),
        findings=findings, themes=tuple(share(t) for t in (docs.get("profile") or {}).get("themes") or []),
    )
    return Details(
        facts=facts,
        # For the site: the stages the case passed through (not the steps that leave it where
        # it is, as amend does), and what each action is.
        stages=tuple((share(h.get("to")), share(h.get("date"))) for h in history
                     if isinstance(h, dict) and h.get("from") != h.get("to")),
        plan=tuple(PlanItem(a.get("text"), a.get("owner"), a.get("measure"),
                            ((a.get("progress") or [{}])[-1] or {}).get("note")) for a in jcrg.get("actions") or []),
        search=search,
    )
