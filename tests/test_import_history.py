"""A whole caseload imported (issue 18): cases at any stage, published and closed included, with
the dates their rows give as imported history; their clocks say what the dates say, never a
false red; an import is never an approval, and cannot be forged into one."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from helpers import INVALID, Cli, git, load, refused_cleanly, snapshot, stage, to_jcrg
from ruamel.yaml import YAML

HEADER = ["Pseudonym", "Review type", "Referred by", "Date received", "Status", "Reference", "Date aware",
          "Triage date", "Decision date", "Family told", "National body told", "Sent to Home Office",
          "Publication date", "Published at", "Closure date"]
_OPTIONAL = ("former_ref", "aware", "triage", "decision", "family_notified", "national_notified", "submitted",
             "published", "where", "closed")


def full_map(cli: Cli, path: Path) -> Path:
    """The template with every date column taken in (its `#` taken out)."""
    text = cli.ok("template", "import-map.yaml").out
    text = re.sub(r"^  (incident_date|summary|agencies):.*\n", "", text, flags=re.MULTILINE)  # not in these trackers
    for field in _OPTIONAL:
        text = re.sub(rf"^  # {field}:", f"  {field}:", text, flags=re.MULTILINE)
    path.write_text(text)
    return path


def tracker(path: Path, *rows: str) -> Path:
    path.write_text(",".join(HEADER) + "\n" + "".join(f"{row}\n" for row in rows))
    return path


CASELOAD = (
    "Adult P,sar,Fictional Care Home,02/01/2025,published,OLD-1,,03/01/2025,10/02/2025,12/02/2025,,,"
    "01/09/2025,https://example.invalid/p,",
    "Adult Q,dhr,Fictional Police,02/01/2025,closed,OLD-2,01/01/2025,,20/01/2025,22/01/2025,24/01/2025,"
    "01/07/2025,01/12/2025,,01/06/2026",
    "Child R,lcspr,Fictional School,02/03/2026,in-review,OLD-3,,,15/03/2026,,,,,,",
    "Adult S,dhr,Fictional Police,02/03/2026,not-conducted,OLD-4,,,27/03/2026,,30/03/2026,,,,",
    "Adult T,sar,Fictional Care Home,02/01/2025,not-published,OLD-5,,,10/02/2025,,,,01/09/2025,,",
)


def clocks(cli: Cli, case_id: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["clock"]: c for c in json.loads(cli.ok("clock", "list", case_id, "--format", "json").out)}


def test_a_caseload_at_every_stage_comes_in_with_its_dates(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = full_map(cli, tmp_path / "map.yaml")
    ids = cli.ok("import", str(tracker(tmp_path / "t.csv", *CASELOAD)), "--map", str(mapping)).out.split()
    published, closed, under_way, not_conducted, not_published = ids
    assert [stage(store, i) for i in ids] == ["published", "closed", "in-review", "not-conducted", "not-published"]
    assert cli.ok("validate").code == 0
    case = load(store / "cases" / closed / "case.yaml")
    assert case["former_ref"] == "OLD-2"
    # Each dated step is an imported entry of the history, on its date; none is an approval.
    assert [(h["step"], str(h["date"]), h["to"], h.get("imported")) for h in case["history"]] == [
        ("refer", "2025-01-02", "referred", None), ("import", "2025-01-20", "setup", "decision"),
        ("import", "2025-12-01", "published", "published"), ("import", "2026-06-01", "closed", "closed")]
    assert not (store / "cases" / closed / "approvals.yaml").exists()
    # Its clocks say what the dates say: decided within the month, the Home Office told, the report sent.
    found = clocks(cli, closed)
    assert [found[c]["status"] for c in ("dhr-decision", "dhr-home-office-decision", "dhr-submission")] == \
        ["met", "met", "met"]
    # A sar published without the date its final report was agreed: not known, never red.
    assert clocks(cli, published)["review-completion"]["status"] == "not known (imported without its date)"
    assert clocks(cli, published)["report-online"]["status"] == "met"
    # A review still under way after six months is late, as its decision date says.
    assert clocks(cli, under_way)["review-publication"]["status"] == "overdue"
    rows = {r["id"]: r for r in json.loads(cli.ok("list", "--format", "json").out)}
    assert [rows[i]["rag"] for i in (published, closed, not_published)] == [None, None, None]
    assert (rows[not_conducted]["decision"], rows[not_conducted]["decision_date"]) == ("not-conduct", "2026-03-27")
    assert rows[published]["published"] == "2025-09-01" and rows[not_published]["published"] is None
    assert [r["id"] for r in json.loads(cli.ok("list", "--stage", "published", "--format", "json").out)] == [published]
    figures = json.loads(cli.ok("stats", "--year", "2025", "--format", "json").out)
    assert figures["decisions"] == {"conduct": 3, "not-conduct": 0} and figures["reviews_published"] == 2
    # Approved before reviewctl: nothing here says it was signed.
    verify = json.loads(cli("verify", published, "--format", "json").out)
    assert {c["status"] for c in verify} == {"missing"}
    # And the case goes on from where it came in.
    cli.ok("monitor", published, "--date", "2026-11-20")
    assert cli.ok("validate").code == 0


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(cli: Cli, store: Path, tmp_path: Path) -> None:
    mapping = full_map(cli, tmp_path / "map.yaml")
    rows = tracker(
        tmp_path / "t.csv",
        "Adult A,sar,Fictional Care Home,02/01/2025,in-review,,,,01/12/2024,,,,,,",  # decided before referral
        "Adult B,sar,Fictional Care Home,02/01/2025,published,,,,10/02/2025,,,,,,",  # published: no date
        "Adult C,sar,Fictional Care Home,02/01/2025,scoping,,,,10/02/2025,,,,,,",  # a decision it has not reached
        "Adult D,dhr,Fictional Police,02/01/2025,closed,,,,10/02/2025,,,,01/09/2025,,01/08/2025",  # closed first
        "Adult E,sar,Fictional Care Home,02/01/2025,setup,,,,10/02/2025,,01/03/2025,,,,",  # no national body
        "Adult F,sar,Fictional Care Home,02/01/2025,approved,,,,10/02/2025,,,,,,",  # approvals are signed here
    )
    before = snapshot(store)
    result = cli("import", str(rows), "--map", str(mapping))
    assert result.code == INVALID and result.out == "" and "Traceback" not in result.err
    said = result.err
    assert ("t.csv row 2, column 'Decision date': 2024-12-01 is before the referral was received (2025-01-02)"
            in said)
    assert ("t.csv row 3, column 'Status': 'published' comes after the publication (or the decision not to "
            "publish): give its date (the map's `published` column)") in said
    assert "t.csv row 4, column 'Decision date': a date of the decision whether to conduct a review, which a " \
           "case at 'scoping' has not reached" in said
    assert "t.csv row 5, column 'Closure date': 2025-08-01 is before the publication" in said
    assert "t.csv row 6, column 'National body told': a 'sar' review has no national body" in said
    assert "t.csv row 7, column 'Status': 'approved' cannot be imported" in said
    assert "6 bad row(s); nothing was imported" in said
    assert snapshot(store) == before


def test_an_import_past_approval_cannot_be_forged(cli: Cli, signed: Path, tmp_path: Path) -> None:
    # A case under way, its history rewritten by hand as if it had been imported published.
    case_id = to_jcrg(cli, signed, tmp_path)
    path = signed / "cases" / case_id / "case.yaml"
    yaml = YAML()
    case = yaml.load(path.read_text())
    case["stage"] = "published"
    case["history"] = [case["history"][0], {
        "step": "import", "date": date(2026, 11, 19), "from": "referred", "to": "published",
        "by": "Mallory", "recorded": date(2026, 11, 20), "imported": "published"}]
    with path.open("w") as handle:
        yaml.dump(case, handle)
    git(signed, "commit", "-qam", "imported, says Mallory\n\nReviewctl-Step: import")
    result = cli("validate")
    assert result.code == INVALID and "'published' needs a valid approval by the role" in result.out
    # A case made on a branch by an import commit is not the base's import either.
    git(signed, "reset", "-q", "--hard", "HEAD~1")
    git(signed, "checkout", "-qb", "review/imports")
    mapping = full_map(cli, tmp_path / "map.yaml")
    imported = cli.ok("import", str(tracker(tmp_path / "t.csv", CASELOAD[0])), "--map", str(mapping)).out.strip()
    result = cli("validate")
    assert result.code == INVALID and f"cases/{imported}/case.yaml: stage: 'published' needs a valid approval" \
        in result.out
    # Merged into the base, the same import stands.
    git(signed, "checkout", "-q", "main")
    git(signed, "merge", "-q", "--ff-only", "review/imports")
    assert cli.ok("validate").code == 0
    refused_cleanly(cli, signed, 1, "publish", imported, "--where", "https://example.invalid/x")
