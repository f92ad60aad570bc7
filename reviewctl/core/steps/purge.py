"""`reviewctl purge`: a case's identifiers destroyed (crypto-shredding), in words that cannot leak:
a reason in the purger's own words is checked against the identifiers, and where they cannot be
read only a standard reason, worded by reviewctl, is taken."""

from __future__ import annotations

from reviewctl.adapters import yamlio
from reviewctl.core.case.models import Case
from reviewctl.core.privacy import identifiers
from reviewctl.core.privacy.case_keys import PURGING, Keystore, KeysUnavailable
from reviewctl.core.privacy.identifiers import PURGED_KEY
from reviewctl.core.privacy.published_files import IDENTIFIERS_FILE, LEGACY_FILE, stored_as
from reviewctl.core.privacy.reconcile import purges_to_finish
from reviewctl.core.privacy.retention import check_types, closed_on, due_date
from reviewctl.core.steps.confidential import record_in_history
from reviewctl.core.steps.write import finish
from reviewctl.core.store.folder import CONFIG_FILE, Store
from reviewctl.core.store.step import Edit, StepOptions, check_date, required_text
from reviewctl.core.store.transaction import Outcome, step_guard
from reviewctl.core.workflow.load import Act
from reviewctl.errors import RefusedError, UsageError

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
    check_types(store)
    with step_guard(store, case_id):
        edit = Edit.load(store, case_id)
        case = edit.case
        keystore = Keystore(store)
        if case.identifiers_purged:
            set_aside = keystore.read(case_id, PURGING) is not None
            if (set_aside or keystore.read(case_id) is not None) and not options.dry_run:
                # A purge killed after its commit left the key behind: finish it, if that purge is
                # committed (HEAD's for a key it set aside, else the base's: a hand edit is no purge).
                done, _ = purges_to_finish(store, {case_id}, {case_id} if set_aside else set(), set())
                if not done:
                    raise RefusedError(f"{case_id}: recorded as purged here, but not on the base branch; its key is "
                                       "kept until the purge is merged there (then `reviewctl doctor` finishes it)")
                keystore.remove(case_id)
                return None, f"{case_id}: removed its key, which an interrupted purge had left in {keystore.path}"
            raise RefusedError(f"{case_id}: its identifiers were already purged on {case.identifiers_purged.date}")
        kind = stored_as(store, case_id)
        if kind is None:
            raise RefusedError(f"{case_id}: has no identifiers to purge")
        when = check_date(options.date, edit)
        found = due_date(store, edit.files)
        if not force:
            if found is None:
                why = ("it is not closed" if closed_on(store, case) is None
                       else f"no retention period is set for {case.type} in {CONFIG_FILE}")
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
        edit.write(Case)[PURGED_KEY] = yamlio.new_map(record)
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
