"""The redaction guard: nothing publishable may contain an identifier kept in
confidential.yaml, however it is cased, spaced or broken across lines."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import field_validator

from reviewctl.adapters import yamlio
from reviewctl.core.case import Strict
from reviewctl.core.schema import errors_of
from reviewctl.core.store import Store
from reviewctl.errors import InvalidDataError

CONFIDENTIAL_FILE = "confidential.yaml"


class Confidential(Strict):
    names: list[str] = []
    dates_of_birth: list[date | str] = []
    addresses: list[str] = []
    other: list[str] = []

    @field_validator("names", "addresses", "other")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("an identifier may not be blank")
        return values


def _spellings(value: date | str) -> list[str]:
    if isinstance(value, date):
        return [value.isoformat(), value.strftime("%d/%m/%Y"), f"{value.day} {value:%B %Y}",
                f"{value.day} {value:%b %Y}"]
    return [value]


def identifiers(store: Store, case_id: str) -> list[str]:
    path = store.case_dir(case_id) / CONFIDENTIAL_FILE
    if not path.is_file():
        return []
    shown = store.shown(path)
    data = yamlio.parse_roundtrip(yamlio.read_text(path, shown), shown) or {}
    model, problems = errors_of(Confidential, data, shown)
    if model is None:
        raise InvalidDataError(problems[0])
    values: list[date | str] = [*model.names, *model.dates_of_birth, *model.addresses, *model.other]
    return [s for v in values for s in _spellings(v)]


def _pattern(identifier: str) -> re.Pattern[str]:
    words = identifier.split()
    return re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b", re.IGNORECASE)


def publishable(store: Store, case_id: str) -> list[Path]:
    """Every markdown document of the case: reports, plans, letters and notices."""
    folder = store.case_dir(case_id)
    return sorted(p for p in folder.rglob("*.md") if p.is_file())


def findings(store: Store, case_id: str) -> list[str]:
    """`file:line` for each place an identifier appears; never the identifier itself."""
    patterns = [_pattern(i) for i in identifiers(store, case_id)]
    found: list[str] = []
    for path in publishable(store, case_id) if patterns else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = sorted({text.count("\n", 0, m.start()) + 1 for p in patterns for m in p.finditer(text)})
        found += [f"{store.shown(path)}:{line}" for line in lines]
    return found
