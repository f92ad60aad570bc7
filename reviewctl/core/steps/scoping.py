"""Scoping: information requests to agencies and, for lcspr, the Panel notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import PANEL_OUTCOMES, InfoRequest, Scoping
from reviewctl.core.case.views import Doc
from reviewctl.core.clocks.deadlines import due_date
from reviewctl.core.steps.set_up import slug
from reviewctl.core.steps.write import add_note, advance, finish, render_document
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_date, check_not_future, clean_list
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.load import Act
from reviewctl.core.workflow.statute import check_value
from reviewctl.core.workflow.suggest import did_you_mean
from reviewctl.errors import RefusedError, UsageError


@dataclass(frozen=True)
class ScopeChanges:
    request: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    notified: date | None = None
    rapid_review_sent: date | None = None
    done: bool = False
    ofsted_dfe: date | None = None  # lcspr: Ofsted and the Secretary of State (DfE) notified
    ofsted_dfe_not_made: str | None = None  # ... or why not
    panel_response: date | None = None  # lcspr: the National Panel's response to the rapid review
    panel_outcome: str | None = None  # agrees, disagrees or national-review (PANEL_OUTCOMES)

    @property
    def empty(self) -> bool:
        return not (self.request or self.returned or self.notified or self.rapid_review_sent
                    or self.done or self.lcspr_only)

    @property
    def lcspr_only(self) -> bool:
        return bool(self.notified or self.rapid_review_sent or self.ofsted_dfe or self.ofsted_dfe_not_made
                    or self.panel_response)


def scope(store: Store, case_id: str, changes: ScopeChanges, options: StepOptions) -> Outcome:
    if changes.empty:
        raise UsageError(
            "nothing to record: give --request AGENCY, --returned AGENCY, --notified DATE, "
            "--rapid-review-sent DATE, --ofsted-dfe DATE, --panel-response DATE or --done"
        )
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        case_type = edit.case.type
        stage = edit.case.stage
        if changes.request:
            store.workflow.require_record("scope", stage, case_id)
        if changes.panel_response:
            store.workflow.require_record("panel-response", stage, case_id)
        records = store.workflow.records
        # A store's workflow written before `notify-panel` existed records them with `scope`.
        panel = "notify-panel" if "notify-panel" in records else "scope"
        if changes.notified or changes.rapid_review_sent:
            store.workflow.require_record(panel, stage, case_id)
        if changes.ofsted_dfe or changes.ofsted_dfe_not_made:
            # Whatever the review: where the workflow says so, in any stage.
            store.workflow.require_record("notify-ofsted-dfe" if "notify-ofsted-dfe" in records else panel,
                                          stage, case_id)
        if changes.returned:
            store.workflow.require_record("scope-returned", stage, case_id)
        # An unsettled case may turn out to be lcspr: what that type needs can be recorded first.
        if changes.lcspr_only and case_type not in ("lcspr", "unknown"):
            raise UsageError(
                f"{case_id}: --notified, --rapid-review-sent, --ofsted-dfe and --panel-response are for "
                f"lcspr cases; this case is '{case_type}'"
            )
        scoping = edit.write(Scoping)
        when = check_date(options.date, edit)
        requests = scoping.seq("requests")  # made first: the file's key order as it always was
        for agency in clean_list(changes.request, "--request"):
            _request(edit, scoping, agency, when)
        for agency in clean_list(changes.returned, "--returned"):
            _returned(edit, scoping, agency, when)
        if changes.notified is not None:
            scoping["notified"] = _not_before_aware(edit, changes.notified, options.today, "--notified")
        if changes.rapid_review_sent is not None:
            check_not_future(changes.rapid_review_sent, options.today, "--rapid-review-sent")
            scoping["rapid_review_sent"] = check_date(changes.rapid_review_sent, edit, "--rapid-review-sent")
        _lcspr_records(edit, scoping, changes, options.today)
        now = scoping.now
        notified, sent = (now.notified, now.rapid_review_sent) if now is not None else (None, None)
        if notified is not None and sent is not None and sent < notified:
            raise UsageError(
                f"{case_id}: the rapid review ({sent}) would be sent before the notification "
                f"({notified}); check both dates"
            )
        if not requests:
            scoping.pop("requests")
        if changes.done:
            transition = advance(edit, Act.SCOPE_DONE, options)
            return finish(edit, Act.SCOPE_DONE, f"{stage} -> {transition.to}", options)
        add_note(edit, "scope", when, options)
        return finish(edit, "scope", f"{stage}", options)


def _not_before_aware(edit: Edit, value: date, today: date, flag: str) -> date:
    """A notification may come before the referral (it is often the referral), never before
    the local authority became aware of the incident."""
    check_not_future(value, today, flag)
    case = edit.case
    aware = case.aware or case.incident_date
    if aware is not None and value < aware:
        raise UsageError(f"{edit.case_id}: {flag} {value} is before the local authority became aware of the "
                         f"incident ({aware}); give the date the notification was made")
    return value


def _lcspr_records(edit: Edit, scoping: Doc[Scoping], changes: ScopeChanges, today: date) -> None:
    if changes.ofsted_dfe is not None and changes.ofsted_dfe_not_made is not None:
        raise UsageError("give either --ofsted-dfe DATE or --ofsted-dfe-not-made REASON, not both")
    if changes.ofsted_dfe is not None:
        when = _not_before_aware(edit, changes.ofsted_dfe, today, "--ofsted-dfe")
        scoping["ofsted_dfe"] = yamlio.new_map({"made": True, "date": when})
    elif changes.ofsted_dfe_not_made is not None:
        reason = changes.ofsted_dfe_not_made.strip()
        if not reason:
            raise UsageError("--ofsted-dfe-not-made was given a blank reason; say why no notification was made")
        scoping["ofsted_dfe"] = yamlio.new_map({"made": False, "reason": reason})
    if (changes.panel_response is None) != (changes.panel_outcome is None):
        raise UsageError(f"--panel-response DATE goes with --panel-outcome ({', '.join(PANEL_OUTCOMES)})")
    if changes.panel_response is not None:
        now = scoping.now
        sent = now.rapid_review_sent if now is not None else None
        if sent is None:
            raise RefusedError(f"{edit.case_id}: the Panel responds to the rapid review: record it sent first "
                               "with `reviewctl scope ID --rapid-review-sent DATE`")
        check_not_future(changes.panel_response, today, "--panel-response")
        if changes.panel_response < sent:
            raise UsageError(f"{edit.case_id}: --panel-response {changes.panel_response} is before the rapid "
                             f"review was sent ({sent})")
        outcome = check_value(str(changes.panel_outcome), list(PANEL_OUTCOMES), "--panel-outcome")
        scoping["panel_response"] = yamlio.new_map({"date": changes.panel_response, "outcome": outcome})


def _request(edit: Edit, scoping: Doc[Scoping], agency: str, when: date) -> None:
    for row in scoping.rows("requests", InfoRequest):
        entry = row.now
        if entry.agency.casefold() == agency.casefold() and entry.returned is None:
            raise RefusedError(
                f"{edit.case_id}: {entry.agency} was already asked on {entry.requested} "
                "and has not answered; record its reply with --returned"
            )
    clock = edit.store.workflow.clock_for("agency-reply")
    reply_by = due_date(when, clock.limit, edit.store.calendar) if clock is not None else when
    document = render_document(edit, "information-request.md.j2", f"information-request-{slug(agency)}",
                               when, agency=agency, reply_by=reply_by)
    scoping.seq("requests").append(yamlio.new_map({"agency": agency, "requested": when, "document": document}))


def _returned(edit: Edit, scoping: Doc[Scoping], agency: str, when: date) -> None:
    open_requests = [e for e in scoping.rows("requests", InfoRequest) if e.now.returned is None]
    for row in open_requests:
        entry = row.now
        if entry.agency.casefold() == agency.casefold():
            if when < entry.requested:
                raise UsageError(
                    f"{edit.case_id}: --date {when} is before {entry.agency} was asked "
                    f"({entry.requested})"
                )
            row["returned"] = when
            return

    waiting = ", ".join(e.now.agency for e in open_requests) or "none"
    hint = did_you_mean(agency, [e.now.agency for e in open_requests])
    raise RefusedError(
        f"{edit.case_id}: no open request to {agency!r}{hint} (waiting for: {waiting}); "
        "ask first with --request"
    )
