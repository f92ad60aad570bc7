"""The statutory rules a workflow declares beside its stages and clocks: who decides,
the publication routes, parallel proceedings, the fixed vocabularies of subject details
and learning themes; and the store settings that adjust them (reviewctl.yaml).

Each rule carries its source in the workflow file, so a partnership can check it and
change it without touching code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from reviewctl.adapters.yamlio import line_of
from reviewctl.core.case.problems import Problem
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.settings import Config
    from reviewctl.core.workflow.load import Workflow

MonthEnd = Literal["leave", "next-working-day", "previous-working-day"]
# How binding a clock's limit is, from the law down: each clock's `standing` is one of these.
STANDINGS = ("statutory", "statutory guidance", "national expectation", "local practice")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=False, defer_build=True)


class Partner(_Data):
    id: str
    label: str


class Decider(_Data):
    """Who decides whether a review of a type is conducted."""

    body: str  # the body on whose behalf the decision is made
    chair: str | None = None  # who decides for the body, on the meeting's recommendation
    partners: list[Partner] = []  # every one of them must agree (lcspr: the safeguarding partners)
    source: str = ""


class Route(_Data):
    id: str
    label: str
    reason: bool = False  # the route needs a recorded reason
    public: bool = True  # the report (or part of it) is put online
    # The stage a publication by this route leads to, where the workflow's `publish` leads to
    # more than one (a report not published never stands in `published`); None: the first.
    stage: str | None = None
    publishes: str = "the review report"  # what the notices say is published ("nothing": none is)
    source: str = ""


class Basis(_Data):
    """A statutory basis on which a review of a type is conducted (sar: mandatory or discretionary)."""

    id: str
    label: str
    source: str = ""


class Vocabulary(_Data):
    label: str
    values: list[str]
    source: str = ""


class Statute(_Data):
    """The rules of `statute:` in a workflow file."""

    deciders: dict[str, Decider] = {}
    publication_routes: dict[str, list[Route]] = {}
    proceedings: list[str] = []  # kinds of parallel proceeding
    subject: dict[str, Vocabulary] = {}  # subject details: field -> its fixed values
    themes: list[str] = []  # learning themes; a store adds its own under `themes:`
    home_office_qa: list[str] = []  # types whose report the Home Office quality-assures before publication
    # The bases a review of a type is conducted on (`decide --basis`); a decision to conduct needs one.
    bases: dict[str, list[Basis]] = {}
    # What `case.aware` (`refer --aware`) means for each type: when the body responsible
    # became aware.  The clocks that start at `case.aware` count from it.
    aware: dict[str, str] = {}
    month_end: MonthEnd = "leave"  # a month clock ending on a non-working day: left, moved on or moved back


def check_value(value: str, known: list[str], flag: str) -> str:
    """`value` as the vocabulary spells it (any case), or a usage error listing the known values."""
    for k in known:
        if k.casefold() == value.strip().casefold():
            return k
    raise UsageError(f"{flag}: the value given is not in the vocabulary (known: {', '.join(known)}); "
                     "give one of them, or add it to the store's settings")


def themes_of(flow: Workflow, config: Config) -> list[str]:
    return [*flow.statute.themes, *(t for t in config.themes if t not in flow.statute.themes)]


def apply_settings(flow: Workflow, config: Config, raw: object, shown: str) -> list[Problem]:
    """Put a store's statutory settings into its workflow; a problem for each bad one."""
    problems: list[Problem] = []
    if config.month_end is not None:
        flow.statute.month_end = config.month_end
    for type_id, label in config.type_labels.items():
        if type_id not in flow.types:
            problems.append(Problem(shown, f"not a review type (known: {', '.join(flow.types)})",
                                    line_of(raw, ("type_labels", type_id)), f"type_labels.{type_id}"))
        else:
            flow.types[type_id] = label
    for clock_id, start in config.clock_starts.items():
        clock = flow.clock_for(clock_id)
        where = line_of(raw, ("clock_starts", clock_id))
        if clock is None or not clock.start_choices:
            with_choice = [c.id for c in flow.clocks if c.start_choices]
            problems.append(Problem(shown, f"not a clock whose start can be chosen (those are: "
                                    f"{', '.join(with_choice)})", where, f"clock_starts.{clock_id}"))
        elif start not in clock.start_choices:
            problems.append(Problem(shown, f"'{start}' is not a start of this clock (known: "
                                    f"{', '.join(clock.start_choices)})", where, f"clock_starts.{clock_id}"))
        elif start != clock.start:
            # The fallback belongs to the default start (an older case without `aware`): a
            # clock from the notification waits for the notification.
            clock.start, clock.start_else = start, None
    return problems
