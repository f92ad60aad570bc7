"""The only user of `holidays`: the working-day calendar of England and Wales.

A store's calendar is one `Calendar` (the store builds it from its settings, and its clocks
receive it): the region's bank holidays, the store's own closure days (reviewctl.yaml
`bank_holidays:`), how a month clock that ends on a non-working day is moved (`month_end`),
and the file under .git where the bank holidays worked out are kept for the next command.
Two stores in one process (the test suite, `serve`) each have their own.

What a calendar works out depends only on its region and closure days, so it is kept once
per process for all calendars alike (`_HOLIDAYS` by region, `_TABLES` by region and closure
days): counting is done on a table of cumulative working days per day, so that a report over
100,000 cases does not walk the calendar a day at a time, and the bank holidays of a year
can be handed in (from the report cache), so a warm report need not import `holidays`.
"""

from __future__ import annotations

import calendar
import os
import pickle
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from reviewctl.errors import InvalidDataError

# The years dates may fall in: before 1900 is a typing slip in a case review, and the
# table of working days is built year by year up to the latest date asked about, so a
# year such as 9999 would take minutes (and 10000 is not a date at all).
FIRST_YEAR, LAST_YEAR = 1900, 2199
ENGLAND_AND_WALES = "ENG"  # the `holidays` subdivision of GB whose bank holidays these are
MonthEnd = Literal["leave", "next-working-day", "previous-working-day"]

# Per process, by what each depends on (never a store's settings by themselves).
_HOLIDAYS: dict[str, dict[int, frozenset[date]]] = {}  # region -> year -> its bank holidays


@dataclass
class _Table:
    """Cumulative working days from `base`: cum[i] is the working days in [base, base + i]."""

    years: tuple[int, int] | None = None
    cum: list[int] = field(default_factory=list)
    base: date = date(FIRST_YEAR, 1, 1)


_TABLES: dict[tuple[str, frozenset[date]], _Table] = {}  # (region, closure days) -> its table


@dataclass(frozen=True)
class Calendar:
    """One store's working-day calendar; immutable, so a clock can hold it."""

    extra: frozenset[date] = frozenset()  # the store's own closure days (a royal occasion)
    month_end: MonthEnd = "leave"  # a month clock ending on a non-working day: left, moved on or back
    region: str = ENGLAND_AND_WALES
    cache_file: Path | None = None  # where the bank holidays worked out are kept (under .git)
    tag: str = ""  # the reviewctl version that wrote the cache file: an upgrade starts afresh

    @property
    def _tag(self) -> str:
        return f"{self.region}/{self.tag}"

    def load_cache(self) -> None:
        """The bank holidays the cache file keeps, for this process (missing or damaged: none).

        Importing `holidays` and asking it for a year costs about a tenth of a second, more than
        a single-case command itself."""
        if self.cache_file is None or not self.cache_file.is_file():
            return
        try:
            data = pickle.loads(self.cache_file.read_bytes())
            if data.get("tag") == self._tag:
                self.preload(data["years"])
        except Exception:  # noqa: BLE001 - a damaged file is only slower: it is rewritten
            pass

    def preload(self, known: dict[int, list[date]]) -> None:
        """Bank holidays already known (from a cache), by year."""
        held = _HOLIDAYS.setdefault(self.region, {})
        for year, days in known.items():
            held.setdefault(year, frozenset(days))

    def known_holidays(self) -> dict[int, list[date]]:
        return {year: sorted(days) for year, days in _HOLIDAYS.get(self.region, {}).items()}

    def bank_holidays(self, year: int) -> frozenset[date]:
        held = _HOLIDAYS.setdefault(self.region, {})
        if year not in held:
            import holidays  # deferred: most commands find the dates in the cache file

            years = range(year - 2, year + 8)  # one call for the years around, then kept
            # subdiv="ENG" gives the England and Wales list; observed (substitute) days are
            # included, e.g. Boxing Day 2026 falls on a Saturday -> Mon 28 Dec.
            days = holidays.country_holidays("GB", subdiv=self.region, years=years)
            for y in years:
                held.setdefault(y, frozenset(d for d in days if d.year == y))
            self._save()
        return held[year]

    def _save(self) -> None:
        if self.cache_file is None:
            return
        tmp = self.cache_file.with_name(f".{self.cache_file.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(pickle.dumps({"tag": self._tag, "years": self.known_holidays()}))
            os.replace(tmp, self.cache_file)
        except OSError:
            tmp.unlink(missing_ok=True)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays(day.year) and day not in self.extra

    def next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def _table(self, first: int, last: int) -> _Table:
        """The table of working days covering the years `first` to `last`, grown as needed."""
        if first < FIRST_YEAR or last > LAST_YEAR:
            # A date in the store that validation missed: a clear refusal, never a crash.
            year = first if first < FIRST_YEAR else last
            raise InvalidDataError(f"a date in the year {year} is outside the years {FIRST_YEAR} to {LAST_YEAR} "
                                   "that the calendar counts in; `reviewctl validate` names the file and key")
        table = _TABLES.setdefault((self.region, self.extra), _Table())
        if table.years and table.years[0] <= first and last <= table.years[1]:
            return table
        lo = min(first, table.years[0]) if table.years else first
        hi = max(last, table.years[1]) if table.years else last
        lo, hi = lo - 1, hi + 1  # a margin, so most reports build the table once
        base = date(lo, 1, 1)
        cum, total, day = [], 0, base
        end = date(hi, 12, 31)
        while day <= end:
            if self.is_working_day(day):
                total += 1
            cum.append(total)
            day += timedelta(days=1)
        table.cum, table.base, table.years = cum, base, (lo, hi)
        return table

    def working_days_before(self, end: date, count: int) -> date:
        """The latest date that leaves `count` working days after it up to and including `end`."""
        if count <= 0:
            return end
        table = self._table(end.year - count // 200 - 1, end.year)
        target = table.cum[(end - table.base).days] - count
        # The working day on which the count reaches `target`: a weekend after it leaves no fewer days.
        return table.base + timedelta(days=bisect_left(table.cum, target))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start."""
        table = self._table(min(start.year, end.year), max(start.year, end.year))
        return table.cum[(end - table.base).days] - table.cum[(start - table.base).days]

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (the start day itself is day 0)."""
        if count <= 0:
            return start
        table = self._table(start.year, start.year + count // 200 + 1)
        target = table.cum[(start - table.base).days] + count
        while target > table.cum[-1]:  # pragma: no cover - only for very long limits
            assert table.years is not None
            table = self._table(start.year, table.years[1] + 5)
            target = table.cum[(start - table.base).days] + count
        return table.base + timedelta(days=bisect_left(table.cum, target))

    def end_of_month(self, due: date) -> tuple[date, str | None]:
        """A month's end on a weekend or bank holiday: said so, and left, moved on to the next
        working day or moved back to the one before (the store's `month_end`)."""
        if self.is_working_day(due):
            return due, None
        what = due.strftime("%A") if due.weekday() >= 5 else "a bank holiday"
        if self.month_end == "next-working-day":
            moved = self.next_working_day(due)
            return moved, f"the month ended on {due.isoformat()} ({what}); moved to the next working day"
        if self.month_end == "previous-working-day":
            moved = self.previous_working_day(due)
            return moved, f"the month ended on {due.isoformat()} ({what}); moved back to the previous working day"
        return due, f"falls on {what}, not a working day"


def add_months(start: date, months: int) -> date:
    """Calendar months; a day that the target month lacks becomes its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))
