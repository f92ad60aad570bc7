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
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from reviewctl.core.case.models import Strict, Text

if TYPE_CHECKING:
    pass


class Pause(Strict, frozen=True):
    paused: dt.date
    resumed: dt.date | None = None  # None: still paused
    reason: Text
    for_: str | None = Field(default=None, alias="for")  # the parallel proceeding waited for
    by: Text
    recorded: dt.date


class Extension(Strict, frozen=True):
    date: dt.date  # when it was agreed
    to: dt.date  # the new due date
    reason: Text
    agreed_by: str | None = None
    by: Text
    recorded: dt.date


class ClockRecord(Strict, frozen=True):
    clock: Text
    item: str | None = None
    pauses: list[Pause] = []
    extensions: list[Extension] = []

    @model_validator(mode="after")
    def _in_order(self) -> ClockRecord:
        # Pauses and extensions follow one another: none starts inside a pause.  On one day
        # an extension comes before a pause: a paused clock is not extended, so it was agreed
        # before the pause began.  That each extension is later than the one before it holds
        # within one deadline: a reopening may start the clock again (workflow/conformance.py).
        changes = sorted([(p.paused, p.resumed, "a pause") for p in self.pauses]
                         + [(e.date, e.date, "an extension") for e in self.extensions],
                         key=lambda c: (c[0], c[2] == "a pause"))
        for (begun, end, _what), (after, _, next_what) in itertools.pairwise(changes):
            if end is None or after < end:
                raise ValueError(f"{next_what} on {after} falls inside a pause that began on {begun}; "
                                 "a clock is resumed before anything else is recorded for it")
        for p in self.pauses:
            if p.resumed is not None and p.resumed < p.paused:
                raise ValueError(f"a pause resumed on {p.resumed}, before it began on {p.paused}; "
                                 "correct the dates")
        return self


class Clocks(Strict, frozen=True):
    clocks: list[ClockRecord] = []
