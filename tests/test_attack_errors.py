"""A second attack on the rule that no error repeats an identifier (issue 19, item 9): a
name typed where it does not go. Without quotes a shell splits `--name Zoë Quillfeather`
in two, and the second word came back in click's "unexpected extra argument" message; a
name typed where a case id goes came back in "no case ..." and "... is not a case id".
A terminal's scroll-back, a CI log or a screen share keeps what an error says."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import NAME, USAGE, Cli, refer, refused_cleanly

GIVEN, SURNAME = NAME.split(" ", 1)  # "Zoë", "Quillfeather-Imaginary"


@pytest.mark.parametrize("args", [
    ("confidential", "{case}", "--set", f"name={GIVEN}", SURNAME),
    ("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School", "--received",
     "2026-11-02", "--name", GIVEN, SURNAME),
    ("show", SURNAME),
    ("confidential", NAME, "--show"),
    ("triage", "Quillfeather", "--accept", "--reason", "Fictional reason"),
    # --allow given what belongs in --allow-reason, or a name as its place
    ("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School", "--received",
     "2026-11-02", "--summary", "At SY8 1AA", "--allow", f"{SURNAME} asked", "--allow-reason", "Fictional"),
    ("refer", "--type", "lcspr", "--subject", "Child Z", "--referrer", "Fictional School", "--received",
     "2026-11-02", "--summary", "At SY8 1AA", "--allow", f"postcode:{NAME}", "--allow-reason", "Fictional"),
])
def test_a_name_typed_where_it_does_not_go_is_not_repeated(cli: Cli, team: Path, args: tuple[str, ...]) -> None:
    case_id = refer(cli, "lcspr")
    err = refused_cleanly(cli, team, USAGE, *(a.replace("{case}", case_id) for a in args))
    assert "Quillfeather" not in err and GIVEN not in err, err


def test_an_id_that_looks_like_one_is_still_named(cli: Cli, team: Path) -> None:
    err = refused_cleanly(cli, team, USAGE, "show", "TST-2026-NOSUCH")
    assert "'TST-2026-NOSUCH'" in err
    err = refused_cleanly(cli, team, USAGE, "show", "TST-2026-ABC", "extra")
    assert "unexpected" in err and "quotes" in err
    err = refused_cleanly(cli, team, USAGE, "refer", "--type", "lcspr", "--subject", "Child Z", "--referrer",
                          "Fictional School", "--received", "2026-11-02", "--summary", "At SY8 1AA",
                          "--allow", "postcode:--sumary", "--allow-reason", "Fictional")
    assert "--sumary" in err  # an option's name, mistyped, is named
