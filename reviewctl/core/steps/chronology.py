"""Agencies' key-event chronologies: import (every row checked) and the integrated view."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from reviewctl.adapters import yamlio
from reviewctl.adapters.xlsx import read_xlsx
from reviewctl.adapters.zipbounds import Unbounded
from reviewctl.core.case.chronology_records import CHRONOLOGY_DIR, Event
from reviewctl.core.case.review_records import ChronologyRequest, Setup
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.case.typed_dates import NotADate, read_date
from reviewctl.core.steps.set_up import slug
from reviewctl.core.steps.write import run_record
from reviewctl.core.store.folder import Store
from reviewctl.core.store.inputs import MAX_FIELD, check_input, csv_rows, read_input
from reviewctl.core.store.step import Edit, StepOptions
from reviewctl.core.store.transaction import Outcome
from reviewctl.errors import UsageError

COLUMNS = ("date", "time", "event", "source", "significance")
REQUIRED = ("date", "event", "source", "significance")


def _check_header(header: list[str], shown: str, line: int) -> None:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if missing or unknown:
        raise UsageError(f"{shown}:{line}: the header must name the columns {', '.join(COLUMNS)} "
                         f"(time may be left out); {'missing: ' + ', '.join(missing) if missing else ''}"
                         f"{'; unknown: ' + ', '.join(unknown) if unknown else ''}")


def _typed(row: dict[str, object]) -> dict[str, object]:
    """A row's date as a date, read day first as England writes it (2/11/2026, 2 Nov 2026, 2026-11-02);
    left as text when it is not one, for the model to report with the row number and why."""
    value = row.get("date")
    if isinstance(value, str) and value:
        try:
            row["date"] = read_date(value)
        except NotADate as error:
            row["date_why"] = error.why
    row["time"] = row.get("time") or None
    return row


def _rows_from_csv(text: str, shown: str) -> list[tuple[int, dict[str, object]]]:

    records = csv_rows(text, shown)  # a field over 128 KiB is refused, naming its row and column
    header = [h.strip().lower() for h in records[0]] if records else []
    if len(header) == 1 and any(d in header[0] for d in ";\t|"):
        raise UsageError(f"{shown}:1: the columns are not separated by commas; save it as "
                         "comma-separated CSV (the template is templates/chronology-template.csv)")
    _check_header(header, shown, 1)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not record:
            continue  # a blank line
        if len(record) > len(header):
            raise UsageError(f"{shown}:{number}: more fields than the header has columns; "
                             "quote a field that contains a comma")
        row: dict[str, object] = {k: record[i].strip() if i < len(record) else "" for i, k in enumerate(header)}
        if any(row.values()):
            rows.append((number, _typed(row)))
    return rows


def _cell(value: object) -> date | str:
    """A spreadsheet cell as the model takes it: a date cell a date, a time cell HH:MM, else text."""
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _rows_from_xlsx(path: Path, shown: str) -> list[tuple[int, dict[str, object]]]:
    """The first sheet's events, below its row of headings (a title may stand above it)."""

    try:
        cells = list(read_xlsx(path))  # bounded as it is read; an agency's events are few
    except Unbounded as error:  # damaged, or unpacking past what an agency's events could need
        raise UsageError(f"{shown}: not a spreadsheet that can be read ({error}); save it again from Excel as "
                         ".xlsx, or as CSV UTF-8") from None
    except ValueError:
        raise UsageError(f"{shown}: not a spreadsheet that can be read; save it again from Excel as .xlsx, "
                         "or as CSV UTF-8") from None
    headings = [[str(_cell(v)).lower() for v in row] for row in cells[:30]]
    top = next((i for i, row in enumerate(headings) if set(REQUIRED) <= set(row)),
               next((i for i, row in enumerate(headings) if any(row)), 0))
    header = headings[top] if headings else []
    _check_header(header, shown, top + 1)
    rows = []
    for number, values in enumerate(cells[top + 1:], start=top + 2):
        row: dict[str, object] = {name: _cell(v) for name, v in zip(header, values, strict=False) if name}
        if any(v not in ("", None) for v in row.values()):
            rows.append((number, _typed(row)))
    return rows


def _rows_from_yaml(text: str, shown: str) -> list[tuple[int, dict[str, object]]]:
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


def _bounded(row: dict[str, object], shown: str, line: int) -> None:
    """A YAML event's values bounded as a CSV's fields are (inputs.MAX_FIELD)."""

    for key, value in row.items():
        if isinstance(value, str) and len(value) > MAX_FIELD:
            named = f"{key}: " if key in COLUMNS else ""
            raise UsageError(f"{shown}: line {line}: {named}a value of {len(value) >> 10:,} KiB, more than the "
                             f"{MAX_FIELD >> 10} KiB one may hold; check that this is the right file")


def read_events(path: Path) -> list[dict[str, object]]:
    """The events of an agency's file, every row checked; the first bad row is an error."""

    shown = str(path)
    suffix = path.suffix.lower()
    is_yaml = suffix in (".yaml", ".yml")
    if suffix in (".xlsx", ".xlsm"):
        check_input(path, "")
        rows = _rows_from_xlsx(path, shown)
    else:
        text = read_input(path, "", "save it as UTF-8 (CSV UTF-8 in a spreadsheet), or give the .xlsx")
        rows = _rows_from_yaml(text, shown) if is_yaml else _rows_from_csv(text, shown)
    if not rows:
        raise UsageError(f"{shown}: no events in the file")
    events: list[dict[str, object]] = []
    problems: list[str] = []
    for number, row in rows:
        where = "line" if is_yaml else "row"
        why = row.pop("date_why", None)
        if why is not None:
            problems.append(f"{shown}: {where} {number}: date: '{row['date']}' is not a date{why}")
            continue
        event, found = errors_of(Event, row, "")
        if event is None:
            problems += [f"{shown}: {where} {number}: {p.said}" for p in found]
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
        for row in edit.write(Setup).rows("chronology_requests", ChronologyRequest):
            if row.now.agency.casefold() == agency.casefold() and row.now.received is None:
                row["received"] = when

    return run_record(store, case_id, "chronology", options, change)
