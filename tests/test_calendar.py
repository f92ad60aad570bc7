import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers import Cli

from reviewctl.adapters.calendar import Calendar, add_months
from reviewctl.core.reports.case_data import show_case
from reviewctl.core.store.folder import Store

ENGLAND = Calendar()  # England and Wales, with no closure days of a store's own
add_working_days, is_working_day, working_days_between = (ENGLAND.add_working_days, ENGLAND.is_working_day,
                                                          ENGLAND.working_days_between)
ROYAL = date(2026, 12, 29)  # a Tuesday between Christmas and New Year: a store's own closure day


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


def test_two_calendars_in_one_process_keep_their_own_closure_days() -> None:
    closed = Calendar(frozenset({ROYAL}))
    assert ENGLAND.is_working_day(ROYAL) and not closed.is_working_day(ROYAL)
    for _ in range(2):  # in turn: neither table is the other's
        assert ENGLAND.add_working_days(date(2026, 12, 22), 5) == date(2026, 12, 31)
        assert closed.add_working_days(date(2026, 12, 22), 5) == date(2027, 1, 4)
        assert ENGLAND.working_days_between(date(2026, 12, 22), date(2026, 12, 31)) == 5
        assert closed.working_days_between(date(2026, 12, 22), date(2026, 12, 31)) == 4
        assert closed.working_days_before(date(2027, 1, 4), 5) == date(2026, 12, 22)


def test_a_month_clock_ends_as_its_own_calendar_says() -> None:
    sunday = date(2027, 2, 28)
    assert Calendar().end_of_month(sunday)[0] == sunday
    assert Calendar(month_end="next-working-day").end_of_month(sunday)[0] == date(2027, 3, 1)
    assert Calendar(month_end="previous-working-day").end_of_month(sunday)[0] == date(2027, 2, 26)


def test_two_stores_in_one_process_count_by_their_own_settings(cli: Cli, store: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each store's clocks count by its own closure days, whichever store's settings were read
    last (as `serve`, or a test suite, holds several stores in one process)."""
    monkeypatch.setenv("REVIEWCTL_TODAY", "2026-12-31")
    case_id = cli.ok("refer", "--type", "sar", "--subject", "Adult Z", "--referrer", "Fictional GP",
                     "--received", "2026-12-15", "--summary", "s", "--agency", "Police").out.strip()
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-12-15")
    cli.ok("scope", case_id, "--request", "Police", "--date", "2026-12-15")
    other = tmp_path / "other"
    shutil.copytree(store, other, symlinks=True)
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text() + "bank_holidays: [2026-12-29]\n")
    closed, plain = Store(store), Store(other)
    assert closed.settings[0] is not None and plain.settings[0] is not None  # both read, this store's last

    def reply_due(where: Store) -> str:
        view = show_case(where, case_id, date(2026, 12, 31))
        (due,) = [d.due for d in view.deadlines if d.name == "agency-reply"]
        return due.isoformat()

    assert reply_due(closed) == "2027-01-04"  # ten working days, the 29th closed
    assert reply_due(plain) == "2026-12-31"
    assert reply_due(closed) == "2027-01-04"
