"""The only user of `holidays`: the working-day calendar of England and Wales.

Counting is done on a table of cumulative working days per day, so that a report over
100,000 cases does not walk the calendar a day at a time.  The bank holidays of a year
can be handed in (from the report cache), so a warm report need not import `holidays`.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from datetime import date, timedelta

_HOLIDAYS: dict[int, frozenset[date]] = {}
_FIRST = 1900  # the table covers whole years from here; it grows on demand
_table_years: tuple[int, int] | None = None
_cum: list[int] = []  # _cum[i]: working days in [base, base + i] (inclusive)
_base = date(_FIRST, 1, 1)


def bank_holidays(year: int) -> frozenset[date]:
    if year not in _HOLIDAYS:
        import holidays  # deferred: a warm report gets the dates from its cache

        # subdiv="ENG" gives the England and Wales list; observed (substitute) days are
        # included, e.g. Boxing Day 2026 falls on a Saturday -> Mon 28 Dec.
        days = holidays.country_holidays("GB", subdiv="ENG", years=year)
        _HOLIDAYS[year] = frozenset(d for d in days if d.year == year)
    return _HOLIDAYS[year]


def preload(known: dict[int, list[date]]) -> None:
    """Bank holidays already known (from a cache), by year."""
    for year, days in known.items():
        _HOLIDAYS.setdefault(year, frozenset(days))


def known_holidays() -> dict[int, list[date]]:
    return {year: sorted(days) for year, days in _HOLIDAYS.items()}


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def _ensure(first: int, last: int) -> None:
    global _table_years, _cum, _base
    if _table_years and _table_years[0] <= first and last <= _table_years[1]:
        return
    lo = min(first, _table_years[0]) if _table_years else first
    hi = max(last, _table_years[1]) if _table_years else last
    lo, hi = lo - 1, hi + 1  # a margin, so most reports build the table once
    _base = date(lo, 1, 1)
    cum, total, day = [], 0, _base
    end = date(hi, 12, 31)
    while day <= end:
        if is_working_day(day):
            total += 1
        cum.append(total)
        day += timedelta(days=1)
    _cum, _table_years = cum, (lo, hi)


def _count(day: date) -> int:
    return _cum[(day - _base).days]


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when end < start."""
    _ensure(min(start.year, end.year), max(start.year, end.year))
    return _count(end) - _count(start)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the start day itself is day 0)."""
    if count <= 0:
        return start
    _ensure(start.year, start.year + count // 200 + 1)
    target = _count(start) + count
    while target > _cum[-1]:  # pragma: no cover - only for very long limits
        _ensure(start.year, _table_years[1] + 5 if _table_years else start.year + 5)
        target = _count(start) + count
    return _base + timedelta(days=bisect_left(_cum, target))


def add_months(start: date, months: int) -> date:
    """Calendar months; a day that the target month lacks becomes its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))
