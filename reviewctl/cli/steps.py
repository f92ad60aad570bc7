"""The commands that move a case through the front of the process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from reviewctl.cli.common import globals_of, maybe_date, step
from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.store.step import StepOptions
    from reviewctl.core.store.transaction import Outcome

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The case id, e.g. SSCP-2026-7KQ4MX.", show_default=False)]


@step()
def refer(
    ctx: typer.Context,
    case_type: Annotated[str, typer.Option("--type", help="The review type: lcspr, sar, dhr or unknown.", show_default=False)],
    subject: Annotated[str, typer.Option("--subject", help="The pseudonym, e.g. 'Child A'. Never a real name.", show_default=False)],
    referrer: Annotated[str, typer.Option("--referrer", help="Who referred (agency and role).", show_default=False)],
    received: Annotated[str | None, typer.Option("--received", help="Date received; default --date.")] = None,
    incident_date: Annotated[str | None, typer.Option("--incident-date", help="Date of the incident.")] = None,
    aware: Annotated[str | None, typer.Option("--aware", metavar="DATE", help="When the body responsible became aware; the clocks that count from awareness start here. lcspr: the local authority became aware of the incident (default --received); sar: the Safeguarding Adults Board became aware of the case; dhr: the police notified the Community Safety Partnership of the death (the decision's one month counts from it).")] = None,
    details: Annotated[list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="A subject detail, as the subject step takes it (repeat), e.g. \"care=looked after\".")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="A short summary, using pseudonyms.")] = None,
    agency: Annotated[list[str] | None, typer.Option("--agency", help="An agency named in the referral (repeat).")] = None,
    name: Annotated[list[str] | None, typer.Option("--name", help="The subject's real name (repeat for others), kept encrypted; needs recipients.")] = None,
    dob: Annotated[list[str] | None, typer.Option("--dob", help="A real date of birth (day first, e.g. 2/11/2016), kept encrypted.")] = None,
    address: Annotated[list[str] | None, typer.Option("--address", help="A real address, kept encrypted.")] = None,
    *, options: StepOptions,
) -> Outcome | None:
    """Record a new referral; prints only the new case id.

    Real identifiers given with --name, --dob and --address are encrypted for the team's
    recipients at once, and every later step's text is checked against them.
    """
    from reviewctl.cli.output import emit  # lazy: loaded when the command runs
    from reviewctl.core.privacy.identifiers import with_values  # lazy: loads pydantic, secrets
    from reviewctl.core.steps.referral import refer as core_refer  # lazy: loads pydantic, secrets

    given = [*(f"name={v}" for v in name or []), *(f"dob={v}" for v in dob or []),
             *(f"address={v}" for v in address or [])]
    outcome = core_refer(
        globals_of(ctx).store(), case_type=case_type, subject=subject, referrer=referrer,
        received=maybe_date(received, "--received"),
        incident_date=maybe_date(incident_date, "--incident-date"),
        summary=summary, agencies=agency or [], options=options,
        identifying=with_values(None, given, [], {"name": "--name", "dob": "--dob", "address": "--address"})
        if given else None,
        aware=maybe_date(aware, "--aware"), details=details or [],
    )
    if options.dry_run:
        return outcome
    emit(outcome.case_id)
    return None


@step()
def triage(
    ctx: typer.Context,
    case_id: IdArg,
    accept: Annotated[bool, typer.Option("--accept", help="Accept for scoping.")] = False,
    no_further_action: Annotated[bool, typer.Option("--no-further-action", help="Close: no further or alternative action.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (required).", show_default=False)] = "",
    case_type: Annotated[str | None, typer.Option("--type", help="Settle or change the review type.")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="Set the referral summary.")] = None,
    agency: Annotated[list[str] | None, typer.Option("--agency", help="Add an agency involved (repeat).")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Triage a referral: --accept (to scoping) or --no-further-action (letter to the referrer)."""
    from reviewctl.core.steps.triage import triage as core_triage  # lazy: loads pydantic

    if accept == no_further_action:
        raise UsageError("give exactly one of --accept or --no-further-action")
    return core_triage(
        globals_of(ctx).store(), case_id, accept=accept, reason=reason, new_type=case_type,
        summary=summary, agencies=agency or [], options=options,
    )


@step()
def scope(
    ctx: typer.Context,
    case_id: IdArg,
    request: Annotated[list[str] | None, typer.Option("--request", help="Ask an agency for information (repeat).")] = None,
    returned: Annotated[list[str] | None, typer.Option("--returned", help="An agency answered (repeat).")] = None,
    notified: Annotated[str | None, typer.Option("--notified", help="lcspr: date the National Panel was notified.")] = None,
    rapid_review_sent: Annotated[str | None, typer.Option("--rapid-review-sent", help="lcspr: date the rapid review went to the Panel.")] = None,
    done: Annotated[bool, typer.Option("--done", help="Scoping is complete: move to the decision meeting.")] = False,
    ofsted_dfe: Annotated[str | None, typer.Option("--ofsted-dfe", metavar="DATE", help="lcspr: date Ofsted and the Secretary of State (DfE) were notified; a looked-after child's scoping needs it, within 5 working days of awareness.")] = None,
    ofsted_dfe_not_made: Annotated[str | None, typer.Option("--ofsted-dfe-not-made", metavar="REASON", help="lcspr: why no notification to Ofsted and the DfE was made.")] = None,
    panel_response: Annotated[str | None, typer.Option("--panel-response", metavar="DATE", help="lcspr: date of the National Panel's response to the rapid review (with --panel-outcome).")] = None,
    panel_outcome: Annotated[str | None, typer.Option("--panel-outcome", metavar="OUTCOME", help="The Panel's response: agrees or disagrees (with the partners' decision), or national-review (it will consider a national review, Children Act 2004 s.16B).")] = None,
    panel_agrees: Annotated[bool | None, typer.Option("--panel-agrees/--panel-disagrees", help="Short for --panel-outcome agrees / disagrees.", show_default=False)] = None,
    *, options: StepOptions,
) -> Outcome:
    """Record scoping: information requests and replies, lcspr notifications and the Panel's response, --done."""
    from reviewctl.core.steps.scoping import ScopeChanges  # lazy: loads pydantic, secrets
    from reviewctl.core.steps.scoping import scope as core_scope  # lazy: loads pydantic, secrets

    changes = ScopeChanges(
        request=request or [], returned=returned or [],
        notified=maybe_date(notified, "--notified"),
        rapid_review_sent=maybe_date(rapid_review_sent, "--rapid-review-sent"), done=done,
        ofsted_dfe=maybe_date(ofsted_dfe, "--ofsted-dfe"), ofsted_dfe_not_made=ofsted_dfe_not_made,
        panel_response=maybe_date(panel_response, "--panel-response"),
        panel_outcome=_panel_outcome(panel_outcome, panel_agrees),
    )
    return core_scope(globals_of(ctx).store(), case_id, changes, options)


def _panel_outcome(outcome: str | None, agrees: bool | None) -> str | None:
    if outcome is not None and agrees is not None:
        raise UsageError("give --panel-outcome, or --panel-agrees / --panel-disagrees, not both")
    return outcome if agrees is None else "agrees" if agrees else "disagrees"


@step()
def decide(
    ctx: typer.Context,
    case_id: IdArg,
    conduct: Annotated[bool, typer.Option("--conduct", help="Decide (or recommend) to conduct a review.")] = False,
    not_conduct: Annotated[bool, typer.Option("--not-conduct", help="Decide (or recommend) not to.")] = False,
    rationale: Annotated[str, typer.Option("--reason", help="Why (required).", show_default=False)] = "",
    old_rationale: Annotated[str | None, typer.Option("--rationale", hidden=True, help="Deprecated spelling of --reason.")] = None,
    chair: Annotated[bool, typer.Option("--chair", help="sar/dhr: the Independent Chair's decision.")] = False,
    meeting_date: Annotated[str | None, typer.Option("--meeting-date", help="Date of the meeting; default --date.")] = None,
    attendee: Annotated[list[str] | None, typer.Option("--attendee", help="A role that attended (repeat).")] = None,
    parallel: Annotated[list[str] | None, typer.Option("--parallel", help="A parallel process: inquest, trial, other review (repeat).")] = None,
    scope_text: Annotated[str | None, typer.Option("--scope", help="The initial scope of the review.")] = None,
    learning_to: Annotated[str | None, typer.Option("--learning-to", help="Not conducted: the SSCP group that gets the learning.")] = None,
    case_type: Annotated[str | None, typer.Option("--type", help="Settle (or change) the review type at the meeting.")] = None,
    partner: Annotated[list[str] | None, typer.Option("--partner", metavar="PARTNER=NAME; ROLE", help="lcspr: a safeguarding partner's agreement (local-authority, icb, police; repeat for each).")] = None,
    basis: Annotated[str | None, typer.Option("--basis", metavar="BASIS", help="sar, with --conduct: mandatory (Care Act 2014 s.44(1)-(3)) or discretionary (s.44(4)); needed by the decision to conduct (the meeting's, or the chair's).")] = None,
    *, options: StepOptions,
) -> Outcome:
    """Record the decision meeting (lcspr: decided; sar/dhr: recommendation to the chair)."""
    from reviewctl.core.steps.decision import DecisionInput  # lazy: loads pydantic, secrets
    from reviewctl.core.steps.decision import decide as core_decide  # lazy: loads pydantic, secrets

    if conduct == not_conduct:
        raise UsageError("give exactly one of --conduct or --not-conduct")
    if old_rationale is not None:  # the spelling before --reason meant the same everywhere
        if rationale:
            raise UsageError("--rationale is the old spelling of --reason; give --reason once")
        rationale = old_rationale
    given = DecisionInput(
        conduct=conduct, rationale=rationale, chair=chair,
        meeting_date=maybe_date(meeting_date, "--meeting-date"), attendees=attendee or [],
        parallel=parallel or [], scope=scope_text, learning_to=learning_to, new_type=case_type,
        partners=partner or [], basis=basis,
    )
    return core_decide(globals_of(ctx).store(), case_id, given, options)
