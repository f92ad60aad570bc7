"""The only user of openpyxl: a tracker as a spreadsheet, which business units live in."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

# A spreadsheet runs a text cell that starts with one of these as a formula (OWASP,
# "CSV injection"); a leading apostrophe keeps it text.  Numbers stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl would store "=..." as a formula; control characters other than tab,
        # newline and CR are not allowed in the file format at all.
        value = "".join(ch if ch >= " " or ch in "\t\n\r" else f"\\x{ord(ch):02x}" for ch in value)
        return "'" + value if value.startswith(_FORMULA_START) else value
    return value


def write_xlsx(path: Path, rows: list[dict[str, Any]], columns: list[str], title: str) -> None:
    """Write the sheet beside `path` and move it into place: never half a file."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
