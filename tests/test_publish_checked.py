"""What publish checked (issue 22, with issue 19's guard kept): publish records the sha256 of
every publishable file as it leaves them (publication.yaml `checked`), and `validate` scans a
published case's files again only where they differ from that record. A pull request is
never trusted for it: `validate --base` scans the cases it touches whole. Everything here is
invented."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers import REFUSED, Cli, git, load, refused_cleanly, to_closed_until_approved

WHERE = ("--where", "https://example.invalid/reviews", "--notified-on", "2026-11-10")
PHONE_LINE = "The family could be reached on 07700 900123.\n"  # Ofcom's range for drama


def published(cli: Cli, store: Path, tmp_path: Path) -> str:
    case_id = to_closed_until_approved(cli, store, tmp_path)
    cli.ok("publish", case_id, *WHERE)
    return case_id


def problems(cli: Cli, *args: str) -> list[str]:
    result = cli("validate", "--format", "json", *args)
    return [p["text"] for p in json.loads(result.out)["problems"]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_records_every_publishable_file_it_checked_and_no_record(cli: Cli, store: Path,
                                                                         tmp_path: Path) -> None:
    case_id = published(cli, store, tmp_path)
    folder = store / "cases" / case_id
    checked = load(folder / "publication.yaml")["checked"]
    on_disk = {p.relative_to(folder).as_posix(): digest(p) for p in folder.rglob("*")
               if p.is_file() and p.suffix not in (".yaml", ".age")}
    assert checked == on_disk
    # The notices publish wrote are among them: they are checked by the step that writes them.
    notices = load(folder / "publication.yaml")["notifications"]
    assert notices and all(n["document"] in checked for n in notices)
    assert not [name for name in checked if name.endswith(".yaml")]
    assert cli("validate").code == 0


def test_a_published_file_changed_in_place_is_scanned_again(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = published(cli, store, tmp_path)
    report = sorted((store / "cases" / case_id / "documents").glob("*.md"))[0]
    report.write_text(report.read_text() + PHONE_LINE)
    found = problems(cli)
    assert any(f"{report.name}:" in p and "(phone number)" in p for p in found), found
    assert "900123" not in " ".join(found)


def test_a_file_removed_after_publish_is_scanned_again_and_still_valid(cli: Cli, store: Path,
                                                                        tmp_path: Path) -> None:
    case_id = published(cli, store, tmp_path)
    folder = store / "cases" / case_id
    notice = load(folder / "publication.yaml")["notifications"][0]["document"]
    (folder / notice).unlink()
    assert problems(cli) == []  # differs from the record, so scanned: and nothing is found


def test_a_forged_record_is_never_trusted_by_a_pull_request_check(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = published(cli, store, tmp_path)
    git(store, "checkout", "-qb", "forged")
    folder = store / "cases" / case_id
    added = folder / "documents" / "appendix.md"
    added.write_text("# Appendix\n\n" + PHONE_LINE)
    record = folder / "publication.yaml"
    record.write_text(record.read_text().replace("checked:\n", f"checked:\n  documents/appendix.md: {digest(added)}\n"))
    git(store, "add", "-A")
    git(store, "commit", "-qm", "an appendix, claimed as checked")
    # The documented trade-off: a hand edit of the record passes a plain validate (which is
    # why the record is read at all: no published file is scanned again on a fresh clone)...
    assert cli("validate").code == 0
    # ...and never the check a pull request gets, even with that verdict kept, nor redaction-check.
    found = problems(cli, "--base", "main")
    assert any("documents/appendix.md:3 (phone number)" in p for p in found), found
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert "documents/appendix.md:3 (phone number)" in err and "900123" not in err


def test_a_record_of_the_wrong_shape_means_a_full_scan_not_a_crash(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = published(cli, store, tmp_path)
    folder = store / "cases" / case_id
    (folder / "documents" / "later.md").write_text(PHONE_LINE)
    record = folder / "publication.yaml"
    text = record.read_text()
    start = text.index("checked:\n")
    lines = text[start:].splitlines(keepends=True)
    end = start + len(lines[0]) + sum(len(x) for x in lines[1:] if x.startswith("  "))  # the record's own lines
    record.write_text(text[:start] + "checked: [documents/later.md]\n" + text[end:])
    found = problems(cli)
    assert any("publication.yaml" in p and "checked" in p for p in found), found  # the schema names it
    assert any("documents/later.md:1 (phone number)" in p for p in found), found  # and the files are scanned


def test_a_digest_that_looks_like_a_number_is_not_taken_for_one(cli: Cli, store: Path, tmp_path: Path) -> None:
    # A sha256 in hex can hold a run of digits that reads as a phone or NHS number; publish's
    # record is made by reviewctl, never typed, so the guards do not read it. This file's
    # text is found so that its digest holds one.
    from reviewctl.core.privacy import patterns

    text = next(t for t in (f"# Appendix\n\nFictional note {i}.\n" for i in range(100_000))
                if patterns.scan(hashlib.sha256(t.encode()).hexdigest()))
    case_id = to_closed_until_approved(cli, store, tmp_path)
    (store / "cases" / case_id / "documents" / "appendix.md").write_text(text)
    git(store, "add", "-A")
    git(store, "commit", "-qm", "an appendix")
    cli.ok("publish", case_id, *WHERE)
    assert hashlib.sha256(text.encode()).hexdigest() in load(store / "cases" / case_id / "publication.yaml")[
        "checked"].values()
    assert cli("validate").code == 0


def test_the_record_stands_only_for_what_the_scan_was_made_with(cli: Cli, store: Path, tmp_path: Path) -> None:
    # The partnership's address heads every letter and is no identifier; once the settings
    # give another address, the old one in the published letters is a street address and a
    # postcode like any other, and a plain validate scans again to say so.
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace(
        "\naddress: []\n", "\naddress: [Fictional House, 1 Example Street, Exampletown, EX1 1AA]\n"))
    git(store, "commit", "-qam", "the partnership's address")
    case_id = published(cli, store, tmp_path)
    assert load(store / "cases" / case_id / "publication.yaml")["checked_with"]
    assert cli("validate").code == 0
    config.write_text(config.read_text().replace("1 Example Street, Exampletown, EX1 1AA",
                                                 "2 Other Street, Othertown, EX2 2BB"))
    git(store, "commit", "-qam", "the partnership moved")
    found = problems(cli)
    assert any("published case" in p and "(street address)" in p and "(postcode)" in p for p in found), found
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert "street address" in err
