"""Approvers, verification, sync and CODEOWNERS: the commands for working as a team."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import DryRunOpt, Format, FormatOpt, globals_of, step
from reviewctl.cli.steps import IdArg
from reviewctl.errors import ExitCode

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome

approvers_app = typer.Typer(help="Who may approve, by role: add, remove, list.", no_args_is_help=True)


# The approvers are the store's, not a case's: they take --dry-run and --propose only.
@approvers_app.command("add")
@step(when=False, message=False)
def approvers_add(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="sscp, independent-chair, home-office-qa, jcrg, ...")],
    principal: Annotated[str, typer.Argument(metavar="PRINCIPAL", help="The approver's email, as git knows it.")],
    key: Annotated[Path, typer.Option("--key", help="Their SSH public key file (.pub).", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Give a principal a role, with their SSH key in .reviewctl/allowed_signers."""
    from reviewctl.core.signing.approvers import add  # lazy: loads pydantic, difflib

    return add(globals_of(ctx).store(), role, principal, key, options.dry_run, options.propose)


@approvers_app.command("remove")
@step(when=False, message=False)
def approvers_remove(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(metavar="ROLE")],
    principal: Annotated[str, typer.Argument(metavar="PRINCIPAL")],
    revoke: Annotated[bool, typer.Option("--revoke", help="A lost or stolen key: take the key too, and every approval it made stops counting.")] = False,
    *, options: StepOptions,
) -> Outcome:
    """Take a role from a principal who leaves it: their approvals merged until today still count.

    With --revoke, their key goes too, and none of their approvals counts any more.
    """
    from reviewctl.core.signing.approvers import remove  # lazy: loads pydantic, difflib

    return remove(globals_of(ctx).store(), role, principal, options.dry_run, options.propose, today=options.today,
                  revoke=revoke)


@approvers_app.command("list")
def approvers_list(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """The approvers by role, with their keys; former approvers show until when they held it."""
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.signing.approvers import listing  # lazy: loads pydantic, difflib

    rows = listing(globals_of(ctx).store())
    emit(as_json(rows) if fmt == "json" else table(rows, ["role", "principal", "key", "until"], fmt))


def verify(
    ctx: typer.Context, case_id: IdArg,
    base: Annotated[str | None, typer.Option("--base", help="The branch whose allowed signers and roles count; default: the base the default branch names (or `git config reviewctl.base`).")] = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Check each approval of a case: signature, role, and report version.

    Exit 1 if an approval is rejected, or a role the case's type needs has no valid approval.
    """
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.signing.verify import verify as core_verify  # lazy: loads pydantic, difflib

    checks = core_verify(globals_of(ctx).store(), case_id, base)
    rows = [c.as_json() for c in checks]
    if fmt == "json":
        emit(as_json(rows))
    else:
        emit(table([{**r, "commit": (r["commit"] or "")[:10]} for r in rows],
                   ["role", "version", "by", "commit", "status", "reason"], fmt))
    if any(c.status in ("rejected", "missing") for c in checks):
        raise typer.Exit(int(ExitCode.REFUSED))


def sync(ctx: typer.Context) -> None:
    """Fetch, rebase (or merge, when a local commit is signed) and push the current branch; a conflict is named and left for you."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.upkeep.team import sync as core_sync  # lazy: loads pydantic, secrets

    for line in core_sync(globals_of(ctx).store()):
        say(line)


def codeowners(ctx: typer.Context, dry_run: DryRunOpt = False) -> None:
    """Write CODEOWNERS: each gated file of a case to its role's forge team."""
    from reviewctl.cli.output import emit, say  # lazy: loaded when the command runs
    from reviewctl.core.upkeep.team import codeowners as core  # lazy: loads pydantic, secrets

    text = core(globals_of(ctx).store(), dry_run)
    if dry_run:
        emit(text)
    else:
        say("wrote CODEOWNERS; commit it")


