"""The names of reviewctl's actions (Act), and the actions as a set.

A workflow (workflow/model.py) names its own steps and stages and says which of these
actions each transition is, so the code speaks of actions, never of a store's step or
stage ids.  Kept apart from the workflow's model so that the many modules that only
name an action need not know the model.
"""

from __future__ import annotations


class Act:
    """What reviewctl's commands do, by name: the only vocabulary the code uses for steps.

    A workflow names its own steps and stages; each transition says which of these it
    is (`action:`, default its step id), so a store can rename or add steps and stages
    without the code knowing their ids.
    """

    REFER = "refer"
    TRIAGE_ACCEPT = "triage-accept"
    TRIAGE_NO_FURTHER_ACTION = "triage-no-further-action"
    SCOPE_DONE = "scope-done"
    DECIDE_CONDUCT = "decide-conduct"
    DECIDE_NOT_CONDUCT = "decide-not-conduct"
    CHAIR_CONDUCT = "chair-conduct"
    CHAIR_NOT_CONDUCT = "chair-not-conduct"
    COMMISSION = "commission"
    TOR = "tor"
    REPORT = "report"
    JCRG = "jcrg"
    APPROVE = "approve"  # the step that the approvals of every role take together (core/steps/approval.py)
    PUBLISH = "publish"
    MONITOR = "monitor"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    REVISE = "revise"  # a new report version after the JCRG or approval sends the case back
    # lcspr: the National Panel takes the case into a national review (Children Act 2004 s.16B):
    # a transition where the workflow says it ends the local review, else a record beside it.
    NATIONAL_REVIEW = "national-review"
    # Steps that stay in the stage and are no transition: a correction, a change of type.
    AMEND = "amend"
    RETYPE = "retype"
    IDENTIFIERS = "confidential"  # the case's identifiers were set or changed (never their values)
    PURGE = "purge"  # the case's identifiers were destroyed
    # Who decides: the meeting, or the Independent Chair on its written recommendation.
    CHAIR = (CHAIR_CONDUCT, CHAIR_NOT_CONDUCT)
    NOT_CONDUCT = (DECIDE_NOT_CONDUCT, CHAIR_NOT_CONDUCT)
    # Steps that send a case back, after which steps may record afresh.
    BACK = (REOPEN, REVISE)
    IN_PLACE = (AMEND, RETYPE, IDENTIFIERS, PURGE)


ACTIONS = frozenset(v for k, v in vars(Act).items() if k.isupper() and isinstance(v, str))

# The trailer step of approval commits (verify reads it): the action, the same in every workflow.
APPROVE_STEP = Act.APPROVE
