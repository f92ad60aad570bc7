"""Time reviewctl's commands on synthetic stores of two sizes, and print the figures.

    python benchmarks/bench.py [--quick] [--sizes 100,10000] [--repeat 5]

Each figure is the median wall time of whole `reviewctl` processes, measured in this
run on this machine.  These are benchmarks, not tests: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reviewctl", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(args_for: list[list[str]], cwd: Path, env: dict[str, str]) -> float:
    return statistics.median(timed(args, cwd, env) for args in args_for)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny stores, for a smoke run")
    parser.add_argument("--sizes", default="100,2000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [10, 50] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 2 if args.quick else args.repeat
    env = {**os.environ, "REVIEWCTL_TODAY": "2026-11-20"}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'cases':>8} {'show':>8} {'triage':>8} {'list':>8} {'validate':>9}  (median seconds)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = Path(tmp) / f"store-{size}"
            ids = generate(root, size)
            referred = [i for i in ids
                        if "stage: referred" in (root / "cases" / i / "case.yaml").read_text()]
            show = median([["show", i, "--format", "json"] for i in ids[:repeat]], root, env)
            triage = median([["triage", i, "--accept", "--reason", "benchmark"]
                             for i in referred[:repeat]], root, env)
            listing = median([["list", "--format", "json"]] * repeat, root, env)
            validate = median([["validate"]] * max(1, repeat // 2), root, env)
            print(f"{size:>8} {show:>8.3f} {triage:>8.3f} {listing:>8.3f} {validate:>9.3f}")


if __name__ == "__main__":
    main()
