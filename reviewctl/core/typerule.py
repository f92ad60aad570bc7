"""What a change of review type needs: the case must stand as if it had been that type all along.

Every transition the case has taken is looked up again for the new type.  One the new
type cannot take refuses the change; a requirement the new type has there (an lcspr
case's serious incident notification and rapid review, before the decision) and the
case lacks is named, with the command that records it.
"""

from __future__ import annotations

from typing import Any

from reviewctl.core.checks import missing_requirements
from reviewctl.core.workflow import Act, Workflow


def type_problems(workflow: Workflow, docs: dict[str, Any], new_type: str, upto: int | None = None) -> list[str]:
    """Why the case cannot become `new_type` where it stands (empty when it can).

    `upto`: only the history before that entry (validate checks a change of type where it was made).
    """
    problems: list[str] = []
    for entry in (docs["case"].get("history") or [])[1:upto]:
        step, source, target = entry.get("step"), entry.get("from"), entry.get("to")
        if step in Act.IN_PLACE:
            continue
        transition = workflow.find(str(step), str(source), new_type)
        if transition is None or transition.to != target:
            problems.append(f"a '{new_type}' case cannot take the step '{step}' from '{source}' to '{target}', "
                            "which this case took; reopen or withdraw it instead")
            continue
        lacking = set(missing_requirements(transition, docs, new_type))
        problems += [r.hint for r in transition.requires if r.field in lacking and r.hint not in problems]
    return problems
