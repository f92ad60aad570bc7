"""Agencies' key-event chronologies: import (every row checked) and the integrated view."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pydantic import field_validator

from reviewctl.adapters import yamlio
from reviewctl.core.case import Strict, Text
from reviewctl.core.confinement import check_case_tree
from reviewctl.core.schema import errors_of
from reviewctl.core.setup import slug
from reviewctl.core.step import Edit, StepOptions, run_record
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome
from reviewctl.errors import InvalidDataError, UsageError

CHRONOLOGY_DIR = "chronology"
COLUMNS = ("date", "time", "event", "source", "significance")
REQUIRED = ("date", "event", "source", "significance")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
DUPLICATE_SIMILARITY = 0.8
GAP_DAYS = 90


class Event(Strict):
    date: date
    time: str | None = None
    event: Text
    source: Text
    significance: Text

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.fullmatch(value):
            raise ValueError("write the time as HH:MM (24-hour), or leave it empty")
        return value


class AgencyChronology(Strict):
    agency: Text
    imported: date
    source_file: Text
    events: list[Event]


def _rows_from_csv(text: str, shown: str) -> list[tuple[int, dict[str, Any]]]:
    from reviewctl.core.inputs import csv_rows

    records = csv_rows(text, shown)  # a field over 128 KiB is refused, naming its row and column
    header = [h.strip().lower() for h in records[0]] if records else []
    if len(header) == 1 and any(d in header[0] for d in ";\t|"):
        raise UsageError(f"{shown}:1: the columns are not separated by commas; save it as "
                         "comma-separated CSV (the template is templates/chronology-template.csv)")
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        raise UsageError(f"{shown}:1: the header must name the columns {', '.join(COLUMNS)} "
                         f"(time may be left out); {'missing: ' + ', '.join(missing) if missing else ''}"
                         f"{'; unknown: ' + ', '.join(unknown) if unknown else ''}")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not record:
            continue  # a blank line
        if len(record) > len(header):
            raise UsageError(f"{shown}:{number}: more fields than the header has columns; "
                             "quote a field that contains a comma")
        row: dict[str, Any] = {k: record[i].strip() if i < len(record) else "" for i, k in enumerate(header)}
        if not any(row.values()):
            continue
        if row.get("date"):
            # Left as text if it is not a date: the model reports it with the row number.
            with contextlib.suppress(ValueError):
                row["date"] = date.fromisoformat(row["date"])
        row["time"] = row.get("time") or None
        rows.append((number, row))
    return rows


def _rows_from_yaml(text: str, shown: str) -> list[tuple[int, dict[str, Any]]]:
    data = yamlio.parse_roundtrip(text, shown)
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise UsageError(f"{shown}: expected a list of events (or a mapping with `events:`)")
    rows = []
    for i, entry in enumerate(events):
        line = yamlio.line_of(events, (i,)) or i + 1
        row = dict(entry) if isinstance(entry, dict) else {"event": entry}
        _bounded(row, shown, line)
        rows.append((line, row))
    return rows


def _bounded(row: dict[str, Any], shown: str, line: int) -> None:
    """A YAML event's values bounded as a CSV's fields are (inputs.MAX_FIELD)."""
    from reviewctl.core.inputs import MAX_FIELD

    for key, value in row.items():
        if isinstance(value, str) and len(value) > MAX_FIELD:
            named = f"{key}: " if key in COLUMNS else ""
            raise UsageError(f"{shown}: line {line}: {named}a value of {len(value) >> 10:,} KiB, more than the "
                             f"{MAX_FIELD >> 10} KiB one may hold; check that this is the right file")


def read_events(path: Path) -> list[dict[str, Any]]:
    """The events of an agency's file, every row checked; the first bad row is an error."""
    from reviewctl.core.inputs import read_input

    shown = str(path)
    text = read_input(path, "", "save it as UTF-8 (CSV UTF-8 in a spreadsheet)")
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    rows = _rows_from_yaml(text, shown) if is_yaml else _rows_from_csv(text, shown)
    if not rows:
        raise UsageError(f"{shown}: no events in the file")
    events, problems = [], []
    for number, row in rows:
        event, found = errors_of(Event, row, "")
        if event is None:
            where = "line" if is_yaml else "row"
            problems += [f"{shown}: {where} {number}: {p.lstrip(': ')}" for p in found]
        else:
            events.append(event.model_dump(exclude_none=True))
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise UsageError(f"{problems[0]}{more}; nothing was imported")
    return events


def import_chronology(store: Store, case_id: str, agency: str, path: Path, options: StepOptions) -> Outcome:
    agency = agency.strip()
    if not agency:
        raise UsageError("--agency is required and may not be blank")
    events = read_events(path)

    def change(edit: Edit, when: date) -> None:
        target = store.case_dir(case_id) / CHRONOLOGY_DIR / f"{slug(agency)}.yaml"
        data = yamlio.new_map({"agency": agency, "imported": when, "source_file": path.name,
                               "events": yamlio.new_seq([yamlio.new_map(e) for e in events])})
        edit.extra[target] = yamlio.dump(data)
        for request in edit.files.setup.chronology_requests:
            if (request.agency or "").casefold() == agency.casefold() and request.get("received") is None:
                request["received"] = when

    return run_record(store, case_id, "chronology", options, change)


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
            raise InvalidDataError(problems[0])
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
