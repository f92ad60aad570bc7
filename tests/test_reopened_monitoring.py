"""A closed case reopened to monitoring (issue 18): the actions its closing closed are open
again, as the history says, and every report agrees; each test failed before its fix."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from helpers import INVALID, Cli, load, refer, to_closed

AS_OF = ("--as-of", "2027-05-10")  # past A2's due date (1 Apr 2027)


def show(cli: Cli, case_id: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok("show", case_id, "--format", "json").out)  # type: ignore[no-any-return]


def _json(cli: Cli, *args: str) -> object:
    return json.loads(cli.ok(*AS_OF, *args, "--format", "json").out)


def test_a_reopening_to_monitoring_reopens_the_actions_its_closing_closed(cli: Cli, store: Path,
                                                                         tmp_path: Path) -> None:
    case_id = to_closed(cli, store, "sar", tmp_path)  # A1 signed off on 20 Nov 2026; A2 open, due 1 Apr 2027
    cli.ok(*AS_OF, "close", case_id, "--reason", "Superseded by the regional audit", "--date", "2026-12-10")
    jcrg = store / "cases" / case_id / "jcrg.yaml"
    closed = jcrg.read_text()
    cli.ok(*AS_OF, "reopen", case_id, "--to", "monitoring", "--reason", "new information", "--date", "2027-01-05")
    # The closed records stay as the closing wrote them: the reopening is what undoes them.
    assert jcrg.read_text() == closed
    assert [a["status"] for a in load(jcrg)["actions"]] == ["complete", "closed"]

    rows = {r["id"]: r for r in _json(cli, "actions", "list", case_id)}  # type: ignore[union-attr]
    assert (rows["A1"]["status"], rows["A1"]["rag"]) == ("complete", "complete")  # done on its own: stays done
    assert (rows["A2"]["status"], rows["A2"]["rag"]) == ("open", "red")  # no progress said otherwise; overdue
    shown = cli.ok(*AS_OF, "show", case_id).out
    assert "1 of 2 signed off" in shown
    assert "closed without sign-off" not in shown
    view = _json(cli, "show", case_id)
    assert sorted((d["item"], d["status"]) for d in view["deadlines"] if d["name"] == "action") == [  # type: ignore[index]
        ("A1", "met"), ("A2", "overdue")]
    due = _json(cli, "due")
    assert [(r["case"], r["item"]) for r in due if r["clock"] == "action"] == [(case_id, "A2")]  # type: ignore[union-attr,index]
    tracker = next(r for r in _json(cli, "list") if r["id"] == case_id)  # type: ignore[union-attr,index]
    assert (tracker["actions_open"], tracker["actions_overdue"]) == (1, 1)
    figures = _json(cli, "stats", "--year", "2027")
    assert figures["actions"]["overdue_at_end"] == 1  # type: ignore[index]
    assert cli.ok(*AS_OF, "validate").code == 0

    # The reopened monitoring goes on with the action: its progress, then a closing that must
    # close it again, consciously.
    cli.ok(*AS_OF, "actions", "update", case_id, "A2", "--progress", "Audit restarted", "--date", "2027-01-06")
    err = cli(*AS_OF, "close", case_id, "--date", "2027-01-07").err
    assert "actions still open: A2" in err
    cli.ok(*AS_OF, "actions", "sign-off", case_id, "A2", "--date", "2027-01-08")
    cli.ok(*AS_OF, "close", case_id, "--date", "2027-01-09")
    assert [(r["id"], r["rag"]) for r in _json(cli, "actions", "list", case_id)] == [  # type: ignore[union-attr,index]
        ("A1", "complete"), ("A2", "complete")]
    assert cli.ok(*AS_OF, "validate").code == 0


# -- an extension is compared with the extensions of its own deadline ----------------------------------

def test_a_clock_started_again_by_a_reopening_is_extended_to_any_later_date(cli: Cli, store: Path) -> None:
    # A dhr's month to decide (from 2 Nov 2026) extended to 15 Jan 2027; the chair decides not to
    # conduct; the case is reopened to decide again, and the new decision's month, counted from the
    # reopening (9 Nov, due 9 Dec), is extended to 20 Dec: earlier than the first cycle's
    # extension, which belongs to the earlier deadline.  It was refused: "each extension must be to
    # a later date than the one before it".
    case_id = refer(cli, "dhr")
    cli.ok("clock", "extend", case_id, "dhr-decision", "--to", "2027-01-15", "--reason", "inquest",
           "--date", "2026-11-03")
    cli.ok("triage", case_id, "--accept", "--reason", "r", "--date", "2026-11-03")
    cli.ok("scope", case_id, "--done", "--date", "2026-11-04")
    cli.ok("decide", case_id, "--not-conduct", "--rationale", "r", "--date", "2026-11-05")
    cli.ok("decide", case_id, "--chair", "--not-conduct", "--rationale", "r", "--learning-to", "L&D group",
           "--date", "2026-11-06")
    cli.ok("reopen", case_id, "--to", "decision", "--reason", "new information", "--date", "2026-11-09")
    cli.ok("clock", "extend", case_id, "dhr-decision", "--to", "2026-12-20", "--reason", "new evidence",
           "--date", "2026-11-10")
    assert cli.ok("validate").code == 0
    decision = sorted((d["cycle"], d["due"], d["status"]) for d in show(cli, case_id)["deadlines"]
                      if d["name"] == "dhr-decision")
    assert decision == [(0, "2027-01-15", "met"), (1, "2026-12-20", "open")]
    # Within one deadline the rule holds: a hand-edited extension to an earlier date is named.
    clocks = store / "cases" / case_id / "clocks.yaml"
    text = clocks.read_text()
    clocks.write_text(text + "      - {date: 2026-11-11, to: 2026-12-15, reason: r, by: x, recorded: 2026-11-11}\n")
    assert load(clocks)["clocks"][0]["extensions"][-1]["to"] == date(2026, 12, 15)
    found = cli("validate")
    line = len(text.splitlines()) + 1
    assert found.code == INVALID
    assert f"clocks.yaml:{line}: clocks[0].extensions[2].to: each extension must be to a later date" in found.out
