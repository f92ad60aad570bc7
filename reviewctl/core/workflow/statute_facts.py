"""The statutory facts a case's records hold, read from its files as loaded (plain mappings): a
SAR's basis, the National Panel's response, whether a national review ended the local one.

Plain functions with nothing to build: the warm reports read them without the workflow's models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewctl.core.workflow.acts import Act

if TYPE_CHECKING:
    from reviewctl.core.workflow.model import Workflow


def basis_of(decision: object) -> str | None:
    """The basis a review is conducted on (decision.yaml as read): the chair's where the chair
    decided one, else the meeting's."""
    if not isinstance(decision, dict):
        return None
    chair = decision.get("chair")
    found = (chair.get("basis") if isinstance(chair, dict) else None) or decision.get("basis")
    return str(found) if found else None


def panel_outcome(response: object) -> str | None:
    """The National Panel's response to a rapid review (scoping.yaml `panel_response` as read):
    agrees, disagrees or national-review; a response recorded before `outcome` says `agrees`."""
    if not isinstance(response, dict):
        return None
    if response.get("outcome"):
        return str(response["outcome"])
    agrees = response.get("agrees")
    return None if agrees is None else "agrees" if agrees else "disagrees"


def ended_local(workflow: Workflow, case: object) -> bool:
    """Whether a national review ended the local review (case.yaml as read): the history took
    a transition whose action is `national-review`."""
    history = case.get("history") if isinstance(case, dict) else None
    steps = workflow.steps_of(Act.NATIONAL_REVIEW)
    return any(isinstance(h, dict) and h.get("step") in steps for h in history or [])
