"""`reviewctl import`: an earlier tracker (.xlsx or .csv) brought in, one case per row.

Every row is checked before anything is written; one bad row and nothing is imported,
and every bad row is named with its row number and column. The stage each case had
reached is recorded as an imported history: the referral, then the workflow's import
step straight to that stage. One commit for the whole import.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from reviewctl.adapters import yamlio
from reviewctl.adapters.xlsx import NoSuchSheet, read_xlsx
from reviewctl.adapters.zipbounds import Unbounded
from reviewctl.core.case.documents import DOCUMENT_FILES
from reviewctl.core.case.paths import Documents
from reviewctl.core.case.schema_errors import errors_of
from reviewctl.core.case.typed_dates import NotADate, read_date
from reviewctl.core.case.views import Node
from reviewctl.core.privacy.pattern_guard import ALLOWED_KEY, check_used, row_findings
from reviewctl.core.steps.import_history import DATE_FIELDS, ImportRow, RowValues, check_dates, fill_derived
from reviewctl.core.steps.import_history import history as imported_history
from reviewctl.core.steps.import_history import records as imported_records
from reviewctl.core.store.confinement import refuse_links
from reviewctl.core.store.folder import Store
from reviewctl.core.store.inputs import MAX_INPUT_BYTES, csv_rows, read_input
from reviewctl.core.store.step import Allowance, StepOptions, check_plausible, commit_message, history_entry
from reviewctl.core.store.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.core.workflow.conformance import case_problems
from reviewctl.errors import InvalidDataError, RefusedError, UnusableError, UsageError

FIELDS = ("subject", "type", "referrer", "received", "incident_date", "summary", "agencies", "stage", "former_ref",
          "aware", "where", *DATE_FIELDS)
REQUIRED = ("subject", "type", "referrer", "received")
MAX_ROWS = 20_000  # cases in one import: a partnership's tracker holds hundreds
_FREE_TEXT = ("subject", "referrer", "summary", "agencies", "former_ref", "where")  # checked for identifier patterns
_DAYS = ("received", "incident_date", "aware", *DATE_FIELDS)  # the date columns


class ImportMap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = {}
    agency_separator: str = Field(default=";", min_length=1)


class RowErrors(InvalidDataError):
    """Every bad row of an import: one line each."""

    def __init__(self, lines: list[str], rows: int) -> None:
        super().__init__(f"{rows} bad row(s); nothing was imported")
        self.lines = lines


@dataclass
class Planned:
    """One case an import would create."""

    row: int
    case_id: str
    values: ImportRow


def day_first(value: object) -> date:
    """A date cell as England writes it (typed_dates.py: 02/11/2026, 2.11.26, 2 Nov 2026,
    2026-11-02), or a real date; NotADate (a ValueError) saying why it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return read_date(str(value))


def read_map(path: Path) -> ImportMap:

    data = yamlio.parse_safe(read_input(path, "--map"), str(path))
    model, problems = errors_of(ImportMap, data, f"--map {path}")
    if model is None:
        raise problems[0].error(UsageError) if problems else UsageError(f"--map {path}: not an import map")
    unknown = sorted(set(model.columns) - set(FIELDS))
    if unknown:
        raise UsageError(f"--map {path}: columns: '{unknown[0]}' is not a field that can be imported "
                         f"(fields: {', '.join(FIELDS)})")
    missing = [f for f in REQUIRED if f not in model.columns]
    if missing:
        raise UsageError(f"--map {path}: columns: give the column of {', '.join(missing)}; "
                         "`reviewctl template import-map.yaml` starts a map")
    return model


def read_rows(path: Path, sheet: str | None = None) -> Iterator[Sequence[object]]:
    """The tracker's rows, one at a time: of an .xlsx (its sheet called `sheet`, or its first;
    bounded by what it unpacks, adapters/zipbounds.py), or a CSV file."""

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise UsageError(f"{path}: larger than {MAX_INPUT_BYTES >> 20} MB; check that this is the tracker")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    if sheet is not None:
        raise UsageError(f"--sheet is for a workbook (.xlsx); {path.name} is one table: leave --sheet out")
    if path.suffix.lower() != ".csv":
        raise UsageError(f"{path}: give the tracker as .xlsx or .csv")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows in England
    return iter(csv_rows(text, path.name))


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[Sequence[object]]:

    try:
        yield from read_xlsx(path, sheet)
    except NoSuchSheet as error:
        raise UsageError(f"--sheet {sheet!r}: {path.name} has no such sheet; its sheets are: "
                         f"{', '.join(error.names)}") from None
    except Unbounded as error:
        raise UsageError(f"{path.name}: {error}; check that this is the tracker, or save its sheet "
                         "as CSV") from None
    except ValueError:
        raise UsageError(f"{path}: not a spreadsheet that can be read; save it again from Excel as .xlsx, "
                         "or as CSV") from None


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def _choice(value: str, known: list[str], words: dict[str, str]) -> str | None:
    folded = {k.casefold(): v for k, v in words.items()}
    value = folded.get(value.casefold(), value)
    return next((k for k in known if k.casefold() == value.casefold()), None)


def _check_row(store: Store, mapping: ImportMap, cells: Mapping[str, object],
               options: StepOptions) -> tuple[RowValues, list[tuple[str, str]]]:
    """One row's values, and what is wrong with it: (field, why) each."""

    flow = store.workflow
    importable = flow.imports.to if flow.imports else [flow.initial]
    bad: list[tuple[str, str]] = []
    values = RowValues()
    texts, days = values.texts, values.days
    for name in ("subject", "referrer", "summary", "former_ref", "where"):
        if name in cells:
            texts[name] = _cell(cells[name]) or None
    for name in ("subject", "referrer"):
        if not texts.get(name):
            bad.append((name, "blank; every case needs it"))
    kind = _choice(_cell(cells["type"]), list(flow.types), mapping.values.get("type", {}))
    if kind is None:
        bad.append(("type", f"'{_cell(cells['type'])}' is not a review type ({', '.join(flow.types)}); "
                    "map the tracker's word under values: type:"))
    values.case_type = kind
    for name in _DAYS:
        raw = cells.get(name)
        if name not in cells or (name != "received" and not _cell(raw)):
            continue
        try:
            day = check_plausible(day_first(raw), name)
            if day > options.today:
                bad.append((name, f"{day} is after today ({options.today})"))
            days[name] = day
        except NotADate as error:
            bad.append((name, f"'{_cell(raw)}' is not a date{error.why}"))
        except UsageError:
            bad.append((name, f"'{_cell(raw)}' is not a date; write it day first, e.g. 02/11/2026 or 2 Nov 2026"))
    if "incident_date" in days and "received" in days and days["incident_date"] > days["received"]:
        bad.append(("incident_date", "after the date received"))
    if "aware" in days and "received" in days and days["aware"] > days["received"]:
        bad.append(("aware", "after the date received (the body responsible became aware first)"))
    if "aware" in days and "incident_date" in days and days["aware"] < days["incident_date"]:
        bad.append(("aware", "before the incident"))
    raw_stage = _cell(cells.get("stage")) if "stage" in cells else ""
    stage = _choice(raw_stage, [s.id for s in flow.stages], mapping.values.get("stage", {})) if raw_stage \
        else flow.initial
    if stage is None:
        bad.append(("stage", f"'{raw_stage}' is not a stage; map the tracker's word under values: stage:"))
    elif stage not in importable and stage != flow.initial:
        bad.append(("stage", f"'{stage}' cannot be imported (an import reaches {', '.join(importable)}); "
                    "import the case at the stage before, and record the rest with reviewctl"))
    values.stage = stage
    if kind is not None and stage is not None and not any(field == "stage" for field, _ in bad) \
            and not any(field in _DAYS for field, _ in bad):
        bad += check_dates(flow, kind, stage, days)
    if "agencies" in cells:
        values.agencies = [a.strip() for a in _cell(cells["agencies"]).split(mapping.agency_separator)
                              if a.strip()]
    bad += _control_characters(cells)
    return values, bad


# C0 and C1 control characters (a tab, a line break and a carriage return aside): no letter
# or Word file can show them, and a terminal may act on them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _control_characters(cells: Mapping[str, object]) -> list[tuple[str, str]]:
    return [(name, f"holds a control character (U+{ord(found.group()):04X}); remove it")
            for name, value in cells.items()
            if isinstance(value, str) and (found := _CONTROL.search(value)) is not None]


HEADER_SEARCH = 30  # rows searched for the headings: a title, a date and notes may stand above them


def find_header(rows: list[Sequence[object]], mapping: ImportMap, tracker: Path, header_row: int | None) -> int:
    """The index in `rows` of the row of headings: `header_row` (counted from 1, as a
    spreadsheet numbers its rows), or the first row that names every column of the map."""
    wanted = {c.strip().casefold() for c in mapping.columns.values()}
    if header_row is not None:
        if header_row > len(rows):
            raise UsageError(f"--header-row {header_row}: {tracker.name} has {len(rows)} row(s)")
        return header_row - 1
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if wanted <= {_cell(h).casefold() for h in row}:
            return index
    return next((i for i, row in enumerate(rows[:HEADER_SEARCH]) if any(_cell(h) for h in row)), 0)


def plan(store: Store, tracker: Path, mapping: ImportMap, options: StepOptions, sheet: str | None = None,
         header_row: int | None = None) -> list[Planned]:
    """Every row checked; the cases to create, or RowErrors naming every bad row and column."""
    rows = read_rows(tracker, sheet)
    # The rows the headings may be in are read first; the rest stream past one at a time.
    head = list(itertools.islice(rows, max(HEADER_SEARCH, header_row or 0)))
    if not any(any(_cell(v) for v in row) for row in head):
        raise UsageError(f"{tracker}: empty; a row must name the columns")
    top = find_header(head, mapping, tracker, header_row)
    header = [_cell(h).casefold() for h in head[top]]
    at: dict[str, int] = {}
    for name, column in mapping.columns.items():
        if column.strip().casefold() not in header:
            named = ", ".join(_cell(h) for h in head[top] if _cell(h)) or "none"
            where = f"row {top + 1}" if header_row is not None else \
                f"no row of the first {HEADER_SEARCH} names every column of the map; row {top + 1}"
            raise UsageError(f"{tracker}: no column '{column}' (for {name}); {where} has the columns: {named}; "
                             "correct the map, or give the row of headings with --header-row N")
        at[name] = header.index(column.strip().casefold())
    errors: list[str] = []
    bad_rows = 0
    planned: list[Planned] = []
    used: set[Allowance] = set()
    for number, row in enumerate(itertools.chain(head[top + 1:], rows), start=top + 2):
        if number > top + 1 + MAX_ROWS:
            raise UsageError(f"{tracker.name}: more than {MAX_ROWS:,} rows below the header; import it in parts")
        cells = {name: (row[i] if i < len(row) else None) for name, i in at.items()}
        if not any(_cell(v) for v in cells.values()):
            continue  # a blank row between blocks
        values, bad = _check_row(store, mapping, cells, options)
        free = {k: values.agencies if k == "agencies" else values.texts.get(k) for k in _FREE_TEXT}
        found, allowed = row_findings(free, options.allowances, used)
        bad += found
        if bad:
            errors += [f"{tracker.name} row {number}, column '{mapping.columns[name]}': {why}" for name, why in bad]
            bad_rows += 1
        elif (checked := values.checked(allowed)) is not None:  # a row with no problem has all it needs
            planned.append(Planned(number, "", checked))
    if errors:
        raise RowErrors(errors, bad_rows)
    check_used(options.allowances, used, "imported")
    if not planned:
        raise UsageError(f"{tracker}: no rows to import below the header")
    return planned


def _case(store: Store, item: Planned, options: StepOptions, by: str) -> Documents:
    """The documents of the case a row brings in: case.yaml with its imported history, and the
    records its dates fill (import_history.py)."""
    flow = store.workflow
    v = item.values
    case: Node = yamlio.new_map({
        "id": item.case_id, "type": v.case_type, "stage": v.stage, "subject": v.texts.get("subject"),
        "referrer": v.texts.get("referrer"), "received": v.received, "aware": v.days.get("aware"),
        "incident_date": v.days.get("incident_date"), "summary": v.texts.get("summary"),
        "agencies": yamlio.new_seq(v.agencies or []), "former_ref": v.texts.get("former_ref"),
    })
    for key in ("aware", "incident_date", "summary", "former_ref"):
        if case[key] is None:
            del case[key]
    entries = [history_entry(flow.referral_step, v.received, None, flow.initial, by, options, v.case_type)]
    if v.allowed:  # identifier patterns the import's --allow let through: kind, field and why
        reason = (options.allow_reason or "").strip()
        entries[0][ALLOWED_KEY] = yamlio.new_seq([yamlio.new_map({**a, "reason": reason}) for a in v.allowed])
    if v.stage != flow.initial and flow.imports is not None:
        entries += imported_history(flow, item.row, v, by, options)
    case["history"] = yamlio.new_seq(entries)
    docs: Documents = {"case": case, **imported_records(flow, item.row, v)}
    if "triage" in docs:
        case["triage"] = docs.pop("triage")
    fill_derived(flow, docs)
    return docs


def run_import(store: Store, tracker: Path, map_file: Path, options: StepOptions, sheet: str | None = None,
               header_row: int | None = None) -> tuple[list[Planned], Outcome | None]:
    """Check every row, then create every case in one commit (or, dry run, say what would be).

    The cases are made and checked before the store's lock is taken, and the checks a step
    makes run once for the whole import (not a `git status` per row): under the lock is
    only the check that nothing changed meanwhile, and the commit."""

    mapping = read_map(map_file)
    planned = plan(store, tracker, mapping, options, sheet, header_row)
    by = store.repo.identity().name
    taken = _assign_ids(store, planned)
    changes: dict[Path, str | bytes | None] = {}
    problems: list[str] = []
    for item in planned:
        docs = _case(store, item, options, by)
        folder = store.case_dir(item.case_id)
        found = case_problems(store.workflow, store.shown(folder), item.case_id, docs)
        problems += [f"{tracker.name} row {item.row}: {p}" for p in found[:1]]
        changes.update({folder / DOCUMENT_FILES[name]: yamlio.dump(doc) for name, doc in docs.items()})
    if problems:
        raise RowErrors(problems, len(problems))
    with store_lock(store):
        _guard_import(store, taken)
        if options.dry_run:
            return planned, None
        summary = f"{len(planned)} cases"
        message = commit_message("store", "import", summary).replace("Reviewctl-Case: store\n", "")
        return planned, apply(store, "store", "import", summary, changes, message, dry_run=False)


def _assign_ids(store: Store, planned: list[Planned]) -> set[str]:
    """A new id for each case, none the name of anything in cases/ (read once)."""
    from reviewctl.core.steps.referral import new_case_id  # lazy: loads 6 more modules

    folder = store.cases_dir
    existing = {p.name.upper() for p in folder.iterdir()} if folder.is_dir() else set()
    for item in planned:
        item.case_id = new_case_id(store, item.values.received.year, existing)
        existing.add(item.case_id.upper())
    return {item.case_id for item in planned}


def _guard_import(store: Store, ids: set[str]) -> None:
    """What step_guard checks before a step, once for the whole import: no step left
    interrupted, no merge or rebase under way, a first commit; and each new case's folder
    still free (so it holds no uncommitted edit, and no `git status` is needed)."""
    refuse_if_interrupted(store)
    underway = store.repo.operation_in_progress()
    if underway:
        raise RefusedError(f"{underway} is under way in this repository; finish or abort it "
                           "(`git status` says how), then repeat the import")
    if store.repo.head() is None:
        raise UnusableError(f"{store.repo.root}: the repository has no commits yet; commit the store first")
    refuse_links(store, store.cases_dir)  # a dry run says so too; the commit checks each file
    if any(os.path.lexists(store.case_dir(i)) for i in ids):
        raise RefusedError("a case id was taken while the import was checked; repeat the import")
