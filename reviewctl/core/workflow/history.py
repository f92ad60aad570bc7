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
- the corrections that moved a date, for the clocks that count from it.

Plain functions over the files as loaded (maps): the warm reports use them without the
workflow's models.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

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
# The import entry that brings in a decision (steps/importer.py) says so in `imported:`.
IMPORTED_DECISION = "decision"


def entries(docs: Documents) -> list[dict[str, Any]]:
    """The history's entries (case.yaml as loaded); what is not an entry is left out."""
    case = docs.get("case")
    history = case.get("history") if isinstance(case, dict) else None
    return [h for h in history if isinstance(h, dict)] if isinstance(history, list) else []


def moves(entry: Any) -> bool:
    """Whether a history entry moved the case: not a correction, nor a change of type or identifiers."""
    return isinstance(entry, dict) and entry.get("step") not in Act.IN_PLACE


def last_move(history: list[Any]) -> Any:
    """The latest entry that moved the case (None if there is none)."""
    return next((h for h in reversed(history) if moves(h)), None)


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


def _day(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def cycles(workflow: Workflow, docs: Documents) -> list[Cycle]:
    """The case's cycles, the first first: one, unless it was reopened."""
    history = entries(docs)
    reopen = workflow.steps_of(Act.REOPEN)
    starts = [i for i, h in enumerate(history) if i > 0 and h.get("step") in reopen]
    bounds = [0, *starts, len(history)]
    found = []
    for n, (first, end) in enumerate(itertools.pairwise(bounds)):
        current = end == len(history)
        found.append(Cycle(n, _day(history[first].get("date")) if n else None,
                           None if current else _day(history[end].get("date")),
                           docs if current else as_it_ended(docs, history, end), first, end,
                           current or "afresh" in history[end]))
    return found


def as_it_ended(docs: Documents, history: list[dict[str, Any]], end: int) -> Documents:
    """The records as they stood before the reopening at history[end]: the values each later
    reopening took out put back, the latest first, so that the first one's stand."""
    reopenings = [h for h in history[end:] if h.get("afresh") or h.get("earlier")]
    touched = {str(p).split(".", 1)[0] for h in reopenings for p in h.get("afresh") or []}
    touched |= {str(k.get("field")).split(".", 1)[0] for h in reopenings for k in h.get("earlier") or []
                if isinstance(k, dict)}
    view = dict(docs)
    for name in touched - {"case"}:
        view[name] = plain_copy(docs.get(name)) if isinstance(docs.get(name), dict) else {}
    case = {k: v for k, v in (docs.get("case") or {}).items() if k != "history"}
    view["case"] = plain_copy(case) if "case" in touched else case
    for entry in reversed(reopenings):
        for path in entry.get("afresh") or []:
            remove_path(view, str(path))
        for kept in entry.get("earlier") or []:
            if isinstance(kept, dict):
                put_path(view, str(kept.get("field")), kept.get("value"))
    view["case"]["history"] = history[:end]
    view["case"]["stage"] = history[end].get("from")
    return view


def leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    """Every value under `path` as (field, value), a list's entries by their number from 1."""
    if isinstance(value, dict):
        return [leaf for key, v in value.items() for leaf in leaves(v, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value, start=1) for leaf in leaves(v, f"{path}.{i}")]
    return [] if value is None or value == "" else [(path, value)]


def _child(node: Any, key: str) -> Any:
    if isinstance(node, list):
        index = int(key) - 1 if key.isdigit() else -1
        return node[index] if 0 <= index < len(node) else None
    return node.get(key) if isinstance(node, dict) else None


def _set(node: Any, key: str, value: Any) -> None:
    if isinstance(node, list):
        index = int(key) - 1
        node.extend([None] * (index + 1 - len(node)))
        node[index] = value
    else:
        node[key] = value


def put_path(docs: Documents, path: str, value: Any) -> None:
    """Set the value at a dotted path (lists by entry number), making the maps and lists on the way."""
    parts = path.split(".")
    node: Any = docs
    for here, after in itertools.pairwise(parts):
        child = _child(node, here)
        if not isinstance(child, dict | list):
            child = [] if after.isdigit() else {}
            _set(node, here, child)
        node = child
    _set(node, parts[-1], value)


def remove_path(docs: Documents, path: str) -> Any:
    """Take the value at a dotted path out of its map; returns it (None where there was none)."""
    parts = path.split(".")
    node: Any = docs
    for part in parts[:-1]:
        node = _child(node, part)
    return node.pop(parts[-1], None) if isinstance(node, dict) else None


def clock_start_on(workflow: Workflow, docs: Documents, clock: ClockDef, item: str | None, day: date) -> date | None:
    """Where `clock` (for the entry `item` of a clock run per entry) started in the cycle that
    `day` falls in: a pause or extension made that day belongs to that cycle's deadline, though
    a reopening after it may start the clock again, or take its start out to be made afresh."""
    runs = cycles(workflow, docs)
    cycle = next(c for c in reversed(runs) if c.since is None or c.since <= day)
    then = with_derived(workflow, cycle.docs)
    if clock.each is None:
        first = clock.start_in(then)
    else:
        entries = lookup(then, clock.each)
        entry = next((e for e in entries if isinstance(e, dict) and str(e.get(clock.item)) == item), None) \
            if isinstance(entries, list) else None
        first = entry.get(clock.start or clock.due or "") if entry is not None else None
    return _day(first)


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
                  if (h.get("step") in deciding and not workflow.decided_by_chair(str(h.get("to"))))
                  or h.get("imported") == IMPORTED_DECISION]
        for n, entry in enumerate(finals):
            by_chair = entry.get("step") in chair or (
                entry.get("imported") == IMPORTED_DECISION and isinstance(lookup(cycle.docs, "decision.chair"), dict))
            own = cycle.own and n == len(finals) - 1  # else the entry's own date
            recorded = lookup(cycle.docs, CHAIR_DATE if by_chair else MEETING_DATE) if own else None
            day = _day(recorded) or _day(entry.get("date"))
            if day is None:
                continue
            outcome = ("conduct" if entry.get("step") in conduct else "not-conduct") \
                if entry.get("imported") != IMPORTED_DECISION \
                else ("not-conduct" if entry.get("to") in not_conducted else "conduct")
            found.append(Decided(outcome, day, cycle.number, by_chair))
    return found


def conducted_from(workflow: Workflow, docs: Documents) -> date | None:
    """The date of the decision to conduct the review: the latest decision, if it was to conduct."""
    found = decisions(workflow, docs)
    return found[-1].date if found and found[-1].outcome == "conduct" else None


def derived(workflow: Workflow, docs: Documents) -> dict[str, Any]:
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
    old: Any
    new: Any
    reason: str

    def __str__(self) -> str:
        return f"{self.field} {self.old} -> {self.new} on {self.date} ({self.reason})"


def corrections(docs: Documents) -> list[Correction]:
    """Every correction of a date the history records, the first first."""
    return [Correction(h["date"], str(h["field"]), h.get("old"), h.get("new"), str(h.get("reason") or ""))
            for h in entries(docs)
            if h.get("field") and isinstance(h.get("date"), date) and isinstance(h.get("new"), date)]


def feeds(field: str, paths: tuple[str, ...]) -> bool:
    """Whether a correction of `field` moves a value read from one of `paths` (or worked out from it)."""
    return any(field == p or field in DERIVED_FROM.get(p, ()) for p in paths)
