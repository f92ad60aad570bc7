"""Recording the same thing twice: a step adds to a case, it never overwrites what is there.

A value already recorded (a date, a text, a number) that a step would replace is
refused with the command that corrects it, `reviewctl amend`, which keeps the old value
and the reason in the history.  What steps change by design is left alone: the stage
and type (the history says how), an action's status, lists that grow or lose an entry
(a panel member removed).  A case sent back by a reopening or a report revision records
its steps afresh: the history holds the reason it went back.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from reviewctl.core.case.files import Records
from reviewctl.core.case.paths import Documents, plain_copy
from reviewctl.core.workflow.load import Act, Workflow
from reviewctl.errors import RefusedError

if TYPE_CHECKING:
    from reviewctl.core.case.models import Case

__all__ = ["plain_copy", "refuse_overwrites", "replaced", "sent_back"]

# Fields a step changes by design, by their last key (or the whole path).
_STATE = {"case.stage", "case.type", "status",
          # Worked out from the history, and written again by every step (workflow/history.py).
          "decision.conducted_from"}


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float, date)) and value != ""


def replaced(before: object, after: object, path: str) -> list[tuple[str, object]]:
    """Each scalar of `before` that `after` holds with another value, as (path, old value)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [found for key, old in before.items() if key in after
                for found in replaced(old, after[key], f"{path}.{key}" if path else str(key))]
    if isinstance(before, list) and isinstance(after, list):
        if len(after) < len(before):  # an entry removed on purpose (e.g. `panel remove`)
            return []
        return [found for i, (old, new) in enumerate(zip(before, after, strict=False))
                for found in replaced(old, new, f"{path}.{i + 1}")]
    if _scalar(before) and after is not None and not isinstance(after, (dict, list)) and after != before:
        if path in _STATE or path.rsplit(".", 1)[-1] in _STATE:
            return []
        return [(path, before)]
    return []


def sent_back(workflow: Workflow, case: Case) -> bool:
    """Whether a revision or a reopening sent the case back."""
    back = workflow.steps_of(*Act.BACK)
    return any(h.step in back for h in case.history)


def refuse_overwrites(workflow: Workflow, case_id: str, before: Documents, docs: Documents) -> None:
    if "case" in before and sent_back(workflow, Records(before).case):  # a new case has nothing before
        return
    found = replaced(before, plain_copy(docs), "")
    if found:
        path, old = found[0]
        when = f" ({old})" if isinstance(old, date) else ""  # text may be personal: never quoted
        raise RefusedError(f"{case_id}: {path} is already recorded{when}; a step does not overwrite it: "
                           f"correct it with `reviewctl amend {case_id} {path} VALUE --reason TEXT`")
