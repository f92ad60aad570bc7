"""The only user of openpyxl: a tracker as a spreadsheet, which business units live in,
and reading the spreadsheet a partnership kept before (`reviewctl import`)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reviewctl.adapters import zipbounds

# A spreadsheet runs a text cell that starts with one of these as a formula (OWASP,
# "CSV injection"); a leading apostrophe keeps it text.  Numbers stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# RAG as Excel's own conditional-format fills (light red, yellow, green): the text says it too.
_RAG_FILLS = {"red": "FFC7CE", "amber": "FFEB9C", "green": "C6EFCE", "paused": "D9D9D9"}
_MAX_WIDTH = 60
_DATE_FORMAT = "dd/mm/yyyy"  # as England writes dates; the cell holds a real date


def _cell(value: Any, is_date: bool = False) -> Any:
    if is_date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, str):
        # openpyxl would store "=..." as a formula; control characters other than tab,
        # newline and CR are not allowed in the file format at all.
        value = "".join(ch if ch >= " " or ch in "\t\n\r" else f"\\x{ord(ch):02x}" for ch in value)
        return "'" + value if value.startswith(_FORMULA_START) else value
    return value


def _width(value: Any) -> int:
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0) if value is not None else 0


def write_xlsx(path: Path, rows: Iterable[dict[str, Any]], columns: list[str], title: str,
               headers: dict[str, str] | None = None, dates: frozenset[str] = frozenset(),
               rag: str | None = None) -> None:
    """Write the sheet beside `path` and move it into place: never half a file.

    `headers`: what each column is called for a person; `dates`: the columns that hold
    ISO dates, written as dates; `rag`: the column whose red/amber/green fills its cell.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    names = [(headers or {}).get(c, c) for c in columns]
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(n) for n in names]
    fills = {k: PatternFill("solid", start_color=v, end_color=v) for k, v in _RAG_FILLS.items()}
    rag_at = columns.index(rag) + 1 if rag in columns else None
    for number, row in enumerate(rows, start=2):
        values = [_cell(row.get(c), c in dates) for c in columns]
        sheet.append(values)
        widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=True)]
        for at, value in enumerate(values, start=1):
            if isinstance(value, date):
                sheet.cell(number, at).number_format = _DATE_FORMAT
        if rag_at is not None and values[rag_at - 1] in fills:
            sheet.cell(number, rag_at).fill = fills[values[rag_at - 1]]
    for at, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(at)].width = min(width + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_xlsx(path: Path, max_cell: int = 2**20, max_cells: int = 2_000_000) -> Iterator[list[Any]]:
    """The first sheet's rows as values (a date cell as a date), the header row first, one
    at a time: the workbook's parts are bounded first (zipbounds.py), then streamed.

    Raises ValueError when the file is not a spreadsheet that can be read, and
    zipbounds.Unbounded (a ValueError) when it unpacks past its bounds, a cell holds more
    than `max_cell` characters, or the rows hold more than `max_cells` cells in all
    (counting the empty ones up to each row's last: one far to the right widens its row).
    """
    from openpyxl import load_workbook

    data = io.BytesIO(path.read_bytes())  # read once: what is checked is what is parsed
    zipbounds.check(data)  # before openpyxl holds anything it unpacks
    try:
        book = load_workbook(data, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ValueError(_short(error)) from None
    try:
        sheet: Any = book.worksheets[0]
        # Read-only openpyxl trusts the sheet's <dimension>, which any program may write
        # too small: rows past it would be dropped without a word.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        number = cells = 0
        while True:
            try:
                row = next(rows, None)
            except Exception as error:  # noqa: BLE001 - a damaged sheet, found as it streams
                raise ValueError(_short(error)) from None
            if row is None:
                return
            number, cells = number + 1, cells + len(row)
            if cells > max_cells:
                raise zipbounds.Unbounded(f"more than {max_cells:,} cells by row {number} (counting the empty "
                                          "ones up to each row's last); delete the columns past the last one used")
            yield _values(row, number, max_cell)
    finally:
        book.close()


def _values(row: tuple[Any, ...], number: int, max_cell: int) -> list[Any]:
    values = [v.date() if isinstance(v, datetime) else v for v in row]
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > max_cell:
            raise zipbounds.Unbounded(f"row {number}, column {column}: a cell of {len(value) >> 10:,} KB, "
                                      f"more than the {max_cell >> 10:,} KB a cell may hold")
    return values


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
