"""What next: the steps a case may take from its stage, and what each still lacks.

Read from the workflow alone (its transitions, their `requires` and hints, and the
record steps allowed in the stage), so a store's own workflow answers for itself.
"""

from __future__ import annotations

import re
from typing import Any

from reviewctl.core.workflow.conformance import missing_requirements
from reviewctl.core.workflow.load import Workflow

# `reviewctl scope ID --notified DATE` in a hint: the case's own id goes in, ready to run.
_COMMAND_ID = re.compile(r"(`reviewctl(?: [a-z][a-z-]*){1,2}) ID\b")


def next_steps(workflow: Workflow, docs: dict[str, Any]) -> dict[str, Any]:
    case = docs.get("case") or {}
    stage, case_type = str(case.get("stage")), str(case.get("type"))
    case_id = str(case.get("id"))

    def hint(text: str) -> str:
        return _COMMAND_ID.sub(lambda m: f"{m.group(1)} {case_id}", text)

    steps: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    here = [t for t in workflow.transitions if t.from_ == stage]
    for t in here:
        if t.types is not None and case_type not in t.types:
            continue
        lacking = set(missing_requirements(t, docs, case_type))
        missing = [{"field": r.field, "hint": hint(r.hint)} for r in t.requires if r.field in lacking]
        steps.append({"step": t.step, "to": t.to, "ready": not missing, "missing": missing})
        seen.add((t.step, t.to))
    # Steps that exist from here only for other types: the type has to be settled first.
    others: dict[str, set[str]] = {}
    for t in here:
        if t.types is not None and case_type not in t.types and not any(s == t.step for s, _ in seen):
            others.setdefault(t.step, set()).update(t.types)
    for step, types in others.items():
        steps.append({"step": step, "to": None, "ready": False, "missing": [{
            "field": "case.type",
            "hint": f"settle the review type with --type (this step is for: {', '.join(sorted(types))})"}]})
    records = [name for name, stages in workflow.records.items()
               if stage in stages and case_type in workflow.record_types.get(name, [case_type])]
    return {"stage": stage, "type": case_type, "terminal": workflow.is_terminal(stage),
            "steps": steps, "records": records}
