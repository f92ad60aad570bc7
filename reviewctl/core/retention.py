"""Retention: which closed cases are due for their identifiers to be destroyed, and the
purge that destroys them (crypto-shredding: the case's key goes from the key store, so
every copy of its ciphertext, in every commit and every clone, becomes unreadable).

The pseudonymised case, its history and its learning stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewctl.adapters import yamlio
from reviewctl.adapters.calendar import add_months
from reviewctl.core import identifiers
from reviewctl.core.casefiles import CaseDoc, CaseFiles
from reviewctl.core.confidential import PURGED_KEY, record_in_history
from reviewctl.core.identifiers import IDENTIFIERS_FILE, LEGACY_FILE
from reviewctl.core.keys import PURGING, Keystore, KeysUnavailable
from reviewctl.core.step import Edit, StepOptions, check_date, finish, required_text
from reviewctl.core.store import CONFIG_FILE, Store
from reviewctl.core.transaction import Outcome, step_guard
from reviewctl.core.workflow import Act
from reviewctl.errors import InvalidDataError, RefusedError, UsageError


@dataclass(frozen=True)
class Due:
    case: str
    type: str
    stage: str
    closed: date
    keep: str  # the retention period, as written
    destroy_from: date
    identifiers: str  # encrypted, plain, purged or none

    def as_row(self) -> dict[str, str]:
        return {"case": self.case, "type": self.type, "stage": self.stage, "closed": self.closed.isoformat(),
                "keep": self.keep, "destroy_from": self.destroy_from.isoformat(), "identifiers": self.identifiers}


def _closed_on(store: Store, case: CaseDoc) -> date | None:
    if not store.workflow.is_terminal(str(case.get("stage"))):
        return None
    # The day it entered the stage: a correction or a purge afterwards does not move it.
    entered = [e for e in case.history if e.get("step") not in Act.IN_PLACE]
    return entered[-1].date if entered else None


def _check_types(store: Store) -> None:
    for case_type in store.config.retention:
        if case_type not in store.workflow.types:
            raise InvalidDataError(f"{store.shown(store.root / CONFIG_FILE)}: retention.{case_type}: not a review "
                                   f"type; give one of {', '.join(store.workflow.types)}")


def due_date(store: Store, files: CaseFiles) -> tuple[date, Due] | None:
    case_id, case = files.id, files.case
    closed = _closed_on(store, case)
    period = store.config.retention.get(str(case.get("type")))
    if closed is None or period is None:
        return None
    destroy = add_months(closed, period.years * 12 + period.months)
    state = "purged" if case.identifiers_purged else identifiers.stored_as(store, case_id) or "none"
    return destroy, Due(case_id, str(case.get("type")), str(case.get("stage")), closed, str(period), destroy, state)


def listing(store: Store, today: date, everything: bool = False) -> tuple[list[Due], list[str]]:
    """The closed cases past retention whose identifiers are still there (all closed cases
    with `everything`), and the types that have no retention period set."""
    _check_types(store)
    rows = []
    unset: set[str] = set()
    for case_id in store.case_ids():
        files = store.case(case_id, fast=True)
        found = due_date(store, files)
        case = files.case
        if found is None:
            if _closed_on(store, case) is not None and str(case.get("type")) not in store.config.retention:
                unset.add(str(case.get("type")))
            continue
        destroy, row = found
        if everything or (destroy <= today and row.identifiers in ("encrypted", "plain")):
            rows.append(row)
    return sorted(rows, key=lambda r: (r.destroy_from, r.case)), sorted(unset)


# --because: reasons reviewctl words itself, for a purge that cannot check free text against
# the identifiers (no identity, or the key already gone): a name typed into a reason then would
# be committed for good, and the only key that could have told is being destroyed.
STANDARD_REASONS = {
    "retention-period": "the retention period in the retention schedule has ended",
    "subject-request": "the person the identifiers are about, or someone acting for them, asked for erasure",
    "court-order": "a court ordered the identifiers destroyed",
    "duplicate-case": "the case duplicates another case",
    "referred-in-error": "the case was referred in error",
}


def purge_reason(reason: str | None, because: str | None) -> str:
    """The reason to record: --reason as given, or the standard reason --because names."""
    if (reason is None) == (because is None):
        raise UsageError("say why the identifiers are destroyed: --reason TEXT, or a standard reason with "
                         f"--because {'|'.join(STANDARD_REASONS)} (not both)")
    if because is not None:
        if because not in STANDARD_REASONS:  # never repeated: it may be free text typed in the wrong place
            raise UsageError(f"--because: not a standard reason; give one of {', '.join(STANDARD_REASONS)} "
                             "(or say it in your own words with --reason, as a recipient)")
        return f"{because}: {STANDARD_REASONS[because]}"
    return required_text(reason, "--reason", "say why the identifiers are destroyed (e.g. the retention schedule)")


def _readable(store: Store, case_id: str) -> identifiers.Confidential | None:
    """The identifiers, for the guard of free text; refused, pointing to --because, where they cannot be read."""
    try:
        return identifiers.read(store, case_id)
    except KeysUnavailable as error:
        raise RefusedError(f"{case_id}: a reason in your own words (--reason, --message) must be checked against "
                           f"the case's identifiers, and they cannot be read here ({error.message}); give a "
                           f"standard reason instead, --because {'|'.join(STANDARD_REASONS)}, or purge as a "
                           "recipient") from None


def purge(store: Store, case_id: str, reason: str | None, force: bool, options: StepOptions,
          because: str | None = None) -> tuple[Outcome | None, str | None]:
    """Destroy a case's identifiers; (the outcome, a warning for what history still holds)."""
    recorded = purge_reason(reason, because)
    _check_types(store)
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        case = edit.case
        keystore = Keystore(store)
        if case.identifiers_purged:
            if (keystore.read(case_id) is not None or keystore.read(case_id, PURGING) is not None) \
                    and not options.dry_run:
                # A purge killed after its commit left the key behind: finish it.
                keystore.remove(case_id)
                return None, f"{case_id}: removed its key, which an interrupted purge had left in {keystore.path}"
            raise RefusedError(f"{case_id}: its identifiers were already purged on {case.identifiers_purged.date}")
        kind = identifiers.stored_as(store, case_id)
        if kind is None:
            raise RefusedError(f"{case_id}: has no identifiers to purge")
        when = check_date(options.date, edit)
        found = due_date(store, edit.files)
        if not force:
            if found is None:
                why = ("it is not closed" if _closed_on(store, case) is None
                       else f"no retention period is set for {case['type']} in {CONFIG_FILE}")
                raise RefusedError(f"{case_id}: not due for destruction ({why}); to destroy the identifiers "
                                   "anyway, say --force with the --reason")
            if found[0] > options.today:
                raise RefusedError(f"{case_id}: kept until {found[0]} ({found[1].keep} from closure on "
                                   f"{found[1].closed}); to destroy the identifiers sooner, say --force with the "
                                   "--reason")
        if reason is not None or options.note:
            edit.identifiers = _readable(store, case_id) or identifiers.Confidential()
        else:
            edit.guard_optional = True  # only reviewctl's own words: the key may be gone, or the ciphertext damaged
        folder = store.case_dir(case_id)
        edit.extra[folder / (IDENTIFIERS_FILE if kind == "encrypted" else LEGACY_FILE)] = None
        record = {"date": when, "by": store.repo.identity().name, "reason": recorded, "recorded": options.today}
        if force:
            record["forced"] = True
        case[PURGED_KEY] = yamlio.new_map(record)
        record_in_history(edit, Act.PURGE, options, reason=recorded)
        outcome = _committed_then_shredded(edit, keystore, options)
        warning = None
        if kind == "plain" or store.repo.log(store.repo_path(folder / LEGACY_FILE)):
            warning = (f"{case_id}: its identifiers were once kept in plain text (confidential.yaml), which git's "
                       "history still holds; only rewriting history (git filter-repo) and every clone can remove them")
        return outcome, warning


def _committed_then_shredded(edit: Edit, keystore: Keystore, options: StepOptions) -> Outcome:
    """The purge's commit, with the case's key set aside (`.purging`) until it is made, and
    destroyed after it: an interruption leaves a key that `doctor` and `validate` see, and that no
    re-wrap reaches. Had the commit failed, the identifiers would still be readable: it goes back."""
    case_id = edit.case_id
    marked = False
    try:
        marked = not options.dry_run and keystore.mark_purging(case_id)
        outcome = finish(edit, Act.PURGE, "identifiers destroyed", options)
    except BaseException:
        if marked:
            if edit.store.case(case_id, fast=True).case.identifiers_purged:  # committed after all
                keystore.remove(case_id)
            else:
                keystore.unmark_purging(case_id)
        raise
    if not options.dry_run:
        keystore.remove(case_id)
    return outcome
