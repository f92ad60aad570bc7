"""The only user of openpyxl: a tracker as a spreadsheet, which business units live in."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_xlsx(path: Path, rows: list[dict[str, Any]], columns: list[str], title: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    sheet.freeze_panes = "A2"
    book.save(path)
