"""Rendering results as text, tables, markdown, CSV or JSON.  The only tabulate user.

Data goes to stdout; messages go to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from typing import Any


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


def stream_json(items: Iterable[Any]) -> None:
    """A JSON array written an item at a time (one a line): a big report is never one string."""
    write = sys.stdout.write
    first = True
    for item in items:
        write(("[\n" if first else ",\n") + json.dumps(item, ensure_ascii=False))
        first = False
    write("[]\n" if first else "\n]\n")


def table(rows: list[dict[str, Any]], columns: list[str], fmt: str = "table") -> str:
    from tabulate import tabulate

    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        return out.getvalue()
    body = [["" if row.get(c) is None else row.get(c) for c in columns] for row in rows]
    style = "github" if fmt == "md" else "simple"
    if not body:
        return "(none)\n"
    return tabulate(body, headers=columns, tablefmt=style, disable_numparse=True) + "\n"


def pairs(items: list[tuple[str, Any]], fmt: str = "table") -> str:
    rows = [{"field": k, "value": v} for k, v in items if v not in (None, "", [])]
    return table(rows, ["field", "value"], fmt)
