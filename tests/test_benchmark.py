"""The benchmark runs on tiny stores (its figures are printed, never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.bench
def test_benchmark_quick_run(tmp_path: Path) -> None:
    """Every figure printed, on stores that look like a caseload; every command it times exits 0
    (validate included: the generated store is valid)."""
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--keep",
                             str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = [line for line in result.stdout.splitlines() if re.match(r"  \d+\. ", line)]
    assert [f.split(".")[0].strip() for f in figures] == [str(n) for n in range(1, 14)]
    assert all(re.search(r"\*\*\d+\.\d+x\*\* \(.* \d+\.\d+ s vs .* \d+\.\d+ s", f) for f in figures), figures
    assert "store mix: stages referred 3%" in result.stdout
    # The store: cases at every stage, with reports, letters as md and docx, and identifiers.
    cases = tmp_path / "store-45" / "cases"
    stages = {(c / "case.yaml").read_text().split("\nstage: ")[1].split()[0] for c in cases.iterdir() if c.is_dir()}
    assert len(stages) >= 14 and {"closed", "no-further-action", "in-review"} <= stages
    assert any(cases.glob("*/report-v1.md")) and any(cases.glob("*/documents/*.docx"))
    assert any(cases.glob("*/identifiers.age")) and any(cases.glob("*/chronology/*.yaml"))


def test_bare_app_has_the_same_commands(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bare_app import generate

    generate(tmp_path / "bare.py")
    generate(tmp_path / "bare_triage.py", ["triage"])
    bare = subprocess.run([sys.executable, str(tmp_path / "bare.py"), "--help"], capture_output=True, text=True)
    real = subprocess.run([sys.executable, "-m", "reviewctl", "--help"], capture_output=True, text=True)
    names = re.compile(r"│ ([a-z][a-z-]+) ")
    assert names.findall(bare.stdout) == names.findall(real.stdout) != []
    one = subprocess.run([sys.executable, str(tmp_path / "bare_triage.py"), "--help"], capture_output=True, text=True)
    assert names.findall(one.stdout) == ["triage"]
    options = re.compile(r"(--[a-z-]+)")
    step = subprocess.run([sys.executable, str(tmp_path / "bare_triage.py"), "triage", "--help"],
                          capture_output=True, text=True)
    real_step = subprocess.run([sys.executable, "-m", "reviewctl", "triage", "--help"], capture_output=True,
                               text=True)
    assert sorted(set(options.findall(step.stdout))) == sorted(set(options.findall(real_step.stdout)))
