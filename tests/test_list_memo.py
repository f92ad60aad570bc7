"""`list --format json` keeps its output for the next run with the same inputs (issue 22):
the same bytes while nothing changed, and never once anything that goes into them has."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import Cli, refer

from reviewctl.core.reports.cache import RACY_NS
from reviewctl.core.reports.output_memo import MEMO_NAME


def rows(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli.ok("list", "--format", "json", *args)
    return json.loads(result.out)  # type: ignore[no-any-return]


def warm(cli: Cli, store: Path) -> list[dict[str, object]]:
    """Runs until the memo is kept (the first run after a change fills the cache, the next keeps
    it); files changed in the last 50 ms are read again each time (the cache's racy rule)."""
    time.sleep(RACY_NS / 1e9)
    first = rows(cli)
    assert rows(cli) == first
    assert (store / ".git" / MEMO_NAME).is_file()
    return first


def test_the_kept_output_is_the_output(cli: Cli, store: Path) -> None:
    refer(cli), refer(cli, "sar")
    made = warm(cli, store)
    memo = store / ".git" / MEMO_NAME
    kept = memo.read_bytes()
    assert rows(cli) == made and memo.read_bytes() == kept  # read from it, not written again
    assert kept.split(b"\n", 1)[1].decode() == cli.ok("list", "--format", "json").out


def test_a_hand_edit_is_seen_at_once(cli: Cli, store: Path) -> None:
    case_id = refer(cli)
    warm(cli, store)
    path = store / "cases" / case_id / "case.yaml"
    path.write_text(path.read_text().replace("subject: Child Z", "subject: Child Y"))
    assert [r["subject"] for r in rows(cli)] == ["Child Y"]


def test_another_day_or_filter_is_another_output(cli: Cli, store: Path) -> None:
    refer(cli), refer(cli, "sar")
    warm(cli, store)

    def on(day: str) -> set[object]:
        return {r["rag"] for r in json.loads(cli.ok("--as-of", day, "list", "--format", "json").out)}

    assert "red" not in on("2026-11-03") and "red" not in on("2026-11-03")  # the second from the memo
    assert "red" in on("2027-06-01")  # months later the referral's clock is overdue
    assert [r["type"] for r in rows(cli, "--type", "sar")] == ["sar"]
    assert len(rows(cli)) == 2


def test_a_new_case_is_listed(cli: Cli, store: Path) -> None:
    refer(cli)
    warm(cli, store)
    refer(cli, "dhr")
    assert sorted(r["type"] for r in rows(cli)) == ["dhr", "lcspr"]


def test_a_damaged_memo_is_not_read(cli: Cli, store: Path) -> None:
    refer(cli)
    made = warm(cli, store)
    (store / ".git" / MEMO_NAME).write_bytes(b"not a key\n[]\n")
    assert rows(cli) == made


def test_a_memo_that_cannot_be_written_costs_nothing_but_time(cli: Cli, store: Path, tmp_path: Path) -> None:
    # A full disk or a quota on .git, as a limit on the size of a file a process may write:
    # the tracker still comes out whole, and no half memo is kept.
    refer(cli), refer(cli, "sar")
    made = warm(cli, store)
    (store / ".git" / MEMO_NAME).unlink()
    limited = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200)); "
               "sys.argv = ['reviewctl', 'list', '--format', 'json']; "
               "from reviewctl.cli.app import run; run()")
    done = subprocess.run([sys.executable, "-c", limited], cwd=store, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == made
    assert not (store / ".git" / MEMO_NAME).exists()
    assert not list((store / ".git").glob(".reviewctl-list-json.*"))


def test_the_kept_output_goes_out_as_a_fresh_one_would(cli: Cli, store: Path) -> None:
    # Through stdout's own encoding: a subject with an accent, to a Latin-1 terminal.
    cli.ok("refer", "--type", "sar", "--subject", "Adult É", "--referrer", "Fictional Shire Police",
           "--received", "2026-11-02", "--summary", "Fictional summary for tests", "--agency", "Police")
    warm(cli, store)
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    runs = [subprocess.run([sys.executable, "-m", "reviewctl", "list", "--format", "json"], cwd=store,
                           capture_output=True, env=env, timeout=120).stdout for _ in range(3)]
    assert runs[0] == runs[1] == runs[2] and "É".encode("latin-1") in runs[0]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_that_cannot_be_written_is_an_error_and_keeps_no_memo(cli: Cli, store: Path) -> None:
    # The memo's own failures are only a saving lost; the output's are the command's.
    refer(cli)
    warm(cli, store)
    (store / ".git" / MEMO_NAME).unlink()
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "reviewctl", "list", "--format", "json"], cwd=store,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode != 0 and "disk is full" in done.stderr and "Traceback" not in done.stderr
    assert not (store / ".git" / MEMO_NAME).exists()
