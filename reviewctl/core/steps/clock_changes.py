"""Pausing, resuming and extending a case's clocks: each a step with its reason, recorded in
clocks.yaml (`clock pause|resume|extend`); a pause may name the parallel proceeding it waits for."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from reviewctl.adapters import yamlio
from reviewctl.core.case.views import Node
from reviewctl.core.clocks.deadlines import (
    WORKING_DAYS,
    Deadline,
    paused_length,
    revise,
    with_status,
)
from reviewctl.core.clocks.per_case import deadline_inputs
from reviewctl.core.clocks.story import Target, find_target
from reviewctl.core.steps.proceedings import waited_for
from reviewctl.core.steps.write import finish
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_date, check_planned, optional_text, required_text
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.errors import RefusedError, UsageError


def _running(case_id: str, target: Target, now: Deadline | None, doing: str) -> Deadline:
    if now is None or now.status == "missed":
        raise RefusedError(f"{case_id}: {target.key} no longer runs (the case has moved on); "
                           f"there is nothing to {doing}")
    if now.settled:
        raise RefusedError(f"{case_id}: {target.key} was already met on {now.met_on}; there is nothing to {doing}")
    return now


def _in_order(case_id: str, target: Target, when: date) -> None:
    start, changes = target.given[3], target.given[8]
    if target.clock.limit is not None and when < start:
        raise UsageError(f"{case_id}: --date {when} is before {target.key} started ({start}); give a later date")
    last = max((end or begun if kind == "pause" else begun for kind, begun, end, _, _ in changes), default=None)
    if last is not None and when < last:
        raise UsageError(f"{case_id}: --date {when} is before the last pause or extension of {target.key} "
                         f"({last}); record them in the order they happened")


def _record(edit: Edit, target: Target) -> Node:
    """The clock's record in clocks.yaml, made (and added) if it has none yet."""
    records = edit.doc("clocks").setdefault("clocks", yamlio.new_seq())
    for record in records:
        if isinstance(record, dict) and record.get("clock") == target.clock.id and record.get("item") == target.item:
            return record
    record = yamlio.new_map({"clock": target.clock.id, **({"item": target.item} if target.item else {})})
    records.append(record)
    return record


class Loaded(NamedTuple):
    """A clock step's case, the clock it names, the step's date and the clock's deadline now."""

    edit: Edit
    target: Target
    when: date
    now: Deadline | None


def _load(store: Store, case_id: str, name: str, options: StepOptions) -> Loaded:
    edit = Edit.load(store, case_id)
    when = check_date(options.date, edit)
    target = find_target(store.workflow, edit.docs, case_id, name, store.calendar)
    now = with_status(target.given, options.today, store.config.due_soon_working_days, store.calendar)
    return Loaded(edit, target, when, now)


def pause(store: Store, case_id: str, name: str, reason: str, waits_for: str | None,
          options: StepOptions) -> Outcome:
    why = required_text(reason, "--reason", "say why the clock stops, e.g. --reason 'awaiting the criminal trial'")
    for_ = optional_text(waits_for)
    with step_guard(store, case_id):
        edit, target, when, now = _load(store, case_id, name, options)
        now = _running(case_id, target, now, "pause")
        if now.status == "paused":
            raise RefusedError(f"{case_id}: {target.key} is already paused since {now.paused_since}; "
                               f"resume it first with `reviewctl clock resume {case_id} {target.key}`")
        _in_order(case_id, target, when)
        pauses = _record(edit, target).setdefault("pauses", yamlio.new_seq())
        pauses.append(yamlio.new_map({
            "paused": when, "reason": why, **({"for": for_} if for_ else {}),
            "by": store.repo.identity().name, "recorded": options.today,
        }))
        return finish(edit, "clock-pause", f"{target.clock.id} paused", options)


def resume(store: Store, case_id: str, name: str, options: StepOptions) -> Outcome:
    with step_guard(store, case_id):
        edit, target, when, now = _load(store, case_id, name, options)
        if now is None or now.status != "paused" or now.paused_since is None:
            state = "no longer runs" if now is None else now.status
            raise RefusedError(f"{case_id}: {target.key} is not paused ({state}); only a paused clock is resumed")
        if when < now.paused_since:
            raise UsageError(f"{case_id}: --date {when} is before the pause began ({now.paused_since}); "
                             "give the day the clock started again")
        pauses = _record(edit, target)["pauses"]
        next(p for p in reversed(pauses) if p.get("resumed") is None).insert(1, "resumed", when)
        length = paused_length(target.given[7], now.paused_since, when, store.calendar)
        after = _due_after(store, edit, target, options)
        unit = "working days" if target.given[7] == WORKING_DAYS else "days"
        return finish(edit, "clock-resume", f"{target.clock.id} resumed after {length} {unit}; due {now.due} -> "
                      f"{after}", options)


def _due_after(store: Store, edit: Edit, target: Target, options: StepOptions) -> date:
    given = next(d for d in reversed(deadline_inputs(store.workflow, edit.docs, store.calendar))
                 if d.name == target.clock.id and d.item == target.item and d.until is None)
    return revise(given[4], given[7], given[8], options.today, store.calendar).due


def extend(store: Store, case_id: str, name: str, to: date, reason: str, agreed_by: str | None,
           options: StepOptions) -> Outcome:
    why = required_text(reason, "--reason", "say why, e.g. --reason 'new evidence from the inquest'")
    agreed = optional_text(agreed_by)
    check_planned(to, options.today, "--to")
    with step_guard(store, case_id):
        edit, target, when, now = _load(store, case_id, name, options)
        now = _running(case_id, target, now, "extend")
        if now.status == "paused":
            raise RefusedError(f"{case_id}: {target.key} is paused since {now.paused_since}; resume it first "
                               f"(`reviewctl clock resume {case_id} {target.key}`), then extend it")
        _in_order(case_id, target, when)
        if to <= now.due:
            raise UsageError(f"{case_id}: --to {to} is not later than the current due date of {target.key} "
                             f"({now.due}); an extension moves the due date later")
        extensions = _record(edit, target).setdefault("extensions", yamlio.new_seq())
        extensions.append(yamlio.new_map({
            "date": when, "to": to, "reason": why, **({"agreed_by": agreed} if agreed else {}),
            "by": store.repo.identity().name, "recorded": options.today,
        }))
        return finish(edit, "clock-extend", f"{target.clock.id} extended; due {now.due} -> {to}", options)


_PROCEEDING = re.compile(r"\s*[Pp]\d+\s*")  # an id from `parallel add`: P1, P2 ...


def pause_clock(store: Store, case_id: str, clock: str, reason: str, waits_for: str | None,
                options: StepOptions) -> Outcome:
    """Pause `clock`; a --for that is a proceeding's id is kept as its id, kind and reference."""
    if waits_for is not None and _PROCEEDING.fullmatch(waits_for):
        waits_for = waited_for(store, case_id, waits_for)
    return pause(store, case_id, clock, reason, waits_for, options)
