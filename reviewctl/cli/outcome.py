"""The commands from the report to closure: report, present, jcrg, approve, publish,
redaction-check, impact, monitor, close; and link (`actions` is cli/actions.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import globals_of, maybe_date, parse_date, step
from reviewctl.cli.steps import IdArg
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome


@step()
def report_cmd(
    ctx: typer.Context, case_id: IdArg,
    file: Annotated[Path | None, typer.Option("--file", help="A new version of the report: markdown, or a Word .docx (kept as it is).")] = None,
    recommendations: Annotated[Path | None, typer.Option("--recommendations", help="The recommendations as a YAML list, instead of the report's section.")] = None,
    agreed: Annotated[bool, typer.Option("--agreed", help="Mark the current version and its recommendations agreed.")] = False,
    revision: Annotated[bool, typer.Option("--revision", help="A revision after the JCRG or approval (with --reason): the case goes back, and earlier approvals stop counting.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the report is revised (with --revision).")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Store a report version (--file), a revision (--file --revision --reason), or mark it agreed (--agreed)."""
    from reviewctl.core.steps import report as core  # lazy: loads pydantic, secrets
    from reviewctl.core.store.step import required_text  # lazy: loads pydantic, difflib

    if (file is None) == (not agreed):
        raise UsageError("give exactly one of --file REPORT.md or --agreed")
    if (revision or reason is not None) and file is None:
        raise UsageError("--revision and --reason go with --file REPORT.md")
    if reason is not None and not revision:
        raise UsageError("--reason goes with --revision; add --revision, or leave --reason out")
    why = required_text(reason, "--reason", "say why the report is revised") if revision else None
    store = globals_of(ctx).store()
    if file is not None:
        return core.add_version(store, case_id, file, recommendations, options, revision=why)
    return core.agree(store, case_id, options)


@step()
def present(ctx: typer.Context, case_id: IdArg, *, options: StepOptions) -> Outcome:
    """Record that the lead reviewer presented the report to the JCRG."""
    from reviewctl.core.steps.report import present as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, options)


@step()
def jcrg(
    ctx: typer.Context, case_id: IdArg,
    final_report: Annotated[int, typer.Option("--final-report", metavar="VERSION", help="The agreed report version.", show_default=False)],
    comms_plan: Annotated[Path, typer.Option("--comms-plan", help="The draft communications plan (markdown).", show_default=False)],
    action: Annotated[list[str] | None, typer.Option("--action", help="An improvement action (repeat, each with --owner, --due, --measure).")] = None,
    owner: Annotated[list[str] | None, typer.Option("--owner", help="The owning agency of the action.")] = None,
    due: Annotated[list[str] | None, typer.Option("--due", help="The action's due date.")] = None,
    measure: Annotated[list[str] | None, typer.Option("--measure", help="The action's measure of success.")] = None,
    actions: Annotated[Path | None, typer.Option("--actions", help="The actions as YAML: a list of text, owner, due, measure.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """The JCRG agrees the final report, the improvement actions and the comms plan."""
    from reviewctl.core.steps.jcrg import actions_file, agree_final, zip_actions  # lazy: loads pydantic, secrets

    if actions is not None and action:
        raise UsageError("give the actions either with --action ... or with --actions FILE, not both")
    given = actions_file(actions) if actions is not None else zip_actions(
        action or [], owner or [], [parse_date(d, "--due") for d in due or []], measure or [])
    return agree_final(globals_of(ctx).store(), case_id, final_report=final_report, actions=given,
                       comms_plan=comms_plan, options=options)


@step()
def approve(
    ctx: typer.Context, case_id: IdArg,
    role: Annotated[str | None, typer.Option("--role", help="The role you approve in: sscp, independent-chair or home-office-qa; leave it out to record a case approved whose approvals came in by separate pull requests.", show_default=False)] = None,
    version: Annotated[int | None, typer.Option("--version", help="The report version approved; default the current one.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Approve the final report in a role, tied to its exact text and your git identity.

    Without --role: once every role's approval is in (merged from separate pull
    requests) and verifies, record the case as approved.
    """
    from reviewctl.core.steps.approval import approve as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, role=role, version=version, options=options)


@step()
def publish(
    ctx: typer.Context, case_id: IdArg,
    where: Annotated[str | None, typer.Option("--where", help="URL or place of publication (not for a route that publishes nothing).", show_default=False)] = None,
    embargo_until: Annotated[str | None, typer.Option("--embargo-until", help="Public from this date.")] = None,
    notified_on: Annotated[str | None, typer.Option("--notified-on", help="When the notifications were sent; default --date.")] = None,
    route: Annotated[str | None, typer.Option("--route", help="The publication route (lcspr: full, improvements-only; sar: full, not-published); default the type's first.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for a route that needs it.")] = None,
    planned: Annotated[str | None, typer.Option("--planned", metavar="DATE", help="lcspr: plan publication on DATE: a deadline per body for the report beforehand.")] = None,
    sent: Annotated[list[str] | None, typer.Option("--sent", metavar="BODY=DATE", help="lcspr: when a body had the report (repeat).")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Publish: checks redaction, renders the notifications and library submissions.

    With --planned DATE (or --sent BODY=DATE) it only plans: each body's notice deadline goes into `due`.
    """
    from reviewctl.core.steps import publication as core  # lazy: loads pydantic, secrets

    if planned is not None or sent:
        if where or embargo_until or notified_on or route or reason:
            raise UsageError("--planned and --sent plan a publication; publish later with --where")
        given = []
        for text in sent or []:
            body, _, day = text.partition("=")
            given.append((body.strip(), parse_date(day.strip(), "--sent")))
        return core.plan(globals_of(ctx).store(), case_id, planned=maybe_date(planned, "--planned"),
                         sent=given, options=options)
    return core.publish(globals_of(ctx).store(), case_id, where=where,
                        embargo_until=maybe_date(embargo_until, "--embargo-until"),
                        notified_on=maybe_date(notified_on, "--notified-on"), options=options,
                        route=route, reason=reason)


def redaction_check(ctx: typer.Context, case_id: IdArg) -> None:
    """Check every publishable document of a case for confidential identifiers, listed or not."""
    from reviewctl.cli.output import say  # lazy: loaded when the command runs
    from reviewctl.core.privacy.pattern_guard import refuse_published  # lazy: loads pydantic, secrets
    from reviewctl.core.steps.publication import refuse_if_identifiers  # lazy: loads pydantic, secrets

    store = globals_of(ctx).store()
    store.existing_case_dir(case_id)  # a case that does not exist has nothing to check, and is not clean
    refuse_if_identifiers(store, case_id)
    refuse_published(store, case_id)
    say(f"{case_id}: no identifier pattern and no confidential identifier in any publishable document")


@step()
def impact(
    ctx: typer.Context, case_id: IdArg,
    note: Annotated[str, typer.Option("--note", help="The evidence of impact.", show_default=False)],
    evidence: Annotated[Path | None, typer.Option("--evidence", help="A text file of evidence to keep.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """The Learning & Development Group's evidence of impact."""
    from reviewctl.core.steps.monitoring import impact as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, note=note, evidence=evidence, options=options)


@step()
def monitor(ctx: typer.Context, case_id: IdArg, *, options: StepOptions) -> Outcome:
    """Start the JCRG's monitoring of the action plan (published -> monitoring)."""
    from reviewctl.core.steps.monitoring import start_monitoring  # lazy: loads pydantic, secrets

    return start_monitoring(globals_of(ctx).store(), case_id, options)


@step()
def close(
    ctx: typer.Context, case_id: IdArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Close actions still open, consciously, for this reason.")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Close the case; refused while an action is open unless --reason is given."""
    from reviewctl.core.steps.monitoring import close as core  # lazy: loads pydantic, secrets

    return core(globals_of(ctx).store(), case_id, reason=reason, options=options)


@step()
def link(
    ctx: typer.Context, case_id: IdArg,
    other: Annotated[str, typer.Argument(metavar="OTHER", help="The other case's id.")],
    kind: Annotated[str, typer.Option("--kind", help="How the cases are linked: parallel, joint or converted.", show_default=False)],
    *, options: StepOptions,
) -> Outcome:
    """Link two cases (e.g. a DHR and a SAR about the same death); shown on both."""
    from reviewctl.core.steps.links import link as core  # lazy: loads pydantic, difflib

    return core(globals_of(ctx).store(), case_id, other, kind, options)


