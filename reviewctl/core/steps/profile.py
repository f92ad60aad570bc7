"""Subject details and learning themes: fixed vocabularies from the workflow (themes also
from the store's settings), for annual reports and national returns."""

from __future__ import annotations

from datetime import date

from reviewctl.core.case.statutory_records import Profile
from reviewctl.core.steps.write import run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions
from reviewctl.core.store.transaction import Outcome
from reviewctl.core.workflow.statute import check_value, themes_of
from reviewctl.errors import RefusedError, UsageError

RECORD = "subject"


def set_details(store: Store, case_id: str, given: list[str], options: StepOptions) -> Outcome:
    """`FIELD=VALUE` for each subject detail given; each value from its field's vocabulary."""
    if not given:
        fields = ", ".join(store.workflow.statute.subject)
        raise UsageError(f"nothing to record: give --set FIELD=VALUE (fields: {fields})")
    values = checked_details(store, given)

    def change(edit: Edit, when: date) -> None:
        details = edit.write(Profile).mapping("details")
        for name, value in values.items():
            details[name] = value

    return run_record(store, case_id, RECORD, options, change)


def checked_details(store: Store, given: list[str]) -> dict[str, str]:
    """Each `FIELD=VALUE` as the workflow's vocabulary spells it; a usage error for any other
    (also for `refer --set`: a looked-after child is known at referral)."""
    vocab = store.workflow.statute.subject
    values: dict[str, str] = {}
    for text in given:
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep or name not in vocab:
            raise UsageError(f"--set: give FIELD=VALUE with a field of the workflow's subject details "
                             f"(fields: {', '.join(vocab)})")
        values[name] = check_value(value, vocab[name].values, f"--set {name}")
    return values


def add_themes(store: Store, case_id: str, themes: list[str], options: StepOptions) -> Outcome:
    known = themes_of(store.workflow, store.config)
    if not themes:
        raise UsageError("nothing to record: give --add THEME (see `reviewctl themes --list`)")
    chosen = [check_value(t, known, "--add") for t in themes]

    def change(edit: Edit, when: date) -> None:
        listed = edit.write(Profile).seq("themes")
        for theme in chosen:
            if theme in listed:
                raise RefusedError(f"{case_id}: the theme '{theme}' is already recorded")
            listed.append(theme)

    return run_record(store, case_id, RECORD, options, change)
