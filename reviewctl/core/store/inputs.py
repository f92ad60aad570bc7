"""Files a user hands to a command (a report, a plan, a chronology, evidence): read once, checked.

A file is read whole into memory and, for most, into the store's history for ever, so
one larger than any document a review produces is a mistake (the wrong file, a video),
refused before it is read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reviewctl.errors import UsageError

MAX_INPUT_BYTES = 20 * 2**20  # a long review report in markdown is well under 1 MB
MAX_FIELD = 128 * 2**10  # a CSV field: far more than a spreadsheet cell's 32,767 characters


def check_input(path: Path, flag: str) -> None:
    """Refuse a file handed in that is missing or larger than any document a review produces."""
    shown = f"{flag} {path}" if flag else str(path)
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise UsageError(f"{shown}: {size / 2**20:.0f} MB is larger than the {MAX_INPUT_BYTES // 2**20} MB a "
                         "document may be; check that this is the right file")


def read_input(path: Path, flag: str, not_text: str = "save it as UTF-8") -> str:
    """The text of `path` (UTF-8, a byte-order mark dropped), refused if missing, huge or not text."""
    shown = f"{flag} {path}" if flag else str(path)
    check_input(path, flag)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: not UTF-8 text; {not_text}") from None


def csv_rows(text: str, shown: str) -> list[list[str]]:
    """Every row of a CSV text; a field longer than MAX_FIELD is refused, naming its row and column.

    The text is bounded already (MAX_INPUT_BYTES), so its rows are read whole; the csv
    module's own limit (the same 128 KiB, but as an error without a row) is lifted for
    this read only, so that the refusal can say where.
    """
    previous = csv.field_size_limit(max(len(text), MAX_FIELD) + 1)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise UsageError(f"{shown}: not CSV that can be read ({error}); save it again as CSV (UTF-8)") from None
    finally:
        csv.field_size_limit(previous)
    for number, row in enumerate(rows, start=1):
        for column, field in enumerate(row, start=1):
            if len(field) > MAX_FIELD:
                raise UsageError(f"{shown}: row {number}, column {column}{_heading(rows, column)}: a field of "
                                 f"{len(field) >> 10:,} KiB, more than the {MAX_FIELD >> 10} KiB one may hold; "
                                 "check that this is the right file and that every quote is closed")
    return rows


def _heading(rows: list[list[str]], column: int) -> str:
    heading = rows[0][column - 1].strip() if rows and column <= len(rows[0]) else ""
    return f" ('{heading}')" if heading and len(heading) <= 60 and heading.isprintable() else ""
