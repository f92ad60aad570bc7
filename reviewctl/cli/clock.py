"""`reviewctl clock pause|resume|extend|list` and `reviewctl next`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from reviewctl.cli.common import Format, FormatOpt, formats, globals_of, parse_date, step
from reviewctl.cli.steps import IdArg
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome
    from reviewctl.core.workflow.next_steps import NextSteps

clock_app = typer.Typer(help="A case's clocks: pause, resume, extend, and each clock's story.", no_args_is_help=True)

ClockArg = Annotated[str, typer.Argument(
    metavar="CLOCK", show_default=False,
    help="A clock id (e.g. rapid-review); for a clock run per entry, CLOCK:ITEM (e.g. chronology-return:Police).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (required).", show_default=False)]


# A clock's --reason is its note: the clock commands take no --message.
@clock_app.command("pause")
@step(message=False)
def pause(
    ctx: typer.Context, case_id: IdArg, clock: ClockArg, reason: ReasonOpt = "",
    waits_for: Annotated[str | None, typer.Option("--for", help="The parallel proceeding waited for: its id from `parallel add` (e.g. P1), or a description.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Stop a running clock (e.g. the review waits for a criminal trial or an inquest)."""
    from reviewctl.core.steps.clock_changes import pause_clock  # lazy: loads pydantic, secrets

    return pause_clock(globals_of(ctx).store(), case_id, clock, reason, waits_for, options)


@clock_app.command("resume")
@step(message=False)
def resume(ctx: typer.Context, case_id: IdArg, clock: ClockArg, *, options: StepOptions) -> Outcome:
    """Restart a paused clock: its due date moves on by the working days it was paused."""
    from reviewctl.core.steps.clock_changes import resume as core_resume  # lazy: loads pydantic, secrets

    return core_resume(globals_of(ctx).store(), case_id, clock, options)


@clock_app.command("extend")
@step(message=False)
def extend(
    ctx: typer.Context, case_id: IdArg, clock: ClockArg,
    to: Annotated[str, typer.Option("--to", help="The new due date (later than the current one).", show_default=False)] = "",
    reason: ReasonOpt = "",
    agreed_by: Annotated[str | None, typer.Option("--agreed-by", help="Who agreed it (e.g. National Panel).")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Give a clock a later due date, with the reason (and who agreed it)."""
    from reviewctl.core.steps.clock_changes import extend as core_extend  # lazy: loads pydantic, secrets

    if not to.strip():
        raise UsageError("--to is required: give the new due date, e.g. 1/9/2027")
    return core_extend(globals_of(ctx).store(), case_id, clock, parse_date(to, "--to"), reason, agreed_by, options)


@clock_app.command("list")
def list_clocks(ctx: typer.Context, case_id: IdArg, fmt: FormatOpt = Format.TABLE) -> None:
    """Every clock of the case with its whole story: started, due, pauses, extensions, outcome."""
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.reports.case_lines import case_clocks  # lazy: loaded when the command runs

    g = globals_of(ctx)
    clocks = case_clocks(g.store(), case_id, g.today())
    g.note_as_of()
    if fmt == "json":
        emit(as_json(clocks))
        return
    heading = "## " if fmt == "md" else ""
    rows = [{**c, "status": clock_status(c)} for c in clocks]
    story = [{"clock": c["clock"], **event} for c in clocks for event in c["story"]]
    if fmt == "csv":
        emit(table(story, ["clock", "date", "event", "due"], fmt))
        return
    emit(f"{heading}Clocks\n" + table(rows, CLOCK_COLUMNS, fmt)
         + f"\n{heading}Story\n" + table(story, ["clock", "date", "event", "due"], fmt))


CLOCK_COLUMNS = ["clock", "standing", "started", "original_due", "due", "status", "met_on"]


def clock_status(clock: dict[str, Any]) -> str:
    status = str(clock["status"])
    if clock.get("late_by"):  # in the clock's own unit: "1 working day", "12 days"
        return f"{status} ({clock['late_by']} late)"
    if clock.get("paused_since"):
        return f"{status} since {clock['paused_since']}"
    return status


def next_(
    ctx: typer.Context, case_id: IdArg, fmt: Annotated[Format, formats("table", "json", "md")] = Format.TABLE,
) -> None:
    """The steps allowed now, and for each what is still missing and the command that records it."""
    from reviewctl.cli.output import as_json, emit  # lazy: loaded when the command runs
    from reviewctl.core.reports.case_lines import case_next_steps  # lazy: loaded when the command runs

    view = case_next_steps(globals_of(ctx).store(), case_id)
    emit(as_json(view) if fmt == "json" else next_text(view, fmt))


def next_text(view: NextSteps, fmt: str = "table") -> str:
    """The steps as a table: one row per step, one more per missing thing."""
    from reviewctl.cli.output import table  # lazy: loaded when the command runs

    if view["terminal"] and not view["steps"]:
        lines = f"the case has ended in stage '{view['stage']}'; no further step\n"
    else:
        rows: list[dict[str, Any]] = []
        for entry in view["steps"]:
            first = {"step": entry["step"], "to": entry["to"], "ready": "yes" if entry["ready"] else "no"}
            hints = [m["hint"] for m in entry["missing"]] or [""]
            rows += [{**first, "still missing": hints[0]}] + [{"still missing": h} for h in hints[1:]]
        lines = table(rows, ["step", "to", "ready", "still missing"], fmt)
    if view["records"]:
        lines += (f"\nalso allowed in stage '{view['stage']}', each recorded without moving the case: "
                  f"{', '.join(view['records'])}\n")
    return lines
