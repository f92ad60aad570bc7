"""lcspr: the National Panel takes a case into a national review (Children Act 2004 s.16B).

The workflow says what that does to the local review: from a stage with a transition
whose action is `national-review`, the local review ends there (the default workflow:
before the partners decide to conduct one); in a stage where `records:` allows
`national-review`, it is recorded and the local review goes on beside it.  Either way
the date is kept in scoping.yaml (`national_review`); whether the local review ended is
read from the history, never stored twice.
"""

from __future__ import annotations

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import Scoping
from reviewctl.core.steps.write import add_note, advance, finish
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_date
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError

RECORD = Act.NATIONAL_REVIEW


def national_review(store: Store, case_id: str, options: StepOptions) -> Outcome:
    flow = store.workflow
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        stage, case_type = edit.case.stage, edit.case.type
        types = flow.record_types.get(RECORD)
        if types is not None and case_type not in types:
            raise RefusedError(f"{case_id}: the National Panel's national reviews are of {', '.join(types)} cases; "
                               f"this case is '{case_type}' (settle the type first)")
        scoping = edit.files.scoping
        taken = scoping.national_review if scoping is not None else None
        if taken is not None:
            raise RefusedError(f"{case_id}: the Panel's national review is already recorded ({taken.date})")
        ends = flow.for_action(Act.NATIONAL_REVIEW, stage, case_type)
        beside = flow.records.get(RECORD, [])
        if ends is None and stage not in beside:
            where = [*flow.sources(Act.NATIONAL_REVIEW), *(s for s in beside
                                                           if s not in flow.sources(Act.NATIONAL_REVIEW))]
            raise RefusedError(f"{case_id}: a national review is not recorded in stage '{stage}' "
                               f"(the workflow allows it in: {', '.join(where) or 'no stage'})")
        when = check_date(options.date, edit, not_before_last=ends is not None)
        edit.write(Scoping)["national_review"] = yamlio.new_map({"date": when})
        if ends is not None:
            transition = advance(edit, Act.NATIONAL_REVIEW, options)
            return finish(edit, Act.NATIONAL_REVIEW, f"{stage} -> {transition.to}", options)
        add_note(edit, RECORD, when, options)
        return finish(edit, RECORD, f"{stage}, beside the local review", options)
