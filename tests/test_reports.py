"""Bulk reports: the tracker and its filters, due, stats, exports, and the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import Cli, git, refer, snapshot, to_closed, to_setup

from reviewctl.core.reports.cache import CACHE_NAME, DETAILS_NAME, load_index
from reviewctl.core.store.folder import Store


def rows(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(cli.ok("list", "--format", "json", *args).out)  # type: ignore[no-any-return]


def settle() -> None:
    time.sleep(0.1)  # past the cache's racy window, so summaries are kept


def test_tracker_columns_and_filters(cli: Cli, store: Path, tmp_path: Path) -> None:
    closed = to_closed(cli, store, "lcspr", tmp_path)
    cli.ok("close", closed, "--reason", "r", "--date", "2026-11-20")
    sar = to_setup(cli, "sar")
    fresh = refer(cli, "dhr", "--agency", "Fictional Housing Trust")
    by_id = {r["id"]: r for r in rows(cli)}
    assert by_id[closed]["stage"] == "closed" and by_id[closed]["lead_reviewer"] == "Fictional Reviewer"
    assert by_id[closed]["published"] == "2026-12-01" and by_id[closed]["actions_open"] == 0
    assert (by_id[sar]["decision"], by_id[sar]["decision_date"]) == ("conduct", "2026-11-12")
    assert by_id[fresh]["next_deadline"] == "Decision whether to conduct a DHR"
    assert (by_id[fresh]["next_due"], by_id[fresh]["rag"]) == ("2026-12-02", "green")
    assert [r["id"] for r in rows(cli, "--open")] == sorted([sar, fresh])
    assert [r["id"] for r in rows(cli, "--type", "dhr")] == [fresh]
    assert [r["id"] for r in rows(cli, "--agency", "fictional housing trust")] == [fresh]
    assert [r["id"] for r in rows(cli, "--received-from", "2026-11-03")] == []
    assert len(rows(cli, "--received-from", "2026-11-02", "--received-to", "2026-11-02")) == 3
    assert [r["id"] for r in json.loads(cli.ok("--as-of", "2026-12-03", "list", "--overdue", "--format",
                                               "json").out)] == [fresh]
    table = cli.ok("tracker").out
    assert "next_deadline" in table and fresh in table


@pytest.mark.parametrize(("args", "expected"), [
    (("--type", "lcsp"), "not a review type"),
    (("--stage", "publish"), "not a stage"),
    (("--received-from", "2026-12-01", "--received-to", "2026-11-01"), "is after --to"),
    (("--received-from", "2026-13-01"), "not a real date"),
    (("--format", "pdf"), "this command writes table, json, csv, md or xlsx, not 'pdf'"),
    (("--format", "xlsx"), "give --output"),
])
def test_bad_filters(cli: Cli, store: Path, args: tuple[str, ...], expected: str) -> None:
    refer(cli)
    result = cli("list", *args)
    assert result.code == 2 and expected in result.err and result.out == ""


def test_bad_stats_periods(cli: Cli, store: Path) -> None:
    for args in (("--from", "2026-12-01", "--to", "2026-01-01"), ("--year", "2026", "--from", "2026-01-01"),
                 ("--from", "2026-01-01")):
        result = cli("stats", *args)
        assert result.code == 2, result.err


def test_xlsx_export(cli: Cli, store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    case_id = refer(cli)
    out = tmp_path / "tracker.xlsx"
    before = snapshot(store)
    cli.ok("list", "--format", "xlsx", "--output", str(out))
    assert snapshot(store) == before
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["Case", "Type", "Converted from rapid review"]
    assert sheet["A2"].value == case_id


def test_due_and_fail_on_overdue(cli: Cli, store: Path) -> None:
    lcspr = refer(cli, "lcspr")
    dhr = refer(cli, "dhr")
    found = json.loads(cli.ok("due", "--format", "json").out)
    # The rapid review counts from awareness, by default the day referred (Mon 2 Nov): Mon 23 Nov.
    assert [(r["case"], r["clock"], r["due"]) for r in found] == [
        (lcspr, "si-notification", "2026-11-09"), (lcspr, "rapid-review", "2026-11-23"),
        (dhr, "dhr-decision", "2026-12-02")]
    assert found[0]["status"] == "overdue" and found[0]["working_days_left"] == -9
    assert [r["case"] for r in json.loads(cli.ok("due", "--overdue", "--format", "json").out)] == [lcspr]
    assert json.loads(cli.ok("due", "--within", "5", "--format", "json").out)[-1]["case"] == lcspr
    result = cli("due", "--fail-on-overdue")
    assert result.code == 6 and lcspr in result.out
    assert cli("--as-of", "2026-11-04", "due", "--fail-on-overdue").code == 0


def test_stats(cli: Cli, store: Path, tmp_path: Path) -> None:
    closed = to_closed(cli, store, "sar", tmp_path)
    cli.ok("close", closed, "--reason", "r", "--date", "2026-11-20")
    nfa = refer(cli, "unknown")
    cli.ok("triage", nfa, "--no-further-action", "--reason", "r")
    figures = json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)
    assert figures["from"] == "2026-01-01" and figures["to"] == "2026-12-31"
    assert figures["referrals"] == {"lcspr": 0, "sar": 1, "dhr": 0, "unknown": 1, "total": 2}
    assert figures["triage"] == {"accepted": 1, "no-further-action": 1}
    assert figures["decisions"] == {"conduct": 1, "not-conduct": 0}
    assert figures["reviews_completed"] == {"count": 1, "median_days": 7, "longest_days": 7, "over_expected": 0,
                                              "over_6_months": 0}
    assert figures["reviews_published"] == 1  # embargoed until 1 Dec 2026
    assert figures["actions"] == {"agreed": 2, "completed": 1, "overdue_at_end": 0}
    financial = json.loads(cli.ok("stats", "--year", "2025", "--financial-year", "--format", "json").out)
    assert (financial["from"], financial["to"]) == ("2025-04-01", "2026-03-31")
    assert financial["referrals"]["total"] == 0
    assert "referrals: total" in cli.ok("stats", "--year", "2026").out
    document = cli.ok("stats", "--year", "2026", "--format", "md").out
    assert "- Completed: 1 (median 7 days, longest 7 days; 0 took longer than expected)" in document


def test_corrupt_case_still_lists_the_rest(cli: Cli, store: Path) -> None:
    good, bad = refer(cli), refer(cli)
    (store / "cases" / bad / "case.yaml").write_text("<<<<<<< HEAD\nid: x\n=======\n>>>>>>> b\n")
    for command in (("list",), ("due",), ("stats",)):
        result = cli(*command, "--format", "json")
        assert result.code == 3 and f"cases/{bad}/case.yaml:1" in result.err
    assert [r["id"] for r in rows_unchecked(cli)] == [good]


def rows_unchecked(cli: Cli) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(cli("list", "--format", "json").out)  # type: ignore[no-any-return]


# -- the cache ------------------------------------------------------------------------

def test_cache_is_used_and_sees_every_edit(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    other = refer(cli, "sar")
    settle()
    assert load_index(Store(store)).parsed == 2
    assert load_index(Store(store)).parsed == 0  # warm: nothing parsed
    assert (store / ".git" / CACHE_NAME).is_file()
    assert git(store, "status", "--porcelain", "--ignored") == ""  # never committed, never seen
    path = store / "cases" / case_id / "case.yaml"
    # An uncommitted hand edit of the same size is seen.
    path.write_text(path.read_text().replace("Child Z", "Child Y"))
    assert [r["subject"] for r in rows(cli) if r["id"] == case_id] == ["Child Y"]
    # A committed hand edit is seen.
    settle()
    path.write_text(path.read_text().replace("Child Y", "Child W"))
    git(store, "commit", "-qam", "rename pseudonym")
    assert [r["subject"] for r in rows(cli) if r["id"] == case_id] == ["Child W"]
    settle()
    load_index(Store(store))
    index = load_index(Store(store))
    assert index.parsed == 0 and {s.id for s in index.summaries} == {case_id, other}


def test_a_file_added_to_or_removed_from_a_case_is_seen(cli: Cli, store: Path) -> None:
    # A warm report looks only at the files it knew while the folder's times are unchanged.
    case_id = refer(cli)
    settle()
    rows(cli)
    added = store / "cases" / case_id / "decision.yaml"
    added.write_text("outcome: [never closed\n")
    result = cli("list", "--format", "json")
    assert result.code != 0 and "decision.yaml" in result.err
    settle()
    added.unlink()
    assert [r["id"] for r in rows(cli)] == [case_id]


def test_list_and_due_never_read_the_details_cache(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    settle()
    details = store / ".git" / DETAILS_NAME
    rows(cli)  # from no cache: list works out no details (the first report that reads them does)
    assert (store / ".git" / CACHE_NAME).is_file() and not details.exists()
    path = store / "cases" / case_id / "case.yaml"
    path.write_text(path.read_text().replace("Child Z", "Child X"))
    settle()
    assert [r["subject"] for r in rows(cli)] == ["Child X"]  # from the cache, and this case's files
    cli.ok("due", "--format", "json")
    assert not details.exists()
    assert [r["id"] for r in json.loads(cli.ok("search", "Child X", "--format", "json").out)] == [case_id]
    assert details.is_file()  # search, stats and site read and keep the details
    details.write_bytes(b"damaged: only search, stats and site would notice")
    path.write_text(path.read_text().replace("Child X", "Child Y"))
    assert [r["subject"] for r in rows(cli)] == ["Child Y"]
    cli.ok("due", "--format", "json")
    assert details.read_bytes() == b"damaged: only search, stats and site would notice"


def test_search_and_stats_see_an_edit_that_list_saw_first(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    settle()

    def found(text: str) -> list[str]:
        return [r["id"] for r in json.loads(cli.ok("search", text, "--format", "json").out)]

    def triage() -> dict[str, int]:
        return json.loads(cli.ok("stats", "--year", "2026", "--format", "json").out)["triage"]  # type: ignore[no-any-return]

    assert found("Child Z") == [case_id] and triage() == {}
    path = store / "cases" / case_id / "case.yaml"
    path.write_text(path.read_text().replace("Child Z", "Child Y"))  # the same size: a hand edit
    git(store, "commit", "-qam", "rename pseudonym")
    cli.ok("triage", case_id, "--accept", "--reason", "r")
    settle()
    assert [r["subject"] for r in rows(cli)] == ["Child Y"]  # list re-reads the case, not its details
    assert found("Child Y") == [case_id] and found("Child Z") == []
    assert triage() == {"accepted": 1}
    settle()
    assert load_index(Store(store)).details()[case_id].facts.triage_outcome == "accepted"


@pytest.mark.parametrize("damage", ["delete", "garbage", "truncate", "old-version"])
def test_damaged_cache_is_rebuilt(cli: Cli, store: Path, damage: str) -> None:
    case_id = refer(cli)
    settle()
    rows(cli)
    cache = store / ".git" / CACHE_NAME
    if damage == "delete":
        cache.unlink()
    elif damage == "garbage":
        cache.write_bytes(b"not a pickle at all")
    elif damage == "truncate":
        cache.write_bytes(cache.read_bytes()[:40])
    else:
        from reviewctl.core.reports.pickles import read_cache, write_cache

        data = read_cache(cache)
        cases = {n: (sig, "ok", s._replace(subject="WRONG")) for n, (sig, _, s) in data.pop("cases").items()}
        data["key"] = (data["key"][0], "0.0.0-other", data["key"][2])
        write_cache(cache, data, cases)
        assert read_cache(cache)["cases"]  # the crafted cache is readable, just not current
    assert [r["subject"] for r in rows(cli)] == ["Child Z"]
    assert load_index(Store(store)).parsed == 0 or damage == "delete"
    assert case_id


def test_settings_change_rebuilds(cli: Cli, store: Path) -> None:
    refer(cli, "sar")
    settle()
    assert rows(cli)[0]["next_deadline"] is None
    cli.ok("triage", rows(cli)[0]["id"], "--accept", "--reason", "r")
    cli.ok("scope", rows(cli)[0]["id"], "--request", "Police")
    assert rows(cli)[0]["next_due"] == "2026-12-04"
    settle()
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("{working_days: 10}", "{working_days: 3}"))
    assert rows(cli)[0]["next_due"] == "2026-11-25"


def test_warm_report_imports_only_what_it_needs(cli: Cli, store: Path) -> None:
    refer(cli)
    settle()
    rows(cli)
    probe = ("import sys, io, contextlib\nfrom reviewctl.cli.app import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n    code = main(sys.argv[1:])\n"
             "heavy = {'git', 'jinja2', 'tabulate', 'ruamel', 'holidays', 'openpyxl', 'docx', 'lxml'}\n"
             "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}), code)\n")
    env = {**os.environ}
    warm = subprocess.run([sys.executable, "-c", probe, "list", "--format", "json"], cwd=store,
                          capture_output=True, text=True, env=env, check=True)
    assert warm.stdout.split("\n")[0] == "[] 0", warm.stderr
    help_run = subprocess.run([sys.executable, "-c", probe, "--help"], cwd=store, capture_output=True,
                              text=True, env=env, check=True)
    assert help_run.stdout.split("\n")[0] == "[] 0"


def test_single_case_command_does_not_read_other_cases(cli: Cli, store: Path) -> None:
    good, bad = refer(cli), refer(cli)
    (store / "cases" / bad / "case.yaml").write_text("id: [broken\n")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "break one case")
    cli.ok("triage", good, "--accept", "--reason", "r")
    cli.ok("show", good)


def test_data_on_stdout_messages_on_stderr(cli: Cli, store: Path) -> None:
    refer(cli)
    result = cli.ok("list", "--format", "csv")
    # The one message: "today" is set (REVIEWCTL_TODAY), so the clocks are as of that day.
    assert result.err == "note: clocks as of 2026-11-20 (REVIEWCTL_TODAY), not today's date\n"
    assert result.out.startswith("id,")


_OVER_THE_CORES = ("import sys; import reviewctl.core.reports.cache as index; index.PARALLEL_FROM = {0}; "
                   "from reviewctl.cli.app import main; sys.exit(main(sys.argv[1:]))")


def test_a_report_from_no_cache_reads_the_same_over_the_cores(cli: Cli, store: Path) -> None:
    """Many cases are read by worker processes: the rows, the problems, the details and the
    cache they leave are those of one process (real processes: a fork inside the test runner
    could inherit its threads' locks)."""
    ids = [refer(cli, case_type) for case_type in ("lcspr", "sar", "dhr", "unknown")]
    cli.ok("triage", ids[0], "--accept", "--reason", "r")
    (store / "cases" / ids[1] / "decision.yaml").write_text("outcome: [never closed\n")  # a problem
    settle()

    def report(parallel_from: int, *args: str) -> tuple[int, str, str]:
        for name in (CACHE_NAME, DETAILS_NAME):
            (store / ".git" / name).unlink(missing_ok=True)
        done = subprocess.run([sys.executable, "-c", _OVER_THE_CORES.format(parallel_from), *args], cwd=store,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    for args in (("list", "--format", "json"), ("search", "Child", "--format", "json")):
        one, many = report(10**9, *args), report(2, *args)
        assert many == one and one[0] == 3 and "decision.yaml" in one[2]
    settle()
    kept = load_index(Store(store))
    assert kept.parsed == 0 and sorted(s.id for s in kept.summaries) == sorted(ids[:1] + ids[2:])
    assert kept.details()[ids[0]].facts.triage_outcome == "accepted"
