"""Bad input in the later stages: a clear one-line error, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    INVALID,
    REFUSED,
    REPORT,
    TICK_ALL,
    USAGE,
    Cli,
    git,
    refer,
    refused_cleanly,
    stage,
    to_closed,
    to_closed_until_approved,
    to_in_review,
    to_setup,
)


def test_steps_out_of_order(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_setup(cli, "lcspr")
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where", "x")
    assert "cannot publish a case in stage 'setup' (it needs stage 'approved')" in err
    err = refused_cleanly(cli, store, REFUSED, "approve", case_id, "--role", "sscp")
    assert "stage 'jcrg-agreed'" in err
    err = refused_cleanly(cli, store, REFUSED, "close", case_id)
    assert "stage 'monitoring'" in err
    # setup needs its notices and chronology requests before the commission
    err = refused_cleanly(cli, store, REFUSED, "commission", case_id, "--lead-reviewer", "R",
                          "--organisation", "Indep Ltd", "--declare-independent")
    assert "notify ID --family" in err and "--national" in err and "chronology request" in err


def test_commission_refusals(cli: Cli, store: Path) -> None:
    case_id = to_setup(cli, "sar")
    cli.ok("notify", case_id, "--family", "--not-appropriate", "Family asked not to be contacted")
    cli.ok("chronology", "request", case_id, "--agency", "Health")
    err = refused_cleanly(cli, store, REFUSED, "commission", case_id, "--lead-reviewer", "R",
                          "--organisation", "police", "--declare-independent")
    assert "is the agency involved 'Police'" in err
    err = refused_cleanly(cli, store, REFUSED, "commission", case_id, "--lead-reviewer", "R",
                          "--organisation", "Indep Ltd")
    assert "--declare-independent" in err
    cli.ok("commission", case_id, "--lead-reviewer", "R", "--organisation", "Indep Ltd", "--declare-independent")
    assert stage(store, case_id) == "commissioned"


def test_national_notice_fits_the_type(cli: Cli, store: Path) -> None:
    sar = to_setup(cli, "sar")
    err = refused_cleanly(cli, store, REFUSED, "notify", sar, "--national")
    assert "no national body" in err
    dhr = refer(cli, "dhr")
    cli.ok("triage", dhr, "--accept", "--reason", "r")
    cli.ok("scope", dhr, "--done")
    cli.ok("decide", dhr, "--not-conduct", "--rationale", "no")
    cli.ok("decide", dhr, "--chair", "--not-conduct", "--rationale", "no", "--learning-to", "L&D Group")
    cli.ok("notify", dhr, "--national")  # the Home Office is told of decisions not to review too
    refused_cleanly(cli, store, REFUSED, "notify", dhr, "--national")


CHRONOLOGY_CASES = [
    ("bad-date.csv", b"date,time,event,source,significance\n2026-02-30,,x,y,z\n", "row 2: date"),
    ("bad-time.csv", b"date,time,event,source,significance\n2026-02-03,25:00,x,y,z\n", "row 2: time"),
    ("no-event.csv", b"date,time,event,source,significance\n2026-02-03,,x,y,z\n2026-02-04,, ,y,z\n",
     "row 3: event"),
    ("missing-column.csv", b"date,time,event,source\n2026-02-03,,x,y\n", "missing: significance"),
    ("semicolons.csv", b"date;time;event;source;significance\n2026-02-03;;x;y;z\n", "not separated by commas"),
    ("latin1.csv", "date,time,event,source,significance\n2026-02-03,,caf\u00e9,y,z\n".encode("latin-1"),
     "not UTF-8"),
    ("extra-field.csv", b"date,time,event,source,significance\n2026-02-03,,a,b,c,d\n", "more fields"),
    ("empty.csv", b"date,time,event,source,significance\n", "no events"),
    ("bad.yaml", b"events:\n  - {date: 2026-02-03, event: x, source: y}\n", "line 2: significance"),
]


@pytest.mark.parametrize(("name", "content", "expected"), CHRONOLOGY_CASES)
def test_bad_chronology_files(cli: Cli, store: Path, tmp_path: Path, name: str, content: bytes,
                              expected: str) -> None:
    case_id = to_setup(cli, "sar")
    path = tmp_path / name
    path.write_bytes(content)
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(path), "--agency", "Police")
    assert expected in err and str(path) in err


def test_missing_files(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    err = refused_cleanly(cli, store, USAGE, "report", case_id, "--file", str(tmp_path / "nope.md"))
    assert "no such file" in err
    no_recs = tmp_path / "r.md"
    no_recs.write_text("# Report\n\nNo recommendations here.\n")
    err = refused_cleanly(cli, store, USAGE, "report", case_id, "--file", str(no_recs))
    assert "no recommendations found" in err
    err = refused_cleanly(cli, store, USAGE, "chronology", "import", case_id, str(tmp_path / "x.csv"),
                          "--agency", "Police")
    assert "no such file" in err


def test_report_needs_the_checklist(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "lcspr", tmp_path)
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    err = refused_cleanly(cli, store, REFUSED, "report", case_id, "--file", str(report))
    assert "--tick purpose-and-principles" in err
    refused_cleanly(cli, store, USAGE, "checklist", case_id, "--tick", "vibes")


def test_jcrg_refusals(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_in_review(cli, store, "sar", tmp_path)
    cli.ok("checklist", case_id, *TICK_ALL)
    report = tmp_path / "report.md"
    report.write_text(REPORT)
    cli.ok("report", case_id, "--file", str(report))
    plan = tmp_path / "plan.md"
    plan.write_text("# Plan\n")
    args = ("jcrg", case_id, "--final-report", "1", "--comms-plan", str(plan), "--action", "a",
            "--owner", "Council", "--due", "2027-01-01", "--measure", "m")
    err = refused_cleanly(cli, store, REFUSED, *args)
    assert "report ID --agreed" in err and "present ID" in err
    cli.ok("report", case_id, "--agreed")
    cli.ok("present", case_id)
    err = refused_cleanly(cli, store, USAGE, *args[:8], "--due", "2027-01-01")
    assert "1 --action, 0 --owner, 1 --due, 0 --measure" in err
    err = refused_cleanly(cli, store, USAGE, *args[:-4], "--due", "2026-11-01", "--measure", "m")
    assert "is not after the JCRG meeting" in err
    cli.ok(*args)
    assert stage(store, case_id) == "jcrg-agreed"


def test_lcspr_publication_notice_too_late(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed_until_approved(cli, store, tmp_path)
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where", "https://example.invalid",
                          "--notified-on", "2026-11-16")
    assert "at least 7 working days before it is public (2026-11-20)" in err
    cli.ok("publish", case_id, "--where", "https://example.invalid", "--notified-on", "2026-11-10")


def test_redaction_guard(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed_until_approved(cli, store, tmp_path)
    folder = store / "cases" / case_id
    (folder / "confidential.yaml").write_text(
        "# CONFIDENTIAL: never published.\nnames: [Jane Fictional-Example]\ndates_of_birth: [2019-03-04]\n")
    with (store / "reviewctl.yaml").open("a") as config:  # the test data's "Fictional" is an ordinary word
        config.write("redaction: {allow: [Fictional]}\n")
    report = folder / "report-v1.md"
    report.write_text(report.read_text() + "\nSeen by JANE\n   fictional-example on 4 March 2019.\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "confidential details (fictional)")
    err = refused_cleanly(cli, store, REFUSED, "publish", case_id, "--where", "x", "--notified-on", "2026-11-10")
    assert f"cases/{case_id}/report-v1.md:15 (name), cases/{case_id}/report-v1.md:16 (name, date of birth);" in err
    assert "Jane" not in err.replace(case_id, "") and "2019" not in err
    assert cli("redaction-check", case_id).code == REFUSED


def test_bad_confidential_file(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    (store / "cases" / case_id / "confidential.yaml").write_text("names: [' ']\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "bad confidential")
    err = refused_cleanly(cli, store, INVALID, "redaction-check", case_id)
    assert "confidential.yaml" in err and "names" in err


def test_link_both_sides(cli: Cli, store: Path) -> None:
    import json

    dhr, sar = refer(cli, "dhr"), refer(cli, "sar")
    cli.ok("link", dhr, sar, "--kind", "parallel")
    for one, other in ((dhr, sar), (sar, dhr)):
        view = json.loads(cli.ok("show", one, "--format", "json").out)
        assert view["links"] == [{"case": other, "kind": "parallel", "date": "2026-11-20"}]
    assert git(store, "log", "-1", "--format=%s").strip() == f"{dhr}: link (parallel {sar})"
    refused_cleanly(cli, store, REFUSED, "link", sar, dhr, "--kind", "joint")
    refused_cleanly(cli, store, USAGE, "link", sar, sar, "--kind", "joint")
    refused_cleanly(cli, store, USAGE, "link", sar, dhr, "--kind", "cousins")
    refused_cleanly(cli, store, USAGE, "link", sar, "TST-2026-NOPE00", "--kind", "joint")


def test_actions_bad_input(cli: Cli, store: Path, tmp_path: Path) -> None:
    case_id = to_closed(cli, store, "lcspr", tmp_path)
    refused_cleanly(cli, store, USAGE, "actions", "update", case_id, "A9", "--progress", "x")
    refused_cleanly(cli, store, USAGE, "actions", "update", case_id, "A2", "--progress", "x", "--status", "meh")
    refused_cleanly(cli, store, USAGE, "actions", "update", case_id, "A2", "--progress", " ")
    refused_cleanly(cli, store, REFUSED, "actions", "sign-off", case_id, "A1")
    refused_cleanly(cli, store, USAGE, "actions", "frobnicate", case_id)
    binary = tmp_path / "evidence.pdf"
    binary.write_bytes(b"%PDF-1.4\xff\xfe")
    refused_cleanly(cli, store, USAGE, "actions", "update", case_id, "A2", "--progress", "x",
                    "--evidence", str(binary))
    text = tmp_path / "audit.txt"
    text.write_text("Audit of 20 fictional referrals.\n")
    cli.ok("actions", "update", case_id, "A2", "--progress", "Audit started", "--status", "at-risk",
           "--evidence", str(text))
    rows = {r.split()[0]: r for r in cli.ok("actions", "list", case_id).out.splitlines()[2:]}
    assert "complete" in rows["A1"] and "amber" in rows["A2"]


def test_validate_checks_chronologies_and_published_redaction(cli: Cli, store: Path, tmp_path: Path) -> None:
    import json

    case_id = to_closed(cli, store, "sar", tmp_path)
    folder = store / "cases" / case_id
    (folder / "chronology").mkdir()
    (folder / "chronology" / "police.yaml").write_text(
        "agency: Police\nimported: 2026-11-20\nsource_file: p.csv\nevents:\n"
        "  - {date: 2026-13-01, event: x, source: y, significance: z}\n")
    (folder / "confidential.yaml").write_text("names: [Pat Fictional-Person]\n")
    with (store / "reviewctl.yaml").open("a") as config:  # the test data's "Fictional" is an ordinary word
        config.write("redaction: {allow: [Fictional]}\n")
    (folder / "report-v1.md").write_text((folder / "report-v1.md").read_text() + "pat  fictional-person\n")
    result = cli("validate", "--format", "json")
    assert result.out, result.err
    found = [p["text"] for p in json.loads(result.out)["problems"]]
    assert any("chronology/police.yaml:5" in p and "date" in p for p in found)
    assert any("confidential identifier" in p and "report-v1.md:14" in p for p in found), found
    assert not any("Pat" in p for p in found)
