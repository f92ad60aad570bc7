"""The history as a model (issue 18): a Hypothesis state machine walks random legal paths
through the default workflow for each type (lcspr, sar, dhr), with corrections, pauses,
extensions, reopenings, withdrawals, changes of type and imports mixed in. It drives the real
command line (in process, `main`) on a real git store copied from the session's, keeps its own
plain account of each case beside it, and after every step checks what must always hold:

- `validate` passes;
- every deadline `show` gives is the one this model works out from the history it made, by its
  own simple reading of the workflow's clocks (below), not by clocks/per_case.py's;
- the stage is the history's last move;
- `stats` over the years counts every decision once, and every reopening;
- every letter says what the history says: the outcome it was written for, the review's name,
  the date it went out, published or not, and to whom.

`make test` runs a few examples from a fixed seed; `make test-long` many more
(REVIEWCTL_MODEL_EXAMPLES, REVIEWCTL_MODEL_STEPS, REVIEWCTL_MODEL_SEED). Each path it found
wrong is kept as a plain example in tests/test_model_findings.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pytest
from helpers import PARTNERS, REPORT, TICK_ALL, copy_store, snapshot
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from ruamel.yaml import YAML

from reviewctl.adapters.calendar import Calendar, add_months
from reviewctl.cli.app import main

# The default store's calendar: England and Wales's bank holidays, no closure days of its own.
_CALENDAR = Calendar()
add_working_days, working_days_between = _CALENDAR.add_working_days, _CALENDAR.working_days_between

T = TypeVar("T")
TODAY = date(2027, 12, 31)
DUE_SOON = 3
EXAMPLES = int(os.environ.get("REVIEWCTL_MODEL_EXAMPLES", "5"))
STEPS = int(os.environ.get("REVIEWCTL_MODEL_STEPS", "20"))
SEED = int(os.environ.get("REVIEWCTL_MODEL_SEED", "18"))
TYPES = ("lcspr", "sar", "dhr")
NAMES = {"lcspr": "Local Child Safeguarding Practice Review", "sar": "Safeguarding Adults Review",
         "dhr": "Domestic Homicide Review"}
EARLY = frozenset({"referred", "scoping", "decision", "awaiting-chair"})
REVIEW = frozenset({"setup", "commissioned", "in-review", "report"})
TERMINAL = frozenset({"closed", "no-further-action", "not-conducted", "withdrawn", "national-review"})
FAMILY = "Person and family"
BODIES = {"lcspr": ("National Panel", "Ofsted", "Secretary of State"), "sar": (),
          "dhr": ("Home Office", "Domestic Abuse Commissioner")}
# The re-entry points of the default workflow: what each makes afresh, as this model names records.
REOPEN = {("no-further-action", "referred"): frozenset({"triage"}),
          ("withdrawn", "referred"): frozenset({"triage", "meeting", "chair"}),
          ("not-conducted", "decision"): frozenset({"meeting", "chair", "national"}),
          ("not-conducted", "awaiting-chair"): frozenset({"chair", "national"}),
          ("closed", "monitoring"): frozenset({"closed"})}


# -- a case, as this model keeps it ------------------------------------------------------------

@dataclass
class Entry:
    """A move of the case: when, from where (None for the referral), to where."""

    date: date
    source: str | None
    to: str
    reopen: bool = False
    imported: bool = False


@dataclass
class Item:
    """An entry of a list a clock runs once per: its name, the date it starts (or is due), met."""

    name: str
    first: date
    met: date | None = None


@dataclass(frozen=True)
class Reopening:
    """A reopening: the records it made afresh, and what they held when it was made."""

    afresh: frozenset[str]
    kept: dict[str, date]


@dataclass(frozen=True)
class Decision:
    outcome: str  # conduct | not-conduct
    cycle: int
    by_chair: bool


@dataclass(frozen=True)
class Change:
    kind: str  # pause | extension
    begun: date
    end: date  # resumed, or the date extended to


@dataclass(frozen=True)
class Letter:
    document: str
    says: tuple[str, ...]
    never: tuple[str, ...] = ()


@dataclass(repr=False)
class Case:
    id: str
    type: str
    stage: str
    day: date  # the latest date a step of it was recorded on
    dates: dict[str, date]  # the records: received, aware, triage, notified, meeting, chair, ...
    history: list[Entry]
    items: dict[str, list[Item]] = field(default_factory=dict)  # chronology, milestones, actions
    reopenings: list[Reopening] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    changes: dict[tuple[str, str | None], list[Change]] = field(default_factory=dict)
    letters: list[Letter] = field(default_factory=list)
    family: bool | None = None  # the family notice: given, not appropriate, or not recorded
    retyped: set[int] = field(default_factory=set)  # the cycles in which its type was changed
    imported: bool = False

    def __repr__(self) -> str:  # a failing path names the case, not its whole account
        return f"Case({self.id}, {self.type}, {self.stage})"

    @property
    def cycle(self) -> int:
        return len(self.reopenings)

    def records(self, cycle: int) -> dict[str, date]:
        """The records as they stood in `cycle`: what each later reopening made afresh is put
        back as it kept it (the first one's stands); everything else is one record for the case."""
        view = dict(self.dates)
        for reopening in reversed(self.reopenings[cycle:]):
            for name in reopening.afresh:
                view.pop(name, None)
            view.update(reopening.kept)
        return view

    def decided_on(self, decision: Decision) -> date:
        return self.records(decision.cycle)["chair" if decision.by_chair else "meeting"]

    def since(self, cycle: int) -> date | None:
        reopened = [e.date for e in self.history if e.reopen]
        return reopened[cycle - 1] if cycle else None


# -- the clocks, as this model reads them ------------------------------------------------------

WD, MONTHS, FIXED = "working days", "months", "fixed"


@dataclass(frozen=True)
class Spec:
    id: str
    types: frozenset[str] | None
    start: str  # a record of the model
    met: str
    unit: str
    limit: int
    runs: frozenset[str] | None  # the stages it runs in; None: until the case ends
    hold: bool = False  # a minimum period: met by time passing


SPECS = (
    Spec("si-notification", frozenset({"lcspr"}), "aware", "notified", WD, 5, EARLY),
    Spec("rapid-review", frozenset({"lcspr"}), "aware", "rapid", WD, 15, EARLY),
    Spec("dhr-decision", frozenset({"dhr"}), "aware", "chair", MONTHS, 1, EARLY),
    Spec("dhr-home-office-decision", frozenset({"dhr"}), "chair", "national", WD, 5,
         frozenset({"setup", "not-conducted"})),
    Spec("review-completion", frozenset({"sar"}), "conducted", "jcrg", MONTHS, 6, REVIEW),
    Spec("review-publication", frozenset({"lcspr"}), "conducted", "published", MONTHS, 6,
         REVIEW | {"jcrg-agreed", "approved"}),
    Spec("dhr-submission", frozenset({"dhr"}), "conducted", "submitted", MONTHS, 6,
         REVIEW | {"jcrg-agreed", "approved"}),
    Spec("report-online", None, "online", "removed", MONTHS, 12, None, hold=True),
)
# Clocks that run once per entry of a list: (clock, the list, unit, limit, the stages it runs in).
EACH = (("chronology-return", "chronology", WD, 20, frozenset({"setup", "commissioned", "in-review"})),
        ("milestone", "milestones", FIXED, 0, frozenset({"in-review", "report"})),
        ("action", "actions", FIXED, 0, frozenset({"jcrg-agreed", "approved", "published", "not-published",
                                                   "monitoring"})))


class Row(NamedTuple):
    """A deadline as `show --format json` gives it."""

    clock: str
    item: str | None
    cycle: int
    start: str
    due: str
    status: str
    met_on: str | None


class Clock(NamedTuple):
    """A clock's deadline in one cycle, from that cycle's records."""

    id: str
    item: str | None
    start: date | None
    met: date | None
    unit: str
    limit: int
    runs: frozenset[str] | None
    hold: bool


def _start(case: Case, records: dict[str, date], name: str, cycle: int) -> date | None:
    if name == "conducted":  # the latest decision made by then, if it was to conduct
        made = [d for d in case.decisions if d.cycle <= cycle]
        return case.decided_on(made[-1]) if made and made[-1].outcome == "conduct" else None
    if name == "aware":
        return records.get("aware") or records["received"]
    return records.get(name)


def _clocks(case: Case, cycle: int) -> list[Clock]:
    records = case.records(cycle)
    found = [Clock(s.id, None, _start(case, records, s.start, cycle), records.get(s.met), s.unit, s.limit, s.runs,
                   s.hold) for s in SPECS if s.types is None or case.type in s.types]
    for clock_id, key, unit, limit, runs in EACH:
        found += [Clock(clock_id, i.name, i.first, i.met, unit, limit, runs, False) for i in case.items.get(key, [])]
    return found


def _due(start: date, unit: str, limit: int) -> date:
    return add_working_days(start, limit) if unit == WD else add_months(start, limit) if unit == MONTHS else start


def _length(unit: str, begun: date, end: date) -> int:
    """A pause's length in the clock's unit: working days from the day paused to the day before
    it resumed (calendar days for a month or fixed clock)."""
    one = timedelta(days=1)
    return working_days_between(begun - one, end - one) if unit == WD else (end - begun).days


def _revised(due: date, unit: str, changes: list[Change], until: date, met: date | None) -> date:
    """The due date once the pauses and extensions made by `until` are counted, in the order
    they were made. A pause counts until it resumed, or until the clock was met while paused."""
    for change in sorted(changes, key=lambda c: c.begun):
        if change.begun > until:
            continue
        if change.kind == "extension":
            due = change.end
            continue
        end = change.end if change.end <= until else met
        if end is not None:
            length = _length(unit, change.begun, end)
            due = add_working_days(due, length) if unit == WD else due + timedelta(days=length)
    return due


def _status(due: date, met: date | None, stopped: date | None) -> str | None:
    if met is not None:
        return "met" if met <= due else "met-late"
    if stopped is not None:
        return None if stopped <= due else "missed"
    return "overdue" if due < TODAY else "due-soon" if working_days_between(TODAY, due) <= DUE_SOON else "open"


def expected_deadlines(case: Case) -> tuple[list[Row], dict[tuple[str, str | None], Row]]:
    """Every deadline of the case, worked out cycle by cycle: those a reopening ended, and the
    current one of each clock. A clock whose records start and meet it as in the cycle before
    is the same deadline, seen as it stands now; one whose records differ starts again, no
    earlier than the reopening, and the earlier one keeps the outcome it had when the case was
    reopened. A pause or extension belongs to the deadline it was made on."""
    moves = [i for i, e in enumerate(case.history) if e.reopen]
    latest: dict[tuple[str, str | None], tuple[tuple[date, date | None], date, int, Row | None]] = {}
    ended: list[Row] = []
    for cycle in range(case.cycle + 1):
        end = moves[cycle] if cycle < case.cycle else len(case.history)
        until = case.history[end].date if cycle < case.cycle else None
        stage = case.history[end].source if until is not None else case.stage
        since = case.since(cycle)
        for clock in _clocks(case, cycle):
            if clock.start is None:
                continue

            def running(at: str | None, runs: frozenset[str] | None = clock.runs) -> bool:
                return at in runs if runs is not None else at is not None and at not in TERMINAL

            left = next((e for e in reversed(case.history[:end]) if running(e.source) and not running(e.to)), None)
            if clock.met is None and left is not None and left.imported and not running(stage):
                continue  # brought in past it with no date for it: not known, neither met nor missed
            key, same = (clock.id, clock.item), (clock.start, clock.met)
            before = latest.get(key)
            if before is not None and before[0] == same:
                start, first = before[1], before[2]
            else:
                if before is not None and before[3] is not None:
                    ended.append(before[3])
                start, first = (max(clock.start, since) if since and clock.unit != FIXED else clock.start), cycle
            stopped = until if running(stage) else left.date if left is not None else date.min
            if stopped is not None and clock.unit != FIXED:
                stopped = max(stopped, start)
            latest[key] = (same, start, first, _row(case, clock, start, first, stopped))
    return ended, {key: v[3] for key, v in latest.items() if v[3] is not None}


def all_deadlines(case: Case) -> set[Row]:
    ended, current = expected_deadlines(case)
    return {*ended, *current.values()}


def _row(case: Case, clock: Clock, start: date, cycle: int, stopped: date | None) -> Row | None:
    if clock.unit != FIXED and start > TODAY:
        return None
    due = _due(start, clock.unit, clock.limit)
    met = due if clock.hold and clock.met is None else clock.met
    met = met if met is not None and met <= TODAY else None
    stopped = stopped if stopped is not None and stopped <= TODAY else None
    since = case.since(cycle)
    changes = [c for c in case.changes.get((clock.id, clock.item), [])
               if since is None or clock.unit == FIXED or c.begun >= since]
    due = _revised(due, clock.unit, changes, met or stopped or TODAY, met)
    status = _status(due, met, stopped)
    if status is None:
        return None
    return Row(clock.id, clock.item, cycle, start.isoformat(), due.isoformat(), status,
               met.isoformat() if met else None)


# -- the command line, in process ---------------------------------------------------------------

@dataclass
class Said:
    code: int
    out: str
    err: str


def run(*args: str) -> Said:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Said(code, out.getvalue(), err.getvalue())


def ok(*args: str) -> Said:
    said = run(*args)
    assert said.code == 0, (args, said.err)
    return said


def taken(store: Path, *args: str) -> bool:
    """Run a step the model does not know to be allowed: True if it was taken; if refused, the
    refusal is one clean line with a refusal's or a usage error's code, and nothing changed."""
    before = snapshot(store)
    said = run(*args)
    if said.code == 0:
        return True
    assert said.code in (1, 2), (args, said.code, said.err)
    assert said.err.startswith("error: ") and said.err.count("\n") == 1 and said.out == "", said.err
    assert snapshot(store) == before, args
    return False


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _on(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _words(text: str) -> str:
    return re.sub(r"[\s*]+", " ", text)


# -- the state machine ---------------------------------------------------------------------------

class HistoryModel(RuleBasedStateMachine):
    """Cases walked through the workflow by the real commands, beside this model of them."""

    template: Path  # the session's store, set by the test

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="history-model-"))
        self.store = self.folder / "store"
        copy_store(self.template, self.store)
        self.was = Path.cwd()
        os.chdir(self.store)
        self.cases: dict[str, Case] = {}
        self.files = self.folder / "files"
        self.files.mkdir()
        (self.files / "report.md").write_text(REPORT)
        (self.files / "plan.md").write_text("# Communications plan\n\nFictional.\n")
        (self.files / "tor.md").write_text("# Terms of reference\n\nFictional.\n")
        (self.files / "qa.md").write_text("# Home Office QA Panel\n\nThe Panel approves the report.\n")

    def teardown(self) -> None:
        os.chdir(self.was)
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------
    def _next(self, case: Case, days: int) -> date:
        case.day = min(TODAY, case.day + _days(days))
        return case.day

    def _move(self, case: Case, to: str, when: date, reopen: bool = False) -> None:
        case.history.append(Entry(when, case.stage, to, reopen=reopen))
        case.stage = to

    def _in(self, *stages: str, types: tuple[str, ...] = TYPES) -> list[Case]:
        return [c for c in self.cases.values() if c.stage in stages and c.type in types]

    @staticmethod
    def _pick(data: st.DataObject, choices: list[T]) -> T:
        """One of `choices`, drawn by the name a failing path prints: the case, and what of it."""
        names = [" ".join(str(part) for part in (c if isinstance(c, tuple) else (c,)) if isinstance(part, Case | str))
                 for c in choices]
        return choices[names.index(data.draw(st.sampled_from(names)))]

    def _doc(self, case: Case, name: str) -> Any:
        return _load(self.store / "cases" / case.id / f"{name}.yaml") or {}

    # -- a new case ---------------------------------------------------------------------------
    @initialize(case_type=st.sampled_from(TYPES), offset=st.integers(0, 200))
    def refer(self, case_type: str, offset: int) -> None:
        self._refer(case_type, date(2026, 1, 5) + _days(offset))

    @precondition(lambda self: len(self.cases) < 3)
    @rule(case_type=st.sampled_from(TYPES), offset=st.integers(0, 400))
    def another(self, case_type: str, offset: int) -> None:
        self._refer(case_type, date(2026, 1, 5) + _days(offset))

    def _refer(self, case_type: str, received: date) -> None:
        day = received.isoformat()
        case_id = ok("refer", "--type", case_type, "--subject", "Adult Z", "--referrer", "Fictional Police",
                     "--received", day, "--aware", day, "--summary", "Fictional summary",
                     "--agency", "Police").out.strip()
        self.cases[case_id] = Case(case_id, case_type, "referred", received, {"received": received, "aware": received},
                                   [Entry(received, None, "referred")])

    # -- the workflow's steps, forward ------------------------------------------------------------
    def _forward(self) -> list[Case]:
        return [c for c in self.cases.values() if self._step_of(c) is not None]

    def _step_of(self, case: Case) -> Callable[[Case, st.DataObject], None] | None:
        if case.stage == "setup":
            return self._notify if self._to_notify(case) else self._commission
        return {"referred": self._triage, "scoping": self._scope, "decision": self._decide,
                "awaiting-chair": self._chair, "in-review": self._review, "jcrg-agreed": self._approve,
                "approved": self._publish, "published": self._monitor, "not-published": self._monitor,
                "monitoring": self._close}.get(case.stage)

    @precondition(lambda self: self._forward())
    @rule(data=st.data(), steps=st.integers(1, 5))
    def advance(self, data: st.DataObject, steps: int) -> None:
        """A case taken forward by a few of the steps its stage offers."""
        case = self._pick(data, self._forward())
        for _ in range(steps):
            step = self._step_of(case)
            if step is None:
                return
            step(case, data)

    def _triage(self, case: Case, data: st.DataObject) -> None:
        accept = data.draw(st.integers(0, 4), label="accept") > 0
        when = self._next(case, data.draw(st.integers(0, 10), label="days"))
        ok("triage", case.id, "--accept" if accept else "--no-further-action", "--reason", "r",
           "--date", when.isoformat())
        case.dates["triage"] = when
        self._move(case, "scoping" if accept else "no-further-action", when)

    def _scope(self, case: Case, data: st.DataObject) -> None:
        if case.type == "lcspr" and "notified" not in case.dates:
            told = max(self._next(case, data.draw(st.integers(0, 8), label="notified after")),
                       case.dates.get("aware", case.dates["received"]))  # corrected: it may come after
            sent = max(self._next(case, data.draw(st.integers(0, 20), label="rapid review after")), told)
            ok("scope", case.id, "--notified", told.isoformat(), "--rapid-review-sent", sent.isoformat(),
               "--date", sent.isoformat())
            case.dates.update(notified=told, rapid=sent)
        when = self._next(case, data.draw(st.integers(0, 10), label="days"))
        ok("scope", case.id, "--done", "--date", when.isoformat())
        self._move(case, "decision", when)

    def _decide(self, case: Case, data: st.DataObject) -> None:
        conduct = data.draw(st.booleans(), label="conduct")
        when = self._next(case, data.draw(st.integers(0, 40), label="days"))
        extra: list[str] = []
        if case.type == "lcspr":
            extra = [*PARTNERS] + ([] if conduct else ["--learning-to", "L&D group"])
        elif case.type == "sar" and conduct:
            extra = ["--basis", "mandatory"]
        ok("decide", case.id, "--conduct" if conduct else "--not-conduct", "--rationale", "r", *extra,
           "--date", when.isoformat())
        case.dates["meeting"] = when
        if case.type == "lcspr":
            self._decided(case, conduct, when, by_chair=False)
        else:
            self._move(case, "awaiting-chair", when)

    def _chair(self, case: Case, data: st.DataObject) -> None:
        conduct = data.draw(st.booleans(), label="conduct")
        when = self._next(case, data.draw(st.integers(0, 40), label="days"))
        extra = (["--basis", "mandatory"] if case.type == "sar" else []) if conduct else ["--learning-to", "L&D group"]
        ok("decide", case.id, "--chair", "--conduct" if conduct else "--not-conduct", "--rationale", "r", *extra,
           "--date", when.isoformat())
        case.dates["chair"] = when
        self._decided(case, conduct, when, by_chair=True)

    def _decided(self, case: Case, conduct: bool, when: date, by_chair: bool) -> None:
        case.decisions.append(Decision("conduct" if conduct else "not-conduct", case.cycle, by_chair))
        letter = self._doc(case, "decision")["referrer_letter"]
        said, other = ("decided to conduct", "decided not to conduct") if conduct else \
            ("decided not to conduct", "decided to conduct")
        case.letters.append(Letter(letter, (f"{said} a {NAMES[case.type]}", _on(when)), (other,)))
        self._move(case, "setup" if conduct else "not-conducted", when)

    @staticmethod
    def _to_notify(case: Case) -> list[str]:
        national = case.type != "sar" and case.stage in ("setup", "not-conducted") and "national" not in case.dates
        return [*(["national"] if national else []), *(["family"] if case.stage == "setup" and case.family is None
                                                        else [])]

    def _notices(self) -> list[tuple[Case, str]]:
        return [(c, kind) for c in self._in("not-conducted") for kind in self._to_notify(c)]

    @precondition(lambda self: self._notices())
    @rule(data=st.data())
    def notify_after_not_conducting(self, data: st.DataObject) -> None:
        """The national body told of a decision not to conduct (lcspr: the Panel; dhr: the Home Office)."""
        case, _ = self._pick(data, self._notices())
        self._notify(case, data)

    def _notify(self, case: Case, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(self._to_notify(case)), label="notice")
        when = self._next(case, data.draw(st.integers(0, 10), label="days"))
        if kind == "family":
            appropriate = data.draw(st.integers(0, 3), label="appropriate") > 0
            how = [] if appropriate else ["--not-appropriate", "the family asked not to be contacted"]
            ok("notify", case.id, "--family", *how, "--date", when.isoformat())
            case.family = appropriate
            if appropriate:
                document = self._doc(case, "setup")["family"]["document"]
                case.letters.append(Letter(document, (f"decided to carry out a {NAMES[case.type]}", _on(when))))
            return
        ok("notify", case.id, "--national", "--date", when.isoformat())
        case.dates["national"] = when
        document = self._doc(case, "setup")["national"]["document"]
        conducted = case.decisions[-1].outcome == "conduct"
        said, other = ("decided to conduct", "decided not to conduct") if conducted else \
            ("decided not to conduct", "decided to conduct")
        case.letters.append(Letter(document, (f"{said} a {NAMES[case.type]}", _on(when)), (other,)))

    def _commission(self, case: Case, data: st.DataObject) -> None:
        when = self._next(case, data.draw(st.integers(0, 20), label="days")).isoformat()
        ok("chronology", "request", case.id, "--agency", "Police", "--date", when)
        ok("commission", case.id, "--lead-reviewer", "Fictional Reviewer", "--organisation", "Fictional Reviews Ltd",
           "--declare-independent", "--date", when)
        ok("panel", "add", case.id, "--name", "Panel Member", "--agency", "Police", "--role", "DI", "--date", when)
        due = case.day + _days(data.draw(st.integers(10, 200), label="milestone due after"))
        ok("tor", case.id, "--file", str(self.files / "tor.md"), "--milestone", f"Panel={due.isoformat()}",
           "--date", when)
        case.items.setdefault("chronology", []).append(Item("Police", case.day))
        case.items.setdefault("milestones", []).append(Item("Panel", due))
        self._move(case, "commissioned", case.day)
        self._move(case, "in-review", case.day)

    def _review(self, case: Case, data: st.DataObject) -> None:
        """The milestone met (or not), the report agreed and presented, and the JCRG's agreement."""
        panel = next((i for i in case.items.get("milestones", []) if i.met is None), None)
        if panel is not None and data.draw(st.booleans(), label="milestone met"):
            panel.met = self._next(case, data.draw(st.integers(0, 120), label="days"))
            ok("milestone", case.id, panel.name, "--date", panel.met.isoformat())
        when = self._next(case, data.draw(st.integers(0, 120), label="days")).isoformat()
        ok("checklist", case.id, *TICK_ALL, "--date", when)
        ok("report", case.id, "--file", str(self.files / "report.md"), "--date", when)
        ok("report", case.id, "--agreed", "--date", when)
        ok("present", case.id, "--date", when)
        self._move(case, "report", case.day)
        due = case.day + _days(data.draw(st.integers(10, 200), label="action due after"))
        ok("jcrg", case.id, "--final-report", "1", "--comms-plan", str(self.files / "plan.md"), "--action", "a",
           "--owner", "Council", "--due", due.isoformat(), "--measure", "m", "--date", when)
        case.dates["jcrg"] = case.day
        case.items.setdefault("actions", []).append(Item("A1", due))
        self._move(case, "jcrg-agreed", case.day)

    def _approve(self, case: Case, data: st.DataObject) -> None:
        when = self._next(case, data.draw(st.integers(0, 30), label="days")).isoformat()
        if case.type == "dhr":
            ok("home-office", "submit", case.id, "--date", when)
            ok("home-office", "qa", case.id, "--outcome", "approved", "--letter", str(self.files / "qa.md"),
               "--date", when)
            case.dates["submitted"] = case.day
        for role in ("sscp", "independent-chair"):
            ok("approve", case.id, "--role", role, "--date", when)
        self._move(case, "approved", case.day)

    def _publish(self, case: Case, data: st.DataObject) -> None:
        told = case.day
        when = self._next(case, data.draw(st.integers(10, 40), label="days"))
        route = data.draw(st.sampled_from(["full", "other"]), label="route")
        embargo = data.draw(st.one_of(st.none(), st.integers(0, 30)), label="embargo")
        public = route == "full" or case.type != "sar"
        publishes = "the information about improvements (not the full report)" \
            if route != "full" and case.type == "lcspr" else "the review report"
        how = ["--where", "https://example.invalid/r"] if public else []
        if route != "full" and case.type != "dhr":
            how += ["--route", "improvements-only" if case.type == "lcspr" else "not-published",
                    "--reason", "The family asked that it not be published"]
        on = when + _days(embargo) if embargo is not None and public else when
        on = when if on > TODAY else on
        if on != when:
            how += ["--embargo-until", on.isoformat()]
        if working_days_between(told, on) < 7:
            told = when  # too near the end of the model's time for the lcspr notice period: no lcspr notice
            if case.type == "lcspr":
                return
        ok("publish", case.id, *how, "--notified-on", told.isoformat(), "--date", when.isoformat())
        case.dates["published"] = on
        if public:
            case.dates["online"] = on
        notices = self._doc(case, "publication")["notifications"]
        expected = [*([FAMILY] if case.family is not False else []), *(BODIES[case.type] if public else ())]
        assert [n["to"] for n in notices] == expected, (notices, case.family)
        said = f"will publish {publishes} on {_on(on)}" if public else "will not publish the review report"
        other = "will not publish" if public else "will publish"
        case.letters += [Letter(n["document"], (said, _on(told)), (other,)) for n in notices]
        self._move(case, "published" if public else "not-published", when)

    def _sign_off(self, case: Case, data: st.DataObject) -> None:
        for item in case.items.get("actions", []):
            if item.met is None and data.draw(st.booleans(), label=f"{item.name} signed off"):
                item.met = self._next(case, data.draw(st.integers(0, 200), label="days"))
                ok("actions", "sign-off", case.id, item.name, "--date", item.met.isoformat())

    def _monitor(self, case: Case, data: st.DataObject) -> None:
        self._sign_off(case, data)
        when = self._next(case, data.draw(st.integers(0, 60), label="days"))
        ok("monitor", case.id, "--date", when.isoformat())
        self._move(case, "monitoring", when)

    def _close(self, case: Case, data: st.DataObject) -> None:
        self._sign_off(case, data)
        if any(i.met is None for i in case.items.get("actions", [])):
            return  # closed once the plan is done (actions closed unsigned stay closed when reopened)
        when = self._next(case, data.draw(st.integers(0, 60), label="days"))
        ok("close", case.id, "--reason", "done", "--date", when.isoformat())
        case.dates["closed"] = when
        self._move(case, "closed", when)

    # -- cases as they really run -------------------------------------------------------------------
    def _reopenable(self) -> list[tuple[Case, str]]:
        return [(case, target) for case in self.cases.values() for (source, target) in REOPEN
                if case.stage == source and not (target == "awaiting-chair" and case.type == "lcspr")]

    @precondition(lambda self: self._reopenable())
    @rule(data=st.data(), days=st.integers(0, 60))
    def reopen(self, data: st.DataObject, days: int) -> None:
        case, target = self._pick(data, self._reopenable())
        when = self._next(case, days)
        ok("reopen", case.id, "--to", target, "--reason", "new information", "--date", when.isoformat())
        afresh = REOPEN[(case.stage, target)]
        case.reopenings.append(Reopening(afresh, {k: v for k, v in case.dates.items() if k in afresh}))
        for name in afresh:
            case.dates.pop(name, None)
        self._move(case, target, when, reopen=True)

    @precondition(lambda self: self._in("referred", "scoping", "decision", "awaiting-chair"))
    @rule(data=st.data(), days=st.integers(0, 20))
    def withdraw(self, data: st.DataObject, days: int) -> None:
        case = self._pick(data, self._in("referred", "scoping", "decision", "awaiting-chair"))
        when = self._next(case, days)
        ok("withdraw", case.id, "--reason", "a duplicate", "--date", when.isoformat())
        self._move(case, "withdrawn", when)

    def _retypes(self) -> list[tuple[Case, str]]:
        found = []
        for case in self._in("referred", "scoping", "decision"):
            if case.cycle in case.retyped:
                continue  # once a cycle is plenty: a path of changes of type goes nowhere
            for other in TYPES:
                # lcspr needs the Panel told before the decision meeting: at `decision` only where it was.
                # Across lcspr and the others only before any decision: the history must stand as
                # if the case had been the new type all along, and their decisions differ.
                decided = case.decisions or any("awaiting-chair" in (e.source, e.to) for e in case.history)
                crossing = (other == "lcspr") != (case.type == "lcspr")
                if other != case.type and not (crossing and decided) and (
                        other != "lcspr" or case.stage != "decision" or "rapid" in case.dates):
                    found.append((case, other))
        return found

    @precondition(lambda self: self._retypes())
    @rule(data=st.data(), days=st.integers(0, 10))
    def retype(self, data: st.DataObject, days: int) -> None:
        case, other = self._pick(data, self._retypes())
        when = self._next(case, days)
        ok("retype", case.id, "--type", other, "--reason", "the police confirmed it", "--date", when.isoformat())
        case.type = other
        case.retyped.add(case.cycle)

    _DATES = (("case.aware", "aware"), ("case.received", "received"), ("scoping.notified", "notified"),
              ("scoping.rapid_review_sent", "rapid"), ("decision.meeting_date", "meeting"),
              ("decision.chair.date", "chair"), ("setup.national.date", "national"), ("jcrg.date", "jcrg"),
              ("homeoffice.submitted", "submitted"), ("publication.date", "published"),
              ("publication.online_from", "online"), ("monitoring.closed", "closed"))
    _ITEMS = (("review.milestones", "milestones"), ("jcrg.actions", "actions"),
              ("setup.chronology_requests", "chronology"))
    _ITEM_DATES = {"milestones": ("due", "met"), "actions": ("due", "signed_off"), "chronology": ("requested",)}

    def _amendable(self) -> list[tuple[Case, str, str, Item | None]]:
        found: list[tuple[Case, str, str, Item | None]] = []
        for case in self.cases.values():
            found += [(case, path, key, None) for path, key in self._DATES if key in case.dates]
            for path, key in self._ITEMS:
                for item in case.items.get(key, []):
                    first, *met = self._ITEM_DATES[key]
                    found.append((case, f"{path}.{item.name}.{first}", "first", item))
                    if met and item.met is not None:
                        found.append((case, f"{path}.{item.name}.{met[0]}", "met", item))
        return found

    @precondition(lambda self: self._amendable())
    @rule(data=st.data(), by=st.integers(-10, 10).filter(bool))
    def amend(self, data: st.DataObject, by: int) -> None:
        """A correction of a date: taken, and the model follows; or refused, and nothing changed."""
        case, path, key, item = self._pick(data, self._amendable())
        old = case.dates[key] if item is None else item.first if key == "first" else item.met
        assert old is not None
        new = old + _days(by)
        if new > TODAY and "due" not in path:
            return
        if not taken(self.store, "amend", case.id, path, new.isoformat(), "--reason", "typed wrong"):
            return
        if item is None:
            case.dates[key] = new
        elif key == "first":
            item.first = new
        else:
            item.met = new

    def _running(self) -> list[tuple[Case, str, str | None, Row]]:
        return [(case, clock, item, row) for case in self.cases.values()
                for (clock, item), row in expected_deadlines(case)[1].items()
                if row.status in ("open", "due-soon", "overdue") and clock != "report-online"]

    @precondition(lambda self: self._running())
    @rule(data=st.data(), extend=st.booleans(), length=st.integers(0, 30), later=st.integers(1, 60))
    def pause_or_extend(self, data: st.DataObject, extend: bool, length: int, later: int) -> None:
        case, clock, item, row = self._pick(data, self._running())
        name = clock if item is None else f"{clock}:{item}"
        unit = next((s.unit for s in SPECS if s.id == clock), None) or next(e[2] for e in EACH if e[0] == clock)
        when = case.day if unit == FIXED else max(case.day, date.fromisoformat(row.start))
        if extend:
            to = date.fromisoformat(row.due) + _days(later)
            ok("clock", "extend", case.id, name, "--to", to.isoformat(), "--reason", "agreed",
               "--date", when.isoformat())
            case.changes.setdefault((clock, item), []).append(Change("extension", when, to))
            case.day = when
            return
        resumed = min(TODAY, when + _days(length))
        ok("clock", "pause", case.id, name, "--reason", "criminal trial", "--date", when.isoformat())
        ok("clock", "resume", case.id, name, "--date", resumed.isoformat())
        case.changes.setdefault((clock, item), []).append(Change("pause", when, resumed))
        case.day = resumed

    @precondition(lambda self: len(self.cases) < 4 and sum(c.imported for c in self.cases.values()) < 2)
    @rule(case_type=st.sampled_from(TYPES), stage=st.sampled_from(
        ["scoping", "decision", "setup", "in-review", "published", "closed", "not-conducted"]),
        gaps=st.lists(st.integers(1, 90), min_size=5, max_size=5), told=st.booleans())
    def import_case(self, case_type: str, stage: str, gaps: list[int], told: bool) -> None:
        """A case from an earlier tracker, at its stage, with the dates its row gives."""
        received = date(2025, 2, 3)
        triage = received + _days(gaps[0])
        decided = triage + _days(gaps[1])
        past = {"scoping": 0, "decision": 0, "setup": 1, "in-review": 1, "not-conducted": 1, "published": 2,
                "closed": 3}[stage]
        national = decided + _days(gaps[4] % 10) if past >= 1 and told and case_type != "sar" else None
        submitted = decided + _days(gaps[2]) if past >= 2 and told and case_type == "dhr" else None
        published = decided + _days(gaps[2] * 3)
        closed = published + _days(gaps[3])
        row = {"triage": triage, "decision": decided if past >= 1 else None, "national": national,
               "submitted": submitted, "published": published if past >= 2 else None,
               "closed": closed if past >= 3 else None}
        cells = ["Adult I", case_type, "Fictional Police", received.strftime("%d/%m/%Y"), stage, "Fictional", "Police"]
        cells += [v.strftime("%d/%m/%Y") if v else "" for v in row.values()]
        tracker = self.files / "tracker.csv"
        tracker.write_text("Pseudonym,Review type,Referred by,Date received,Status,Summary,Agencies,Triage date,"
                           "Decision date,National body told,Sent to Home Office,Publication date,Closure date\n"
                           + ",".join(cells) + "\n")
        mapping = self.files / "map.yaml"
        mapping.write_text("columns: {subject: Pseudonym, type: Review type, referrer: Referred by, received: "
                           "Date received, stage: Status, summary: Summary, agencies: Agencies, triage: Triage date, "
                           "decision: Decision date, national_notified: National body told, "
                           "submitted: Sent to Home Office, published: Publication date, closed: Closure date}\n")
        case_id = ok("import", str(tracker), "--map", str(mapping)).out.strip()
        dates = {"received": received, "triage": triage}
        history = [Entry(received, None, "referred"), Entry(triage, "referred", "scoping", imported=True)]
        case = Case(case_id, case_type, stage, max(v for v in [received, *row.values()] if v), dates, history,
                    imported=True)
        if past >= 1:
            outcome = "not-conduct" if stage == "not-conducted" else "conduct"
            dates["meeting"] = decided
            if case_type != "lcspr":
                dates["chair"] = decided
            case.decisions.append(Decision(outcome, 0, case_type != "lcspr"))
            history.append(Entry(decided, "scoping", "setup" if outcome == "conduct" else "not-conducted",
                                 imported=True))
        if national is not None:
            dates["national"] = national
        if submitted is not None:
            dates["submitted"] = submitted
        if past >= 2:
            dates.update(published=published, online=published)
            history.append(Entry(published, "setup", "published", imported=True))
        if past >= 3:
            dates["closed"] = closed
            history.append(Entry(closed, "published", "closed", imported=True))
        if history[-1].to != stage:
            history.append(Entry(history[-1].date, history[-1].to, stage, imported=True))
        self.cases[case_id] = case

    # -- what must always hold ---------------------------------------------------------------------
    @invariant()
    def the_store_is_valid(self) -> None:
        said = run("validate")
        assert said.code == 0, said.out + said.err

    @invariant()
    def each_case_is_what_its_history_says(self) -> None:
        for case in self.cases.values():
            folder = self.store / "cases" / case.id
            record = _load(folder / "case.yaml")
            moves = [h for h in record["history"] if h["from"] != h["to"]]
            assert record["stage"] == moves[-1]["to"] == case.stage, case
            assert record["type"] == case.type, case
            view = json.loads(ok("show", case.id, "--format", "json").out)
            shown = {Row(d["name"], d["item"], d["cycle"], d["start"], d["due"], d["status"], d["met_on"])
                     for d in view["deadlines"]}
            expected = all_deadlines(case)
            assert shown == expected, (case, sorted(shown - expected), sorted(expected - shown))
            for letter in case.letters:
                text = _words((folder / letter.document).read_text())
                for fact in letter.says:
                    assert fact in text, (case, letter.document, fact)
                for fact in letter.never:
                    assert fact not in text, (case, letter.document, fact)

    @invariant()
    def every_decision_is_counted_once(self) -> None:
        made = [(c.decided_on(d), d) for c in self.cases.values() for d in c.decisions]
        reopened = [e.date for c in self.cases.values() for e in c.history if e.reopen]
        counted = {"conduct": 0, "not-conduct": 0, "reopenings": 0, "after": 0}
        for year in sorted({day.year for day, _ in made} | {day.year for day in reopened}):
            figures = json.loads(ok("stats", "--year", str(year), "--format", "json").out)
            for outcome in ("conduct", "not-conduct"):
                counted[outcome] += figures["decisions"][outcome]
            counted["reopenings"] += figures["reopenings"]["count"]
            counted["after"] += figures["reopenings"]["decisions_after"]
        assert counted == {"conduct": sum(1 for _, d in made if d.outcome == "conduct"),
                           "not-conduct": sum(1 for _, d in made if d.outcome == "not-conduct"),
                           "reopenings": len(reopened), "after": sum(1 for _, d in made if d.cycle > 0)}, counted


@pytest.fixture
def model_store(_plain_store: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVIEWCTL_TODAY", TODAY.isoformat())
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))  # nothing written beside the code
    return _plain_store


def test_the_history_is_the_truth(model_store: Path) -> None:
    HistoryModel.template = model_store
    try:
        run_state_machine_as_test(seed(SEED)(HistoryModel), settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    except Exception as failed:  # the path is printed; the seed walks it again
        failed.add_note(f"REVIEWCTL_MODEL_SEED={SEED} REVIEWCTL_MODEL_EXAMPLES={EXAMPLES} "
                        f"REVIEWCTL_MODEL_STEPS={STEPS} walks it again")
        raise
