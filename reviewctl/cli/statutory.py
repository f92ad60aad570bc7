"""The statutory records: the Home Office's quality assurance (dhr), parallel
proceedings, subject details and learning themes, national reviews (lcspr)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import globals_of, step
from reviewctl.cli.steps import IdArg
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome

home_office_app = typer.Typer(help="dhr: the report submitted to the Home Office and its QA Panel's outcome.",
                              no_args_is_help=True)
parallel_app = typer.Typer(help="Parallel proceedings (criminal, inquest, IOPC, CDOP) and their events.",
                           no_args_is_help=True)


@home_office_app.command("submit")
@step()
def submit(ctx: typer.Context, case_id: IdArg, *, options: StepOptions) -> Outcome:
    """The final report submitted (or, after amendments, resubmitted) to the Home Office."""
    from reviewctl.core.steps.home_office import submit as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, options)


@home_office_app.command("qa")
@step()
def qa(
    ctx: typer.Context, case_id: IdArg,
    outcome: Annotated[str, typer.Option("--outcome", help="The QA Panel's outcome: approved or amend-and-resubmit.", show_default=False)],
    letter: Annotated[Path, typer.Option("--letter", help="The QA Panel's letter: .docx (kept as it is), PDF (kept as its text), or text/markdown.", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """The Home Office Quality Assurance Panel's outcome for the latest submission, with its letter."""
    from reviewctl.core.steps.home_office import qa_outcome  # lazy: loads pydantic, secrets

    return qa_outcome(globals_of(ctx).store(), case_id, outcome, letter, options)


@parallel_app.command("add")
@step()
def parallel_add(
    ctx: typer.Context, case_id: IdArg,
    kind: Annotated[str, typer.Option("--kind", help="The kind of proceeding: criminal, inquest, iopc, cdop or other.", show_default=False)],
    ref: Annotated[str, typer.Option("--ref", help="Its reference (court, coroner, IOPC).", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Record a parallel proceeding; it gets an id (P1, P2 ...) that events and clock pauses name."""
    from reviewctl.core.steps.proceedings import add  # lazy: loads pydantic, secrets

    return add(globals_of(ctx).store(), case_id, kind, ref, options)


@parallel_app.command("event")
@step()
def parallel_event(
    ctx: typer.Context, case_id: IdArg,
    proceeding: Annotated[str, typer.Argument(metavar="PROCEEDING", help="Its id, e.g. P1.", show_default=False)],
    event: Annotated[str, typer.Option("--event", help="What happened (hearing listed, verdict, sentencing).", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """A dated event of a parallel proceeding (--date: when it happened)."""
    from reviewctl.core.steps.proceedings import event as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, proceeding, event, options)


@step()
def themes(
    ctx: typer.Context,
    case_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="The case id.", show_default=False)] = None,
    add: Annotated[list[str] | None, typer.Option("--add", help="A learning theme from the vocabulary (repeat).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the known themes.")] = False,
    *, options: StepOptions,
) -> Outcome | None:
    """Record a case's learning themes (--add THEME), or list the known ones (--list)."""
    from reviewctl.cli.output import emit  # lazy: loaded when the command runs
    from reviewctl.core.steps.profile import add_themes  # lazy: loads pydantic, secrets
    from reviewctl.core.workflow.statute import themes_of  # lazy: loads pydantic

    store = globals_of(ctx).store()
    if list_:
        emit("\n".join(themes_of(store.workflow, store.config)))
        return None
    if case_id is None:
        raise UsageError("give a case id with --add THEME, or --list")
    return add_themes(store, case_id, add or [], options)


@step()
def subject(
    ctx: typer.Context, case_id: IdArg,
    set_: Annotated[list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A subject detail: age_band, sex, ethnicity, disability, care or setting, with a value of its vocabulary (repeat).")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Record the subject's details for annual reports and national returns (fixed vocabularies)."""
    from reviewctl.core.steps.profile import set_details  # lazy: loads pydantic, secrets

    return set_details(globals_of(ctx).store(), case_id, set_ or [], options)


@step()
def national_review(ctx: typer.Context, case_id: IdArg, *, options: StepOptions) -> Outcome:
    """lcspr: the National Panel takes the case into a national review (Children Act 2004 s.16B).

    Where the workflow has a `national-review` transition from the case's stage, this ends
    the local review (the default before the partners decide to conduct one); elsewhere it
    is recorded beside the local review, which goes on.
    """
    from reviewctl.core.steps.national_review import national_review as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, options)

