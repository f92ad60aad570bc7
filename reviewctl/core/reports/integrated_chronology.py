"""The integrated chronology: every agency's key events merged by date, with likely
duplicates and long gaps flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

from reviewctl.adapters import yamlio
from reviewctl.core.case.chronology_records import CHRONOLOGY_DIR, AgencyChronology
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.store.confinement import check_case_tree
from reviewctl.core.store.folder import Store

DUPLICATE_SIMILARITY = 0.8
GAP_DAYS = 90


@dataclass
class Row:
    date: date
    time: str | None
    agency: str
    event: str
    source: str
    significance: str
    flags: list[str]


def integrated(store: Store, case_id: str, gap_days: int = GAP_DAYS) -> list[Row]:
    """Every agency's events merged by date, with likely duplicates and long gaps flagged."""
    store.case(case_id)  # the case exists and is readable
    check_case_tree(store, case_id)  # and no chronology file is a link out of the store
    folder = store.case_dir(case_id) / CHRONOLOGY_DIR
    rows: list[Row] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        shown = store.shown(path)
        data = yamlio.parse_safe(yamlio.read_text(path, shown), shown)
        chronology, problems = errors_of(AgencyChronology, data, shown)
        if chronology is None:
            raise problems[0].error()
        rows += [Row(e.date, e.time, chronology.agency, e.event, e.source, e.significance, [])
                 for e in chronology.events]
    rows.sort(key=lambda r: (r.date, r.time or "", r.agency))
    for i, row in enumerate(rows):
        for j in range(i):
            other = rows[j]
            if other.date == row.date and other.agency != row.agency and SequenceMatcher(
                    None, other.event.lower(), row.event.lower()).ratio() >= DUPLICATE_SIMILARITY:
                row.flags.append(f"possible duplicate of #{j + 1} ({other.agency})")
        if i and row.date - rows[i - 1].date > timedelta(days=gap_days):
            row.flags.append(f"gap of {(row.date - rows[i - 1].date).days} days before this event")
    return rows
