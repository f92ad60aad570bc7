"""`reviewctl confidential`: set, show and edit a case's identifiers, and migrate a
store's plain confidential.yaml files to encrypted ones."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from reviewctl.core.case.models import Case
from reviewctl.core.privacy import identifiers
from reviewctl.core.privacy.case_keys import Keystore
from reviewctl.core.privacy.identifiers import Confidential
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, LEGACY_FILE, stored_as
from reviewctl.core.steps.write import finish
from reviewctl.core.store.folder import Store
from reviewctl.core.store.step import Edit, StepOptions, check_date, history_entry, store_commit_message
from reviewctl.core.store.transaction import Outcome, apply, refuse_if_interrupted, step_guard, store_lock
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError


def refuse_if_purged(edit: Edit) -> None:
    purged = edit.case.identifiers_purged
    if purged:
        raise RefusedError(f"{edit.case_id}: its identifiers were purged on {purged.date}; "
                           "a purged case takes no identifiers again")


def keystore_written(store: Store, case_id: str, entry: str | None,
                     dry_run: bool) -> contextlib.AbstractContextManager[None]:
    """A new case key written before the commit that needs it, taken back if the commit fails."""
    return contextlib.nullcontext() if entry is None else Keystore(store).replaced({case_id: entry}, dry_run)


def save(edit: Edit, confidential: Confidential, step: str, options: StepOptions) -> Outcome:
    """Encrypt `confidential` into the case (plain confidential.yaml goes), as the step `step`."""
    store, case_id = edit.store, edit.case_id
    identifiers.require_recipients(store)
    kind = stored_as(store, case_id)
    secrets = identifiers.case_keys(store, case_id) if kind == "encrypted" else None
    sealed = _sealed(store, case_id, confidential, secrets)
    folder = store.case_dir(case_id)
    edit.extra[folder / IDENTIFIERS_FILE] = sealed.ciphertext
    if kind == "plain":
        edit.extra[folder / LEGACY_FILE] = None
    edit.identifiers = confidential
    record_in_history(edit, step, options)
    with keystore_written(store, case_id, sealed.entry, options.dry_run):
        return finish(edit, step, "identifiers", options)


def _sealed(store: Store, case_id: str, confidential: Confidential, secrets: list[str] | None) -> identifiers.Sealed:
    """Sealed with the case's key; with a new one first where someone no longer a recipient
    could read the old one, so that nothing written from now on reaches them."""
    if secrets is not None and identifiers.needs_new_key(store, case_id):
        return identifiers.seal(store, case_id, confidential, None, older=secrets)
    return identifiers.seal(store, case_id, confidential, secrets)


def record_in_history(edit: Edit, step: str, options: StepOptions, reason: str | None = None) -> None:
    """A history entry that says the identifiers changed (who, when, why), never what they are."""

    stage = edit.case.stage
    when = check_date(options.date, edit, not_before_last=True)
    edit.write(Case).seq("history").append(history_entry(step, when, stage, stage, edit.store.repo.identity().name,
                                                         options, reason=reason))


def set_values(store: Store, case_id: str, add: list[str], remove: list[str], options: StepOptions) -> Outcome:
    if not add and not remove:
        raise UsageError("say what to change with --set KIND=VALUE or --remove KIND=VALUE "
                         "(or use --show, --edit)")
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        refuse_if_purged(edit)
        current = identifiers.read(store, case_id)
        return save(edit, identifiers.with_values(current, add, remove), Act.IDENTIFIERS, options)


def show(store: Store, case_id: str) -> str:
    purged = store.case(case_id).case.identifiers_purged
    if purged:
        raise RefusedError(f"{case_id}: its identifiers were purged on {purged.date}; they cannot be shown")
    confidential = identifiers.read(store, case_id)
    return confidential.as_yaml() if confidential else ""


def edit_in_editor(store: Store, case_id: str, options: StepOptions,
                   open_editor: Callable[[str, str], bytes]) -> Outcome | None:
    """The identifiers as `open_editor(text, file name)` saved them (the command line opens
    the person's editor on a private copy); None if unchanged."""
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        refuse_if_purged(edit)
        current = identifiers.read(store, case_id) or Confidential()
        original = current.as_yaml() if current else "names: []\ndates_of_birth: []\naddresses: []\n"
        try:
            text = open_editor(original, f"{case_id}-identifiers.yaml").decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("the edited identifiers are not UTF-8 text; nothing was changed (and the "
                             "private file is gone): save as UTF-8 and edit again") from None
        if text == original:
            return None
        changed = identifiers.parse(text, "the edited identifiers")
        return save(edit, changed, Act.IDENTIFIERS, options)


def migrate(store: Store, dry_run: bool) -> tuple[Outcome | None, list[str]]:
    """Encrypt every case's plain confidential.yaml, in one commit; (outcome, the cases)."""
    identifiers.require_recipients(store)
    with store_lock(store):
        refuse_if_interrupted(store)
        cases = [c for c in store.case_ids() if stored_as(store, c) == "plain"]
        if not cases:
            return None, []
        changes: dict[Path, str | None] = {}
        entries: dict[str, str] = {}
        for case_id in cases:
            with step_guard(store, case_id, locked=True):
                pass  # the same checks as a step: no uncommitted edits, no links
            confidential = identifiers.read(store, case_id) or Confidential()
            sealed = identifiers.seal(store, case_id, confidential)
            folder = store.case_dir(case_id)
            changes[folder / IDENTIFIERS_FILE] = sealed.ciphertext
            changes[folder / LEGACY_FILE] = None
            assert sealed.entry is not None
            entries[case_id] = sealed.entry
        with Keystore(store).replaced(entries, dry_run):
            outcome = apply(store, "store", "confidential-migrate", f"{len(cases)} cases", changes,
                            store_commit_message("confidential-migrate", f"{len(cases)} cases"), dry_run)
        return outcome, cases

