"""A second attack on the spellings the listed guard knows (issue 19, item 7): letters
that look like a Latin letter and that Unicode's own folding leaves whole (an l with a
bar, ƚ; an i with a stroke, ɨ; an h with a stroke, ħ), and a bar or a digit one standing
for an l inside a word (`Qui||feather`, `Qui11feather`), which a reader's eye takes for
the name. Read at publication (`redaction-check`) and at the point of entry alike;
the ordinary text around them still passes. Every name here is invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import NAME, REFUSED, Cli, git, refer, refused_cleanly

from reviewctl.core.privacy.identifiers import Confidential
from reviewctl.core.privacy.redaction import Guard

SPELT = {
    "an l with a bar": "Quiƚƚfeather",
    "an l with a belt and a middle tilde": "Quiɬɫfeather",
    "an i with a stroke": "Quɨllfeather",
    "a Cyrillic small iota": "Quꙇllfeather",
    "an h with a stroke": "Quillfeatħer",
    "a u bar and an f with a hook": "Qʉillƒeather",
    "bars for l": "Qui||feather",
    "digits one for l": "Qui11feather",
    "a capital I and a bar": "QuiI|feather",
}
CLEAN = ["Items 1|2|3 of the plan: A1|B2.", "The M11 and the A1 were closed; see table|figure 2.",
         "Sections 3a|3b were agreed by the 11 partners."]


def guard() -> Guard:
    return Guard.build(Confidential(names=[NAME]))


@pytest.mark.parametrize("text", list(SPELT.values()), ids=list(SPELT))
def test_a_look_alike_spelling_is_found(text: str) -> None:
    assert [kind for _, kind in guard().scan(f"Seen by {text} at home.")] == ["name"]


@pytest.mark.parametrize("text", CLEAN)
def test_bars_and_digits_in_ordinary_text_are_not_a_name(text: str) -> None:
    assert guard().scan(text) == []


def test_redaction_check_finds_it_in_a_document(cli: Cli, team: Path) -> None:
    case_id = refer(cli, "lcspr", "--name", NAME)
    path = team / "cases" / case_id / "documents" / "notes.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Visit notes (fictional).\nSeen by {SPELT['bars for l']}.\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "notes")
    err = refused_cleanly(cli, team, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/notes.md:2 (name)" in err and "feather" not in err
