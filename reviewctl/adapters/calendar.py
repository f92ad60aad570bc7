"""The only user of `holidays`: the working-day calendar of England and Wales.

Counting is done on a table of cumulative working days per day, so that a report over
100,000 cases does not walk the calendar a day at a time.  The bank holidays of a year
can be handed in (from the report cache), so a warm report need not import `holidays`.
"""

from __future__ import annotations

import calendar
import os
import pickle
from bisect import bisect_left
from datetime import date, timedelta
from pathlib import Path

from reviewctl.errors import InvalidDataError

_HOLIDAYS: dict[int, frozenset[date]] = {}
# One-off bank holidays a store declares (a royal occasion): kept apart from the
# `holidays` package's list, so neither cache file ever holds a store's own days.
_EXTRA: frozenset[date] = frozenset()
# The years dates may fall in: before 1900 is a typing slip in a case review, and the
# table of working days is built year by year up to the latest date asked about, so a
# year such as 9999 would take minutes (and 10000 is not a date at all).
FIRST_YEAR, LAST_YEAR = 1900, 2199
_FIRST = FIRST_YEAR  # the table covers whole years from here; it grows on demand
_table_years: tuple[int, int] | None = None
_cum: list[int] = []  # _cum[i]: working days in [base, base + i] (inclusive)
_base = date(_FIRST, 1, 1)


_CACHE_FILE: Path | None = None
_CACHE_TAG = "england-and-wales/1"


def use_cache_file(path: Path | None, tag: str) -> None:
    """Keep the bank holidays worked out in a file (under .git), for the next command.

    Importing `holidays` and asking it for a year costs about a tenth of a second, more
    than a single-case command itself.  `tag` names the reviewctl version, so an upgrade
    (and with it a newer `holidays`) starts afresh.
    """
    global _CACHE_FILE, _CACHE_TAG
    _CACHE_FILE, _CACHE_TAG = path, f"england-and-wales/{tag}"
    if path is None or not path.is_file():
        return
    try:
        data = pickle.loads(path.read_bytes())
        if data.get("tag") == _CACHE_TAG:
            preload(data["years"])
    except Exception:  # noqa: BLE001 - a damaged file is only slower: it is rewritten
        pass


def bank_holidays(year: int) -> frozenset[date]:
    if year not in _HOLIDAYS:
        import holidays  # deferred: most commands find the dates in the cache file

        years = range(year - 2, year + 8)  # one call for the years around, then cached
        # subdiv="ENG" gives the England and Wales list; observed (substitute) days are
        # included, e.g. Boxing Day 2026 falls on a Saturday -> Mon 28 Dec.
        days = holidays.country_holidays("GB", subdiv="ENG", years=years)
        for y in years:
            _HOLIDAYS.setdefault(y, frozenset(d for d in days if d.year == y))
        _save()
    return _HOLIDAYS[year]


def _save() -> None:
    if _CACHE_FILE is None:
        return
    tmp = _CACHE_FILE.with_name(f".{_CACHE_FILE.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(pickle.dumps({"tag": _CACHE_TAG, "years": known_holidays()}))
        os.replace(tmp, _CACHE_FILE)
    except OSError:
        tmp.unlink(missing_ok=True)


def preload(known: dict[int, list[date]]) -> None:
    """Bank holidays already known (from a cache), by year."""
    for year, days in known.items():
        _HOLIDAYS.setdefault(year, frozenset(days))


def known_holidays() -> dict[int, list[date]]:
    return {year: sorted(days) for year, days in _HOLIDAYS.items()}


def set_extra_holidays(days: list[date]) -> None:
    """The store's one-off bank holidays (reviewctl.yaml `bank_holidays:`)."""
    global _EXTRA, _table_years
    extra = frozenset(days)
    if extra != _EXTRA:
        _EXTRA, _table_years = extra, None  # the table of working days is counted afresh


def extra_holidays() -> list[date]:
    return sorted(_EXTRA)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in _EXTRA


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_before(end: date, count: int) -> date:
    """The latest date that leaves `count` working days after it up to and including `end`."""
    if count <= 0:
        return end
    _ensure(end.year - count // 200 - 1, end.year)
    target = _count(end) - count
    # The working day on which the count reaches `target`: a weekend after it leaves no fewer days.
    return _base + timedelta(days=bisect_left(_cum, target))


def _ensure(first: int, last: int) -> None:
    global _table_years, _cum, _base
    if first < FIRST_YEAR or last > LAST_YEAR:
        # A date in the store that validation missed: a clear refusal, never a crash.
        year = first if first < FIRST_YEAR else last
        raise InvalidDataError(f"a date in the year {year} is outside the years {FIRST_YEAR} to {LAST_YEAR} "
                               "that the calendar counts in; `reviewctl validate` names the file and key")
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
