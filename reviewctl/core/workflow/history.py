"""A case's history, and what follows from it: each derived value worked out in one place.

The history (case.yaml `history:`) says what happened: each step, when it happened (`date`),
when it was recorded (`recorded`), by whom and why.  The records (the case's other files) hold
what the steps recorded.  From the two, and from nowhere else, come:

- the steps that moved the case: a correction, a change of type or of the identifiers is dated
  when it was made and moves nothing, so it holds back no step recorded after it;
- the cycles of a reopened case: each reopening starts one, and its entry keeps what the
  records it makes afresh held (`afresh:`, `earlier:`), so that an earlier cycle's records can
  be put back as they stood when it ended (its clocks keep the outcome they had);
- every decision whether to conduct a review, each with its outcome and date;
- the date of the decision to conduct, `decision.conducted_from`, where the review clocks
  start: the meeting's date, or the Independent Chair's where the chair decided;
- the corrections that moved a date, for the clocks that count from it;
- whether the actions a closing closed are closed: while the closing stands (a reopening to
  monitoring takes `monitoring.closed` out into its history entry, and so opens them again).

Plain functions over the files as loaded (maps): the warm reports use them without the
workflow's models.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reviewctl.core.case.paths import Documents, lookup, plain_copy
from reviewctl.core.workflow.acts import Act

if TYPE_CHECKING:
    from reviewctl.core.workflow.model import ClockDef, Workflow

CONDUCTED_FROM = "decision.conducted_from"
# Where a decision's date is recorded: the Independent Chair's decision, or the meeting's.
CHAIR_DATE, MEETING_DATE = "decision.chair.date", "decision.meeting_date"
# What each value kept in a file for people to read is worked out from: a correction of one
# of these moves it, and every clock that counts from it.
DERIVED_FROM = {CONDUCTED_FROM: (MEETING_DATE, CHAIR_DATE)}
# Where a closing is recorded; a reopening to monitoring takes it out (the workflow's `afresh:`).
CLOSED_ON = "monitoring.closed"
# An action's status a closing gives the actions it closes without sign-off, and those an open one has.
CLOSED, OPEN_STATUSES = "closed", ("open", "on-track", "at-risk")
# The import entry that brings in a decision (steps/importer.py) says so in `imported:`.
IMPORTED_DECISION = "decision"


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Entry:
    """One entry of the history, as read here: a key that is missing or of the wrong type reads
    as None (the models, `validate`, say what is wrong with it)."""

    step: str | None
    date: date | None
    source: str | None  # `from`: the stage it left (None for the referral)
    to: str | None
    imported: str | None  # an import entry: the date column it came from
    afresh: tuple[str, ...]  # a reopening: the records the case makes afresh from here
    earlier: tuple[tuple[str, object], ...]  # ... and what they held, as (field, value)
    field: str | None  # a correction: the field, its old value and the new one
    old: object
    new: object
    reason: str | None

    @classmethod
    def read(cls, raw: dict[str, object]) -> Entry:
        afresh, earlier = raw.get("afresh"), raw.get("earlier")
        return cls(
            _text(raw.get("step")), _day(raw.get("date")), _text(raw.get("from")), _text(raw.get("to")),
            _text(raw.get("imported")),
            tuple(str(p) for p in afresh) if isinstance(afresh, list) else (),
            tuple((str(k.get("field")), k.get("value")) for k in earlier if isinstance(k, dict))
            if isinstance(earlier, list) else (),
            _text(raw.get("field")), raw.get("old"), raw.get("new"), _text(raw.get("reason")))

    @property
    def moves(self) -> bool:
        """Whether it moved the case: not a correction, nor a change of type or identifiers."""
        return self.step not in Act.IN_PLACE


def _raw_entries(docs: Documents) -> list[dict[str, object]]:
    case = docs.get("case")
    history = case.get("history") if isinstance(case, dict) else None
    return [h for h in history if isinstance(h, dict)] if isinstance(history, list) else []


def entries(docs: Documents) -> list[Entry]:
    """The history's entries (case.yaml as loaded); what is not an entry is left out."""
    return [Entry.read(h) for h in _raw_entries(docs)]


# -- the cycles of a reopened case -------------------------------------------------------

@dataclass(frozen=True)
class Cycle:
    number: int  # 0: until the first reopening; n: since the n-th
    since: date | None  # the reopening that began it
    until: date | None  # the reopening that ended it; None for the case's current cycle
    docs: Documents  # the records as they stood when it ended (the case's own for the current one)
    first: int  # its entries are history[first:end]
    end: int
    # Whether `docs` are its own records: the current cycle's, or an earlier one's put back from
    # what the reopening kept (a case reopened before reopenings kept them has only the latest).
    own: bool = True


def cycles(workflow: Workflow, docs: Documents) -> list[Cycle]:
    """The case's cycles, the first first: one, unless it was reopened."""
    raw = _raw_entries(docs)
    history = [Entry.read(h) for h in raw]
    reopen = workflow.steps_of(Act.REOPEN)
    starts = [i for i, h in enumerate(history) if i > 0 and h.step in reopen]
    bounds = [0, *starts, len(history)]
    found = []
    for n, (first, end) in enumerate(itertools.pairwise(bounds)):
        current = end == len(history)
        found.append(Cycle(n, history[first].date if n else None, None if current else history[end].date,
                           docs if current else as_it_ended(docs, raw, history, end), first, end,
                           current or "afresh" in raw[end]))
    return found


def as_it_ended(docs: Documents, raw: list[dict[str, object]], history: list[Entry], end: int) -> Documents:
    """The records as they stood before the reopening at history[end]: the values each later
    reopening took out put back, the latest first, so that the first one's stand."""
    reopenings = [h for h in history[end:] if h.afresh or h.earlier]
    touched = {p.split(".", 1)[0] for h in reopenings for p in h.afresh}
    touched |= {field.split(".", 1)[0] for h in reopenings for field, _ in h.earlier}
    view = dict(docs)
    for name in touched - {"case"}:
        view[name] = plain_copy(docs.get(name)) if isinstance(docs.get(name), dict) else {}
    case = {k: v for k, v in (docs.get("case") or {}).items() if k != "history"}
    view["case"] = plain_copy(case) if "case" in touched else case
    for entry in reversed(reopenings):
        for path in entry.afresh:
            remove_path(view, path)
        for field, value in entry.earlier:
            put_path(view, field, value)
    view["case"]["history"] = raw[:end]
    view["case"]["stage"] = history[end].source
    return view


def leaves(value: object, path: str) -> list[tuple[str, object]]:
    """Every value under `path` as (field, value), a list's entries by their number from 1."""
    if isinstance(value, dict):
        return [leaf for key, v in value.items() for leaf in leaves(v, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value, start=1) for leaf in leaves(v, f"{path}.{i}")]
    return [] if value is None or value == "" else [(path, value)]


def _child(node: object, key: str) -> object:
    if isinstance(node, list):
        index = int(key) - 1 if key.isdigit() else -1
        return node[index] if 0 <= index < len(node) else None
    return node.get(key) if isinstance(node, dict) else None


def _set(node: object, key: str, value: object) -> None:
    if isinstance(node, list):
        index = int(key) - 1
        node.extend([None] * (index + 1 - len(node)))
        node[index] = value
    elif isinstance(node, dict):
        node[key] = value


def put_path(docs: Documents, path: str, value: object) -> None:
    """Set the value at a dotted path (lists by entry number), making the maps and lists on the way."""
    parts = path.split(".")
    node: object = docs
    for here, after in itertools.pairwise(parts):
        child = _child(node, here)
        if not isinstance(child, dict | list):
            child = [] if after.isdigit() else {}
            _set(node, here, child)
        node = child
    _set(node, parts[-1], value)


def remove_path(docs: Documents, path: str) -> object:
    """Take the value at a dotted path out of its map; returns it (None where there was none)."""
    parts = path.split(".")
    node: object = docs
    for part in parts[:-1]:
        node = _child(node, part)
    return node.pop(parts[-1], None) if isinstance(node, dict) else None


def clock_start_on(workflow: Workflow, docs: Documents, clock: ClockDef, item: str | None, day: date) -> date | None:
    """Where `clock` (for the entry `item` of a clock run per entry) started in the cycle that
    `day` falls in: a pause or extension made that day belongs to that cycle's deadline, though
    a reopening after it may start the clock again, or take its start out to be made afresh."""
    runs = cycles(workflow, docs)
    cycle = next(c for c in reversed(runs) if c.since is None or c.since <= day)
    return _clock_records(workflow, clock, item, cycle.docs)[0]


def _clock_records(workflow: Workflow, clock: ClockDef, item: str | None,
                   docs: Documents) -> tuple[date | None, date | None]:
    """The dates the records of one cycle start and meet `clock` (for the entry `item`) on."""
    then = with_derived(workflow, docs)
    if clock.each is None:
        return _day(clock.start_in(then)), _day(lookup(then, clock.met))
    entries = lookup(then, clock.each)
    entry = next((e for e in entries if isinstance(e, dict) and str(e.get(clock.item)) == item), None) \
        if isinstance(entries, list) else None
    if entry is None:
        return None, None
    return _day(entry.get(clock.start or clock.due or "")), _day(entry.get(clock.met))


def deadlines_began(workflow: Workflow, docs: Documents, clock: ClockDef, item: str | None) -> list[date | None]:
    """The reopenings at which `clock` (for `item`) became a new deadline, the first (None) first:
    one whose records start and meet it as in the cycle before is the same deadline still, as the
    clocks count it (clocks/per_case.py); a pause or extension belongs to the deadline it was made on."""
    began: list[date | None] = []
    before: tuple[date | None, date | None] | None = None
    for cycle in cycles(workflow, docs):
        records = _clock_records(workflow, clock, item, cycle.docs)
        if records != before:
            began.append(cycle.since)
        before = records
    return began


# -- decisions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Decided:
    """A decision whether to conduct a review: the final one (the chair's, where the meeting
    only recommends), as the history records it."""

    outcome: str  # conduct | not-conduct
    date: date
    cycle: int  # the cycle it was made in: 1 or more after a reopening
    by_chair: bool


def decisions(workflow: Workflow, docs: Documents) -> list[Decided]:
    """Every decision the case's history records, the first first, each dated from its record
    (the meeting's date, or the chair's), as it stood in the decision's own cycle."""
    conduct = workflow.steps_of(Act.DECIDE_CONDUCT, Act.CHAIR_CONDUCT)
    deciding = conduct | workflow.steps_of(Act.DECIDE_NOT_CONDUCT, *Act.CHAIR)
    chair = workflow.steps_of(*Act.CHAIR)
    not_conducted = workflow.reached_by(*Act.NOT_CONDUCT)
    history = entries(docs)
    found: list[Decided] = []
    for cycle in cycles(workflow, docs):
        finals = [h for h in history[cycle.first:cycle.end]
                  if (h.step in deciding and not workflow.decided_by_chair(str(h.to)))
                  or h.imported == IMPORTED_DECISION]
        for n, entry in enumerate(finals):
            imported = entry.imported == IMPORTED_DECISION
            by_chair = entry.step in chair or (imported and isinstance(lookup(cycle.docs, "decision.chair"), dict))
            own = cycle.own and n == len(finals) - 1  # else the entry's own date
            day = (_day(lookup(cycle.docs, CHAIR_DATE if by_chair else MEETING_DATE)) if own else None) or entry.date
            if day is None:
                continue
            outcome = ("not-conduct" if entry.to in not_conducted else "conduct") if imported \
                else ("conduct" if entry.step in conduct else "not-conduct")
            found.append(Decided(outcome, day, cycle.number, by_chair))
    return found


def conducted_from(workflow: Workflow, docs: Documents) -> date | None:
    """The date of the decision to conduct the review: the latest decision, if it was to conduct."""
    found = decisions(workflow, docs)
    return found[-1].date if found and found[-1].outcome == "conduct" else None


def derived(workflow: Workflow, docs: Documents) -> dict[str, date | None]:
    """Each value a file keeps for people to read, as the history and the records give it."""
    return {CONDUCTED_FROM: conducted_from(workflow, docs)}


def with_derived(workflow: Workflow, docs: Documents) -> Documents:
    """The documents with each derived value as the history gives it (a copy where it differs)."""
    out = docs
    for path, value in derived(workflow, docs).items():
        if lookup(docs, path) == value:
            continue
        name, key = path.split(".", 1)
        if out is docs:
            out = dict(docs)
        out[name] = {k: v for k, v in (docs.get(name) or {}).items() if k != key}
        if value is not None:
            out[name][key] = value
    return out


# -- corrections ------------------------------------------------------------------------

@dataclass(frozen=True)
class Correction:
    """A recorded value replaced with its reason (`amend`; `retype --aware`)."""

    date: date
    field: str
    old: object
    new: dt.date
    reason: str

    def __str__(self) -> str:
        was = "(not recorded)" if self.old is None else self.old  # never a bare "None" to a reader
        return f"{self.field} {was} -> {self.new} on {self.date} ({self.reason})"


def corrections(docs: Documents) -> list[Correction]:
    """Every correction of a date the history records, the first first."""
    return [Correction(h.date, h.field, h.old, h.new, h.reason or "")
            for h in entries(docs) if h.field and h.date is not None and isinstance(h.new, date)]


def feeds(field: str, paths: tuple[str, ...]) -> bool:
    """Whether a correction of `field` moves a value read from one of `paths` (or worked out from it)."""
    return any(field == p or field in DERIVED_FROM.get(p, ()) for p in paths)


# -- the actions a closing closed ----------------------------------------------------------

def closings(docs: Documents) -> tuple[tuple[date, date | None], ...]:
    """When the case stood closed, the first first: from each closing to the reopening that took
    it out (its history entry keeps the closing's date), and from the closing that stands, if any."""
    found: list[tuple[date, date | None]] = []
    for entry in entries(docs):
        closed = next((_day(v) for f, v in entry.earlier if f == CLOSED_ON), None)
        if closed is not None and entry.date is not None:
            found.append((closed, entry.date))
    standing = _day(lookup(docs, CLOSED_ON))
    return (*found, (standing, None)) if standing is not None else tuple(found)


def closing_stands(docs: Documents) -> bool:
    """Whether the case's closing stands: a reopening to monitoring undoes it."""
    return lookup(docs, CLOSED_ON) is not None


def action_status(status: str | None, progress: list[str | None], signed_off: object, stands: bool) -> str | None:
    """An action's status as the history gives it.  The record keeps what the closing wrote
    (`closed`); once a reopening has undone that closing, an action it closed without sign-off is
    open again, as its last progress said (`open` if none did).  An action completed or signed off
    on its own stays so."""
    if status != CLOSED or stands or signed_off:
        return status
    return next((s for s in reversed(progress) if s in OPEN_STATUSES), "open")
