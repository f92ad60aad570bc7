"""Identifiers kept encrypted, who can read them, and retention: confidential,
recipients, retention, purge."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import Format, FormatOpt, globals_of, report, step
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.privacy.reconcile import Plan
    from reviewctl.core.store.folder import Store
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome

recipients_app = typer.Typer(help="Who can read the cases' identifiers: add, remove, list.", no_args_is_help=True)


@step(propose=False)
def confidential(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="ID|migrate", help="The case id; or `migrate` to encrypt every plain confidential.yaml.", show_default=False)],
    set_: Annotated[list[str] | None, typer.Option("--set", help="Add an identifier: KIND=VALUE, KIND one of name, dob, address, nhs, other (repeat).")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="Take an identifier away: KIND=VALUE (repeat).")] = None,
    show: Annotated[bool, typer.Option("--show", help="Decrypt to the terminal (never to a file unless --output is given).")] = False,
    output: Annotated[Path | None, typer.Option("--output", help="With --show: write the identifiers to this new file (mode 0600).")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open $EDITOR on them in a private folder, removed after (or, if killed, by the next reviewctl).")] = False,
    *, options: StepOptions,
) -> None:
    """Set, show or edit a case's real identifiers, kept encrypted for the team's recipients.

    Example: reviewctl confidential SSCP-2026-7KQ4MX --set "name=Zoë Fictional" --set dob=2019-03-14
    """
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.steps import confidential as core  # lazy: loads pydantic, secrets

    store = globals_of(ctx).store()
    if case_id == "migrate":
        if set_ or remove or show or edit or output:
            raise UsageError("`confidential migrate` takes only --dry-run")
        return _migrate(store, options.dry_run)
    if sum([bool(set_ or remove), show, edit]) != 1:
        raise UsageError("say one of --set/--remove, --show or --edit")
    if output is not None and not show:
        raise UsageError("--output goes with --show")
    if show:
        return _show(store, case_id, output)
    if edit:
        from reviewctl.adapters.editor import edit_privately  # lazy: only where it is needed

        outcome = core.edit_in_editor(store, case_id, options, edit_privately)
    else:
        outcome = core.set_values(store, case_id, set_ or [], remove or [], options)
    if outcome is None:
        say(f"{case_id}: no change")
    else:
        _report(outcome)


def _migrate(store: Store, dry_run: bool) -> None:
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.steps.confidential import migrate  # lazy: loads pydantic, secrets

    outcome, cases = migrate(store, dry_run)
    if outcome is None:
        say("no case keeps plain confidential.yaml; nothing to migrate")
        return
    _report(outcome)
    say(f"{'would encrypt' if dry_run else 'encrypted'} the identifiers of {len(cases)} cases. The plain text "
        "is still in git's history: to remove it, rewrite history (e.g. `git filter-repo --path-glob "
        "'cases/*/confidential.yaml' --invert-paths`), force-push, and have everyone clone afresh")


def _show(store: Store, case_id: str, output: Path | None) -> None:
    """The identifiers to the terminal, or into a new private file; never into a pipe."""
    from reviewctl.cli.output import emit, say  # lazy: loaded when the command runs
    from reviewctl.core.steps.confidential import show  # lazy: loads pydantic, secrets
    from reviewctl.core.store.outputs import write_private  # lazy: loads tempfile

    text = show(store, case_id)
    if output is not None:
        write_private(store.root, output, text)
        say(f"wrote {output} (only you can read it); delete it when you are done")
    elif not sys.stdout.isatty():
        raise UsageError("standard output is not a terminal, and the identifiers are not written to files "
                         "or pipes unless asked; give --output FILE to write them to a file")
    else:
        emit(text.rstrip("\n") if text else f"{case_id} keeps no identifiers")


def _report(outcome: Outcome) -> None:
    """As `report`, but a dry run names the files and never prints their text: a diff of
    identifiers would show them (a plain confidential.yaml being removed)."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs

    if not outcome.dry_run:
        report(outcome)
        return
    say(f"{outcome.case_id}: {outcome.step} ({outcome.summary}) [dry run: nothing changed]")
    for path in outcome.paths:
        say(f"would {'remove' if path in outcome.removed else 'write'} {path}")


@recipients_app.command("add")
@step(when=False, message=False, propose=False)
def recipients_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="A short name for the key's holder, e.g. alex.b")],
    key: Annotated[str, typer.Option("--key", help="Their age public key (age1...) or ssh-ed25519 public key, or a .pub file.", show_default=False)],
    *, options: StepOptions,
) -> None:
    """Let someone read the identifiers: every case key is re-encrypted for the new set.

    Example: reviewctl recipients add alex.b --key ~/.ssh/id_ed25519.pub
    """
    from reviewctl.core.privacy.recipients import add  # lazy: loads pydantic, secrets

    _said(*add(globals_of(ctx).store(), name, key, options.dry_run))


@recipients_app.command("remove")
@step(when=False, message=False, propose=False)
def recipients_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")], *, options: StepOptions,
) -> None:
    """Stop someone reading the identifiers: every case they could read gets a new key, in one commit.

    Old commits stay readable to a copy of the old key store that they kept.
    """
    from reviewctl.core.privacy.recipients import remove  # lazy: loads pydantic, secrets

    _said(*remove(globals_of(ctx).store(), name, options.dry_run))


@recipients_app.command("reconcile")
@step(when=False, message=False, propose=False)
def recipients_reconcile(ctx: typer.Context, *, options: StepOptions) -> None:
    """Bring every case key in step with the recipients: re-key, give, finish purges (sync does it too)."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.privacy.reconcile import reconcile  # lazy: loads pydantic, secrets

    outcome, found = reconcile(globals_of(ctx).store(), options.dry_run)
    _said(outcome, found)
    if outcome is None and not found.said() and not found.missing:
        say("every case key is in step with the recipients")


@recipients_app.command("migrate")
@step(when=False, message=False, propose=False)
def recipients_migrate(ctx: typer.Context, *, options: StepOptions) -> None:
    """Move the old .reviewctl/recipients.yaml to one file per recipient, in one commit."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.privacy.recipients import migrate  # lazy: loads pydantic, secrets

    outcome = migrate(globals_of(ctx).store(), options.dry_run)
    if outcome is None:
        say("the recipients are kept one file each already; nothing to migrate")
    else:
        report(outcome)


def _said(outcome: Outcome | None, found: Plan) -> None:
    from reviewctl.cli.output import say  # lazy: loaded when the command runs

    if outcome is not None:
        report(outcome)
    for line in found.said():
        say(line)
    if found.missing:
        say(f"warning: no key in the key store for {', '.join(found.missing)}, so their identifiers were not "
            "re-keyed (nobody can read them here); restore the key store from its backup (the case is re-keyed "
            "before anything more is written to it), or purge them")


@recipients_app.command("list")
def recipients_list(ctx: typer.Context, fmt: FormatOpt = Format.TABLE) -> None:
    """The recipients: who can read the identifiers."""
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.privacy.recipients import listing  # lazy: loads pydantic, secrets

    rows = listing(globals_of(ctx).store())
    emit(as_json(rows) if fmt == "json" else table(rows, ["name", "key"], fmt))


def retention(
    ctx: typer.Context,
    everything: Annotated[bool, typer.Option("--all", help="Every closed case with its destruction date, not only those due.")] = False,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """The closed cases whose identifiers are due for destruction under the retention schedule.

    Example: reviewctl retention --format csv
    """
    from reviewctl.cli.output import as_json, emit, say, table  # lazy: loaded when the command runs
    from reviewctl.core.privacy.retention import listing  # lazy: loads pydantic, secrets

    globs = globals_of(ctx)
    rows, unset = listing(globs.store(), globs.today(), everything)
    data = [r.as_row() for r in rows]
    emit(as_json(data) if fmt == "json" else table(
        data, ["case", "type", "stage", "closed", "keep", "destroy_from", "identifiers"], fmt))
    if unset:
        say(f"no retention period is set for {', '.join(unset)}: set it in reviewctl.yaml, e.g. "
            f"`retention: {{{unset[0]}: {{years: 15}}}}` from your retention schedule")


@step(propose=False)
def purge(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="ID", show_default=False)],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, in your own words (checked against the identifiers, so only a recipient can give it).", show_default=False)] = None,
    because: Annotated[str | None, typer.Option("--because", metavar="KIND", help="A standard reason, worded by reviewctl: retention-period, subject-request, court-order, duplicate-case or referred-in-error.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Destroy them before the retention period has run.")] = False,
    *, options: StepOptions,
) -> None:
    """Destroy a case's identifiers for good (its key goes from the key store).

    No copy in any commit or clone can be read again. The pseudonymised case stays.

    Example: reviewctl purge SSCP-2026-7KQ4MX --reason "retention schedule: 15 years after closure"
    """
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.steps.purge import purge as core_purge  # lazy: loads pydantic, secrets

    outcome, warning = core_purge(globals_of(ctx).store(), case_id, reason, force, options, because)
    if outcome is None:
        say(warning or "")
        return
    _report(outcome)
    if warning:
        say(f"warning: {warning}")
