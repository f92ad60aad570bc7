"""clocks.yaml: the pauses and extensions of a case's clocks, one record per clock.

    clocks:
      - clock: review-publication        # a clock id of the workflow
        pauses:
          - {paused: 2027-01-11, resumed: 2027-03-01, reason: criminal trial, by: ..., recorded: ...}
        extensions:
          - {date: 2027-03-05, to: 2027-09-30, reason: ..., agreed_by: National Panel, by: ..., recorded: ...}
      - clock: chronology-return
        item: Police                     # a clock that runs once per entry names the entry

Only `reviewctl clock pause|resume|extend` write it; `validate` checks it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from reviewctl.adapters.yamlio import line_of
from reviewctl.core.case import Strict, Text
from reviewctl.core.clocks import lookup, start_of
from reviewctl.errors import located

if TYPE_CHECKING:
    from reviewctl.core.workflow import Workflow


class Pause(Strict):
    paused: dt.date
    resumed: dt.date | None = None  # None: still paused
    reason: Text
    for_: str | None = Field(default=None, alias="for")  # the parallel proceeding waited for
    by: Text
    recorded: dt.date


class Extension(Strict):
    date: dt.date  # when it was agreed
    to: dt.date  # the new due date
    reason: Text
    agreed_by: str | None = None
    by: Text
    recorded: dt.date


class ClockRecord(Strict):
    clock: Text
    item: str | None = None
    pauses: list[Pause] = []
    extensions: list[Extension] = []

    @model_validator(mode="after")
    def _in_order(self) -> ClockRecord:
        # Pauses and extensions follow one another: none starts inside a pause, and
        # each extension is later than the last.
        changes = sorted([(p.paused, p.resumed, "a pause") for p in self.pauses]
                         + [(e.date, e.date, "an extension") for e in self.extensions], key=lambda c: c[0])
        for (begun, end, _what), (after, _, next_what) in itertools.pairwise(changes):
            if end is None or after < end:
                raise ValueError(f"{next_what} on {after} falls inside a pause that began on {begun}; "
                                 "a clock is resumed before anything else is recorded for it")
        for p in self.pauses:
            if p.resumed is not None and p.resumed < p.paused:
                raise ValueError(f"a pause resumed on {p.resumed}, before it began on {p.paused}; "
                                 "correct the dates")
        tos = [e.to for e in sorted(self.extensions, key=lambda e: e.date)]
        if any(b <= a for a, b in itertools.pairwise(tos)):
            raise ValueError("each extension must be to a later date than the one before it")
        return self


class Clocks(Strict):
    clocks: list[ClockRecord] = []


def clock_record_problems(workflow: Workflow, folder: str, docs: dict[str, Any]) -> list[str]:
    """What the models cannot see in clocks.yaml: each record names a clock of the
    workflow (and, for a clock run per entry, one of its entries), and nothing is
    recorded before the clock started."""
    raw = docs.get("clocks")
    if not isinstance(raw, dict):
        return []
    shown = f"{folder}/clocks.yaml"
    problems: list[str] = []
    seen: set[tuple[str, str | None]] = set()
    for i, record in enumerate(raw.get("clocks") or []):
        if not isinstance(record, dict):
            continue

        def at(key: str, message: str, i: int = i) -> None:
            problems.append(located(shown, line_of(raw, ("clocks", i, key)), f"clocks[{i}].{key}", message))

        clock = workflow.clock_for(str(record.get("clock")))
        if clock is None:
            at("clock", f"not a clock of the workflow (known: {', '.join(c.id for c in workflow.clocks)})")
            continue
        item = record.get("item")
        key = (clock.id, None if item is None else str(item))
        if key in seen:
            at("clock", "this clock has a record already; keep one record per clock")
        seen.add(key)
        start: Any = None
        if clock.each is None:
            if item is not None:
                at("item", "this clock runs once per case; remove item")
            start = start_of(clock, docs)
        else:
            entries = lookup(docs, clock.each) or []
            entry = next((e for e in entries if isinstance(e, dict) and str(e.get(clock.item)) == str(item)), None)
            if entry is None:
                at("item", f"names no entry of {clock.each}; name the {clock.item} the clock runs for")
                continue
            start = entry.get(clock.start or clock.due or "")
        if not isinstance(start, date):
            at("clock", "the clock has not started, so it cannot be paused or extended; remove the record")
            continue
        if clock.limit is None:
            continue  # a fixed due date: `start` is that date, and it may be paused before it
        firsts = [p.get("paused") for p in record.get("pauses") or [] if isinstance(p, dict)]
        firsts += [e.get("date") for e in record.get("extensions") or [] if isinstance(e, dict)]
        early = [d for d in firsts if isinstance(d, date) and d < start]
        if early:
            at("clock", f"a pause or extension on {min(early)} is before the clock started ({start}); "
                        "correct the date")
    return problems
