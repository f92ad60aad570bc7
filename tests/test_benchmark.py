"""The benchmark runs on a tiny store (its figures are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_quick_run() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert [row[0] for row in rows] == ["10", "50"]
    assert all(float(value) > 0 for row in rows for value in row[1:])


def test_generated_store_is_valid(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    ids = generate(tmp_path / "store", 30)
    assert len(ids) == 30
    from reviewctl.core.store import Store
    from reviewctl.core.validate import validate_store

    assert validate_store(Store(tmp_path / "store")) == []
