"""Set-up after the decision to conduct: notices to the family and the national body,
and the requests to agencies for their chronologies of key events."""

from __future__ import annotations

import re
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.review_records import ChronologyRequest, Setup
from reviewctl.core.steps.write import render_document, run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, clean_list, optional_text
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.history import conducted_from
from reviewctl.errors import RefusedError, UsageError


def slug(text: str) -> str:
    """A file-name-safe form of an agency or body name (never of a person)."""
    # Cut to 60 characters: a file name has a limit (255 bytes), an agency's name has none.
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:60].strip("-") or "x"


def notify(store: Store, case_id: str, *, family: bool, national: bool,
           not_appropriate: str | None, options: StepOptions) -> Outcome:
    if family == national:
        raise UsageError("give exactly one of --family or --national")
    reason = optional_text(not_appropriate)
    if not_appropriate is not None and reason is None:
        raise UsageError("--not-appropriate was given a blank reason; say why")
    if reason and not family:
        raise UsageError("--not-appropriate goes with --family")

    def change(edit: Edit, when: date) -> None:
        setup = edit.write(Setup)
        key = "family" if family else "national"
        now = setup.now
        given = (now.family if family else now.national) if now is not None else None
        if given is not None:
            raise RefusedError(f"{case_id}: the {key} notice was already recorded on {given.date}")
        if family:
            entry = yamlio.new_map({"date": when, "notified": reason is None})
            if reason:
                entry["reason"] = reason
            else:
                entry["document"] = render_document(
                    edit, "family-notification.md.j2", "family-notification", when)
            setup["family"] = entry
            return
        case_type = edit.case.type
        body = store.workflow.bodies.national.get(case_type)
        if body is None:
            raise RefusedError(f"{case_id}: a '{case_type}' review has no national body to notify")
        # What the notice says was decided is the latest decision the history records.
        conducted = conducted_from(store.workflow, edit.docs) is not None
        decision = edit.files.decision
        rationale = (decision.chair or decision).rationale if decision is not None else ""
        setup["national"] = yamlio.new_map({
            "to": body, "date": when,
            "document": render_document(
                edit, "national-notification.md.j2", f"{slug(body)}-notification", when,
                body=body, conducted=conducted, rationale=rationale),
        })

    return run_record(store, case_id, "notify-family" if family else "notify-national", options, change)


def chronology_request(store: Store, case_id: str, agencies: list[str], options: StepOptions) -> Outcome:
    asked = clean_list(agencies, "--agency")
    if not asked:
        raise UsageError("name at least one agency with --agency")

    def change(edit: Edit, when: date) -> None:
        setup = edit.write(Setup)
        requests = setup.seq("chronology_requests")
        for agency in asked:
            for row in setup.rows("chronology_requests", ChronologyRequest):
                entry = row.now
                if entry.agency.casefold() == agency.casefold() and entry.received is None:
                    raise RefusedError(f"{case_id}: {entry.agency} was already asked on {entry.requested}")
            document = render_document(edit, "chronology-request.md.j2",
                                       f"chronology-request-{slug(agency)}", when, agency=agency)
            requests.append(yamlio.new_map({"agency": agency, "requested": when, "document": document}))

    return run_record(store, case_id, "chronology", options, change)
