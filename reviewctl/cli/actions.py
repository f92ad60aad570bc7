"""`reviewctl actions list|update|sign-off`: a case's improvement actions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from reviewctl.cli.common import Format, FormatOpt, globals_of, step
from reviewctl.cli.steps import IdArg

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome


class _ListByDefault(TyperGroup):
    """`reviewctl actions ID [OPTIONS]`, the spelling before `actions list ID`, still lists."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Before the group reads its own options: `actions ID`, `actions ID -f json` and
        # `actions -f json ID` are the earlier spelling (`actions --help` is the sub-app's help,
        # and `actions frobnicate ID` is still "no such command").
        first = args[0] if args else ""
        options_first = first.startswith("-") and first not in ("--help", "-h")
        an_id = bool(first) and first not in self.commands and not first.startswith("-") \
            and all(a.startswith("-") for a in args[1:2])
        if options_first or an_id:
            args = ["list", *args]
        return list(super().parse_args(ctx, args))


actions_app = typer.Typer(cls=_ListByDefault, no_args_is_help=True,
                          help="A case's improvement actions: list them with RAG status, update, sign off.")
ActionArg = Annotated[str, typer.Argument(metavar="ACTION", help="The action's id, e.g. A1.", show_default=False)]


@actions_app.command("list")
def actions_list(ctx: typer.Context, case_id: IdArg, fmt: FormatOpt = Format.TABLE) -> None:
    """A case's actions with their RAG status (from the due date and the progress)."""
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.reports.actions import action_rows  # lazy: loads pydantic, difflib

    g = globals_of(ctx)
    rows = action_rows(g.store(), case_id, g.today())
    g.note_as_of()
    emit(as_json(rows) if fmt == "json" else
         table(rows, ["id", "owner", "due", "status", "rag", "signed_off", "text"], fmt))


@actions_app.command("update")
@step()
def actions_update(
    ctx: typer.Context, case_id: IdArg, action_id: ActionArg,
    progress: Annotated[str | None, typer.Option("--progress", help="The progress made.")] = None,
    evidence: Annotated[Path | None, typer.Option("--evidence", help="A text file of evidence to keep.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="The action's status: open, on-track, at-risk or complete.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Record an action's progress (and its status, and evidence)."""
    from reviewctl.core.steps.monitoring import update  # lazy: loads pydantic, secrets

    return update(globals_of(ctx).store(), case_id, action_id, progress=progress or "", evidence=evidence,
                  status=status, options=options)


@actions_app.command("sign-off")
@step()
def actions_sign_off(ctx: typer.Context, case_id: IdArg, action_id: ActionArg, *, options: StepOptions) -> Outcome:
    """Sign an action off as done."""
    from reviewctl.core.steps.monitoring import sign_off  # lazy: loads pydantic, secrets

    return sign_off(globals_of(ctx).store(), case_id, action_id, options)
