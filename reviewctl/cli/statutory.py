"""The statutory records: the Home Office's quality assurance (dhr), parallel
proceedings, subject details and learning themes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from reviewctl.cli.common import DateOpt, DryRunOpt, MessageOpt, ProposeOpt, globals_of, report, step_options
from reviewctl.cli.steps import IdArg

home_office_app = typer.Typer(help="dhr: the report submitted to the Home Office and its QA Panel's outcome.",
                              no_args_is_help=True)
parallel_app = typer.Typer(help="Parallel proceedings (criminal, inquest, IOPC, CDOP) and their events.",
                           no_args_is_help=True)


@home_office_app.command("submit")
def submit(
    ctx: typer.Context, case_id: IdArg,
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """The final report submitted (or, after amendments, resubmitted) to the Home Office."""
    from reviewctl.core.homeoffice import submit as core

    report(core(globals_of(ctx).store(), case_id, step_options(ctx, when, message, dry_run, propose)))


@home_office_app.command("qa")
def qa(
    ctx: typer.Context, case_id: IdArg,
    outcome: Annotated[str, typer.Option("--outcome", help="approved or amend-and-resubmit.", show_default=False)],
    letter: Annotated[Path, typer.Option("--letter", help="The QA Panel's letter (text or markdown).", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """The Home Office Quality Assurance Panel's outcome for the latest submission, with its letter."""
    from reviewctl.core.homeoffice import qa_outcome

    report(qa_outcome(globals_of(ctx).store(), case_id, outcome, letter,
                      step_options(ctx, when, message, dry_run, propose)))


@parallel_app.command("add")
def parallel_add(
    ctx: typer.Context, case_id: IdArg,
    kind: Annotated[str, typer.Option("--kind", help="criminal, inquest, iopc, cdop or other.", show_default=False)],
    ref: Annotated[str, typer.Option("--ref", help="Its reference (court, coroner, IOPC).", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Record a parallel proceeding; it gets an id (P1, P2 ...) that events and clock pauses name."""
    from reviewctl.core.proceedings import add

    report(add(globals_of(ctx).store(), case_id, kind, ref, step_options(ctx, when, message, dry_run, propose)))


@parallel_app.command("event")
def parallel_event(
    ctx: typer.Context, case_id: IdArg,
    proceeding: Annotated[str, typer.Argument(metavar="PROCEEDING", help="Its id, e.g. P1.", show_default=False)],
    event: Annotated[str, typer.Option("--event", help="What happened (hearing listed, verdict, sentencing).", show_default=False)],
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """A dated event of a parallel proceeding (--date: when it happened)."""
    from reviewctl.core.proceedings import event as core

    report(core(globals_of(ctx).store(), case_id, proceeding, event, step_options(ctx, when, message, dry_run, propose)))


def themes(
    ctx: typer.Context,
    case_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="The case id.", show_default=False)] = None,
    add: Annotated[list[str] | None, typer.Option("--add", help="A learning theme from the vocabulary (repeat).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the known themes.")] = False,
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Record a case's learning themes (--add THEME), or list the known ones (--list)."""
    from reviewctl.cli.output import emit
    from reviewctl.core.profile import add_themes
    from reviewctl.core.statute import themes_of
    from reviewctl.errors import UsageError

    store = globals_of(ctx).store()
    if list_:
        emit("\n".join(themes_of(store.workflow, store.config)))
        return
    if case_id is None:
        raise UsageError("give a case id with --add THEME, or --list")
    report(add_themes(store, case_id, add or [], step_options(ctx, when, message, dry_run, propose)))


def subject(
    ctx: typer.Context, case_id: IdArg,
    set_: Annotated[list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A subject detail: age_band, sex, ethnicity, disability, care or setting, with a value of its vocabulary (repeat).")] = None,
    when: DateOpt = None, dry_run: DryRunOpt = False, message: MessageOpt = None, propose: ProposeOpt = False,
) -> None:
    """Record the subject's details for annual reports and national returns (fixed vocabularies)."""
    from reviewctl.core.profile import set_details

    report(set_details(globals_of(ctx).store(), case_id, set_ or [], step_options(ctx, when, message, dry_run, propose)))


def statutory_rows(view: dict[str, Any]) -> list[tuple[str, Any]]:
    """`show`'s lines for the statutory records: who decided, notices, QA, routes, proceedings, themes."""
    decision = view.get("decision") or {}
    scoping = view.get("scoping") or {}
    ofsted = scoping.get("ofsted_dfe") or {}
    response = scoping.get("panel_response") or {}
    home = view.get("homeoffice") or {}
    publication = view.get("publication") or {}
    profile = view.get("profile") or {}
    proceedings = (view.get("proceedings") or {}).get("proceedings") or []
    rows: list[tuple[str, Any]] = [
        ("aware", view.get("aware")),
        ("decided by", ", on behalf of the ".join(x for x in (decision.get("decided_for"), decision.get("body")) if x)),
        ("partners", ", ".join(f"{k}: {p['name']} ({p['role']})" for k, p in (decision.get("partners") or {}).items())),
        ("ofsted and dfe", (f"notified {ofsted.get('date')}" if ofsted.get("made") else f"not notified: {ofsted.get('reason')}")
         if ofsted else None),
        ("panel response", f"{response['date']}: {'agrees' if response['agrees'] else 'does not agree'}" if response else None),
        ("home office", "; ".join([f"submitted {s['date']} (v{s['version']})" for s in home.get("submissions") or []]
                                  + [f"QA {o['outcome']} {o['date']}" for o in home.get("outcomes") or []])),
        ("publication planned", publication.get("planned")),
        ("route", " ".join(str(x) for x in (publication.get("route"), publication.get("route_reason")) if x)),
        ("proceedings", ", ".join(f"{p['id']} {p['kind']} {p['ref']}" for p in proceedings)),
        ("subject details", ", ".join(f"{k}: {v}" for k, v in (profile.get("details") or {}).items())),
        ("themes", ", ".join(profile.get("themes") or [])),
    ]
    return [(k, v) for k, v in rows if v]
