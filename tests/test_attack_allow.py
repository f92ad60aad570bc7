"""A second attack on `--allow` (issue 19's deliberate uses of an identifier pattern): what
`publish` allowed is honoured by `redaction-check` and `validate` afterwards, but only as
far as it went. An allowance recorded for one postcode in a file must not let a second
one, added after publication, through. Every postcode here is invented."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import REFUSED, Cli, git, load, refused_cleanly, to_closed_until_approved

WHERE = ("--where", "https://example.invalid/reviews", "--notified-on", "2026-11-10")
ALLOW = ("--allow", "postcode:documents/contacts.md", "--allow-reason", "The GP practice's postcode.")


def published_with_contacts(cli: Cli, store: Path, tmp_path: Path) -> tuple[str, Path]:
    case_id = to_closed_until_approved(cli, store, tmp_path)
    contacts = store / "cases" / case_id / "documents" / "contacts.md"
    contacts.parent.mkdir(parents=True, exist_ok=True)
    contacts.write_text("# Contacts\n\nThe practice: SY8 1AA\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "contacts")
    cli.ok("publish", case_id, *WHERE, *ALLOW)
    return case_id, contacts


def test_what_publish_allowed_does_not_cover_a_pattern_added_after_it(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id, contacts = published_with_contacts(cli, store, tmp_path)
    entry = load(store / "cases" / case_id / "case.yaml")["history"][-1]
    assert entry["allowed"][0]["count"] == 1  # how many it allowed, never what
    cli.ok("redaction-check", case_id)
    contacts.write_text("# Contacts\n\nThe practice: SY8 1AA\nThe family home: TT1 1AA\n")
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/contacts.md:4 (postcode)" in err, err
    assert "TT1" not in err and "SY8" not in err
    found = [p["text"] for p in json.loads(cli("validate", "--format", "json").out)["problems"]]
    assert any("contacts.md:4 (postcode)" in p for p in found), found
    # The allowed one alone, moved to another line by an edit, is still allowed.
    contacts.write_text("# Contacts\n\nNotes.\n\nThe practice: SY8 1AA\n")
    cli.ok("redaction-check", case_id)
