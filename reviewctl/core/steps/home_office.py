"""dhr: the completed report submitted to the Home Office, and its Quality Assurance Panel.

The six months of a DHR run to the submission (the `dhr-submission` clock), not to
publication.  The QA Panel approves or asks for amendments; an amended report is a
revision (`reviewctl report ID --file F --revision --reason TEXT`), which goes through
the JCRG and approval again and is submitted anew.  The approving letter is published
with the report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import DOCUMENTS_DIR
from reviewctl.core.case.statutory_records import OUTCOMES, HomeOffice, QaOutcome, Submission
from reviewctl.core.case.views import Doc
from reviewctl.core.steps.word_copies import read_letter
from reviewctl.core.steps.write import run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError

SUBMIT, QA = "home-office-submit", "home-office-qa"


def _check_type(store: Store, edit: Edit) -> None:
    case_type = edit.case.type
    if case_type not in store.workflow.statute.home_office_qa:
        types = ", ".join(store.workflow.statute.home_office_qa) or "none"
        raise RefusedError(f"{edit.case_id}: a '{case_type}' review is not quality-assured by the Home Office "
                           f"(the workflow's statute.home_office_qa: {types})")


def _final(edit: Edit) -> tuple[int, str]:
    jcrg = edit.files.jcrg
    if jcrg is None:
        raise RefusedError(f"{edit.case_id}: no final report agreed by the JCRG yet")
    return jcrg.final_report.version, jcrg.final_report.sha256


def _records(record: Doc[HomeOffice]) -> tuple[list[Submission], list[QaOutcome]]:
    now = record.now
    return (now.submissions, now.outcomes) if now is not None else ([], [])


def submit(store: Store, case_id: str, options: StepOptions) -> Outcome:
    """Record the final report submitted (or resubmitted) to the Home Office."""

    def change(edit: Edit, when: date) -> None:
        _check_type(store, edit)
        record = edit.write(HomeOffice)
        added = record.seq("submissions")  # made before `submitted`: the file's key order as it always was
        submissions, outcomes = _records(record)
        version, sha256 = _final(edit)
        jcrg_steps = store.workflow.steps_of(Act.JCRG)
        agreed_on = [e.date for e in edit.case.history if e.step in jcrg_steps]
        if agreed_on and when < agreed_on[-1]:
            raise UsageError(f"{case_id}: --date {when} is before the JCRG agreed version {version} of the report "
                             f"({agreed_on[-1]}); a report is submitted once it is agreed")
        entry = yamlio.new_map({"date": when, "version": version, "sha256": sha256})
        if submissions:
            last = submissions[-1]
            answer = next((o for o in outcomes if o.submission == len(submissions)), None)
            if answer is None:
                raise RefusedError(f"{case_id}: the report submitted on {last.date} awaits the QA Panel's "
                                   "outcome; record it with `reviewctl home-office qa`")
            if answer.outcome == "approved":
                raise RefusedError(f"{case_id}: the Home Office QA Panel approved the report on {answer.date}; "
                                   "nothing to resubmit")
            if version == last.version:
                raise RefusedError(f"{case_id}: the QA Panel asked for amendments: revise the report first with "
                                   "`reviewctl report ID --file F --revision --reason TEXT`, and take it through "
                                   "the JCRG and approval again")
            if when < last.date:
                raise UsageError(f"{case_id}: --date {when} is before the last submission ({last.date})")
            entry["resubmission"] = True
            report = edit.files.report
            revised = next((v for v in report.versions if v.version == version), None) if report else None
            if revised is not None and revised.revision:
                entry["revision"] = revised.revision
        else:
            record["submitted"] = when
        added.append(entry)

    return run_record(store, case_id, SUBMIT, options, change)


def qa_outcome(store: Store, case_id: str, outcome: str, letter: Path, options: StepOptions) -> Outcome:
    """Record the Home Office QA Panel's outcome for the latest submission, with its letter."""
    if outcome not in OUTCOMES:
        raise UsageError(f"--outcome {outcome!r} is not a QA outcome (known: {', '.join(OUTCOMES)})")
    suffix, content = read_letter(letter, "--letter")

    def change(edit: Edit, when: date) -> None:
        _check_type(store, edit)
        record = edit.write(HomeOffice)
        submissions, outcomes = _records(record)
        if not submissions:
            raise RefusedError(f"{case_id}: no report has been submitted to the Home Office; a QA outcome "
                               "answers a submission: record it first with `reviewctl home-office submit ID`")
        number = len(submissions)
        if any(o.submission == number for o in outcomes):
            raise RefusedError(f"{case_id}: the submission of {submissions[-1].date} already has its QA "
                               "outcome; a new one needs a resubmission")
        if when < submissions[-1].date:
            raise UsageError(f"{case_id}: --date {when} is before the report was submitted "
                             f"({submissions[-1].date})")

        name = f"{when.isoformat()}-home-office-qa-letter-{number}{suffix}"
        edit.extra[store.case_dir(case_id) / DOCUMENTS_DIR / name] = content
        record.seq("outcomes").append(yamlio.new_map({"date": when, "outcome": outcome, "submission": number,
                                        "letter": f"{DOCUMENTS_DIR}/{name}"}))

    return run_record(store, case_id, QA, options, change)


def approved_letter(store: Store, edit: Edit) -> str | None:
    """For publication: the QA letter approving the current final report; refused without one."""
    if edit.case.type not in store.workflow.statute.home_office_qa:
        return None
    record = edit.files.homeoffice
    submissions, outcomes = (record.submissions, record.outcomes) if record is not None else ([], [])
    version, _ = _final(edit)
    for o in reversed(outcomes):
        number = o.submission
        if o.outcome == "approved" and 0 < number <= len(submissions) and submissions[number - 1].version == version:
            return o.letter
    raise RefusedError(f"{edit.case_id}: the Home Office QA Panel has not approved version {version} of the report; "
                       "submit it with `reviewctl home-office submit ID` and record the outcome with "
                       "`reviewctl home-office qa ID --outcome approved --letter FILE`")
