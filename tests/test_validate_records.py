"""`validate` hands every problem on as a record (path, line, key, message, severity): the
same records in its three formats (text, JSON, SARIF), each part where the problem is."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from helpers import Cli, git, refer, snapshot

from reviewctl.errors import located

Expected = tuple[str, int | None, str | None, str]  # path, line, key, the message's start


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1) if text in line)


def _all_formats(cli: Cli, store: Path, expected: list[Expected]) -> None:
    """Each format names each expected problem with the same path, line, key and message, in order."""
    before = snapshot(store)
    text, as_json, sarif = (cli("validate", *args) for args in ((), ("--format", "json"), ("--format", "sarif")))
    assert snapshot(store) == before
    assert text.code == as_json.code == sarif.code == 3
    records = json.loads(as_json.out)["problems"]
    found = [(r["path"], r["line"], r["key"], r["message"]) for r in records]
    assert len(found) == len(expected), found
    for got, (path, line, key, start) in zip(found, expected, strict=True):
        assert got[:3] == (path, line, key), got
        assert got[3].startswith(start), got
    for record in records:
        assert record["severity"] == "error"
        assert record["text"] == located(record["path"], record["line"], record["key"], record["message"])
    # The text output is one line per record, as located() writes it.
    assert text.out.splitlines() == [r["text"] for r in records]
    (run,) = json.loads(sarif.out)["runs"]
    assert len(run["results"]) == len(records)
    root = store.resolve()
    for result, record in zip(run["results"], records, strict=True):
        place: dict[str, Any] = result["locations"][0]["physicalLocation"]
        uri = Path(os.path.relpath(os.path.abspath(record["path"] or "."), root)).as_posix()
        assert place["artifactLocation"] == {"uri": uri, "uriBaseId": "%SRCROOT%"}
        assert place.get("region") == ({"startLine": record["line"]} if record["line"] is not None else None)
        said = f"{record['key']}: {record['message']}" if record["key"] else record["message"]
        assert result["message"]["text"] == said and result["level"] == "error"


def _commit(store: Path, message: str) -> None:
    git(store, "add", "-A")
    git(store, "commit", "-qm", message)


def test_problems_of_many_kinds_in_every_format(cli: Cli, store: Path) -> None:
    broken, unknown, staged, jumped, far, lettered, dated, clocked, linked, twin = (refer(cli) for _ in range(10))
    cases = store / "cases"
    expected: dict[str, list[Expected]] = {}
    (cases / broken / "case.yaml").write_text("id: ok\nstage: [broken\n")
    expected[broken] = [(f"cases/{broken}/case.yaml", 3, None, "malformed YAML (")]
    path = cases / unknown / "case.yaml"
    path.write_text(path.read_text().replace("subject:", "colour: blue\nsubject:"))
    expected[unknown] = [(f"cases/{unknown}/case.yaml", _line(path, "colour"), "colour", "unknown key; remove it")]
    path = cases / staged / "case.yaml"
    path.write_text(path.read_text().replace("stage: referred", "stage: scoping"))
    expected[staged] = [(f"cases/{staged}/case.yaml", _line(path, "stage:"), "stage",
                         "'scoping' does not match the history")]
    path = cases / jumped / "case.yaml"
    path.write_text(path.read_text().replace("stage: referred", "stage: setup")
                    + "  - step: decide-conduct\n    date: 2026-11-10\n    from: referred\n    to: setup\n"
                      "    by: Someone\n    recorded: 2026-11-10\n")
    expected[jumped] = [(f"cases/{jumped}/case.yaml", _line(path, "step: decide-conduct"), "history[1].step",
                         "'decide-conduct' from 'referred' to 'setup' is not a transition")]
    cli.ok("triage", far, "--accept", "--reason", "r")
    cli.ok("scope", far, "--notified", "2026-11-03")
    path = cases / far / "scoping.yaml"
    path.write_text(path.read_text().replace("2026-11-03", "9999-11-03"))
    expected[far] = [(f"cases/{far}/scoping.yaml", _line(path, "9999"), "notified", "9999-11-03 is outside the years")]
    cli.ok("triage", lettered, "--no-further-action", "--reason", "r")
    (letter,) = (cases / lettered / "documents").glob("*no-further-action-letter.md")
    letter.write_text("line\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> b\n")
    expected[lettered] = [(f"cases/{lettered}/documents/{letter.name}", 2, None, "git conflict marker; resolve")]
    (cases / dated / "notes.txt").write_bytes(b"caf\xe9\n")
    (cases / dated / "chronology").mkdir()
    (cases / dated / "chronology" / "police.yaml").write_text(
        "agency: Police\nimported: soon\nsource_file: police.csv\nevents: []\n")
    expected[dated] = [(f"cases/{dated}/notes.txt", None, None, "not UTF-8 text; save it as UTF-8"),
                       (f"cases/{dated}/chronology/police.yaml", 2, "imported", "Input should be a valid date")]
    (cases / clocked / "clocks.yaml").write_text("clocks:\n  - clock: no-such-clock\n")
    expected[clocked] = [(f"cases/{clocked}/clocks.yaml", 2, "clocks[0].clock", "not a clock of the workflow")]
    (cases / linked / "link.md").symlink_to("/etc/hostname")
    expected[linked] = [(f"cases/{linked}/link.md", None, None, "a symbolic link, which reviewctl does not follow")]
    (cases / "not_an_id").mkdir()
    expected["not_an_id"] = [("cases/not_an_id", None, None, "not a case id; case folders are named by their id")]
    (cases / "TST-2026-NOCASE").mkdir()
    (cases / "TST-2026-NOCASE" / "notes.md").write_text("a folder with no case.yaml\n")
    expected["TST-2026-NOCASE"] = [("cases/TST-2026-NOCASE", None, None, "no case.yaml; a case folder needs one")]
    copy = twin.lower()
    shutil.copytree(cases / twin, cases / copy)
    expected[copy] = [(f"cases/{copy}/case.yaml", _line(cases / copy / "case.yaml", "id:"), "id",
                       f"'{twin}' does not match the folder name '{copy}'")]
    (store / "templates").mkdir(exist_ok=True)
    (store / "templates" / "looped.md").symlink_to("/etc/hostname")
    _commit(store, "damage of many kinds")
    (store / ".git" / "reviewctl-journal.json").write_text("{}")
    journal = [(".git/reviewctl-journal.json", None, None, "an interrupted step left files half changed")]
    first = [*journal, ("templates/looped.md", None, None, "a symbolic link; templates are read only"),
             ("cases", None, None, "duplicate case id '")]
    _all_formats(cli, store, first + [p for name in sorted(expected) for p in expected[name]])


def test_settings_problems_in_every_format(cli: Cli, store: Path) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("agency-reply:", "agency-replies:")
                      + "type_labels:\n  no-such-type: A label\n")
    _commit(store, "settings by hand")
    _all_formats(cli, store, [
        # Found once the workflow takes the settings in: named by line too (issue 18).
        ("reviewctl.yaml", _line(config, "agency-replies:"), "clocks.agency-replies", "not a clock of the workflow"),
        ("reviewctl.yaml", _line(config, "no-such-type:"), "type_labels.no-such-type", "not a review type"),
    ])
    config.write_text(config.read_text().replace("prefix: TST", "prefix: tst/x"))
    _commit(store, "a bad prefix")
    _all_formats(cli, store, [("reviewctl.yaml", _line(config, "prefix:"), "prefix", "")])


def test_changes_since_a_base_in_every_format(cli: Cli, store: Path) -> None:
    rewritten, moved = refer(cli), refer(cli)
    git(store, "branch", "base")
    path = store / "cases" / rewritten / "case.yaml"
    path.write_text(path.read_text().replace("by: ", "by: Someone Else ", 1))
    path = store / "cases" / moved / "case.yaml"
    path.write_text(path.read_text().replace("stage: referred", "stage: scoping"))
    _commit(store, "history rewritten")
    shown = store / "cases" / moved / "case.yaml"
    found = json.loads(cli("validate", "--base", "base", "--format", "json").out)["problems"]
    assert sorted((p["path"], p["line"] or 0, p["key"], p["message"].split(";")[0]) for p in found) == sorted([
        (f"cases/{moved}/case.yaml", _line(shown, "stage:"), "stage",
         "'scoping' does not match the history, which ends in 'referred'"),
        (f"cases/{rewritten}/case.yaml", 0, "history[0]", "an entry of base was changed or removed"),
        (f"cases/{moved}/case.yaml", 0, "stage", "moved from 'referred' to 'scoping' with no step in the history"),
    ]), found
    assert all(p["text"] == located(p["path"], p["line"], p["key"], p["message"]) for p in found)
