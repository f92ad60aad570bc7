"""chronology/*.yaml: one agency's key events each, as `reviewctl chronology import` wrote them."""

from __future__ import annotations

import re
from datetime import date

from pydantic import field_validator

from reviewctl.core.case.models import Strict, Text

CHRONOLOGY_DIR = "chronology"
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class Event(Strict, frozen=True):
    date: date
    time: str | None = None
    event: Text
    source: Text
    significance: Text

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.fullmatch(value):
            raise ValueError("write the time as HH:MM (24-hour), or leave it empty")
        return value


class AgencyChronology(Strict, frozen=True):
    agency: Text
    imported: date
    source_file: Text
    events: list[Event]
