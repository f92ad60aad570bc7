"""Parallel proceedings (a criminal trial, an inquest, an IOPC investigation, a CDOP
review) that a review runs beside and may wait for, each with its dated events."""

from __future__ import annotations

from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.files import CaseFiles
from reviewctl.core.case.statutory_records import Proceeding, Proceedings
from reviewctl.core.case.views import Row
from reviewctl.core.steps.write import run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, required_text
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.statute import check_value
from reviewctl.errors import UsageError

RECORD = "parallel"


def add(store: Store, case_id: str, kind: str, ref: str, options: StepOptions) -> Outcome:
    kind = check_value(kind, store.workflow.statute.proceedings, "--kind")
    ref = required_text(ref, "--ref", "give the proceeding's reference (court, coroner's or IOPC reference)")

    def change(edit: Edit, when: date) -> None:
        found = edit.write(Proceedings).seq("proceedings")
        number = len(found) + 1
        found.append(yamlio.new_map({"id": f"P{number}", "kind": kind, "ref": ref, "added": when}))

    return run_record(store, case_id, RECORD, options, change)


def event(store: Store, case_id: str, proceeding: str, text: str, options: StepOptions) -> Outcome:
    what = required_text(text, "--event", "say what happened, e.g. 'hearing listed for 3 May 2027'")

    def change(edit: Edit, when: date) -> None:
        entry = _find(edit.files, proceeding)
        entry.seq("events").append(
            yamlio.new_map({"date": when, "event": what, "by": store.repo.identity().name}))

    return run_record(store, case_id, RECORD, options, change)


def _find(files: CaseFiles, proceeding: str) -> Row[Proceeding]:
    found = files.write(Proceedings).rows("proceedings", Proceeding)
    for entry in found:
        if entry.now.id.casefold() == proceeding.strip().casefold():
            return entry
    known = ", ".join(e.now.id for e in found) or "none yet"
    raise UsageError(f"{files.id}: no such parallel proceeding (known: {known}); "
                     "add one with `reviewctl parallel add ID --kind KIND --ref TEXT`")


def waited_for(store: Store, case_id: str, proceeding: str) -> str:
    """What a clock pause names when it waits for a recorded proceeding: its id, kind and reference."""
    entry = _find(store.case(case_id), proceeding).now
    return f"{entry.id} ({entry.kind}, {entry.ref})"
