"""The statutory figures beside the yearly ones: every figure by review type, the share
of each clock met in time (against the original and the revised due date), learning
themes, and the findings of reviews not published (a SAB's annual report must carry them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import TypedDict, TypeGuard, TypeVar

from reviewctl.core.clocks.deadlines import Deadline, with_status
from reviewctl.core.reports.cache import Index

F = TypeVar("F")


class ClockShare(TypedDict):
    settled: int
    within_original: int
    within_revised: int
    share_within_original: float
    share_within_revised: float


class NotPublished(TypedDict):
    id: str
    type: str
    subject: str | None
    date: str
    reason: str | None
    findings: list[str]


class NationalReviews(TypedDict):
    taken: int
    ended_local_review: int
    beside_local_review: int


class StatutoryFigures(TypedDict):
    bases: dict[str, int]
    panel_responses: dict[str, int]
    national_reviews: NationalReviews


def _inside(start: date, end: date) -> Callable[[date | None], TypeGuard[date]]:
    def inside(day: date | None) -> TypeGuard[date]:
        return day is not None and start <= day <= end
    return inside


def by_type(index: Index, start: date, end: date, figures: Callable[[Index, date, date], F]) -> dict[str, F]:
    """`figures` for each review type on its own (the LSCP, the SAB and the CSP each report theirs)."""
    out = {}
    for case_type in index.types:
        own = replace(index, summaries=[s for s in index.summaries if s.type == case_type])
        out[case_type] = figures(own, start, end)
    return out


def settled_deadlines(index: Index, start: date, end: date) -> Iterator[Deadline]:
    """Every deadline settled in [start, end]: met, met late or missed (as it stood at `end`)."""
    for s in index.summaries:
        for given in s.deadlines:
            d = with_status(given, end, index.due_soon, index.calendar)
            if d is None or not d.settled:
                continue
            settled_on = d.met_on or d.due + timedelta(days=d.days_late or 0)
            if start <= settled_on <= end:
                yield d


def clock_shares(index: Index, start: date, end: date) -> dict[str, ClockShare]:
    """Per clock: deadlines settled in the period, and the share met within the original
    and within the revised due date (after pauses and extensions)."""
    shares: dict[str, ClockShare] = {}
    for d in settled_deadlines(index, start, end):
        row = shares.setdefault(d.name, ClockShare(settled=0, within_original=0, within_revised=0,
                                                   share_within_original=0.0, share_within_revised=0.0))
        row["settled"] += 1
        row["within_original"] += d.met_on is not None and d.met_on <= d.first_due
        row["within_revised"] += d.status == "met"
    for row in shares.values():
        row["share_within_original"] = round(row["within_original"] / row["settled"], 3)
        row["share_within_revised"] = round(row["within_revised"] / row["settled"], 3)
    return dict(sorted(shares.items()))


def themes(index: Index, start: date, end: date) -> dict[str, int]:
    """Learning themes of the reviews completed (final report agreed) in the period."""
    inside = _inside(start, end)
    counts: dict[str, int] = {}
    details = index.details()
    for s in index.summaries:
        facts = details[s.id].facts
        if inside(facts.agreed):
            for theme in facts.themes:
                counts[theme] = counts.get(theme, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def not_published(index: Index, start: date, end: date) -> list[NotPublished]:
    """Reviews whose report was not published, decided in the period: their findings."""
    inside = _inside(start, end)
    details = index.details()
    return [{"id": s.id, "type": s.type, "subject": s.subject, "date": day.isoformat(),
             "reason": facts.route_reason, "findings": list(facts.findings)}
            for s in index.summaries
            if (facts := details[s.id].facts).route == "not-published" and inside(day := facts.publication_date)]


def statutory(index: Index, start: date, end: date) -> StatutoryFigures:
    """The statutory records of the period: the basis of each review decided on (a sar's
    mandatory or discretionary, and reviews whose basis was not recorded), the National
    Panel's responses to rapid reviews, and the national reviews it took, split by whether
    each ended the local review or ran beside it."""
    inside = _inside(start, end)
    details = index.details()
    bases: dict[str, int] = {}
    responses: dict[str, int] = {}
    national = NationalReviews(taken=0, ended_local_review=0, beside_local_review=0)
    for s in index.summaries:
        facts = details[s.id].facts
        if facts.basis is not None and inside(facts.conducted_from):
            key = facts.basis or "not recorded"
            bases[key] = bases.get(key, 0) + 1
        if facts.panel_outcome is not None and inside(facts.panel_date):
            responses[facts.panel_outcome] = responses.get(facts.panel_outcome, 0) + 1
        if inside(facts.national_review):
            national["taken"] += 1
            national["ended_local_review" if facts.national_ended_local else "beside_local_review"] += 1
    return {"bases": dict(sorted(bases.items())), "panel_responses": dict(sorted(responses.items())),
            "national_reviews": national}
