"""Scoping: information requests to agencies and, for lcspr, the Panel notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewctl.adapters import yamlio
from reviewctl.core.clocks import due_date
from reviewctl.core.setup import slug
from reviewctl.core.step import (
    Edit,
    StepOptions,
    add_note,
    advance,
    check_date,
    check_not_future,
    clean_list,
    finish,
    render_document,
)
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome, step_guard
from reviewctl.core.workflow import Act
from reviewctl.errors import RefusedError, UsageError


@dataclass(frozen=True)
class ScopeChanges:
    request: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    notified: date | None = None
    rapid_review_sent: date | None = None
    done: bool = False

    @property
    def empty(self) -> bool:
        return not (self.request or self.returned or self.notified or self.rapid_review_sent
                    or self.done)


def scope(store: Store, case_id: str, changes: ScopeChanges, options: StepOptions) -> Outcome:
    if changes.empty:
        raise UsageError(
            "nothing to record: give --request AGENCY, --returned AGENCY, --notified DATE, "
            "--rapid-review-sent DATE or --done"
        )
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        case_type = str(edit.case["type"])
        stage = str(edit.case["stage"])
        if changes.request:
            store.workflow.require_record("scope", stage, case_id)
        if changes.notified or changes.rapid_review_sent:
            # A store's workflow written before `notify-panel` existed records them with `scope`.
            record = "notify-panel" if "notify-panel" in store.workflow.records else "scope"
            store.workflow.require_record(record, stage, case_id)
        if changes.returned:
            store.workflow.require_record("scope-returned", stage, case_id)
        # An unsettled case may turn out to be lcspr: what that type needs can be recorded first.
        if (changes.notified or changes.rapid_review_sent) and case_type not in ("lcspr", "unknown"):
            raise UsageError(
                f"{case_id}: --notified and --rapid-review-sent are for lcspr cases; "
                f"this case is '{case_type}'"
            )
        scoping = edit.doc("scoping")
        when = check_date(options.date, edit)
        requests = scoping.setdefault("requests", yamlio.new_seq())
        for agency in clean_list(changes.request, "--request"):
            _request(edit, requests, agency, when)
        for agency in clean_list(changes.returned, "--returned"):
            _returned(edit, requests, agency, when)
        for flag, key, value in (("--notified", "notified", changes.notified),
                                 ("--rapid-review-sent", "rapid_review_sent", changes.rapid_review_sent)):
            if value is not None:
                check_not_future(value, options.today, flag)
                scoping[key] = check_date(value, edit, flag)
        notified, sent = scoping.get("notified"), scoping.get("rapid_review_sent")
        if isinstance(notified, date) and isinstance(sent, date) and sent < notified:
            raise UsageError(
                f"{case_id}: the rapid review ({sent}) would be sent before the notification "
                f"({notified}); check both dates"
            )
        if not requests:
            del scoping["requests"]
        if changes.done:
            transition = advance(edit, Act.SCOPE_DONE, options)
            return finish(edit, Act.SCOPE_DONE, f"{stage} -> {transition.to}", options)
        add_note(edit, "scope", when, options)
        return finish(edit, "scope", f"{stage}", options)


def _request(edit: Edit, requests: Any, agency: str, when: date) -> None:
    for entry in requests:
        if str(entry.get("agency")).casefold() == agency.casefold() and entry.get("returned") is None:
            raise RefusedError(
                f"{edit.case_id}: {entry['agency']} was already asked on {entry['requested']} "
                "and has not answered; record its reply with --returned"
            )
    clock = edit.store.workflow.clock_for("agency-reply")
    reply_by = due_date(when, clock.limit) if clock is not None else when
    document = render_document(edit, "information-request.md.j2", f"information-request-{slug(agency)}",
                               when, agency=agency, reply_by=reply_by)
    requests.append(yamlio.new_map({"agency": agency, "requested": when, "document": document}))


def _returned(edit: Edit, requests: Any, agency: str, when: date) -> None:
    open_requests = [e for e in requests if e.get("returned") is None]
    for entry in open_requests:
        if str(entry.get("agency")).casefold() == agency.casefold():
            if when < entry["requested"]:
                raise UsageError(
                    f"{edit.case_id}: --date {when} is before {entry['agency']} was asked "
                    f"({entry['requested']})"
                )
            entry["returned"] = when
            return
    waiting = ", ".join(str(e.get("agency")) for e in open_requests) or "none"
    raise RefusedError(
        f"{edit.case_id}: no open request to {agency!r} (waiting for: {waiting}); "
        "ask first with --request"
    )
