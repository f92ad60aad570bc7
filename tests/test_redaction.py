"""The redaction guard holds however an identifier is spelled, in whatever file, and in
what `publish` itself adds; a refusal names file, line and kind, never the identifier.
Every person, date, address and number here is invented."""

from __future__ import annotations

import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers import INVALID, REFUSED, Cli, git, refused_cleanly, to_closed_until_approved

from reviewctl.core.privacy.extract import Extracted
from reviewctl.core.privacy.redaction import Confidential, Guard

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from redaction import (  # benchmarks/ is not a package
    measure,
    measure_patterns,
    paragraphs,
    pattern_spellings,
    spellings,
)

CONFIDENTIAL = """# CONFIDENTIAL: never published.
names: ["Zoë Testperson-Exampleton", "Siobhán O'Fictitious", "Rose Samplewood"]
dates_of_birth: [2015-03-05]
addresses: ["Flat 3B, 12 Imaginary Road, Testtown, TT1 1AA"]
other: ["943 476 5919", "@zoe_testperson", "Flat 7C."]
"""
SECRETS = ["Zo", "Testperson", "Exampleton", "Siobh", "Fictitious", "Samplewood", "2015", "Imaginary",
           "TT1", "943", "476", "5919", "@zoe", "7C"]
WHERE = ("--where", "https://example.invalid/reviews", "--notified-on", "2026-11-10")


def quoted_nothing(err: str, case_id: str) -> None:
    shown = err.replace(case_id, "ID")
    assert not [s for s in SECRETS if s.lower() in shown.lower()], err


def approved_with_secrets(cli: Cli, store: Path, tmp_path: Path, files: dict[str, str | bytes],
                          allow: str | None = None) -> str:
    """An approved case whose confidential.yaml lists the identifiers, with `files` added."""
    case_id = to_closed_until_approved(cli, store, tmp_path)
    folder = store / "cases" / case_id
    (folder / "confidential.yaml").write_text(CONFIDENTIAL, encoding="utf-8")
    if allow is not None:
        with (store / "reviewctl.yaml").open("a") as config:
            config.write(f"redaction: {{allow: {allow}}}\n")
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "fictional confidential details")
    return case_id


def docx(paragraphs: list[list[str]], link: str | None = None) -> bytes:
    """A minimal .docx: each paragraph a list of runs."""
    from io import BytesIO

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join("<w:p>" + "".join(f"<w:r><w:t>{run}</w:t></w:r>" for run in p) + "</w:p>" for p in paragraphs)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document {w}><w:body>{body}</w:body></w:document>")
        rels = f'<Relationship Id="r1" Target="{link}" TargetMode="External"/>' if link else ""
        archive.writestr("word/_rels/document.xml.rels", f"<Relationships>{rels}</Relationships>")
    return buffer.getvalue()


# -- folded comparison: accents, spacing, markup (the command) ------------------------

def test_publish_refuses_every_spelling_and_names_file_line_and_kind(cli: Cli, store: Path, tmp_path: Path) -> None:
    text = ("# Report\n\nThe child, Zoe\u0301, was seen.\n"       # 3: decomposed accent
            "Z&ouml;e? no: Zo&#235; again.\n"                   # 4: entity
            "| cell | **Zo**ë |\n"                               # 5: table and emphasis
            "> quoted: [Siobhan](https://example.invalid)\n"    # 6: blockquote, link, accent folded
            "Seen by the nurse Zo-\n"                           # 7: hyphenated at the line end
            "e and Ms O\u2019Fictitious.\n"                     # 8: a name part, curly apostrophe
            "Born 5th March 2015 at tt11aa; NHS 943-476-5919.\n"  # 9: date, postcode, NHS number
            "Handle zoe_testperson lives in Flat 7C\n"          # 10: other, punctuation at the ends
            "Nothing here.\n")
    case_id = approved_with_secrets(cli, store, tmp_path, {"report-v1.md": text})
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, *WHERE)
    report = f"cases/{case_id}/report-v1.md"
    for place in ["3 (name)", "4 (name)", "5 (name)", "6 (name)", "7 (name)", "8 (name)",
                  "9 (date of birth, postcode, NHS number)", "10 (name, other)"]:
        assert f"{report}:{place}" in err, err
    assert f"{report}:11" not in err and f"{report}:2 " not in err
    quoted_nothing(err, case_id)
    assert refused_cleanly(cli, store, REFUSED, "redaction-check", case_id) == err


def test_name_parts_and_the_store_allow_list(cli: Cli, store: Path, tmp_path: Path) -> None:
    lines = "Rose Lane Surgery saw the family.\nMs OBrien? No: Ms OFictitious.\nS. O'Fictitious signed.\n"
    case_id = approved_with_secrets(cli, store, tmp_path, {"notes.md": lines})
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert all(f"notes.md:{n} (name)" in err for n in (1, 2, 3)), err
    quoted_nothing(err, case_id)
    # The store says Rose is an ordinary word: alone it passes, the whole name does not.
    with (store / "reviewctl.yaml").open("a") as config:
        config.write("redaction:\n  allow: [Rose]\n")
    notes = store / "cases" / case_id / "notes.md"
    notes.write_text("Rose Lane Surgery saw the family.\nRose Samplewood was seen.\n")
    git(store, "commit", "-qam", "allow an ordinary word")
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert "notes.md:2 (name)" in err and "notes.md:1" not in err
    notes.write_text("Rose Lane Surgery saw the family.\n")
    git(store, "commit", "-qam", "redacted")
    assert cli.ok("redaction-check", case_id).err.strip().endswith("no confidential identifier in any "
                                                                  "publishable document")


def test_allow_list_setting_is_checked(cli: Cli, store: Path) -> None:
    with (store / "reviewctl.yaml").open("a") as config:
        config.write("redaction: {alow: [Rose]}\n")
    git(store, "commit", "-qam", "typo")
    err = refused_cleanly(cli, store, INVALID, "list")
    assert "reviewctl.yaml" in err and "redaction.alow" in err and "allow" in err


# -- every file that is published is scanned -------------------------------------------

def test_every_published_file_is_scanned_whatever_its_extension(cli: Cli, store: Path, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "documents/summary.MD": "Seen: Zoë.\n",
        "documents/summary.markdown": "ok\nSeen: Zoë.\n",
        "documents/letter.txt": "ok\nok\nBorn 05.03.2015\n",
        "documents/page.html": "<html>\n<p>Zo&euml;</p>\n<a href=\"https://social.example/zoe_testperson\">x</a>\n",
        "documents/people.csv": "role,name\nchild,\"Testperson-Exampleton, Zoë\"\n",
        "documents/notes": "TT1 1AA\n",
        "evidence/audit.docx": docx([["Audit"], ["Seen by ", "Zo", "ë"]], link="https://social.example/zoe"),
        "documents/report.docx": docx([["Clean paragraph"]]),
        "chronology/police.yaml": "agency: Zoë\n",  # a record of the case, never published
    }
    case_id = approved_with_secrets(cli, store, tmp_path, files)
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, *WHERE)
    folder = f"cases/{case_id}"
    for place in ["documents/summary.MD:1 (name)", "documents/summary.markdown:2 (name)",
                  "documents/letter.txt:3 (date of birth)", "documents/page.html:2 (name)",
                  "documents/page.html:3 (name, other)", "documents/people.csv:2 (name)",
                  "documents/notes:1 (postcode)", "evidence/audit.docx:paragraph 2 (name)",
                  "evidence/audit.docx:word/_rels/document.xml.rels (name)"]:
        assert f"{folder}/{place}" in err, (place, err)
    assert "report.docx" not in err and "/confidential.yaml" not in err and ".yaml:" not in err
    quoted_nothing(err, case_id)


def test_a_file_that_cannot_be_read_is_named_not_passed(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with_secrets(cli, store, tmp_path, {"documents/scan.pdf": b"%PDF-1.4\n\xff\xfe\x00\x01"})
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/documents/scan.pdf cannot be read as text" in err


def test_a_corrupt_docx_is_a_clear_error(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with_secrets(cli, store, tmp_path, {"report.docx": b"PK\x03\x04 not really a zip"})
    err = refused_cleanly(cli, store, INVALID, "publish", case_id, *WHERE)
    assert f"cases/{case_id}/report.docx: not a readable .docx file" in err


def test_validate_flags_a_published_case(cli: Cli, store: Path, tmp_path: Path) -> None:
    import json

    case_id = approved_with_secrets(cli, store, tmp_path, {})
    cli.ok("publish", case_id, *WHERE)
    (store / "cases" / case_id / "documents" / "later.txt").write_text("Zoë\u00a0Testperson\n")
    found = [p["text"] for p in json.loads(cli("validate", "--format", "json").out)["problems"]]
    assert any(f"cases/{case_id}/documents/later.txt:1 (name" in p for p in found), found
    quoted_nothing(" ".join(found), case_id)


# -- what publish adds is checked before it is written ----------------------------------

def test_publish_checks_where_before_writing(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with_secrets(cli, store, tmp_path, {})
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where",
                          "https://example.invalid/reviews/zoe-testperson", "--notified-on", "2026-11-10")
    assert "--where (name, other)" in err and "give a --where without it" in err
    quoted_nothing(err, case_id)


def test_publish_checks_rendered_notices_before_writing(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with_secrets(cli, store, tmp_path, {})
    package = Path(__file__).resolve().parent.parent / "templates" / "library-submission.md.j2"
    (store / "templates").mkdir(exist_ok=True)
    (store / "templates" / "library-submission.md.j2").write_text(
        package.read_text() + "\nWith thanks to Zo&euml;'s family.\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a careless template")
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, *WHERE)
    assert f"cases/{case_id}/documents/" in err and "library-submission" in err and "(name)" in err
    quoted_nothing(err, case_id)


# -- the corpora (in-process, fast) -------------------------------------------------------

def test_corpus_is_all_caught_with_few_false_alarms() -> None:
    result = measure()
    assert result.spellings >= 100 and result.paragraphs >= 50
    assert result.caught_share == 1.0, result.missed
    assert result.false_alarm_share <= 0.02, result.false_alarms


def test_pattern_corpus_is_all_caught_with_few_false_alarms() -> None:
    result = measure_patterns()
    assert result.spellings >= 200 and result.paragraphs >= 100
    assert result.caught_share == 1.0, result.missed
    assert result.false_alarm_share <= 0.02, result.false_alarms


def test_pattern_corpus_covers_every_kind() -> None:
    from reviewctl.core.privacy.patterns import KINDS

    counts = {kind: sum(1 for k, _ in pattern_spellings() if k == kind) for kind in KINDS}
    assert all(count >= 20 for count in counts.values()), counts


def test_corpus_covers_every_kind() -> None:
    kinds = {kind for _, kind, _ in spellings()}
    assert kinds == {"name", "date of birth", "address", "postcode", "NHS number", "other"}
    assert len(paragraphs()) >= 50


@pytest.mark.parametrize("text", [
    "Joanne and Zoey were not involved.",  # a name inside a longer word is not a name
    "The meeting on 5 March 2026; the child was born in March 2015.",
    "Room 12 at Imaginary Roadworks Ltd.",
    "Reference 9434765918.",
    "Joanne1 and Zoey2019 were not involved; nor was Testpersonal9.",  # a digit ends a word, not a name
])
def test_near_misses_are_not_flagged(text: str) -> None:
    guard = Guard.build(Confidential.model_validate({
        "names": ["Zoë Testperson"], "dates_of_birth": [date(2015, 3, 5)],
        "addresses": ["12 Imaginary Road, Testtown"], "other": ["943 476 5919"]}))
    assert guard.places(Extracted(text), "x") == []


def test_initials_and_titles_are_not_checked_alone() -> None:
    guard = Guard.build(Confidential.model_validate({"names": ["J. Mr Testperson"]}))
    assert guard.places(Extracted("J is a letter. Mr Smith came."), "x") == []
    assert guard.places(Extracted("Mr Testperson came."), "x") == ["x:1 (name)"]


def test_a_family_name_is_found_but_not_an_ordinary_plural() -> None:
    guard = Guard.build(Confidential.model_validate({"names": ["Jean Baker"]}))
    assert guard.places(Extracted("Jeans were bought.\nThe bakers' shop.\nJean's coat."), "x") == ["x:3 (name)"]
    found = guard.places(Extracted("The Bakers moved.\nThe Bakers' flat.\nThe BAKERS.\nBakeres"), "x")
    assert found == ["x:1 (name)", "x:2 (name)", "x:3 (name)", "x:4 (name)"]


# -- what hides text from the guard but not from a reader -------------------------------

def test_bidirectional_controls_are_refused_not_read(cli: Cli, store: Path, tmp_path: Path) -> None:
    # U+202E shows the reversed text as the surname; the text itself never holds it.
    case_id = approved_with_secrets(cli, store, tmp_path, {"documents/note.md": "Seen: \u202enotelpmaxE\u202c.\n"})
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, *WHERE)
    assert f"cases/{case_id}/documents/note.md contains bidirectional control characters" in err, err
    assert "remove them" in err
    quoted_nothing(err, case_id)


def test_bidirectional_controls_in_what_publish_adds_are_refused(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with_secrets(cli, store, tmp_path, {})
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where",
                          "https://example.invalid/\u202enotelpmaxE\u202c", "--notified-on", "2026-11-10")
    assert "error: " + case_id + ": --where, " in err and "contain bidirectional control characters" in err, err
    quoted_nothing(err, case_id)


def test_an_rtf_file_is_read_as_it_shows(cli: Cli, store: Path, tmp_path: Path) -> None:
    rtf = (b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\\f0 Clean first paragraph.\\par\n"
           b"Ex{\\b ample}ton was seen.\\par\nSiobh\\'e1n moved.\\par\nZo\\u235?.\\par\n"
           b"{\\pict\\pngblip 2015030520150305}Opt\\-ional end.}")
    case_id = approved_with_secrets(cli, store, tmp_path, {"evidence/letter.rtf": rtf, "evidence/old.txt": rtf})
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    for name in ("letter.rtf", "old.txt"):  # an RTF file is known by its content, whatever its name
        for place in ["paragraph 2 (name)", "paragraph 3 (name)", "paragraph 4 (name)"]:
            assert f"cases/{case_id}/evidence/{name}:{place}" in err, (place, err)
        assert f"{name}:paragraph 1 " not in err and f"{name}:paragraph 5" not in err
    quoted_nothing(err, case_id)


def test_file_and_folder_names_are_checked_and_never_shown(cli: Cli, store: Path, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "evidence/a-clean.md": "ok\n",
        "evidence/ZoeTestperson interview.md": "ok\nZoë was seen.\n",
        "evidence/notes.md": "ok\n",
        "evidence/2015-03-05/b.md": "ok\n",
        "evidence/2015-03-05/c.md": "ok\n",
        "evidence/police/d.md": "ok\n",
    }
    case_id = approved_with_secrets(cli, store, tmp_path, files)
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    evidence = f"cases/{case_id}/evidence"
    named = f"{evidence}/<file 1 of 3, name withheld>"  # in code point order, capitals first
    assert f"{named} (name, other, in its name)" in err and f"{named}:2 (name)" in err, err
    dated = f"{evidence}/<folder 1 of 2, name withheld>"  # a date of birth, written as a folder's name
    assert err.count(f"{dated} (date of birth, in its name)") == 1, err
    assert "notes.md" not in err and "a-clean.md" not in err and "police" not in err
    quoted_nothing(err, case_id)
    assert "interview" not in err and "03-05" not in err


def test_a_withheld_name_is_not_shown_when_a_file_cannot_be_read(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with_secrets(cli, store, tmp_path, {"evidence/Exampleton family.docx": b"not a zip",
                                                           "evidence/Exampleton scan.pdf": b"%PDF\x00\xff"})
    err = refused_cleanly(cli, store, INVALID, "redaction-check", case_id)
    assert f"cases/{case_id}/evidence/<file 1 of 2, name withheld>: not a readable .docx file" in err, err
    quoted_nothing(err, case_id)
    (store / "cases" / case_id / "evidence" / "Exampleton family.docx").unlink()
    git(store, "commit", "-qam", "removed")
    err = refused_cleanly(cli, store, REFUSED, "redaction-check", case_id)
    assert f"cases/{case_id}/evidence/<file 1 of 1, name withheld> cannot be read as text" in err, err
    quoted_nothing(err, case_id)
