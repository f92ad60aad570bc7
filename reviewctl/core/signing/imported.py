"""A case brought in past approval by `reviewctl import`: approved before reviewctl, shown as
imported, and never taken for a signed approval.

Such a case stands in its stage without approvals here only where the import put it there:
the commit that made its case.yaml is an import commit (trailer `Reviewctl-Step: import`) in
the base branch's history, and the imported entries of its history are still the ones that
commit wrote.  A branch that writes an import into a case's history, or makes a case of its
own and calls the commit an import, gains nothing: neither commit is in the base.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reviewctl.adapters import yamlio
from reviewctl.core.store.folder import Store
from reviewctl.core.workflow.load import Workflow
from reviewctl.errors import ReviewctlError

# The trailer of `reviewctl import`'s commit (the action's name, in every workflow).
_IMPORT_TRAILER = re.compile(r"^Reviewctl-Step: import$", re.MULTILINE)


def _imported(flow: Workflow, history: Sequence[object]) -> list[tuple[object, str, object, object]]:
    """The imported entries of a history as read (step, date, from, to), for comparing two readings."""
    step = flow.imports.step if flow.imports is not None else None
    return [(h.get("step"), str(h.get("date")), h.get("from"), h.get("to")) for h in history[1:]
            if isinstance(h, dict) and h.get("step") == step]


def imported_past_approval(store: Store, flow: Workflow, case_id: str, case: dict[str, object],
                           base_commit: str) -> bool:
    """Whether the case stands past approval because the base branch's import put it there
    (`case`: its case.yaml as read)."""
    history = case.get("history")
    imported = _imported(flow, history if isinstance(history, list) else [])
    after = flow.after_approval(str(case.get("type")))
    if not any(to in after for *_, to in imported):
        return False
    path = store.repo_path(store.case_dir(case_id) / "case.yaml")
    made = store.repo.added_in(path)
    if made is None or not _IMPORT_TRAILER.search(made[1]) or not store.repo.is_ancestor(made[0], base_commit):
        return False
    try:
        then = yamlio.parse_safe(store.repo.show_file(made[0], path) or "", path)
    except ReviewctlError:
        return False
    history = then.get("history") if isinstance(then, dict) else None
    return isinstance(history, list) and _imported(flow, history) == imported
