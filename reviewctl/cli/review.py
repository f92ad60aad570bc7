"""The commands from set-up to the terms of reference: notify, chronology, commission,
panel, tor, milestone, engage, checklist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reviewctl.cli.common import (
    DateOpt,
    DryRunOpt,
    FormatOpt,
    MessageOpt,
    ProposeOpt,
    globals_of,
    report,
    step_options,
)
from reviewctl.cli.steps import IdArg
from reviewctl.errors import UsageError

chronology_app = typer.Typer(help="Agencies' key-event chronologies: request, import, show.", no_args_is_help=True)
panel_app = typer.Typer(help="The review panel: add and remove members.", no_args_is_help=True)


def notify(
    ctx: typer.Context,
    case_id: IdArg,
    family: Annotated[bool, typer.Option("--family", help="The person or family was notified.")] = False,
    national: Annotated[bool, typer.Option("--national", help="The national body (lcspr: National Panel; dhr: Home Office).")] = False,
    not_appropriate: Annotated[str | None, typer.Option("--not-appropriate", metavar="REASON", help="With --family: why notifying was not appropriate.")] = None,
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Record a notice to the family or the national body; renders the letter."""
    from reviewctl.core.setup import notify as core_notify

    report(core_notify(globals_of(ctx).store(), case_id, family=family, national=national,
                       not_appropriate=not_appropriate, options=step_options(ctx, when, message, dry_run, propose)))


@chronology_app.command("request")
def chronology_request(
    ctx: typer.Context, case_id: IdArg,
    agency: Annotated[list[str], typer.Option("--agency", help="An agency to ask (repeat).", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Ask agencies for their key events; renders a request to each."""
    from reviewctl.core.setup import chronology_request as core

    report(core(globals_of(ctx).store(), case_id, agency, step_options(ctx, when, message, dry_run, propose)))


@chronology_app.command("import")
def chronology_import(
    ctx: typer.Context, case_id: IdArg,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV (date,time,event,source,significance) or YAML.")],
    agency: Annotated[str, typer.Option("--agency", help="Whose events these are.", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Import an agency's key events; every row is checked, and nothing is imported if one is bad."""
    from reviewctl.core.chronology import import_chronology

    report(import_chronology(globals_of(ctx).store(), case_id, agency, file,
                             step_options(ctx, when, message, dry_run, propose)))


@chronology_app.command("show")
def chronology_show(ctx: typer.Context, case_id: IdArg, fmt: FormatOpt = "md") -> None:
    """The integrated chronology: every agency merged by date, duplicates and gaps flagged."""
    from dataclasses import asdict

    from reviewctl.adapters.render import render
    from reviewctl.cli.output import as_json, emit, escaped, table
    from reviewctl.core.chronology import integrated
    from reviewctl.core.views import show_case

    if fmt not in ("md", "csv", "json"):
        raise UsageError(f"--format {fmt!r} is not one of: md, csv, json")
    g = globals_of(ctx)
    store = g.store()
    rows = [{**asdict(r), "date": r.date.isoformat(), "flags": r.flags} for r in
            integrated(store, case_id, store.config.chronology_gap_days)]
    if fmt == "json":
        emit(as_json(rows))
    elif fmt == "csv":
        emit(table([{**r, "flags": "; ".join(r["flags"])} for r in rows],
                   ["date", "time", "agency", "event", "source", "significance", "flags"], "csv"))
    else:
        case = show_case(store, case_id, g.today())
        emit(render("integrated-chronology.md.j2", {"case": escaped(case), "events": escaped(rows)},
                    store.templates_search()))


def commission(
    ctx: typer.Context, case_id: IdArg,
    lead_reviewer: Annotated[str, typer.Option("--lead-reviewer", help="The lead reviewer's name.", show_default=False)],
    organisation: Annotated[str, typer.Option("--organisation", help="Their organisation (not an involved agency).", show_default=False)],
    declare_independent: Annotated[bool, typer.Option("--declare-independent", help="They are independent of the agencies involved.")] = False,
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Commission the lead reviewer (setup -> commissioned); renders the commission letter."""
    from reviewctl.core.commission import commission as core

    report(core(globals_of(ctx).store(), case_id, lead_reviewer=lead_reviewer, organisation=organisation,
                declare_independent=declare_independent, options=step_options(ctx, when, message, dry_run, propose)))


@panel_app.command("add")
def panel_add(
    ctx: typer.Context, case_id: IdArg,
    name: Annotated[str, typer.Option("--name", help="The member's name.", show_default=False)],
    agency: Annotated[str, typer.Option("--agency", help="Their agency.", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="Their role.", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Add a review panel member."""
    from reviewctl.core.commission import panel_add as core

    report(core(globals_of(ctx).store(), case_id, name=name, agency=agency, role=role,
                options=step_options(ctx, when, message, dry_run, propose)))


@panel_app.command("remove")
def panel_remove(
    ctx: typer.Context, case_id: IdArg,
    name: Annotated[str, typer.Option("--name", help="The member's name.", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Remove a review panel member."""
    from reviewctl.core.commission import panel_remove as core

    report(core(globals_of(ctx).store(), case_id, name=name, options=step_options(ctx, when, message, dry_run, propose)))


def tor(
    ctx: typer.Context, case_id: IdArg,
    file: Annotated[Path, typer.Option("--file", help="The terms of reference (markdown).", show_default=False)],
    milestone: Annotated[list[str], typer.Option("--milestone", metavar="NAME=DATE", help="A milestone of the schedule (repeat).", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Finalise the terms of reference and schedule (commissioned -> in-review)."""
    from reviewctl.core.review import tor as core

    report(core(globals_of(ctx).store(), case_id, file=file, milestones=milestone,
                options=step_options(ctx, when, message, dry_run, propose)))


def milestone(
    ctx: typer.Context, case_id: IdArg,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The milestone that was met.")],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Record that a milestone of the schedule was met."""
    from reviewctl.core.review import milestone_met

    report(milestone_met(globals_of(ctx).store(), case_id, name, step_options(ctx, when, message, dry_run, propose)))


def engage(
    ctx: typer.Context, case_id: IdArg,
    with_whom: Annotated[str, typer.Option("--with", help="Who, by role: 'mother', 'family'.", show_default=False)],
    note: Annotated[str, typer.Option("--note", help="What happened.", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Log engagement with the person and family."""
    from reviewctl.core.review import engage as core

    report(core(globals_of(ctx).store(), case_id, with_whom=with_whom, note=note,
                options=step_options(ctx, when, message, dry_run, propose)))


def checklist(
    ctx: typer.Context, case_id: IdArg,
    tick: Annotated[list[str] | None, typer.Option("--tick", metavar="ITEM", help="Tick an item (repeat).")] = None,
    fmt: FormatOpt = "table",
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Show the conduct checklist, or tick items with --tick."""
    from reviewctl.cli.output import as_json, emit, table
    from reviewctl.core.review import checklist_items
    from reviewctl.core.review import tick as core_tick

    store = globals_of(ctx).store()
    if tick:
        report(core_tick(store, case_id, tick, step_options(ctx, when, message, dry_run, propose)))
        return
    items = [{**i, "ticked": i["ticked"].isoformat() if i["ticked"] else None}
             for i in checklist_items(store, case_id)]
    emit(as_json(items) if fmt == "json" else table(items, ["id", "label", "ticked"], fmt))
