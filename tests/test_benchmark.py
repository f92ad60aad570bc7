"""The benchmark runs on tiny stores (its figures are printed, never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.bench
def test_benchmark_quick_run() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = [line for line in result.stdout.splitlines() if re.match(r"  \d\. ", line)]
    assert [f.split(".")[0].strip() for f in figures] == ["1", "2", "3", "4", "5", "6"]
    assert all(re.search(r"\d+\.\d+", f) for f in figures)
    assert re.search(r"  5a\. validate --base .* = \d+\.\d+x", result.stdout), result.stdout


def test_generated_store_is_valid(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    ids = generate(tmp_path / "store", 60)
    assert len(ids) == 60
    from reviewctl.core.store import Store
    from reviewctl.core.validate import validate_store

    store = Store(tmp_path / "store")
    assert validate_store(store) == []
    stages = {(store.case_dir(i) / "case.yaml").read_text().split("stage: ")[1].split()[0] for i in ids}
    assert len(stages) >= 5  # spread over the stages


def test_bare_app_has_the_same_commands(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bare_app import generate

    generate(tmp_path / "bare.py")
    bare = subprocess.run([sys.executable, str(tmp_path / "bare.py"), "--help"], capture_output=True, text=True)
    real = subprocess.run([sys.executable, "-m", "reviewctl", "--help"], capture_output=True, text=True)
    names = re.compile(r"│ ([a-z][a-z-]+) ")
    assert names.findall(bare.stdout) == names.findall(real.stdout) != []
