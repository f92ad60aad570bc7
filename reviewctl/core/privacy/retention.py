"""Retention: which closed cases are due for their identifiers to be destroyed, and the
purge that destroys them (crypto-shredding: the case's key goes from the key store, so
every copy of its ciphertext, in every commit and every clone, becomes unreadable).

The pseudonymised case, its history and its learning stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reviewctl.adapters.calendar import add_months
from reviewctl.core.case.files import CaseFiles
from reviewctl.core.privacy.published_files import stored_as
from reviewctl.core.store.folder import CONFIG_FILE, Store
from reviewctl.core.workflow.load import Act
from reviewctl.errors import InvalidDataError

if TYPE_CHECKING:
    from reviewctl.core.case.models import Case


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


def closed_on(store: Store, case: Case) -> date | None:
    if not store.workflow.is_terminal(case.stage):
        return None
    # The day it entered the stage: a correction or a purge afterwards does not move it.
    entered = [e for e in case.history if e.step not in Act.IN_PLACE]
    return entered[-1].date if entered else None


def check_types(store: Store) -> None:
    for case_type in store.config.retention:
        if case_type not in store.workflow.types:
            raise InvalidDataError(f"not a review type; give one of {', '.join(store.workflow.types)}",
                                   path=store.shown(store.root / CONFIG_FILE), key=f"retention.{case_type}")


def due_date(store: Store, files: CaseFiles) -> tuple[date, Due] | None:
    case_id, case = files.id, files.case
    closed = closed_on(store, case)
    period = store.config.retention.get(case.type)
    if closed is None or period is None:
        return None
    destroy = add_months(closed, period.years * 12 + period.months)
    state = "purged" if case.identifiers_purged else stored_as(store, case_id) or "none"
    return destroy, Due(case_id, case.type, case.stage, closed, str(period), destroy, state)


def listing(store: Store, today: date, everything: bool = False) -> tuple[list[Due], list[str]]:
    """The closed cases past retention whose identifiers are still there (all closed cases
    with `everything`), and the types that have no retention period set."""
    check_types(store)
    rows = []
    unset: set[str] = set()
    for case_id in store.case_ids():
        files = store.case(case_id, fast=True)
        found = due_date(store, files)
        case = files.case
        if found is None:
            if closed_on(store, case) is not None and case.type not in store.config.retention:
                unset.add(case.type)
            continue
        destroy, row = found
        if everything or (destroy <= today and row.identifiers in ("encrypted", "plain")):
            rows.append(row)
    return sorted(rows, key=lambda r: (r.destroy_from, r.case)), sorted(unset)


# --because: reasons reviewctl words itself, for a purge that cannot check free text against
# the identifiers (no identity, or the key already gone): a name typed into a reason then would
# be committed for good, and the only key that could have told is being destroyed.


