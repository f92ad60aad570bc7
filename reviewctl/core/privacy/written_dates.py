"""Dates as people write them, found in folded text (see folding.py): "5 March 2015",
"5th of March 2015", "March 5, 2015", "fifth of March 2015", "5/3/2015", "05.03.15",
"5-3-2015", "05 03 2015", "05_03_2015", "2015-03-05", "20150305", "2015 March 5",
"2015-Mar-05", and with a roman month "5.III.2015", "5 iii 2015". Numbers alone are read
day first, as in England: "3/5/2015" is the 3rd of May."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH = (r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])")
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
          "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
          "eighteenth", "nineteenth", "twentieth", "thirtieth"]
_WORD_DAY = rf"(?:(?P<tens>twenty|thirty)[^a-z0-9]{{0,2}})?(?P<unit>{'|'.join(_UNITS)})"
_DAY = rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|{_WORD_DAY})"
_YEAR = r"(?P<y>\d{4}|'?\d{2})(?![0-9])"
_YEAR4 = r"(?P<y>\d{4})"
_GAP = r"[^a-z0-9]{0,8}"  # spaces, commas, full stops, markdown emphasis, line breaks
_SEP = r"[^a-z0-9]{1,8}"
_NUM = r"(?:\s*[/.\\_\-‐‑‒–—―−]\s*|\s+)"  # every dash a date is written with, or only spaces
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_ROMAN_MONTH = r"(?P<r>xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)(?![a-z])"
_PATTERNS = [
    re.compile(rf"(?<![a-z0-9]){_DAY}{_GAP}(?:of{_SEP})?{_MONTH}{_GAP}{_YEAR}"),
    re.compile(rf"(?<![a-z0-9]){_MONTH}{_GAP}(?:the{_SEP})?{_DAY}{_SEP}(?:of{_SEP})?{_YEAR}"),
    re.compile(rf"(?<![a-z0-9]){_YEAR4}{_GAP}{_MONTH}{_GAP}(?:the{_SEP})?{_DAY}(?![0-9])"),
    re.compile(rf"(?<![0-9.])(?P<d>\d{{1,2}}){_NUM}{_ROMAN_MONTH}{_NUM}(?P<y>\d{{4}}|\d{{2}})(?![0-9])"),
    re.compile(rf"(?<![0-9.])(?P<d>\d{{1,2}}){_NUM}(?P<mn>\d{{1,2}}){_NUM}(?P<y>\d{{4}}|\d{{2}})(?![0-9])"),
    re.compile(rf"(?<![0-9.])(?P<y>\d{{4}}){_NUM}(?P<mn>\d{{1,2}}){_NUM}(?P<d>\d{{1,2}})(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<compact>\d{8})(?![0-9])"),
]


@dataclass(frozen=True)
class Written:
    """A date found in text; `century` is False for a two-digit year."""

    start: int
    day: int
    month: int
    year: int
    century: bool = True
    end: int = -1  # where it ends in the text

    def real(self) -> bool:
        """A day that exists (a two-digit year read in this century or the last)."""
        for year in ((self.year,) if self.century else (2000 + self.year, 1900 + self.year)):
            try:
                date(year, self.month, self.day)
                return True
            except ValueError:
                continue
        return False

    def means(self, value: date) -> bool:
        year = value.year if self.century else value.year % 100
        return (self.day, self.month, self.year) == (value.day, value.month, year)


def _day(m: re.Match[str]) -> int:
    if m.group("d") is not None:
        return int(m.group("d"))
    unit = m.group("unit")
    base = _UNITS.index(unit) + 1 if unit not in ("twentieth", "thirtieth") else 20 if unit == "twentieth" else 30
    tens = {"twenty": 20, "thirty": 30}.get(m.group("tens") or "", 0)
    return tens + base if base < 10 or not tens else 0


def find(text: str) -> Iterator[Written]:
    """Every date written in `text` (folded: lower case, accents gone)."""
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            if groups.get("compact"):
                digits = groups["compact"]
                yield Written(m.start(), int(digits[6:]), int(digits[4:6]), int(digits[:4]), end=m.end())
                yield Written(m.start(), int(digits[:2]), int(digits[2:4]), int(digits[4:]), end=m.end())
                continue
            if groups.get("m"):
                month = _MONTHS.index(groups["m"][:3]) + 1
            else:
                month = _ROMAN.index(groups["r"]) + 1 if groups.get("r") else int(groups["mn"])
            year = groups["y"].lstrip("'")
            yield Written(m.start(), _day(m), month, int(year), century=len(year) == 4, end=m.end())


def parse(text: str) -> date | None:
    """The one date `text` spells, if it spells exactly one (a date of birth given as text)."""
    found = {(w.day, w.month, w.year) for w in find(text) if w.century}
    valid = []
    for day, month, year in found:
        try:
            valid.append(date(year, month, day))
        except ValueError:
            continue
    return valid[0] if len(valid) == 1 else None
