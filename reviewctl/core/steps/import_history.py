"""What a row of an earlier tracker says happened: its dates as imported history and records.

A row may date the steps a case took before reviewctl (the map's date columns, `DATES`).
The row's stage is reached by the workflow's shortest path from the first stage; each step on
that path that the row dates becomes an imported history entry (the workflow's import step,
`imported:` naming the date) from the stage before straight to the stage the step leads to,
on that date; a last entry, on the latest date the row gives, reaches the row's stage where no
dated step does.  The records the clocks and figures read are filled from the same dates, so
an imported case's clocks say what its dates say (met, met late, open), and a clock whose
stages the case passed on an imported entry, with no date to meet it, is not known rather
than missed (clocks/per_case.py).  An imported entry is never an approval.

A row is refused, by row and column, where its stage cannot be reached with its dates (a
review under way with no decision date, a published one with no publication date), where a
date belongs to a step its stage has not reached, and where its dates are out of order.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.paths import Documents
from reviewctl.core.case.views import Node
from reviewctl.core.store.step import StepOptions, history_entry
from reviewctl.core.workflow.history import derived, put_path
from reviewctl.core.workflow.load import Act, Transition, Workflow

IMPORTED = "Imported from an earlier tracker"


@dataclass(frozen=True)
class DateColumn:
    field: str  # the map's key
    what: str  # in a message: "the decision"
    actions: tuple[str, ...] = ()  # the steps on the workflow's path that the date is of
    needed: bool = False  # a row whose stage is past such a step must give it


# The date columns a map may name, in the order the steps happen.
DATES = (
    DateColumn("triage", "the triage", (Act.TRIAGE_ACCEPT, Act.TRIAGE_NO_FURTHER_ACTION)),
    DateColumn("decision", "the decision whether to conduct a review",
               (Act.DECIDE_CONDUCT, Act.DECIDE_NOT_CONDUCT, *Act.CHAIR), needed=True),
    DateColumn("family_notified", "the notice to the family"),
    DateColumn("national_notified", "the notice to the national body"),
    DateColumn("submitted", "the report's submission to the Home Office"),
    DateColumn("published", "the publication (or the decision not to publish)", (Act.PUBLISH,), needed=True),
    DateColumn("closed", "the closure", (Act.CLOSE,), needed=True),
)
DATE_FIELDS = tuple(c.field for c in DATES)


@dataclass
class RowValues:
    """What one row of a tracker gives, as far as it has been read and checked: each text field
    (blank read as None), each date by its field (received, incident_date, aware and the date
    columns), and the type and stage it names (None: not one of the workflow's)."""

    texts: dict[str, str | None] = dataclasses.field(default_factory=dict)
    days: dict[str, date] = dataclasses.field(default_factory=dict)
    case_type: str | None = None
    stage: str | None = None
    agencies: list[str] | None = None  # None: the map names no column of agencies

    def checked(self, allowed: list[dict[str, str]]) -> ImportRow | None:
        """The row as its case is made of it; None while it lacks a type, a stage or the date received
        (a row with no problem has all three)."""
        received = self.days.get("received")
        if self.case_type is None or self.stage is None or received is None:
            return None
        return ImportRow(self.case_type, self.stage, received, self.texts, self.days, self.agencies, allowed)


@dataclass(frozen=True)
class ImportRow:
    """A row of a tracker that passed every check: what its case is made of."""

    case_type: str
    stage: str
    received: date
    texts: dict[str, str | None]
    days: dict[str, date]  # received too
    agencies: list[str] | None
    allowed: list[dict[str, str]]  # the identifier patterns --allow let through: kind and place


def path_to(flow: Workflow, case_type: str, target: str) -> list[Transition] | None:
    """The workflow's shortest path of steps from its first stage to `target` (never back)."""
    seen = {flow.initial: []}  # type: dict[str, list[Transition]]
    todo = deque([flow.initial])
    while todo:
        here = todo.popleft()
        if here == target:
            return seen[here]
        for t in flow.transitions:
            if t.from_ == here and t.applies(case_type) and t.to not in seen and t.does not in Act.BACK:
                seen[t.to] = [*seen[here], t]
                todo.append(t.to)
    return None


def _column_of(flow: Workflow, t: Transition) -> DateColumn | None:
    """The date column a step on the path is dated by (a meeting's recommendation to the chair is none)."""
    if t.does in (Act.DECIDE_CONDUCT, Act.DECIDE_NOT_CONDUCT) and flow.decided_by_chair(t.to):
        return None
    return next((c for c in DATES if t.does in c.actions), None)


@dataclass
class Milestones:
    """The dated steps of a row on its path: (column, the transition it dates)."""

    dated: list[tuple[DateColumn, Transition]]
    path: list[Transition]


def check_dates(flow: Workflow, case_type: str, stage: str, values: Mapping[str, date]) -> list[tuple[str, str]]:
    """What is wrong with a row's dates for its stage: (field, why) each; empty when all is well."""
    path = path_to(flow, case_type, stage)
    if path is None:
        return [("stage", f"'{stage}' cannot be reached by a '{case_type}' case in this workflow")]
    bad: list[tuple[str, str]] = []
    on_path = {c.field: t for t in path if (c := _column_of(flow, t)) is not None}
    decided = next((t for t in path if (c := _column_of(flow, t)) is not None and c.field == "decision"), None)
    conducted = decided is not None and decided.does in (Act.DECIDE_CONDUCT, Act.CHAIR_CONDUCT)
    for column in DATES:
        given = values.get(column.field)
        if column.actions and column.needed and column.field in on_path and given is None:
            bad.append(("stage", f"'{stage}' comes after {column.what}: give its date (the map's "
                                 f"`{column.field}` column), or import the case at an earlier stage"))
        if given is None:
            continue
        reached = {"family_notified": conducted, "national_notified": decided is not None,
                   "submitted": case_type in flow.statute.home_office_qa and "jcrg" in {t.does for t in path}}
        if (column.actions and column.field not in on_path) or not reached.get(column.field, True):
            bad.append((column.field, f"a date of {column.what}, which a case at '{stage}' has not reached; "
                                      "correct the stage, or leave the date out"))
        if column.field == "national_notified" and flow.bodies.national.get(case_type) is None:
            bad.append((column.field, f"a '{case_type}' review has no national body to notify; leave it out"))
    if not bad:
        bad += _out_of_order(values)
    return bad


def _out_of_order(values: Mapping[str, date]) -> list[tuple[str, str]]:
    """Each date against those that must come before it (the referral first)."""
    before = {"triage": ("received",), "decision": ("received", "triage"),
              "family_notified": ("decision",), "national_notified": ("decision",),
              "submitted": ("decision",), "published": ("received", "decision", "submitted"),
              "closed": ("published",)}
    words = {"received": "the referral was received", **{c.field: c.what for c in DATES}}
    bad = []
    for field, earlier in before.items():
        day = values.get(field)
        for first in earlier:
            then = values.get(first)
            if isinstance(day, date) and isinstance(then, date) and day < then:
                bad.append((field, f"{day} is before {words[first]} ({then}); correct one of the dates"))
                break
    return bad


def history(flow: Workflow, item_row: int, values: ImportRow, by: str, options: StepOptions) -> list[Node]:
    """The imported entries after the referral: one per dated step, then the row's stage."""
    case_type, stage = values.case_type, values.stage
    path = path_to(flow, case_type, stage) or []
    step = flow.imports.step if flow.imports is not None else "import"
    reason = f"imported from an earlier tracker (row {item_row})"
    entries: list[Node] = []
    here, last = flow.initial, values.received
    for t in path:
        column = _column_of(flow, t)
        day = values.days.get(column.field) if column is not None else None
        if column is None or not isinstance(day, date):
            continue
        entry = history_entry(step, day, here, t.to, by, options, reason=reason)
        entry["imported"] = column.field
        entries.append(entry)
        here, last = t.to, day
    if here != stage:
        entry = history_entry(step, last, here, stage, by, options, reason=reason)
        entry["imported"] = "stage"
        entries.append(entry)
    return entries


def records(flow: Workflow, item_row: int, row: ImportRow) -> dict[str, Node]:
    """The records the row's dates fill (decision, notices, publication, closure), by document."""
    case_type, stage, values = row.case_type, row.stage, row.days
    docs: dict[str, dict[str, object]] = {}
    path = path_to(flow, case_type, stage) or []
    why = f"{IMPORTED} (row {item_row}); the tracker gives the date only"
    decided = next((t for t in path if (c := _column_of(flow, t)) is not None and c.field == "decision"), None)
    day = values.get("decision")
    if decided is not None and isinstance(day, date):
        outcome = "conduct" if decided.does in (Act.DECIDE_CONDUCT, Act.CHAIR_CONDUCT) else "not-conduct"
        decider = flow.statute.deciders.get(case_type)
        decision: dict[str, object] = {"meeting_date": day, "outcome": outcome, "rationale": why}
        docs["decision"] = decision
        if decider is not None:
            decision["body"] = decider.body
        if decided.does in Act.CHAIR:
            decision["chair"] = {"outcome": outcome, "rationale": why, "date": day}
            if decider is not None and decider.chair:
                decision["decided_for"] = decider.chair
    if isinstance(values.get("family_notified"), date):
        put_path(docs, "setup.family", {"date": values["family_notified"], "notified": True})
    if isinstance(values.get("national_notified"), date):
        put_path(docs, "setup.national", {"to": flow.bodies.national[case_type], "date": values["national_notified"]})
    if isinstance(values.get("submitted"), date):
        put_path(docs, "homeoffice.submitted", values["submitted"])
    if isinstance(values.get("published"), date):
        route = next((r for r in flow.statute.publication_routes.get(case_type, []) if r.stage == stage), None) \
            or next((r for r in flow.statute.publication_routes.get(case_type, []) if r.stage is None), None)
        published: dict[str, object] = {"date": values["published"]}
        if route is not None:
            published["route"] = route.id
        if route is None or route.public:
            published["online_from"] = values["published"]
            if row.texts.get("where"):
                published["where"] = row.texts["where"]
        docs["publication"] = published
    if isinstance(values.get("closed"), date):
        put_path(docs, "monitoring.closed", values["closed"])
    triage = next((t for t in path if t.does in (Act.TRIAGE_ACCEPT, Act.TRIAGE_NO_FURTHER_ACTION)), None)
    if triage is not None and isinstance(values.get("triage"), date):
        docs["triage"] = {"outcome": "accepted" if triage.does == Act.TRIAGE_ACCEPT else "no-further-action",
                          "reason": f"{IMPORTED} (row {item_row})", "date": values["triage"]}
    return {name: yamlio.new_map(doc) for name, doc in docs.items()}


def fill_derived(flow: Workflow, docs: Documents) -> None:
    """Each value kept in a file for people to read, as the imported history gives it."""
    for path, value in derived(flow, docs).items():
        name, key = path.split(".", 1)
        if value is not None and name in docs:
            docs[name][key] = value
