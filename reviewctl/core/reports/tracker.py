"""Bulk reports over every case: the tracker, what falls due, and the yearly figures."""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import NotRequired, TypedDict, TypeGuard

from reviewctl.adapters.calendar import add_months
from reviewctl.core.clocks.deadlines import SETTLED, Deadline, statuses
from reviewctl.core.reports import statutory_figures as statfigures
from reviewctl.core.reports.cache import Index
from reviewctl.core.reports.statutory_figures import ClockShare, NotPublished
from reviewctl.core.reports.summary import Summary
from reviewctl.errors import UsageError


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


class TrackerRow(TypedDict):
    """One case as `list --format json` gives it (the shape is documented)."""

    id: str
    type: str
    converted_from_rapid_review: bool
    stage: str
    stage_label: str | None
    subject: str | None
    received: str | None
    incident_date: str | None
    decision: str | None
    decision_date: str | None
    basis: str | None
    lead_reviewer: str | None
    next_deadline: str | None
    next_due: str | None
    next_due_original: str | None
    next_due_why: str | None
    rag: str | None
    published: str | None
    actions_open: int
    actions_overdue: int
    deadlines: list[Mapping[str, object]]  # each as clocks/deadlines.py's Deadline.as_json gives it


class DueRow(TypedDict):
    """A deadline as `due --format json` gives it."""

    case: str
    type: str
    stage: str
    clock: str
    label: str
    item: str | None
    original_due: str
    due: str
    why: str | None
    note: str | None
    status: str
    paused_since: str | None
    working_days_left: int | None


class Reopenings(TypedDict):
    count: int
    decisions_after: int


class ReviewsCompleted(TypedDict):
    count: int
    median_days: float | None
    longest_days: int | None
    over_expected: int
    over_6_months: int


class ActionFigures(TypedDict):
    agreed: int
    completed: int
    overdue_at_end: int


class Timescales(TypedDict):
    settled: int
    revised: int
    within_original: int
    within_revised: int
    met_late: int
    missed: int


class TimescalesByClock(Timescales):
    by_clock: dict[str, ClockShare]


# The figures of a period, as `stats --format json` gives them (and a template reads them);
# `by_type`: the same again for each review type (`stats` without --type).
Figures = TypedDict("Figures", {
    "from": str, "to": str,
    "referrals": dict[str, int],  # by type, and "total"
    "triage": dict[str, int],
    "decisions": dict[str, int],
    "reopenings": Reopenings,
    "reviews_completed": ReviewsCompleted,
    "reviews_ongoing_at_end": int,
    "reviews_published": int,
    "actions": ActionFigures,
    "timescales": TimescalesByClock,
    "themes": dict[str, int],
    "not_published": list[NotPublished],
    "bases": dict[str, int],
    "panel_responses": dict[str, int],
    "national_reviews": statfigures.NationalReviews,
    "by_type": NotRequired[dict[str, "Figures"]],
})


@dataclass(frozen=True)
class Filters:
    case_type: str | None = None
    stage: str | None = None
    open_only: bool = False
    overdue_only: bool = False
    received_from: date | None = None
    received_to: date | None = None
    agency: str | None = None

    def check(self, index: Index) -> Filters:
        """These filters with the type and stage as the workflow spells them (any capitals given)."""

        from reviewctl.core.workflow.suggest import canonical, did_you_mean  # lazy: loads difflib

        case_type, stage = self.case_type, self.stage
        if case_type is not None and (case_type := canonical(case_type, index.types)) is None:
            raise UsageError(f"--type {self.case_type!r} is not a review type"
                             f"{did_you_mean(str(self.case_type), index.types)} (known: {', '.join(index.types)})")
        if stage is not None and (stage := canonical(stage, index.stages)) is None:
            raise UsageError(f"--stage {self.stage!r} is not a stage{did_you_mean(str(self.stage), index.stages)} "
                             f"(known: {', '.join(index.stages)})")
        if self.received_from and self.received_to and self.received_from > self.received_to:
            raise UsageError(f"--from {self.received_from} is after --to {self.received_to}")
        return replace(self, case_type=case_type, stage=stage)

    def keep(self, s: Summary, deadlines: list[Deadline]) -> bool:
        received = s.received
        return not (
            (self.case_type and s.type != self.case_type)
            or (self.stage and s.stage != self.stage)
            or (self.open_only and s.terminal)
            or (self.overdue_only and not any(d.status == "overdue" for d in deadlines))
            or (self.received_from and (received is None or received < self.received_from))
            or (self.received_to and (received is None or received > self.received_to))
            or (self.agency and self.agency.casefold() not in (a.casefold() for a in s.agencies))
        )


RAG = {"overdue": "red", "due-soon": "amber", "open": "green", "paused": "paused"}


def tracker(index: Index, today: date, filters: Filters) -> Iterator[TrackerRow]:
    """One row per case, as partnerships track them; the JSON shape is documented.

    Rows are made one at a time, so that 100,000 of them need not sit in memory.
    """
    return _rows(index, today, filters.check(index))


def _rows(index: Index, today: date, filters: Filters) -> Iterator[TrackerRow]:
    keep = None if filters == Filters() else filters.keep
    for s in index.summaries:
        due = statuses(s.deadlines, today, index.due_soon, index.calendar) if s.deadlines else []
        if keep is not None and not keep(s, due):
            continue
        # The next deadline is the soonest that runs (`due` is soonest first); a paused one
        # only when nothing else does.
        nxt = None
        for d in due:
            if d.status in SETTLED:
                continue
            if d.status != "paused":
                nxt = d
                break
            nxt = nxt or d
        open_actions = [a for a in s.actions if not a.signed_off and a.status not in ("complete", "closed")] \
            if s.actions else []
        if nxt is None:
            label = next_due = original = why = rag = None
        else:
            label, next_due, original, why = nxt.label, nxt.due.isoformat(), nxt.first_due.isoformat(), nxt.why
            rag = RAG[nxt.status]
        yield {
            "id": s.id, "type": s.type, "converted_from_rapid_review": s.converted,
            "stage": s.stage, "stage_label": s.stage_label, "subject": s.subject,
            "received": _iso(s.received), "incident_date": _iso(s.incident_date),
            "decision": s.decision, "decision_date": _iso(s.decision_date), "basis": s.basis,
            "lead_reviewer": s.lead_reviewer,
            "next_deadline": label, "next_due": next_due, "next_due_original": original, "next_due_why": why,
            "rag": rag,
            "published": _iso(s.published),
            "actions_open": len(open_actions),
            "actions_overdue": sum(1 for a in open_actions if a.due is not None and a.due < today)
            if open_actions else 0,
            "deadlines": [d.as_json() for d in due],
        }


def wanted(d: Deadline, within: int | None, overdue_only: bool) -> bool:
    """Whether `due`'s filters keep an open deadline: overdue only, or within N working days (a paused one is kept)."""
    if overdue_only and d.status != "overdue":
        return False
    return within is None or d.working_days_left is None or d.working_days_left <= within


def due_row(s: Summary, d: Deadline) -> DueRow:
    return {"case": s.id, "type": s.type, "stage": s.stage, "clock": d.name,
            "label": d.label, "item": d.item, "original_due": d.first_due.isoformat(),
            "due": d.due.isoformat(), "why": d.why, "note": d.note, "status": d.status,
            "paused_since": _iso(d.paused_since), "working_days_left": d.working_days_left}


def due(index: Index, today: date, within: int | None, overdue_only: bool) -> list[DueRow]:
    """Every deadline not yet met across all cases, soonest first (a paused one too)."""
    rows = []
    for s in index.summaries:
        for d in statuses(s.deadlines, today, index.due_soon, index.calendar):
            if not d.settled and wanted(d, within, overdue_only):
                rows.append(due_row(s, d))
    rows.sort(key=lambda r: (r["due"], r["case"], r["clock"]))
    return rows


def period(year: int | None, start: date | None, end: date | None, financial: bool, today: date) -> tuple[date, date]:
    if year is not None and (start or end):
        raise UsageError("give either --year or --from/--to, not both")
    if year is not None:
        from reviewctl.adapters.calendar import FIRST_YEAR, LAST_YEAR  # lazy: only where it is needed

        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise UsageError(f"--year {year} is not a year reviewctl counts in; give one from {FIRST_YEAR} "
                             f"to {LAST_YEAR}")
        return (date(year, 4, 1), date(year + 1, 3, 31)) if financial else (date(year, 1, 1), date(year, 12, 31))
    if start is None or end is None:
        if start or end:
            raise UsageError("give both --from and --to")
        y = today.year if not financial or today.month >= 4 else today.year - 1
        return (date(y, 4, 1), date(y + 1, 3, 31)) if financial else (date(y, 1, 1), date(y, 12, 31))
    if start > end:
        raise UsageError(f"--from {start} is after --to {end}")
    return start, end


def stats(index: Index, start: date, end: date) -> Figures:
    """The figures for an annual report over [start, end]."""
    def inside(day: date | None) -> TypeGuard[date]:
        return day is not None and start <= day <= end

    referrals: dict[str, int] = {t: 0 for t in index.types}
    triage: dict[str, int] = {}
    # Every decision made in the period, a reopened case's earlier ones too; how many followed a reopening.
    decisions = {"conduct": 0, "not-conduct": 0}
    reopenings = Reopenings(count=0, decisions_after=0)
    durations: list[int] = []
    over = ongoing = published = agreed = completed = overdue = 0
    details = index.details()
    for s in index.summaries:
        facts = details[s.id].facts
        if inside(s.received):
            referrals[s.type] = referrals.get(s.type, 0) + 1
        if inside(facts.triage_date) and facts.triage_outcome is not None:
            triage[facts.triage_outcome] = triage.get(facts.triage_outcome, 0) + 1
        for outcome, decided, cycle in facts.decisions:
            if inside(decided):
                decisions[outcome] += 1
                reopenings["decisions_after"] += cycle > 0
        reopenings["count"] += sum(1 for day in facts.reopened if inside(day))
        begun, done = facts.conducted_from, facts.agreed
        if inside(done) and isinstance(begun, date):
            durations.append((done - begun).days)
            # The expected length is the type's review clock, so a store's override reaches it.
            expected = facts.expected_months
            over += isinstance(expected, int) and done > add_months(begun, expected)
        if isinstance(begun, date) and begun <= end and not (isinstance(done, date) and done <= end):
            ended = facts.ended
            ongoing += not (isinstance(ended, date) and ended <= end)
        published += inside(s.published)
        for action in s.actions:
            due_on, signed_off = action.due, action.signed_off
            agreed += inside(done)
            completed += inside(signed_off)
            # Closed at the period's end by a closing that then stood (one undone later still held it).
            held = any(closed <= end and (reopened is None or reopened > end) for closed, reopened in action.closed) \
                if action.closed else action.status == "closed"
            open_at_end = not (isinstance(signed_off, date) and signed_off <= end) and not held
            overdue += bool(isinstance(due_on, date) and due_on < end and open_at_end
                            and isinstance(done, date) and done <= end)
    statutory = statfigures.statutory(index, start, end)
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "referrals": {**referrals, "total": sum(referrals.values())},
        "triage": triage,
        "decisions": decisions,
        "reopenings": reopenings,
        "reviews_completed": {
            "count": len(durations),
            "median_days": statistics.median(durations) if durations else None,
            "longest_days": max(durations) if durations else None,
            "over_expected": over,
            "over_6_months": over,  # the old name of over_expected: a store's own template may use it
        },
        "reviews_ongoing_at_end": ongoing,
        "reviews_published": published,
        "actions": {"agreed": agreed, "completed": completed, "overdue_at_end": overdue},
        "timescales": {**timescales(index, start, end), "by_clock": statfigures.clock_shares(index, start, end)},
        "themes": statfigures.themes(index, start, end),
        "not_published": statfigures.not_published(index, start, end),
        "bases": statutory["bases"], "panel_responses": statutory["panel_responses"],
        "national_reviews": statutory["national_reviews"],
    }


def stats_by_type(index: Index, start: date, end: date) -> Figures:
    """The figures, with every figure again for each review type on its own."""
    figures = stats(index, start, end)
    figures["by_type"] = statfigures.by_type(index, start, end, stats)
    return figures


def timescales(index: Index, start: date, end: date) -> Timescales:
    """Deadlines settled in [start, end] (met, met late or missed), judged against the
    original due date and against the revised one (after pauses and extensions)."""
    counts = Timescales(settled=0, revised=0, within_original=0, within_revised=0, met_late=0, missed=0)
    for d in statfigures.settled_deadlines(index, start, end):
        counts["settled"] += 1
        counts["revised"] += d.due != d.first_due
        counts["within_original"] += d.met_on is not None and d.met_on <= d.first_due
        counts["within_revised"] += d.status == "met"
        counts["met_late"] += d.status == "met-late"
        counts["missed"] += d.status == "missed"
    return counts
