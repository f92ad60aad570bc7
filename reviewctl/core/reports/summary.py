"""One case boiled down to what bulk reports need, as named records of plain values
(text, numbers, dates, tuples), so the report cache can keep them and reading them back
needs none of the models.

A case has two parts, kept in two cache files (core/reports/cache.py):
- `Summary`: what `list` and `due` read: tracker fields and the deadlines before
  "today" is known;
- `Details`: what only `search`, `stats` and `site` read: the facts the yearly figures
  count, the stages the case passed through, each action's details and the search text.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple, TypeVar, overload

from reviewctl.core.case.files import Records
from reviewctl.core.case.paths import Documents
from reviewctl.core.clocks.deadlines import DeadlineInput
from reviewctl.core.clocks.per_case import deadline_inputs
from reviewctl.core.workflow.acts import Act
from reviewctl.core.workflow.history import action_status, closing_stands, closings, decisions
from reviewctl.core.workflow.statute_facts import basis_of, ended_local, panel_outcome

if TYPE_CHECKING:  # a warm report reads summaries from the cache: no workflow models to build
    from reviewctl.adapters.calendar import Calendar
    from reviewctl.core.case.models import Case, HistoryEntry
    from reviewctl.core.case.review_records import Jcrg, Publication
    from reviewctl.core.workflow.load import Workflow


# Every value is read through the typed views (a key missing, or of another type, is None): a
# summary is made only of a case whose files passed the checks, so that is a value the case
# does not have, never one of the wrong type.
class Action(NamedTuple):
    """A JCRG action as the tracker counts it."""

    id: str
    due: date | None
    signed_off: date | None
    status: str | None  # as the history gives it: one a closing closed is open again once it is undone
    closed: tuple[tuple[date, date | None], ...] = ()  # when a closing held it closed (to its reopening)


class Summary(NamedTuple):
    id: str
    type: str
    stage: str
    stage_label: str | None
    terminal: bool
    subject: str | None
    received: date | None
    incident_date: date | None
    agencies: tuple[str, ...]
    converted: bool
    decision: str | None
    decision_date: date | None
    lead_reviewer: str | None
    published: date | None
    deadlines: tuple[DeadlineInput, ...]
    actions: tuple[Action, ...]
    basis: str | None = None  # statutory_facts: the basis of a review (sar), for the tracker


class StatutoryFacts(NamedTuple):
    """A review's basis ("" where its type needs one and none is recorded; None where the type
    has none), the Panel's response to the rapid review, and the national review the Panel
    took (its date; whether it ended the local review)."""

    basis: str | None
    panel_outcome: str | None
    panel_date: date | None
    national_review: date | None
    national_ended_local: bool


class Facts(NamedTuple):
    """What the yearly and statutory figures count."""

    triage_outcome: str | None
    triage_date: date | None
    conducted_from: date | None
    agreed: date | None
    closed: date | None
    expected_months: int | None
    ended: date | None
    route: str | None
    route_reason: str | None
    publication_date: date | None
    findings: tuple[str, ...]
    themes: tuple[str, ...]
    # StatutoryFacts, field by field.
    basis: str | None = None
    panel_outcome: str | None = None
    panel_date: date | None = None
    national_review: date | None = None
    national_ended_local: bool = False
    # Every decision whether to conduct the review, as (outcome, date, cycle: 1 or more after a
    # reopening), and the date of each reopening (workflow/history.py).
    decisions: tuple[tuple[str, date, int], ...] = ()
    reopened: tuple[date, ...] = ()


class PlanItem(NamedTuple):
    """What a JCRG action is, for the site (in the order of `Summary.actions`)."""

    text: str | None
    owner: str | None
    measure: str | None
    progress: str | None  # the latest progress note


class Details(NamedTuple):
    facts: Facts
    stages: tuple[tuple[str | None, date | None], ...]  # (stage, date) of each stage the case passed through
    plan: tuple[PlanItem, ...]
    search: dict[str, str]  # the searchable text by field, folded (core/reports/search.py)


# The details of a case that broke between a report's walk and its details being read.
NO_DETAILS = Details(Facts(None, None, None, None, None, None, None, None, None, None, (), ()), (), (), {})
# What Shared keeps one of: text (a type, a stage, an agency, a date's label), a date, a case's file names.
S = TypeVar("S", str, date, tuple[str, ...])


class Shared:
    """One object for each repeated value (a date, a type, an agency, a case's file names)
    across the summaries of one build: the cache's pickler then writes each once per chunk,
    and a warm report reads back, and holds in memory, one object instead of one per case."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._dates: dict[date, date] = {}
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}

    @overload
    def __call__(self, value: S) -> S: ...
    @overload
    def __call__(self, value: S | None) -> S | None: ...
    def __call__(self, value: S | None) -> S | None:
        if isinstance(value, str):
            return self._texts.setdefault(value, value)
        if isinstance(value, date):
            return self._dates.setdefault(value, value)
        if isinstance(value, tuple):
            return self._names.setdefault(value, value)
        return value


def _latest_decision(workflow: Workflow, docs: Documents, case: Case) -> tuple[str | None, date | None]:
    """The tracker's decision: the latest, unless the case waits for one (at the meeting or the chair)."""
    stage = case.stage
    if workflow.for_action(Act.DECIDE_CONDUCT, stage, case.type) is not None \
            or workflow.decided_by_chair(stage):
        return None, None
    found = decisions(workflow, docs)
    return (found[-1].outcome, found[-1].date) if found else (None, None)


def _entered(history: list[HistoryEntry], stages: set[str]) -> date | None:
    """When the case last moved into one of `stages` (a correction made there moved nothing)."""
    return next((h.date for h in reversed(history) if h.to in stages and h.from_ != h.to), None)


def _deadline(given: DeadlineInput, share: Shared) -> DeadlineInput:
    return given._replace(label=share(given.label), item=share(given.item), start=share(given.start),
                          original=share(given.original), met_on=share(given.met_on),
                          stopped=share(given.stopped), note=share(given.note))


def _published(publication: Publication | None) -> date | None:
    """The day a report was published: a route that publishes nothing (sar: not-published) records
    its date, never a place or a day it is online from; an imported publication may have no place."""
    if publication is None or (publication.where is None and publication.online_from is None):
        return None
    return publication.date


def summarise(workflow: Workflow, docs: Documents, calendar: Calendar, share: Shared | None = None,
              records: Records | None = None) -> Summary:
    """The tracker's record of a case whose files passed the checks (reports/cache.py checks first;
    `records`: its documents as the checks read them)."""
    share = share or Shared()
    records = records or Records(docs)
    case = records.case
    stage = case.stage
    stage_def = workflow.stage(stage)
    outcome, decided = _latest_decision(workflow, docs, case)
    jcrg, links, publication, commission = records.jcrg, records.links, records.publication, records.commission
    lead = commission.lead_reviewer if commission is not None else None
    return Summary(
        id=case.id, type=share(case.type), stage=share(stage),
        stage_label=stage_def.label if stage_def else None,
        terminal=workflow.is_terminal(stage),
        subject=case.subject, received=share(case.received),
        incident_date=share(case.incident_date),
        agencies=tuple(share(a) for a in case.agencies),
        converted=any(link.kind == "converted" for link in (links.links if links is not None else [])),
        decision=share(outcome), decision_date=share(decided),
        lead_reviewer=share(lead.name) if lead is not None else None,
        published=share(_published(publication)),
        deadlines=tuple(_deadline(d, share) for d in deadline_inputs(workflow, docs, calendar)),
        actions=_actions(jcrg, docs, share),
        basis=share(statutory_facts(workflow, docs, records).basis),
    )


def _actions(jcrg: Jcrg | None, docs: Documents, share: Shared) -> tuple[Action, ...]:
    stands, held = closing_stands(docs), closings(docs)
    return tuple(Action(share(a.id), share(a.due), share(a.signed_off),
                        share(action_status(a.status, [p.status for p in a.progress], a.signed_off, stands)),
                        held if a.closed_reason is not None else ())
                 for a in (jcrg.actions if jcrg is not None else []))


def statutory_facts(workflow: Workflow, docs: Documents, records: Records | None = None) -> StatutoryFacts:
    """What `stats` and the tracker count of the statutory records (issue 21): the basis,
    the Panel's response and a national review; whether that ended the local review is read
    from the history. `records`: the documents as the checks read them."""
    records = records or Records(docs)
    scoping = records.scoping
    response = scoping.panel_response if scoping is not None else None
    national = scoping.national_review if scoping is not None else None
    return StatutoryFacts(
        basis=(basis_of(docs.get("decision")) or "") if workflow.statute.bases.get(records.case.type) else None,
        panel_outcome=panel_outcome((docs.get("scoping") or {}).get("panel_response")),
        panel_date=response.date if response is not None else None,
        national_review=national.date if national is not None else None,
        national_ended_local=ended_local(workflow, docs["case"]),
    )


def details(workflow: Workflow, docs: Documents, search: dict[str, str], share: Shared | None = None,
            records: Records | None = None) -> Details:
    share = share or Shared()
    records = records or Records(docs)
    case = records.case
    history = case.history
    made = decisions(workflow, docs)
    last_move = next((h for h in reversed(history) if h.from_ != h.to), None)
    jcrg, triage, publication, report, profile = (records.jcrg, case.triage, records.publication, records.report,
                                                  records.profile)
    final = next((v for v in report.versions if v.version == jcrg.final_report.version), None) \
        if jcrg is not None and report is not None else None
    statutory = statutory_facts(workflow, docs, records)
    facts = Facts(
        triage_outcome=share(triage.outcome) if triage is not None else None,
        triage_date=share(triage.date) if triage is not None else None,
        conducted_from=share(made[-1].date) if made and made[-1].outcome == "conduct" else None,
        agreed=share(jcrg.date) if jcrg is not None else None,
        closed=share(_entered(history, workflow.reached_by(Act.CLOSE))),
        expected_months=workflow.expected_months(case.type),
        ended=share(last_move.date) if workflow.is_terminal(case.stage) and last_move else None,
        # What the statutory figures count: the publication route, the findings of a review
        # not published (for the annual report), and the learning themes.
        route=share(publication.route) if publication is not None else None,
        route_reason=publication.route_reason if publication is not None else None,
        publication_date=share(publication.date) if publication is not None else None,
        findings=tuple(final.recommendations) if final is not None else (),
        themes=tuple(share(t) for t in (profile.themes if profile is not None else [])),
        basis=share(statutory.basis), panel_outcome=share(statutory.panel_outcome),
        panel_date=share(statutory.panel_date), national_review=share(statutory.national_review),
        national_ended_local=statutory.national_ended_local,
        decisions=tuple((d.outcome, share(d.date), d.cycle) for d in made),
        reopened=tuple(share(h.date) for h in history if h.step in workflow.steps_of(Act.REOPEN)),
    )
    return Details(
        facts=facts,
        # For the site: the stages the case passed through (not the steps that leave it where
        # it is, as amend does), and what each action is.
        stages=tuple((share(h.to), share(h.date)) for h in history if h.from_ != h.to),
        plan=tuple(PlanItem(a.text, a.owner, a.measure, a.progress[-1].note if a.progress else None)
                   for a in (jcrg.actions if jcrg is not None else [])),
        search=search,
    )
