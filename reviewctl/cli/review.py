"""The commands from set-up to the terms of reference: notify, chronology, commission,
panel, tor, milestone, engage, checklist."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import Format, FormatOpt, formats, globals_of, step
from reviewctl.cli.steps import IdArg

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome

chronology_app = typer.Typer(help="Agencies' key-event chronologies: request, import, show.", no_args_is_help=True)
panel_app = typer.Typer(help="The review panel: add and remove members.", no_args_is_help=True)


@step()
def notify(
    ctx: typer.Context,
    case_id: IdArg,
    family: Annotated[bool, typer.Option("--family", help="The person or family was notified.")] = False,
    national: Annotated[bool, typer.Option("--national", help="The national body (lcspr: National Panel; dhr: Home Office).")] = False,
    not_appropriate: Annotated[str | None, typer.Option("--not-appropriate", metavar="REASON", help="With --family: why notifying was not appropriate.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Record a notice to the family or the national body; renders the letter."""
    from reviewctl.core.steps.set_up import notify as core_notify  # lazy: loads pydantic, secrets

    return core_notify(globals_of(ctx).store(), case_id, family=family, national=national,
                       not_appropriate=not_appropriate, options=options)


@chronology_app.command("request")
@step()
def chronology_request(
    ctx: typer.Context, case_id: IdArg,
    agency: Annotated[list[str], typer.Option("--agency", help="An agency to ask (repeat).", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Ask agencies for their key events; renders a request to each."""
    from reviewctl.core.steps.set_up import chronology_request as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, agency, options)


@chronology_app.command("import")
@step()
def chronology_import(
    ctx: typer.Context, case_id: IdArg,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The agency's events: .xlsx or CSV with the columns date, time, event, source, significance (dates day first, e.g. 2/11/2026), or YAML.")],
    agency: Annotated[str, typer.Option("--agency", help="Whose events these are.", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Import an agency's key events; every row is checked, and nothing is imported if one is bad."""
    from reviewctl.core.steps.chronology import import_chronology  # lazy: loads pydantic, secrets

    outcome: Outcome = import_chronology(globals_of(ctx).store(), case_id, agency, file, options)
    return outcome


@chronology_app.command("show")
def chronology_show(
    ctx: typer.Context, case_id: IdArg, fmt: Annotated[Format, formats("md", "csv", "json")] = Format.MD,
) -> None:
    """The integrated chronology: every agency merged by date, duplicates and gaps flagged."""
    from reviewctl.adapters.render import render  # lazy: loads jinja2, signal
    from reviewctl.cli.output import as_json, emit, escaped, table  # lazy: loaded when the command runs
    from reviewctl.core.reports.case_data import show_case  # lazy: loads pydantic, difflib
    from reviewctl.core.reports.case_lines import chronology_rows  # lazy: loaded when the command runs

    g = globals_of(ctx)
    store = g.store()
    rows = chronology_rows(store, case_id)
    if fmt == "json":
        emit(as_json(rows))
    elif fmt == "csv":
        emit(table([{**r, "flags": "; ".join(r["flags"])} for r in rows],
                   ["date", "time", "agency", "event", "source", "significance", "flags"], "csv"))
    else:
        case = show_case(store, case_id, g.today())
        emit(render("integrated-chronology.md.j2", {"case": escaped(case.as_json()), "events": escaped(rows)},
                    store.templates_search()))


@step()
def commission(
    ctx: typer.Context, case_id: IdArg,
    lead_reviewer: Annotated[str, typer.Option("--lead-reviewer", help="The lead reviewer's name.", show_default=False)],
    organisation: Annotated[str, typer.Option("--organisation", help="Their organisation (not an involved agency).", show_default=False)],
    declare_independent: Annotated[bool, typer.Option("--declare-independent", help="They are independent of the agencies involved.")] = False,
    *, options: StepOptions,
) -> Outcome:
    """Commission the lead reviewer (setup -> commissioned); renders the commission letter."""
    from reviewctl.core.steps.commission import commission as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, lead_reviewer=lead_reviewer, organisation=organisation,
                declare_independent=declare_independent, options=options)


@panel_app.command("add")
@step()
def panel_add(
    ctx: typer.Context, case_id: IdArg,
    name: Annotated[str, typer.Option("--name", help="The member's name.", show_default=False)],
    agency: Annotated[str, typer.Option("--agency", help="Their agency.", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="Their role.", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Add a review panel member."""
    from reviewctl.core.steps.commission import panel_add as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, name=name, agency=agency, role=role, options=options)


@panel_app.command("remove")
@step()
def panel_remove(
    ctx: typer.Context, case_id: IdArg,
    name: Annotated[str, typer.Option("--name", help="The member's name.", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Remove a review panel member."""
    from reviewctl.core.steps.commission import panel_remove as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, name=name, options=options)


@step()
def tor(
    ctx: typer.Context, case_id: IdArg,
    file: Annotated[Path, typer.Option("--file", help="The terms of reference (markdown).", show_default=False)],
    milestone: Annotated[list[str], typer.Option("--milestone", metavar="NAME=DATE", help="A milestone of the schedule (repeat).", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Finalise the terms of reference and schedule (commissioned -> in-review)."""
    from reviewctl.core.steps.review import tor as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, file=file, milestones=milestone, options=options)


@step()
def milestone(
    ctx: typer.Context, case_id: IdArg,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The milestone that was met.")],
    *, options: StepOptions,
) -> Outcome:
    """Record that a milestone of the schedule was met."""
    from reviewctl.core.steps.review import milestone_met  # lazy: loads pydantic, secrets

    return milestone_met(globals_of(ctx).store(), case_id, name, options)


@step()
def engage(
    ctx: typer.Context, case_id: IdArg,
    with_whom: Annotated[str, typer.Option("--with", help="Who, by role: 'mother', 'family'.", show_default=False)],
    note: Annotated[str, typer.Option("--note", help="What happened.", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Log engagement with the person and family."""
    from reviewctl.core.steps.review import engage as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, with_whom=with_whom, note=note, options=options)


@step()
def checklist(
    ctx: typer.Context, case_id: IdArg,
    tick: Annotated[list[str] | None, typer.Option("--tick", metavar="ITEM", help="Tick an item (repeat).")] = None,
    fmt: FormatOpt = Format.TABLE,
    *, options: StepOptions,
) -> Outcome | None:
    """Show the conduct checklist, or tick items with --tick."""
    from reviewctl.cli.output import as_json, emit, table  # lazy: loaded when the command runs
    from reviewctl.core.reports.case_lines import checklist_rows  # lazy: loaded when the command runs
    from reviewctl.core.steps.review import tick as core_tick  # lazy: loads pydantic, secrets

    store = globals_of(ctx).store()
    if tick:
        return core_tick(store, case_id, tick, options)
    items = checklist_rows(store, case_id)
    emit(as_json(items) if fmt == "json" else table(items, ["id", "label", "ticked"], fmt))
    return None
