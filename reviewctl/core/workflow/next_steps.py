"""What next: the steps a case may take from its stage, and what each still lacks.

Read from the workflow alone (its transitions, their `requires` and hints, and the
record steps allowed in the stage), so a store's own workflow answers for itself.
"""

from __future__ import annotations

import re
from typing import TypedDict

from reviewctl.core.case.files import Records
from reviewctl.core.case.paths import Documents
from reviewctl.core.workflow.conformance import missing_requirements
from reviewctl.core.workflow.load import Workflow

# `reviewctl scope ID --notified DATE` in a hint: the case's own id goes in, ready to run.
_COMMAND_ID = re.compile(r"(`reviewctl(?: [a-z][a-z-]*){1,2}) ID\b")


class Missing(TypedDict):
    field: str
    hint: str  # what records it, with the case's own id in the command


class NextStep(TypedDict):
    step: str
    to: str | None  # None: a step for other types only (the type has to be settled first)
    ready: bool
    missing: list[Missing]


class NextSteps(TypedDict):
    stage: str
    type: str
    terminal: bool
    steps: list[NextStep]
    records: list[str]  # the record steps allowed in the stage


def next_steps(workflow: Workflow, docs: Documents) -> NextSteps:
    """The steps allowed from a valid case's stage (its checked documents), with what each lacks."""
    case = Records(docs).case
    stage, case_type = case.stage, case.type
    case_id = str(case.id)

    def hint(text: str) -> str:
        return _COMMAND_ID.sub(lambda m: f"{m.group(1)} {case_id}", text)

    steps: list[NextStep] = []
    seen: set[tuple[str, str]] = set()
    here = [t for t in workflow.transitions if t.from_ == stage]
    for t in here:
        if t.types is not None and case_type not in t.types:
            continue
        lacking = set(missing_requirements(t, docs, case_type))
        missing = [Missing(field=r.field, hint=hint(r.hint)) for r in t.requires if r.field in lacking]
        steps.append(NextStep(step=t.step, to=t.to, ready=not missing, missing=missing))
        seen.add((t.step, t.to))
    # Steps that exist from here only for other types, while the type is unsettled: it has to be
    # settled first. A settled type is not offered another's steps (a DHR is never taken into
    # the Panel's national review of a child's case); `retype` is the step that changes it.
    others: dict[str, set[str]] = {}
    for t in here if case_type == "unknown" else []:
        if t.types is not None and case_type not in t.types and not any(s == t.step for s, _ in seen):
            others.setdefault(t.step, set()).update(t.types)
    for step, types in others.items():
        settle = f"settle the review type with --type (this step is for: {', '.join(sorted(types))})"
        steps.append(NextStep(step=step, to=None, ready=False, missing=[Missing(field="case.type", hint=settle)]))
    records = [name for name, stages in workflow.records.items()
               if stage in stages and case_type in workflow.record_types.get(name, [case_type])]
    return NextSteps(stage=stage, type=case_type, terminal=workflow.is_terminal(stage), steps=steps, records=records)
