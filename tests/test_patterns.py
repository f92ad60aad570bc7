"""Identifiers nobody listed (issue 19): the pattern guard refuses an NHS number, a
postcode, a street address, a date of birth, a phone number, an e-mail address and a title
before a name wherever a step writes free text, takes in a file, renders a document or
publishes a case, with no identifiers listed and no key; a refusal names the option (or
file and line) and the kind, never the value; `--allow KIND[:WHERE]` with `--allow-reason`
lets a deliberate use through and records it (kind, where, why) in the case's history.
Every person, number and address here is invented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import (
    INVALID,
    REFUSED,
    USAGE,
    Cli,
    git,
    load,
    refer,
    refused_cleanly,
    to_closed_until_approved,
    to_in_review,
    to_setup,
)

# The referral summary the issue saw committed, for a case with no identifiers listed.
SUMMARY = "Margaret Thompson, 84, of 3 Oak Road, Ludlow SY8 1AA, DOB 01/02/1945, NHS 943 476 5919"
VALUES = ["Thompson", "Oak", "SY8", "1AA", "1945", "01/02", "943", "476", "5919", "Ludlow", "07700", "900123",
          "madeup", "Madeup"]
REFER = ("refer", "--type", "sar", "--subject", "Adult M", "--referrer", "Fictional Shire Police",
         "--received", "2026-11-02", "--agency", "Police")
WHERE = ("--where", "https://example.invalid/reviews", "--notified-on", "2026-11-10")


def quoted_nothing(err: str) -> None:
    shown = re.sub(r"TST-2026-[0-9A-Z]{6}", "ID", err)
    assert not [v for v in VALUES if v in shown], err


def case_yaml(store: Path, case_id: str) -> dict:  # type: ignore[type-arg]
    return load(store / "cases" / case_id / "case.yaml")


# -- at the point of entry ------------------------------------------------------------------

def test_the_issues_summary_is_refused_with_no_identifiers_listed(cli: Cli, store: Path) -> None:
    err = refused_cleanly(cli, store, REFUSED, *REFER, "--summary", SUMMARY)
    assert "identifier patterns appear in --summary (NHS number, postcode, street address, date of birth)" in err
    assert "nothing was written" in err and "--allow nhs:--summary" in err and "--allow-reason WHY" in err
    quoted_nothing(err)


@pytest.mark.parametrize(("text", "kind"), [
    ("Her mobile is 07700 900123.", "phone number"),
    ("Write to jane.madeup@example.org.", "e-mail address"),
    ("Mrs Madeup called.", "title and name"),
    ("Seen at 12 Madeup Road.", "street address"),
])
def test_each_kind_is_refused_in_a_step_s_free_text(cli: Cli, store: Path, text: str, kind: str) -> None:
    case_id = refer(cli)
    err = refused_cleanly(cli, store, REFUSED, "triage", case_id, "--accept", "--reason", text)
    assert f"--reason ({kind})" in err
    quoted_nothing(err)


def test_allow_lets_a_deliberate_use_through_and_records_it(cli: Cli, store: Path) -> None:
    text = "Seen at the practice, SY8 1AA; tel. 01632 960001."
    err = refused_cleanly(cli, store, REFUSED, *REFER, "--summary", text, "--allow", "postcode:--summary",
                          "--allow-reason", "The practice's postcode places the events.")
    assert "--summary (phone number)" in err and "postcode" not in err.split("appear in")[1].split(";")[0]
    case_id = cli.ok(*REFER, "--summary", text, "--allow", "postcode:--summary", "--allow", "phone",
                     "--allow-reason", "The practice's own postcode and switchboard.").out.strip()
    entry = case_yaml(store, case_id)["history"][0]
    assert entry["allowed"] == [
        {"kind": "postcode", "place": "--summary", "reason": "The practice's own postcode and switchboard."},
        {"kind": "phone", "place": "--summary", "reason": "The practice's own postcode and switchboard."}]
    assert "allowed postcode in --summary, phone in --summary (The practice's own" in cli.ok("log", case_id).out
    log = cli.ok("log", case_id, "--format", "json").out
    assert "01632" not in json.dumps(json.loads(log)["history"][0]["allowed"])
    shown = json.loads(cli.ok("show", case_id, "--format", "json").out)
    assert shown["history"][0]["allowed"][0]["kind"] == "postcode"
    assert cli.ok("validate").code == 0


def test_a_step_that_does_not_move_the_case_records_what_it_allowed_in_its_note(cli: Cli, store: Path,
                                                                                 tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    cli.ok("engage", case_id, "--with", "mother", "--note", "Met Mrs Madeup, who asked to be named so.",
           "--allow", "title", "--allow-reason", "The family asked to be named in the log.")
    notes = load(store / "cases" / case_id / "notes.yaml")["notes"]
    assert notes[-1]["step"] == "engage" and notes[-1]["allowed"] == [
        {"kind": "title", "place": "--note", "reason": "The family asked to be named in the log."}]
    assert cli.ok("validate").code == 0


@pytest.mark.parametrize(("args", "says"), [
    (("--allow", "postcode"), "--allow needs --allow-reason"),
    (("--allow-reason", "why"), "--allow-reason goes with --allow"),
    (("--allow", "zipcode", "--allow-reason", "why"), "not a kind of identifier pattern"),
    (("--allow", "postcode:", "--allow-reason", "why"), "say where after the colon"),
    (("--allow", "phone", "--allow-reason", "why"), "nothing this step writes looks like a phone number"),
    (("--allow", "postcode:--reason", "--allow-reason", "why"), "nothing this step writes in --reason"),
])
def test_a_bad_or_idle_allowance_is_a_usage_error(cli: Cli, store: Path, args: tuple[str, ...], says: str) -> None:
    err = refused_cleanly(cli, store, USAGE, *REFER, "--summary", "At the practice, SY8 1AA.", *args)
    assert says in err, err
    quoted_nothing(err)


def test_the_allow_reason_is_checked_and_cannot_allow_itself(cli: Cli, store: Path) -> None:
    err = refused_cleanly(cli, store, REFUSED, *REFER, "--summary", "At the practice, SY8 1AA.", "--allow",
                          "postcode", "--allow-reason", "Mrs Madeup asked, on 07700 900123.")
    assert "--allow-reason (phone number, title and name)" in err and "say why in --allow-reason without" in err
    assert "--allow phone:--allow-reason" not in err
    quoted_nothing(err)


def test_a_file_taken_in_is_named_with_its_line(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    cli.ok("checklist", case_id, *[a for i in ("purpose-and-principles", "methodology", "guidance",
                                              "family-engagement", "analysis", "learning") for a in ("--tick", i)])
    report = tmp_path / "report.md"
    report.write_text("# Report\n\nChild Z, fictional.\n\nThe family lived at 12 Madeup Road.\n"
                      "Call 07700 900123.\n\n## Recommendations\n\n1. Share information.\n")
    err = refused_cleanly(cli, store, REFUSED, "report", case_id, "--file", str(report))
    assert f"cases/{case_id}/report-v1.md:5 (street address)" in err
    assert f"cases/{case_id}/report-v1.md:6 (phone number)" in err and "--allow address:report-v1.md" in err
    quoted_nothing(err)
    cli.ok("report", case_id, "--file", str(report), "--allow", "address:report-v1.md", "--allow", "phone",
           "--allow-reason", "Draft for the panel only; redacted before publication.")
    entry = case_yaml(store, case_id)["history"][-1]
    assert {(a["kind"], a["place"]) for a in entry["allowed"]} == {("address", "report-v1.md"),
                                                                   ("phone", "report-v1.md")}


def test_a_rendered_letter_is_checked(cli: Cli, store: Path) -> None:
    template = store / "templates" / "acknowledgement-letter.md.j2"
    template.parent.mkdir(exist_ok=True)
    package = Path(__file__).resolve().parent.parent / "templates" / "acknowledgement-letter.md.j2"
    template.write_text(package.read_text() + "\nOur office: 1 Civic Road, TT1 1AA.\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a letterhead with an address")
    err = refused_cleanly(cli, store, REFUSED, *REFER, "--summary", "A fictional summary.")
    assert "acknowledgement-letter.md:" in err and "(postcode, street address)" in err
    quoted_nothing(err.replace("TT1", ""))
    cli.ok(*REFER, "--summary", "A fictional summary.", "--allow", "postcode", "--allow", "address",
           "--allow-reason", "The partnership's own office address on its letters.")


def test_the_allow_reason_is_checked_against_the_case_s_identifiers_too(cli: Cli, team: Path) -> None:
    err = refused_cleanly(cli, team, REFUSED, *REFER, "--summary", "At the practice, SY8 1AA.", "--name",
                          "Effie Madeup-Example", "--allow", "postcode", "--allow-reason", "Effie's GP asked for it.")
    assert "a confidential identifier appears in --allow-reason (name)" in err
    assert "Effie" not in err


def test_the_case_s_own_professionals_may_be_named_with_their_title(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "lcspr")
    cli.ok("notify", case_id, "--family")
    cli.ok("notify", case_id, "--national")
    cli.ok("chronology", "request", case_id, "--agency", "Police")
    cli.ok("commission", case_id, "--lead-reviewer", "Dr Jane Fictional", "--organisation", "Fictional Reviews Ltd",
           "--declare-independent")
    cli.ok("panel", "add", case_id, "--name", "Mrs Ann Panellist", "--agency", "Police", "--role", "DI")
    cli.ok("panel", "add", case_id, "--name", "Ms Bea Other", "--agency", "Health", "--role", "Nurse",
           "-m", "Dr Fictional and Mrs Panellist agreed the scope.")
    err = refused_cleanly(cli, store, REFUSED, "panel", "add", case_id, "--name", "Mr Carl Third", "--agency",
                          "Council", "--role", "Social worker", "-m", "Mrs Madeup (the mother) was told.")
    assert "--message (title and name)" in err


def test_no_allow_lets_a_listed_identifier_through(cli: Cli, team: Path) -> None:
    err = refused_cleanly(cli, team, REFUSED, *REFER, "--summary", "Seen at 12 Madeup Road.", "--address",
                          "12 Madeup Road, Nowhereton", "--allow", "address", "--allow-reason", "The old home.")
    assert "a confidential identifier appears in --summary (address)" in err
    quoted_nothing(err)


def test_purge_reasons_with_a_pattern_are_refused_with_or_without_a_key(cli: Cli, team: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = cli.ok("refer", "--type", "lcspr", "--subject", "Child Q", "--referrer", "Fictional School",
                     "--received", "2026-11-02", "--summary", "Fictional.", "--agency", "Police", "--name",
                     "Effie Madeup-Example").out.strip()
    reason = "Mrs Testsome asked on 07700 900123 for it to go."  # no listed name: only patterns
    # With the key, the listed guard finds nothing, and the pattern guard names what it found.
    err = refused_cleanly(cli, team, REFUSED, "purge", case_id, "--force", "--reason", reason)
    assert "--reason (phone number, title and name)" in err
    quoted_nothing(err)
    # Without it, no free text is taken at all (nobody could check it against the identifiers).
    monkeypatch.setenv("REVIEWCTL_IDENTITY", str(tmp_path / "no-such-key"))
    err = refused_cleanly(cli, team, REFUSED, "purge", case_id, "--force", "--reason", reason)
    assert "--because" in err
    quoted_nothing(err)
    cli.ok("purge", case_id, "--force", "--because", "referred-in-error")


# -- at publication -----------------------------------------------------------------------

def approved_with(cli: Cli, store: Path, tmp_path: Path, files: dict[str, str]) -> str:
    case_id = to_closed_until_approved(cli, store, tmp_path)
    for name, text in files.items():
        path = store / "cases" / case_id / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(store, "add", "-A")
    git(store, "commit", "-qm", "files added by hand", "--allow-empty")
    return case_id


def test_publication_refuses_patterns_in_publishable_files_and_honours_what_publish_allowed(
        cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with(cli, store, tmp_path, {"documents/contacts.md": "# Contacts\n\nThe practice: SY8 1AA\n",
                                                   "documents/07700900123.md": "ok\n"})
    folder = f"cases/{case_id}/documents"
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, *WHERE)
    assert f"{folder}/contacts.md:3 (postcode)" in err
    assert f"{folder}/<file 1 of 12, name withheld> (phone number, in its name)" in err, err
    assert "rename the files whose names are withheld" in err
    quoted_nothing(err)
    assert refused_cleanly(cli, store, REFUSED, "redaction-check", case_id).startswith(f"error: {case_id}: identifier")
    (store / folder / "07700900123.md").unlink()
    git(store, "commit", "-qam", "removed")
    cli.ok("publish", case_id, *WHERE, "--allow", "postcode:documents/contacts.md",
           "--allow-reason", "The GP practice's postcode is part of the published chronology.")
    cli.ok("redaction-check", case_id)
    assert cli("validate").code == 0
    (store / folder / "later.md").write_text("Mrs Madeup said so.\n")
    found = [p["text"] for p in json.loads(cli("validate", "--format", "json").out)["problems"]]
    assert any(f"{folder}/later.md:1 (title and name)" in p for p in found), found
    quoted_nothing(" ".join(found))


def test_publication_refuses_a_file_it_cannot_read_with_no_identifiers(cli: Cli, store: Path,
                                                                       tmp_path: Path) -> None:
    case_id = approved_with(cli, store, tmp_path, {})
    (store / "cases" / case_id / "documents" / "scan.pdf").write_bytes(b"%PDF-1.4\n\xff\xfe\x00\x01")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a scan")
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, *WHERE)
    assert f"cases/{case_id}/documents/scan.pdf cannot be read as text" in err


def test_publish_checks_where_with_no_identifiers(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = approved_with(cli, store, tmp_path, {})
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where", "Ask Mrs Madeup on 07700 900123",
                          "--notified-on", "2026-11-10")
    assert "--where (phone number, title and name)" in err
    quoted_nothing(err)


# -- imports ----------------------------------------------------------------------------------

IMPORT_MAP = """columns:
  subject: Pseudonym
  type: Type
  referrer: Referrer
  received: Received
  summary: Summary
"""


def test_an_imported_row_is_refused_naming_row_and_column(cli: Cli, store: Path, tmp_path: Path) -> None:
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("Pseudonym,Type,Referrer,Received,Summary\n"
                       "Child K,lcspr,Fictional School,02/11/2026,Fictional summary\n"
                       "Child L,sar,Fictional Police,03/11/2026,\"Lives at 3 Madeup Close, DOB 01/02/1945\"\n")
    (tmp_path / "map.yaml").write_text(IMPORT_MAP)
    result = cli("import", str(tracker), "--map", str(tmp_path / "map.yaml"))
    assert result.code == INVALID
    assert "tracker.csv row 3, column 'Summary': looks like it holds a" not in result.err
    assert "tracker.csv row 3, column 'Summary': looks like it holds street address, date of birth" in result.err
    assert "row 2" not in result.err
    quoted_nothing(result.err)
    ids = cli.ok("import", str(tracker), "--map", str(tmp_path / "map.yaml"), "--allow", "address:summary",
                 "--allow", "dob", "--allow-reason", "The old tracker's own words, kept as they were.").out.split()
    allowed = case_yaml(store, ids[1])["history"][0]["allowed"]
    assert {(a["kind"], a["place"]) for a in allowed} == {("address", "summary"), ("dob", "summary")}
    assert "allowed" not in case_yaml(store, ids[0])["history"][0]


def test_a_case_id_of_digits_is_not_an_nhs_number() -> None:
    """TST-2026-012121 (a random id that came out all digits) reads as 2026 012121: ten digits
    that pass the NHS check digit. A case id is never an identifier pattern."""
    from reviewctl.core.privacy import patterns

    assert patterns.scan("2026 012121") != []  # the same digits alone are a valid NHS number
    assert patterns.scan("Case TST-2026-012121 was referred; see SSCP-2027-000000.") == []
