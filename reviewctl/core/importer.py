"""`reviewctl import`: an earlier tracker (.xlsx or .csv) brought in, one case per row.

Every row is checked before anything is written; one bad row and nothing is imported,
and every bad row is named with its row number and column. The stage each case had
reached is recorded as an imported history: the referral, then the workflow's import
step straight to that stage. One commit for the whole import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reviewctl.adapters import yamlio
from reviewctl.core.confinement import refuse_links
from reviewctl.core.step import StepOptions, commit_message, history_entry
from reviewctl.core.store import Store
from reviewctl.core.transaction import Outcome, apply, refuse_if_interrupted, store_lock
from reviewctl.errors import InvalidDataError, RefusedError, UnusableError, UsageError

FIELDS = ("subject", "type", "referrer", "received", "incident_date", "summary", "agencies", "stage")
REQUIRED = ("subject", "type", "referrer", "received")
MAX_ROWS = 20_000  # cases in one import: a partnership's tracker holds hundreds
_MONTHS = {m: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for m in names}
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")


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
    values: dict[str, Any] = field(default_factory=dict)


def day_first(value: Any) -> date:
    """A date cell as England writes it: 02/11/2026, 2.11.26, 2 Nov 2026, 2026-11-02, or a real date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if (m := _ISO.match(text)) is not None:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _NUMERIC.match(text)) is not None:
        year = int(m.group(3))
        return date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1)))
    if (m := _WORDS.match(text)) is not None and m.group(2).lower() in _MONTHS:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    raise ValueError(text)


def read_map(path: Path) -> ImportMap:
    from reviewctl.core.inputs import read_input
    from reviewctl.core.schema import errors_of

    data = yamlio.parse_safe(read_input(path, "--map"), str(path))
    model, problems = errors_of(ImportMap, data, f"--map {path}")
    if model is None:
        raise UsageError(problems[0] if problems else f"--map {path}: not an import map")
    unknown = sorted(set(model.columns) - set(FIELDS))
    if unknown:
        raise UsageError(f"--map {path}: columns: '{unknown[0]}' is not a field that can be imported "
                         f"(fields: {', '.join(FIELDS)})")
    missing = [f for f in REQUIRED if f not in model.columns]
    if missing:
        raise UsageError(f"--map {path}: columns: give the column of {', '.join(missing)}; "
                         "`reviewctl template import-map.yaml` starts a map")
    return model


def read_rows(path: Path) -> Iterator[list[Any]]:
    """The tracker's rows, the header first, one at a time: the first sheet of an .xlsx
    (bounded by what it unpacks, adapters/zipbounds.py), or a CSV file."""
    from reviewctl.core.inputs import MAX_INPUT_BYTES, csv_rows

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise UsageError(f"{path}: larger than {MAX_INPUT_BYTES >> 20} MB; check that this is the tracker")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if path.suffix.lower() != ".csv":
        raise UsageError(f"{path}: give the tracker as .xlsx or .csv")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows in England
    return iter(csv_rows(text, path.name))


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from reviewctl.adapters.xlsx import read_xlsx
    from reviewctl.adapters.zipbounds import Unbounded

    try:
        yield from read_xlsx(path)
    except Unbounded as error:
        raise UsageError(f"{path.name}: {error}; check that this is the tracker, or save its first sheet "
                         "as CSV") from None
    except ValueError:
        raise UsageError(f"{path}: not a spreadsheet that can be read; save it again from Excel as .xlsx, "
                         "or as CSV") from None


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _choice(value: str, known: list[str], words: dict[str, str]) -> str | None:
    folded = {k.casefold(): v for k, v in words.items()}
    value = folded.get(value.casefold(), value)
    return next((k for k in known if k.casefold() == value.casefold()), None)


def _check_row(store: Store, mapping: ImportMap, cells: dict[str, Any],
               options: StepOptions) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row's values, and what is wrong with it: (field, why) each."""
    from reviewctl.core.step import check_plausible

    flow = store.workflow
    importable = flow.imports.to if flow.imports else [flow.initial]
    bad: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for name in ("subject", "referrer", "summary"):
        if name in cells:
            values[name] = _cell(cells[name]) or None
    for name in ("subject", "referrer"):
        if not values.get(name):
            bad.append((name, "blank; every case needs it"))
    bad += _control_characters(cells)
    kind = _choice(_cell(cells["type"]), list(flow.types), mapping.values.get("type", {}))
    if kind is None:
        bad.append(("type", f"'{_cell(cells['type'])}' is not a review type ({', '.join(flow.types)}); "
                    "map the tracker's word under values: type:"))
    values["type"] = kind
    for name in ("received", "incident_date"):
        raw = cells.get(name)
        if name not in cells or (name != "received" and not _cell(raw)):
            continue
        try:
            day = check_plausible(day_first(raw), name)
            if day > options.today:
                bad.append((name, f"{day} is after today ({options.today})"))
            values[name] = day
        except (ValueError, UsageError):
            bad.append((name, f"'{_cell(raw)}' is not a date; write it day first, e.g. 02/11/2026 or 2 Nov 2026"))
    if values.get("incident_date") and values.get("received") and values["incident_date"] > values["received"]:
        bad.append(("incident_date", "after the date received"))
    raw_stage = _cell(cells.get("stage")) if "stage" in cells else ""
    stage = _choice(raw_stage, [s.id for s in flow.stages], mapping.values.get("stage", {})) if raw_stage \
        else flow.initial
    if stage is None:
        bad.append(("stage", f"'{raw_stage}' is not a stage; map the tracker's word under values: stage:"))
    elif stage not in importable and stage != flow.initial:
        bad.append(("stage", f"'{stage}' cannot be imported (an import reaches {', '.join(importable)}); "
                    "import the case at the stage before, and record the rest with reviewctl"))
    values["stage"] = stage
    if "agencies" in cells:
        values["agencies"] = [a.strip() for a in _cell(cells["agencies"]).split(mapping.agency_separator)
                              if a.strip()]
    return values, bad


# C0 and C1 control characters (a tab, a line break and a carriage return aside): no letter
# or Word file can show them, and a terminal may act on them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _control_characters(cells: dict[str, Any]) -> list[tuple[str, str]]:
    return [(name, f"holds a control character (U+{ord(found.group()):04X}); remove it")
            for name, value in cells.items()
            if isinstance(value, str) and (found := _CONTROL.search(value)) is not None]


def plan(store: Store, tracker: Path, mapping: ImportMap, options: StepOptions) -> list[Planned]:
    """Every row checked; the cases to create, or RowErrors naming every bad row and column."""
    rows = read_rows(tracker)
    first = next(rows, None)
    if first is None:
        raise UsageError(f"{tracker}: empty; the first row must name the columns")
    header = [_cell(h).casefold() for h in first]
    at: dict[str, int] = {}
    for name, column in mapping.columns.items():
        if column.strip().casefold() not in header:
            raise UsageError(f"{tracker}: no column '{column}' (for {name}); its columns are: "
                             f"{', '.join(_cell(h) for h in first if _cell(h))}; correct the map")
        at[name] = header.index(column.strip().casefold())
    errors: list[str] = []
    bad_rows = 0
    planned: list[Planned] = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise UsageError(f"{tracker.name}: more than {MAX_ROWS:,} rows below the header; import it in parts")
        cells = {name: (row[i] if i < len(row) else None) for name, i in at.items()}
        if not any(_cell(v) for v in cells.values()):
            continue  # a blank row between blocks
        values, bad = _check_row(store, mapping, cells, options)
        if bad:
            errors += [f"{tracker.name} row {number}, column '{mapping.columns[name]}': {why}" for name, why in bad]
            bad_rows += 1
        else:
            planned.append(Planned(number, "", values))
    if errors:
        raise RowErrors(errors, bad_rows)
    if not planned:
        raise UsageError(f"{tracker}: no rows to import below the header")
    return planned


def _case(store: Store, item: Planned, options: StepOptions, by: str) -> Any:
    flow = store.workflow
    v = item.values
    case: Any = yamlio.new_map({
        "id": item.case_id, "type": v["type"], "stage": v["stage"], "subject": v["subject"],
        "referrer": v["referrer"], "received": v["received"], "incident_date": v.get("incident_date"),
        "summary": v.get("summary"), "agencies": yamlio.new_seq(v.get("agencies") or []),
    })
    for key in ("incident_date", "summary"):
        if case[key] is None:
            del case[key]
    entries = [history_entry(flow.referral_step, v["received"], None, flow.initial, by, options, v["type"])]
    if v["stage"] != flow.initial and flow.imports is not None:
        when = max(options.date, v["received"])
        entries.append(history_entry(flow.imports.step, when, flow.initial, v["stage"], by, options,
                                     reason=f"imported from an earlier tracker (row {item.row})"))
    case["history"] = yamlio.new_seq(entries)
    return case


def run_import(store: Store, tracker: Path, map_file: Path,
               options: StepOptions) -> tuple[list[Planned], Outcome | None]:
    """Check every row, then create every case in one commit (or, dry run, say what would be).

    The cases are made and checked before the store's lock is taken, and the checks a step
    makes run once for the whole import (not a `git status` per row): under the lock is
    only the check that nothing changed meanwhile, and the commit."""
    from reviewctl.core.checks import case_problems
    from reviewctl.core.documents import DOCUMENT_FILES

    mapping = read_map(map_file)
    planned = plan(store, tracker, mapping, options)
    by = store.repo.identity().name
    taken = _assign_ids(store, planned)
    changes: dict[Path, str | bytes | None] = {}
    problems: list[str] = []
    for item in planned:
        case = _case(store, item, options, by)
        folder = store.case_dir(item.case_id)
        found = case_problems(store.workflow, store.shown(folder), item.case_id, {"case": case})
        problems += [f"{tracker.name} row {item.row}: {p}" for p in found[:1]]
        changes[folder / DOCUMENT_FILES["case"]] = yamlio.dump(case)
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
    from reviewctl.core.referral import new_case_id

    folder = store.cases_dir
    existing = {p.name.upper() for p in folder.iterdir()} if folder.is_dir() else set()
    for item in planned:
        item.case_id = new_case_id(store, item.values["received"].year, existing)
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
