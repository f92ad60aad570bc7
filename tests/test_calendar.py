from datetime import date

import pytest

from reviewctl.adapters.calendar import add_months, add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(("start", "days", "due"), [
    # The worked examples of domain.md (England and Wales calendar).
    (date(2026, 12, 14), 15, date(2027, 1, 7)),
    (date(2026, 12, 22), 5, date(2026, 12, 31)),
    (date(2027, 3, 22), 15, date(2027, 4, 14)),
    (date(2026, 11, 20), 0, date(2026, 11, 20)),
])
def test_worked_examples(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days) == due


def test_substitute_day_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (observed)
    assert not is_working_day(date(2027, 3, 26))  # Good Friday
    assert is_working_day(date(2026, 12, 29))


def test_working_days_between_counts_both_ways() -> None:
    assert working_days_between(date(2026, 12, 14), date(2027, 1, 7)) == 15
    assert working_days_between(date(2027, 1, 7), date(2026, 12, 14)) == -15


@pytest.mark.parametrize(("start", "months", "due"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 10, 1), 6, date(2027, 4, 1)),
])
def test_calendar_months(start: date, months: int, due: date) -> None:
    assert add_months(start, months) == due


def test_table_agrees_with_walking_the_calendar() -> None:
    """The fast table gives the same answers as counting day by day."""
    from datetime import timedelta

    def walk_add(start: date, count: int) -> date:
        day = start
        while count > 0:
            day += timedelta(days=1)
            count -= int(is_working_day(day))
        return day

    start = date(2026, 12, 1)
    for offset in range(0, 120, 7):
        for count in (0, 1, 5, 15, 20, 130):
            day = start + timedelta(days=offset)
            due = add_working_days(day, count)
            assert due == walk_add(day, count)
            assert working_days_between(day, due) == count
