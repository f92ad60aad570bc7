"""Links between cases: parallel reviews of one incident, a joint review, or a rapid
review converted into a full one.  Each side records the link, so `show` has it from
both sides; both are written in one commit."""

from __future__ import annotations

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import check_id
from reviewctl.core.case.review_records import KINDS, Links
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_date, commit_message
from reviewctl.core.store.transaction import Outcome, apply, step_guard
from reviewctl.errors import RefusedError, UsageError


def link(store: Store, case_id: str, other_id: str, kind: str, options: StepOptions) -> Outcome:
    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r} is not one of: {', '.join(KINDS)}")
    if check_id(case_id).upper() == check_id(other_id).upper():
        raise UsageError(f"{case_id}: a case cannot be linked to itself")
    with step_guard(store, case_id), step_guard(store, other_id, locked=True):
        edits = [Edit.load(store, case_id), Edit.load(store, other_id)]
        for edit, target in ((edits[0], other_id), (edits[1], case_id)):
            store.workflow.require_record("link", edit.case.stage, edit.case_id)
            when = check_date(options.date, edit)
            links = edit.write(Links).seq("links")
            if any(str(entry["case"]) == target for entry in links):
                raise RefusedError(f"{edit.case_id} is already linked to {target}")
            links.append(yamlio.new_map({"case": target, "kind": kind, "date": when}))
            edit.check()
        changes = {**edits[0].changes(), **edits[1].changes()}
        summary = f"{kind} {other_id}"
        return apply(store, case_id, "link", summary, changes,
                     commit_message(case_id, "link", summary), options.dry_run, propose=options.propose)
