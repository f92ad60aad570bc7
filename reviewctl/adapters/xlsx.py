"""The only user of openpyxl: a tracker as a spreadsheet, which business units live in,
and reading the spreadsheet a partnership kept before (`reviewctl import`)."""

from __future__ import annotations

import io
import os
import tempfile
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reviewctl.adapters import zipbounds

# A spreadsheet would read a text typed starting with one of these as a formula (OWASP,
# "CSV injection"). In a file a string cell is text whatever it starts with: such a cell
# is written as a string cell (never a formula) marked quotePrefix, which keeps it text when
# it is edited in Excel or Calc, as a typed leading apostrophe would, without showing one.
# Numbers stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# RAG as Excel's own conditional-format fills (light red, yellow, green): the text says it too.
_RAG_FILLS = {"red": "FFC7CE", "amber": "FFEB9C", "green": "C6EFCE", "paused": "D9D9D9"}
_MAX_WIDTH = 32  # wider text wraps: the sheet prints one page wide, and stays legible
_HEADER_WIDTH = 20  # a longer heading wraps rather than widen a column of short values
_DATE_FORMAT = "dd/mm/yyyy"  # as England writes dates; the cell holds a real date


def _cell(value: Any, is_date: bool = False) -> Any:
    if is_date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, str):
        # Control characters other than tab, newline and CR are not allowed in the file format at all.
        return "".join(ch if ch >= " " or ch in "\t\n\r" else f"\\x{ord(ch):02x}" for ch in value)
    return value


def _as_text(cell: Any) -> None:
    """A string that looks like a formula stays a string cell (openpyxl would make it a formula)."""
    cell.data_type = "s"
    cell.quotePrefix = True


def _heights(sheet: Any, wraps: list[tuple[int, int, str]], widths: list[int]) -> None:
    """Each row that holds wrapped text as tall as its lines: neither Excel nor Calc works it
    out for a file they did not write, and the lines would run into the next row."""
    lines: dict[int, int] = {}
    for row, at, text in wraps:
        count = sum(max(1, len(textwrap.wrap(line, widths[at - 1] - 2))) for line in text.splitlines() or [""])
        lines[row] = max(lines.get(row, 1), count)
    for row, count in lines.items():
        if count > 1:
            sheet.row_dimensions[row].height = 15 * count


def _for_print(sheet: Any) -> None:
    """On paper: A4 landscape, one page wide (as many long as it takes), the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _width(value: Any) -> int:
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0) if value is not None else 0


def write_xlsx(path: Path, rows: Iterable[Mapping[str, Any]], columns: list[str], title: str,
               headers: dict[str, str] | None = None, dates: frozenset[str] = frozenset(),
               rag: str | None = None, unprinted: frozenset[str] = frozenset()) -> None:
    """Write the sheet beside `path` and move it into place: never half a file.

    `headers`: what each column is called for a person; `dates`: the columns that hold
    ISO dates, written as dates; `rag`: the column whose red/amber/green fills its cell;
    `unprinted`: the last columns, left off the printed page (codes for scripts).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    names = [(headers or {}).get(c, c) for c in columns]
    sheet.append(names)
    wrapped = Alignment(wrap_text=True, vertical="top")
    # A row taller than a line (a wrapped cell) has every value at its top: left at the sheet's
    # default, the bottom, a one-line value sits a line or two below the wrapped text beside it.
    top = Alignment(vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = wrapped
    widths = [min(len(n), _HEADER_WIDTH) for n in names]
    wraps: list[tuple[int, int, str]] = [(1, at, n) for at, n in enumerate(names, start=1)]  # row, column, text
    fills = {k: PatternFill("solid", start_color=v, end_color=v) for k, v in _RAG_FILLS.items()}
    rag_at = columns.index(rag) + 1 if rag in columns else None
    for number, row in enumerate(rows, start=2):
        values = [_cell(row.get(c), c in dates) for c in columns]
        sheet.append(values)
        widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=True)]
        wrapped_at: set[int] = set()
        for at, value in enumerate(values, start=1):
            if isinstance(value, date):
                sheet.cell(number, at).number_format = _DATE_FORMAT
            elif isinstance(value, str):
                if value.startswith(_FORMULA_START):
                    _as_text(sheet.cell(number, at))
                if len(value) > _MAX_WIDTH - 2 or "\n" in value:
                    sheet.cell(number, at).alignment = wrapped
                    wraps.append((number, at, value))
                    wrapped_at.add(at)
        if wrapped_at:  # only the cells that show something: an empty one looks the same either way
            for at, value in enumerate(values, start=1):
                if at not in wrapped_at and value not in (None, ""):
                    sheet.cell(number, at).alignment = top
        shade = str(values[rag_at - 1]).lower() if rag_at is not None else None
        if rag_at is not None and shade in fills:
            sheet.cell(number, rag_at).fill = fills[shade]
    for at, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(at)].width = min(width + 2, _MAX_WIDTH)
    _heights(sheet, wraps, [min(w + 2, _MAX_WIDTH) for w in widths])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _for_print(sheet)
    printed = [c for c in columns if c not in unprinted]
    if printed != columns and columns[:len(printed)] == printed:
        sheet.print_area = f"A1:{get_column_letter(len(printed))}{max(sheet.max_row, 1)}"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class NoSuchSheet(ValueError):
    """The workbook has no sheet of the name asked for: `names` are the ones it has."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def _sheet(book: Any, name: str | None) -> Any:
    """The sheet called `name` (any capitals), or the first; NoSuchSheet naming the sheets."""
    if name is None:
        return book.worksheets[0]
    found = [s for s in book.worksheets if s.title.strip().casefold() == name.strip().casefold()]
    if not found:
        raise NoSuchSheet([s.title for s in book.worksheets])
    return found[0]


def read_xlsx(path: Path, sheet_name: str | None = None, max_cell: int = 2**20,
              max_cells: int = 2_000_000) -> Iterator[list[Any]]:
    """The rows of the sheet called `sheet_name` (or of the first) as values (a date cell as
    a date, a time cell as a time), one at a time: the workbook's parts are bounded first
    (zipbounds.py), then streamed.

    Raises ValueError when the file is not a spreadsheet that can be read, NoSuchSheet when
    it has no such sheet, and zipbounds.Unbounded (a ValueError) when it unpacks past its
    bounds, a cell holds more than `max_cell` characters, or the rows hold more than
    `max_cells` cells in all (counting the empty ones up to each row's last: one far to the
    right widens its row).
    """
    from openpyxl import load_workbook

    data = io.BytesIO(path.read_bytes())  # read once: what is checked is what is parsed
    zipbounds.check(data)  # before openpyxl holds anything it unpacks
    try:
        book = load_workbook(data, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ValueError(_short(error)) from None
    try:
        sheet: Any = _sheet(book, sheet_name)
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
