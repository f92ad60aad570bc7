"""A second attack on the pattern guard (identifiers nobody listed), after issue 19's fixes:
spellings that slipped by, each of which a tired colleague could type or paste (a report
saved on Windows ends its lines with CR LF; a postcode wraps at the end of a line), and
the ordinary prose around the new catches that must still pass. Every number, address and
person here is invented (NHS numbers in the 999 range, Ofcom's drama numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REFUSED, Cli, refused_cleanly

from reviewctl.core.privacy.patterns import scan

CAUGHT = [
    # NHS numbers with the separators forms and spreadsheets use
    ("nhs", "NHS 943/476/5919"),
    ("nhs", "nhs no 943_476_5919"),
    ("nhs", "NHS: 943·476·5919"),
    ("nhs", "943/476/5919"),
    ("nhs", "NHS 943 / 476 / 5919"),
    ("nhs", "943 476\r\n5919"),
    # postcodes split across a line, in small letters, in a file saved on Windows
    ("postcode", "Ludlow SY8\n1AA"),
    ("postcode", "ludlow sy8\n1aa"),
    ("postcode", "SY8 \r\n 1AA"),
    # titles and names in other cases, and names with a particle
    ("title", "Mrs\r\nThompson"),
    ("title", "mrs Thompson said so"),
    ("title", "seen by dr Khan"),
    ("title", "MS THOMPSON"),
    ("title", "DR KHAN"),
    ("title", "PROFESSOR THOMPSON"),
    ("title", "Mrs de Souza"),
    ("title", "Mr al-Rashid"),
    ("title", "Mr van Dyke"),
    # a house numbered "No."
    ("address", "No. 3 Oak Road"),
    ("address", "lived at number 12 Madeup Avenue"),
    # phone numbers with a slash, or a word in brackets, between the groups
    ("phone", "07700/900123"),
    ("phone", "07700 (mobile) 900123"),
]

CLEAN = [
    "The MS Society and the DR Congo Support Group were consulted.",
    "She did not want to miss Christmas with the children.",
    "Mr and Mrs were not used in the report; the family are Child A's parents.",
    "Recommendation No. 3 Park and Ride was not in scope.",
    "The review met on 01/02/2026 and 03/04/2026.",
    "Items 12/34/56 of the action plan were signed off.",
    "Call 0800 (free) 123456 for the helpline.",
    "The ms Teams call was recorded.",
]


@pytest.mark.parametrize(("kind", "text"), CAUGHT, ids=[t for _, t in CAUGHT])
def test_a_spelling_that_slipped_by_is_caught(kind: str, text: str) -> None:
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", CLEAN)
def test_the_prose_around_it_still_passes(text: str) -> None:
    assert scan(text) == []


def test_a_report_saved_on_windows_is_refused_naming_its_line(cli: Cli, store: Path, tmp_path: Path) -> None:
    text = "Fictional summary.\r\nSeen by Mrs\r\nThompson at SY8\r\n1AA.\r\n"
    err = refused_cleanly(cli, store, REFUSED, "refer", "--type", "sar", "--subject", "Adult M", "--referrer",
                          "Fictional Police", "--received", "2026-11-02", "--agency", "Police", "--summary", text)
    assert "--summary (postcode, title and name)" in err
    assert "Thompson" not in err and "SY8" not in err
