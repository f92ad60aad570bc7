"""Rendering results as text, tables, markdown, CSV or JSON.  The only tabulate user.

Data goes to stdout; messages go to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewctl.core.reports.output_memo import Keeper

# C0 and C1 control characters, DEL, the line and paragraph separators, and the
# bidirectional overrides that reorder what a terminal shows: a summary or an agency's
# name could otherwise move the cursor, recolour the screen or rewrite the line above.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\n`)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                             else f"\\u{ord(m.group()):04x}"), text)


def escaped(value: Any) -> Any:
    """`value` for a table or a markdown document: strings made printable, lists and maps too."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: escaped(v) for k, v in value.items()}
    return value


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV
# injection"); a leading apostrophe makes it text.  Numbers are left as numbers.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def say(message: str) -> None:
    sys.stderr.write(message + "\n")


def as_json(data: Any) -> str:
    if isinstance(data, list):
        # An array with one item per line: still readable, and without `indent` the
        # encoder runs in C, which matters for a tracker of 100,000 cases.
        if not data:
            return "[]\n"
        return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in data) + "\n]\n"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def stream_json(items: Iterable[Any], also: Keeper | None = None) -> None:
    """A JSON array written an item at a time (one a line): a big report is never one string.
    `also`: a file that gets the same text (a memo of the output for the next run)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per item
    out = sys.stdout.write
    keep = also.write if also is not None else None

    def write(text: str) -> None:
        out(text)
        if keep is not None:
            keep(text)

    batch: list[str] = []
    first = True
    for item in items:
        batch.append(encode(item))
        if len(batch) == 1000:  # a thousand rows a write: few calls, and memory stays flat
            write(("[\n" if first else ",\n") + ",\n".join(batch))
            first, batch = False, []
    if batch:
        write(("[\n" if first else ",\n") + ",\n".join(batch))
        first = False
    write("[]\n" if first else "\n]\n")


def table(rows: Sequence[Mapping[str, Any]], columns: list[str], fmt: str = "table") -> str:
    from tabulate import tabulate  # lazy: loads tabulate

    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else defused(row.get(c)) for c in columns])
        return out.getvalue()
    body = [["" if row.get(c) is None else escaped(row.get(c)) for c in columns] for row in rows]
    style = "github" if fmt == "md" else "simple"
    if not body:
        return "(none)\n"
    return tabulate(body, headers=columns, tablefmt=style, disable_numparse=True) + "\n"


def pairs(items: list[tuple[str, Any]], fmt: str = "table") -> str:
    rows = [{"field": k, "value": v} for k, v in items if v not in (None, "", [])]
    return table(rows, ["field", "value"], fmt)
