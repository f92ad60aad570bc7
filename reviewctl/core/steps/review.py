"""The review itself: terms of reference and schedule, milestones, family engagement,
and the conduct checklist."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import Milestone, Review
from reviewctl.core.case.typed_dates import NotADate, read_date
from reviewctl.core.signing.approved_text import sha256
from reviewctl.core.steps.write import render_document, run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.inputs import read_input
from reviewctl.core.store.step import Edit, StepOptions, check_planned, required_text
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError

TOR_FILE = "terms-of-reference.md"


def read_markdown(path: Path, flag: str) -> str:

    text = read_input(path, flag)
    if not text.strip():
        raise UsageError(f"{flag} {path}: the file is empty")
    return text if text.endswith("\n") else text + "\n"


def parse_milestones(values: list[str], today: date) -> list[tuple[str, date]]:
    parsed = []
    for value in values:
        name, sep, when = value.rpartition("=")
        if not sep or not name.strip():
            raise UsageError(f"--milestone {value!r} must be NAME=DATE, e.g. \"Panel 1=1/12/2026\"")
        try:
            due = read_date(when)
        except NotADate as error:
            raise UsageError(f"--milestone {value!r}: {when.strip()!r} is not a real date{error.why}") from None
        parsed.append((name.strip(), check_planned(due, today, f"--milestone {name.strip()}:")))
    return parsed


def tor(store: Store, case_id: str, *, file: Path, milestones: list[str], options: StepOptions) -> Outcome:
    text = read_markdown(file, "--file")
    schedule = parse_milestones(milestones, options.today)
    if not schedule:
        raise UsageError("give the schedule as --milestone NAME=DATE (repeat for each milestone)")

    def change(edit: Edit, when: date) -> str:
        for name, due in schedule:
            if due < when:
                raise UsageError(f"--milestone {name}={due} is before the terms of reference ({when})")
        edit.extra[store.case_dir(case_id) / TOR_FILE] = text
        review = edit.write(Review)
        review["milestones"] = yamlio.new_seq(
            [yamlio.new_map({"name": name, "due": due}) for name, due in schedule])
        review["tor"] = yamlio.new_map({
            "file": TOR_FILE, "sha256": sha256(text), "date": when,
            "schedule": render_document(edit, "tor-schedule.md.j2", "terms-of-reference-schedule",
                                        when, milestones=[{"name": n, "due": d} for n, d in schedule]),
        })
        return Act.TOR

    return run_record(store, case_id, Act.TOR, options, change)


def milestone_met(store: Store, case_id: str, name: str, options: StepOptions) -> Outcome:
    def change(edit: Edit, when: date) -> None:
        milestones = edit.write(Review).rows("milestones", Milestone)
        entry = next((m for m in milestones if m.now.name.casefold() == name.strip().casefold()), None)
        if entry is None:
            known = ", ".join(m.now.name for m in milestones) or "none"
            raise UsageError(f"{case_id}: no milestone {name!r} (milestones: {known})")
        if entry.now.met:
            raise RefusedError(f"{case_id}: milestone {entry.now.name!r} was already met on {entry.now.met}")
        entry["met"] = when

    return run_record(store, case_id, "milestone", options, change)


def engage(store: Store, case_id: str, *, with_whom: str, note: str, options: StepOptions) -> Outcome:
    who = required_text(with_whom, "--with", "say who, by role (e.g. 'mother', 'family')")
    text = required_text(note, "--note", "say what happened")

    def change(edit: Edit, when: date) -> None:
        edit.write(Review).seq("engagement").append(yamlio.new_map({"with": who, "date": when, "note": text,
                                                                    "by": store.repo.identity().name}))

    return run_record(store, case_id, "engage", options, change)


def tick(store: Store, case_id: str, items: list[str], options: StepOptions) -> Outcome:
    known = {item.id for item in store.workflow.checklist}
    for item in items:
        if item not in known:
            raise UsageError(f"--tick {item!r} is not a checklist item (items: {', '.join(sorted(known))})")

    def change(edit: Edit, when: date) -> None:
        checklist = edit.write(Review).mapping("checklist")
        for item in items:
            if item in checklist:
                raise RefusedError(f"{case_id}: '{item}' was already ticked on {checklist[item]}")
            checklist[item] = when

    return run_record(store, case_id, "checklist", options, change)
