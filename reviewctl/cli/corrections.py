"""Cases as they really run: amend, withdraw, reopen, retype."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import globals_of, maybe_date, step
from reviewctl.cli.steps import IdArg

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (required; kept in the history, never in the commit).",
                                        show_default=False)]


@step()
def amend(
    ctx: typer.Context, case_id: IdArg,
    field: Annotated[str, typer.Argument(metavar="FIELD", help="As `show --format json` names it: scoping.notified, "
                                         "case.subject, scoping.requests.Police.returned.", show_default=False)],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The corrected value (a date day first, e.g. 1/11/2026).",
                                         show_default=False)],
    reason: ReasonOpt = "",
    *, options: StepOptions,
) -> Outcome:
    """Correct a recorded value, in any stage; the history keeps the old value and why."""
    from reviewctl.core.steps.amend import amend as core  # lazy: loads pydantic, difflib

    return core(globals_of(ctx).store(), case_id, field, value, reason, options)


@step()
def withdraw(ctx: typer.Context, case_id: IdArg, reason: ReasonOpt = "", *, options: StepOptions) -> Outcome:
    """End a referral before the decision to conduct (a duplicate, referred in error, moved away)."""
    from reviewctl.core.steps.lifecycle import withdraw as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, reason, options)


@step()
def reopen(
    ctx: typer.Context, case_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="The stage it goes back to: a re-entry point of the workflow.",
                                    show_default=False)],
    reason: ReasonOpt = "",
    *, options: StepOptions,
) -> Outcome:
    """Reopen an ended case (new information; a challenge to a decision not to review)."""
    from reviewctl.core.steps.lifecycle import reopen as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, to, reason, options)


@step()
def retype(
    ctx: typer.Context, case_id: IdArg,
    case_type: Annotated[str, typer.Option("--type", help="The review type it should be.", show_default=False)],
    reason: ReasonOpt = "",
    aware: Annotated[str | None, typer.Option("--aware", metavar="DATE", help="When the body responsible for the new type became aware, as `refer --aware` means it: dhr, the day the police notified the Community Safety Partnership (the decision's one month counts from it); lcspr, the local authority; sar, the Board. Without it the date recorded stands.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Change the review type; refused while what the new type needs so far is missing."""
    from reviewctl.core.steps.lifecycle import retype as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, case_type, reason, options, maybe_date(aware, "--aware"))
