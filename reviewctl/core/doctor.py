"""`reviewctl doctor`: find and mend what an interrupted step left behind."""

from __future__ import annotations

from reviewctl.core.store import Store
from reviewctl.core.transaction import Journal, journal_path, restore, store_lock
from reviewctl.errors import UnusableError


def doctor(store: Store) -> list[str]:
    """Mend the store and say what was done; an empty list means all was well."""
    done: list[str] = []
    with store_lock(store):
        path = journal_path(store)
        if path.exists():
            try:
                journal = Journal.load(path.read_text(encoding="utf-8"))
            except (ValueError, TypeError):
                raise UnusableError(
                    f"{path}: the journal of an interrupted step is unreadable; check "
                    "`git status`, restore the files with `git restore`, then delete it"
                ) from None
            head = store.repo.head()
            if store.repo.is_step_commit(head, journal.head, journal.case_id, journal.step):
                store.repo.stage(list(journal.files))  # the index may not have caught up
                done.append(
                    f"'{journal.step}' of {journal.case_id} had been committed ({head}); "
                    "nothing to put back"
                )
            else:
                restore(store, journal)
                done.append(
                    f"'{journal.step}' of {journal.case_id} was interrupted before its commit; "
                    f"put back {len(journal.files)} file(s) as they were. Repeat the step."
                )
            path.unlink()
        for tmp in sorted(store.cases_dir.rglob(".*.tmp")) if store.cases_dir.is_dir() else []:
            tmp.unlink()
            done.append(f"removed a half-written temporary file {store.shown(tmp)}")
    return done
