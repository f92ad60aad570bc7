"""What the history model (tests/test_history_model.py) found, each as a plain example on the
real command line: each test failed before its fix, and keeps the path the model walked."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Cli, refer


def show(cli: Cli, case_id: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok("show", case_id, "--format", "json").out)  # type: ignore[no-any-return]


def clock(view: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(d for d in view["deadlines"] if d["name"] == name)


# -- a pause on the day of an extension --------------------------------------------------------

def test_a_clock_extended_then_paused_on_the_same_day_is_recorded_and_counted(cli: Cli, store: Path) -> None:
    # The model: an extension of the rapid review, then a pause of it on the same day, was refused
    # ("an extension on ... falls inside a pause that began on ..."), as if the pause came first;
    # and the due date forgot the pause's length where both stood in clocks.yaml.
    case_id = refer(cli, "lcspr")  # received 2 Nov 2026: the rapid review is due in 15 working days
    cli.ok("clock", "extend", case_id, "rapid-review", "--to", "2026-12-18", "--reason", "agreed",
           "--date", "2026-11-09")
    cli.ok("clock", "pause", case_id, "rapid-review", "--reason", "criminal trial", "--date", "2026-11-09")
    assert cli.ok("validate").code == 0
    cli.ok("clock", "resume", case_id, "rapid-review", "--date", "2026-11-16")
    assert cli.ok("validate").code == 0
    # Extended to Friday 18 Dec, then paused Mon 9 to Mon 16 Nov: 5 working days later, past
    # Christmas Day and Boxing Day's substitute (Monday 28 Dec).
    assert clock(show(cli, case_id), "rapid-review")["due"] == "2026-12-29"
