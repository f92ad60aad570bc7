"""Dates as people in England type them: one reader for every DATE option, the import of a
tracker and an agency's chronology.

`2026-11-02`, `02/11/2026`, `2/11/2026`, `2.11.26`, `2-11-2026`, `2 Nov 2026`,
`2nd November 2026` and `Monday 2 November 2026` are all the 2nd of November 2026. Numbers
are read day first, as England writes them, so `11/30/2026` (American, month first) is
refused with the rule named rather than read as something else; `3/5/2026` is the 3rd of
May. A date that does not exist (`31/02/2026`) says why.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\.?,?\s+)?"
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_WORDS = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{{4}})$")
EXAMPLES = "2/11/2026, 2 Nov 2026 or 2026-11-02"
HINT = f"write it day first, as England does, e.g. {EXAMPLES}"


class NotADate(ValueError):
    """`why`: what is wrong and how to write it, as the end of a sentence that began with the value."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _real(year: int, month: int, day: int, *, swapped: str | None = None) -> date:
    """The date, or why not; `swapped`: the date as typed with its first two numbers
    swapped, where it was typed with numbers (the day-first spelling of a month-first date)."""
    if year < 1:
        raise NotADate(f": there is no year {year}; {HINT}")
    if not 1 <= month <= 12:
        if swapped is not None and 1 <= day <= 12 and 1 <= month <= 31:
            # 11/30/2026: month first, as in the United States.
            meant = f" (for {month} {calendar.month_name[day]} {year} write {swapped})" \
                if month <= calendar.monthrange(year, day)[1] else ""
            raise NotADate(f": there is no month {month}; dates are read day first, as England writes "
                           f"them{meant}")
        raise NotADate(f": there is no month {month}; {HINT}")
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        raise NotADate(f": there is no day 0; {HINT}")
    if day > last:
        raise NotADate(f": {calendar.month_name[month]} {year} has {last} days; {HINT}")
    return date(year, month, day)


def read_date(text: str) -> date:
    """The date `text` spells, day first; NotADate saying why it is not one."""
    typed = " ".join(text.strip().lower().split())
    if (m := _YEAR_FIRST.match(typed)) is not None:
        return _real(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _DAY_FIRST.match(typed)) is not None:
        year = int(m.group(4))
        first, sep, second = m.group(1), m.group(2), m.group(3)
        return _real(year + 2000 if len(m.group(4)) == 2 else year, int(second), int(first),
                     swapped=f"{second}{sep}{first}{sep}{m.group(4)}")
    if (m := _WORDS.match(typed)) is not None:
        month = _MONTHS.get(m.group(2))
        if month is None:
            raise NotADate(f": {m.group(2)!r} is not a month; {HINT}")
        return _real(int(m.group(3)), month, int(m.group(1)))
    raise NotADate(f"; {HINT}")
