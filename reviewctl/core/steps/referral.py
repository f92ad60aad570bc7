"""The front door: a referral is recorded, then triaged."""

from __future__ import annotations

import secrets
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.core.case.statutory_records import Profile
from reviewctl.core.privacy import identifiers
from reviewctl.core.privacy.identifiers import Confidential
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE
from reviewctl.core.steps.confidential import keystore_written
from reviewctl.core.steps.profile import checked_details
from reviewctl.core.steps.write import finish, render_document
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import (
    Edit,
    StepOptions,
    check_not_future,
    clean_list,
    history_entry,
    optional_text,
    required_text,
)
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.errors import UsageError

# Crockford's base32: no I, L, O or U, so an id read aloud or retyped is not misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_HEADER = (
    "Case file kept by reviewctl. Pseudonyms only: real names, dates of birth and\n"
    "addresses never go here. `stage` and `history` change through reviewctl commands."
)


def new_case_id(store: Store, year: int, existing: set[str] | None = None) -> str:
    """`PREFIX-YEAR-XXXXXX` with 30 random bits; `existing`: the ids (in capitals) it must
    not be, when the caller has them already (an import makes many at once).

    A counter (max + 1) would give two people on different branches the same id.  Random
    ids need no coordination: with 100 cases made on diverging branches in a year the
    chance of any clash is about 1 in 200,000, and `validate` reports a clash anyway.
    """
    prefix = store.config.prefix
    existing = {i.upper() for i in store.case_ids()} if existing is None else existing
    while True:
        suffix = "".join(secrets.choice(_ALPHABET) for _ in range(6))
        case_id = f"{prefix}-{year}-{suffix}"
        if case_id.upper() not in existing:
            return case_id


def refer(store: Store, *, case_type: str, subject: str, referrer: str,
          received: date | None, incident_date: date | None, summary: str | None,
          agencies: list[str], options: StepOptions, identifying: Confidential | None = None,
          aware: date | None = None, details: list[str] | None = None) -> Outcome:
    """Record a new referral; `identifying`: its real identifiers, kept encrypted from the start.

    `aware`: when the body responsible became aware, as the workflow's `statute.aware` says
    for the type (lcspr: the local authority, default the received date; sar: the Board;
    dhr: the police told the Community Safety Partnership).  `details`: subject details
    as `subject --set` takes them (a looked-after child is known at referral).
    """
    workflow = store.workflow
    case_type = workflow.check_type(case_type)
    subject = required_text(subject, "--subject", "give the pseudonym, e.g. 'Child A'")
    referrer = required_text(referrer, "--referrer", "say who referred")
    agencies = clean_list(agencies, "--agency")
    received_on = check_not_future(received or options.date, options.today, "--received")
    if incident_date is not None:
        check_not_future(incident_date, options.today, "--incident-date")
        if incident_date > received_on:
            raise UsageError(f"--incident-date {incident_date} is after the referral was received ({received_on})")
    if aware is not None:
        check_not_future(aware, options.today, "--aware")
        if aware > received_on:
            means = workflow.statute.aware.get(case_type, "the body responsible became aware")
            raise UsageError(f"--aware {aware} is after the referral was received ({received_on}); for a "
                             f"'{case_type}' it is the day {means}, which is by the time it is referred")
        if incident_date is not None and aware < incident_date:
            raise UsageError(f"--aware {aware} is before the incident ({incident_date}); check both dates")
    if options.when is not None and options.when < received_on:
        raise UsageError(f"--date {options.when} is before the referral was received ({received_on})")
    subject_details = checked_details(store, details) if details else {}
    case_id = new_case_id(store, received_on.year)
    with step_guard(store, case_id):
        by = store.repo.identity().name
        case = yamlio.new_map({
            "id": case_id, "type": case_type, "stage": workflow.initial, "subject": subject,
            "referrer": referrer, "received": received_on,
            "aware": aware or (received_on if case_type == "lcspr" else None), "incident_date": incident_date,
            "summary": optional_text(summary), "agencies": yamlio.new_seq(agencies),
        })
        for key in ("aware", "incident_date", "summary"):
            if case[key] is None:
                del case[key]
        case.yaml_set_start_comment(_HEADER)
        step = workflow.referral_step
        when = options.when or received_on
        edit = Edit.new(store, case_id, case)
        case["history"] = yamlio.new_seq(
            [history_entry(step, when, None, workflow.initial, by, options, case_type)])
        # The letter is rendered from the whole case, and kept before the history, where it always was.
        case.insert(len(case) - 1, "acknowledgement",
                    render_document(edit, "acknowledgement-letter.md.j2", "acknowledgement-letter", when))
        if subject_details:
            edit.write(Profile).mapping("details").update(subject_details)
        if not identifying:
            return finish(edit, step, f"-> {workflow.initial}", options)
        identifiers.require_recipients(store)
        sealed = identifiers.seal(store, case_id, identifying)
        edit.extra[store.case_dir(case_id) / IDENTIFIERS_FILE] = sealed.ciphertext
        edit.identifiers = identifying
        with keystore_written(store, case_id, sealed.entry, options.dry_run):
            return finish(edit, step, f"-> {workflow.initial}", options)
