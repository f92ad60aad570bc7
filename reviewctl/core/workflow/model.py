"""The workflow's model: stages, transitions per review type, requirements, clocks.

These are the declarations a workflow file holds, as typed objects, and the questions
the steps ask of them (which transition an action takes from a stage, what a case can
reach only through approval).  Reading and checking a workflow file is in workflow/load.py,
which is also where the rest of the code imports these names from.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from reviewctl.core.case.paths import Documents, lookup
from reviewctl.core.workflow.acts import Act
from reviewctl.core.workflow.statute import Statute
from reviewctl.errors import RefusedError, UsageError

# The field a decision to conduct records: the review clocks that start there give a review's expected length.
CONDUCTED_FROM = "decision.conducted_from"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=False, defer_build=True)


class Stage(_Strict):
    id: str
    label: str
    terminal: bool = False


class Condition(_Strict):
    """Where a requirement or a clock applies only to some cases: the field holds this value
    (any capitals), e.g. the subject detail `care` is `looked after`."""

    field: str
    equals: str


class Requirement(_Strict):
    field: str
    types: list[str] | None = None
    # Only where this holds.  Checked when the step is taken (and by `next`), not when
    # `validate` reads the history: the condition may be recorded after the step.
    when: Condition | None = None
    hint: str


class Transition(_Strict):
    step: str
    from_: str = Field(alias="from")
    to: str
    types: list[str] | None = None
    requires: list[Requirement] = []
    action: str | None = None  # which of reviewctl's actions (Act) takes it; default the step id
    # A re-entry point (`reopen`): the records the case makes afresh from here (a new decision,
    # a new national notice).  The reopening keeps what they held in its history entry.
    afresh: list[str] = []

    @property
    def does(self) -> str:
        return self.action or self.step

    def applies(self, case_type: str) -> bool:
        return self.types is None or case_type in self.types


class Limit(_Strict):
    working_days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_unit(self) -> Limit:
        if (self.working_days is None) == (self.months is None):
            raise ValueError("give exactly one of working_days or months")
        return self


class ClockDef(_Strict):
    id: str
    label: str
    types: list[str] | None = None
    when: Condition | None = None  # the clock runs only for a case where this holds
    each: str | None = None
    item: str | None = None
    start: str | None = None  # with `limit`: the date the clock starts
    start_else: str | None = None  # where `start` is not recorded (an older case), the date to start from
    start_choices: list[str] = []  # the starts a store may choose under `clock_starts:` in reviewctl.yaml
    # A minimum period (a report stays online): met by time passing, on its due date.
    hold: bool = False
    met: str
    limit: Limit | None = None
    due: str | None = None  # instead of start + limit: the due date itself (each entry's key)
    # How binding the limit is: one of statute.STANDINGS (statutory, statutory guidance,
    # national expectation, local practice); `source`: where it comes from.
    standing: str = ""
    source: str = ""
    # An unmet deadline shows only while the case is in one of these stages; unset, it
    # shows until the case ends.
    while_in: list[str] | None = None

    @model_validator(mode="after")
    def _limit_or_due(self) -> ClockDef:
        if (self.limit is None) == (self.due is None):
            raise ValueError("give either limit (with start) or due")
        if self.limit is not None and self.start is None:
            raise ValueError("a clock with a limit needs start")
        return self

    def start_in(self, docs: Documents) -> object:
        """Where this clock starts in a case's documents when run once per case (or, with `due`,
        its due date): its `start`, else `start_else` where the case has no value there (an older
        case without `aware`); a date in a case whose files are valid."""
        first = lookup(docs, self.start or self.due or "")
        if first is None and self.start_else:
            first = lookup(docs, self.start_else)
        return first


class Bodies(_Strict):
    national: dict[str, str] = {}
    publication: dict[str, list[str]] = {}
    notice_working_days: dict[str, int] = {}
    libraries: dict[str, list[str]] = {}


class ChecklistItem(_Strict):
    id: str
    label: str


class Imports(_Strict):
    """Cases brought in from an earlier tracker (`reviewctl import`): the history's second
    entry is this step, from the first stage straight to the stage the case had reached."""

    step: str = "import"
    to: list[str] = []  # the stages an import may reach (never one an approval stands behind)


class Workflow(_Strict):
    version: int
    types: dict[str, str]
    stages: list[Stage]
    transitions: list[Transition]
    clocks: list[ClockDef] = []
    # Steps that record facts without moving the case, and the stages they are allowed in.
    records: dict[str, list[str]] = {}
    # The review types a recording step is for, where it is not for every type (the
    # National Panel's notifications are lcspr's): `next` and `show` offer it only to those.
    record_types: dict[str, list[str]] = {}
    approvals: dict[str, list[str]] = {}
    bodies: Bodies = Bodies()
    checklist: list[ChecklistItem] = []
    # Who decides, publication routes, proceedings, vocabularies (core/workflow/statute.py).
    statute: Statute = Statute()
    # The step that creates a case: the first entry of every history.
    referral_step: str = Act.REFER
    imports: Imports | None = None
    _after_approval: dict[str, set[str]] = PrivateAttr(default_factory=dict)

    @property
    def initial(self) -> str:
        return self.stages[0].id

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def is_terminal(self, stage_id: str) -> bool:
        stage = self.stage(stage_id)
        return bool(stage and stage.terminal)

    def find(self, step: str, stage: str, case_type: str, to: str | None = None) -> Transition | None:
        """The transition with the step id `step` (as the history names it) from `stage` (and,
        where one step leads to several stages, as a reopening does, to `to`)."""
        found = [t for t in self.transitions if t.step == step and t.from_ == stage and t.applies(case_type)]
        return next((t for t in found if to is None or t.to == to), found[0] if found else None)

    def for_action(self, action: str, stage: str, case_type: str, to: str | None = None) -> Transition | None:
        """The transition that the command `action` takes from `stage` for this type (to `to`, where
        the action leads to more than one stage: a publication route that publishes nothing)."""
        return next((t for t in self.transitions if t.does == action and t.from_ == stage and t.applies(case_type)
                     and (to is None or t.to == to)), None)

    def steps_of(self, *actions: str) -> set[str]:
        """The step ids the workflow gives these actions."""
        return {t.step for t in self.transitions if t.does in actions}

    def reached_by(self, *actions: str) -> set[str]:
        """The stages these actions lead to."""
        return {t.to for t in self.transitions if t.does in actions}

    def sources(self, action: str) -> list[str]:
        """The stages `action` leaves from, in the workflow's order."""
        froms = {t.from_ for t in self.transitions if t.does == action}
        return [s.id for s in self.stages if s.id in froms]

    def decided_by_chair(self, stage: str) -> bool:
        """Whether the Independent Chair's decision is what a case in `stage` waits for."""
        return any(t.from_ == stage and t.does in Act.CHAIR for t in self.transitions)

    def expected_months(self, case_type: str) -> int | None:
        """How long a review of this type is expected to take: its clock from the decision to conduct."""
        months = [c.limit.months for c in self.clocks
                  if c.start == CONDUCTED_FROM and c.limit is not None and c.limit.months is not None
                  and (c.types is None or case_type in c.types)]
        return max(months) if months else None

    def transition(self, step: str, stage: str, case_type: str, case_id: str, to: str | None = None) -> Transition:
        """The transition for `step` from `stage` (to `to`, if given), or a refusal that says what is allowed."""
        found = self.for_action(step, stage, case_type, to)
        if found is not None:
            return found
        if to is not None and self.for_action(step, stage, case_type) is not None:
            raise RefusedError(f"{case_id}: '{step}' does not lead from '{stage}' to '{to}' in this workflow")
        if self.is_terminal(stage):
            raise RefusedError(
                f"{case_id}: the case is closed in stage '{stage}'; no further step is possible"
            )
        same_step = [t for t in self.transitions if t.does == step and t.from_ == stage]
        if same_step:
            allowed = sorted({ty for t in same_step for ty in (t.types or [])})
            raise RefusedError(
                f"{case_id}: '{step}' is not possible for a case of type '{case_type}' "
                f"(allowed for: {', '.join(allowed)}); settle the type first with --type"
            )
        here = sorted({t.does for t in self.transitions if t.from_ == stage and t.applies(case_type)})
        froms = sorted({t.from_ for t in self.transitions if t.does == step})
        where = f"it needs stage {' or '.join(repr(s) for s in froms)}" if froms else "unknown step"
        nexts = f"; possible now: {', '.join(here)}" if here else ""
        raise RefusedError(
            f"{case_id}: cannot {step} a case in stage '{stage}' ({where}){nexts}"
        )

    def require_record(self, step: str, stage: str, case_id: str) -> None:
        allowed = self.records.get(step, [])
        if stage not in allowed:
            where = " or ".join(repr(s) for s in allowed) or "a stage this workflow does not have"
            raise RefusedError(
                f"{case_id}: cannot {step} a case in stage '{stage}' (it needs stage {where})"
            )

    def check_type(self, value: str, flag: str = "--type") -> str:
        """The type `value` names, in any capitals; refused with the nearest type otherwise."""
        from reviewctl.core.workflow.suggest import canonical, did_you_mean  # lazy: loads difflib

        found = canonical(value, self.types)
        if found is None:
            raise UsageError(f"{flag} {value!r} is not a review type{did_you_mean(value, self.types)} "
                             f"(known: {', '.join(self.types)})")
        return found

    def clock_for(self, clock_id: str) -> ClockDef | None:
        return next((c for c in self.clocks if c.id == clock_id), None)

    def after_approval(self, case_type: str) -> set[str]:
        """The stages a case of `case_type` can reach only through the approval step.

        A case in one of them must carry a valid approval for every role: its stage
        and history follow from the approvals, never stand on their own.
        """
        def reach(starts: set[str], through_approval: bool) -> set[str]:
            seen, todo = set(starts), list(starts)
            while todo:
                here = todo.pop()
                for t in self.transitions:
                    if (t.from_ == here and t.applies(case_type) and t.to not in seen
                            and (through_approval or t.does != Act.APPROVE) and t.does not in Act.BACK):
                        seen.add(t.to)
                        todo.append(t.to)
            return seen

        if case_type not in self._after_approval:  # validate asks once per case
            approved = {t.to for t in self.transitions if t.does == Act.APPROVE and t.applies(case_type)}
            self._after_approval[case_type] = reach(approved, True) - reach({self.initial}, False)
        return self._after_approval[case_type]
