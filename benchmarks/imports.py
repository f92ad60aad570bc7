"""Measure `reviewctl import` by what it unpacks, and print the figures.

    python benchmarks/imports.py            # 2,000 rows; a zip bomb; a workbook that unpacks to 1 GB
    python benchmarks/imports.py --quick    # 200 rows and smaller bombs: a smoke run

Each figure is one whole process (`python -m reviewctl import ...` on a fresh store made
by `init`): its wall time, its processor time (user + system, with the git it waits
for) and its peak resident size. A refusal is expected for the hostile files; its exit
code is printed. Benchmarks report; they do not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_files as hostile

ROOT = Path(__file__).resolve().parent.parent


class LockWatch(threading.Thread):
    """How long the store's lock (.git/reviewctl.lock, an flock) is held, found by trying
    it every 10 ms without waiting (the try takes microseconds, so it barely delays
    reviewctl)."""

    def __init__(self, store: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.held, self.done = store / ".git" / "reviewctl.lock", 0.0, threading.Event()

    def run(self) -> None:
        import fcntl

        while not self.done.wait(0.01):
            if not self.path.exists():
                continue
            with self.path.open("a") as handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                except OSError:
                    self.held += 0.01


def run(args: list[str], cwd: Path, env: dict[str, str], limit: float) -> tuple[float, float, int, int, str]:
    """Wall seconds, processor seconds, peak resident KiB, exit code and the last line on
    stderr; a process still running after `limit` seconds is killed (SIGKILL: exit -9)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: nothing blocks while it runs
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(limit, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode(errors="replace").strip()
    last = text.splitlines()[-1] if text else f"(killed after {limit:.0f} s)" if proc.returncode == -9 else ""
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, last


def fresh_store(work: Path, name: str, env: dict[str, str]) -> Path:
    root = work / name
    subprocess.run([sys.executable, "-m", "reviewctl", "init", str(root), "--prefix", "BEN"], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small files, for a smoke run")
    parser.add_argument("--limit", type=float, default=300, help="seconds before an import is killed")
    args = parser.parse_args()
    rows, bomb, huge = (200, 20 * 2**20, 100 * 2**20) if args.quick else (2_000, 100 * 2**20, 2**30)
    env = {**os.environ, "REVIEWCTL_TODAY": "2026-11-27", "GIT_AUTHOR_NAME": "Benchmark",
           "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "Benchmark",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    work = Path(tempfile.mkdtemp(prefix="reviewctl-bench-imports-"))
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}")
        mapping = work / "map.yaml"
        shutil.copy(ROOT / "templates" / "import-map.yaml", mapping)
        files = {
            f"{rows:,} rows, CSV": hostile.write_csv(work / "rows.csv", hostile.tracker_rows(rows)),
            f"{rows:,} rows, xlsx": hostile.write_xlsx(work / "rows.xlsx", hostile.tracker_rows(rows)),
            f"zip bomb: one cell unpacking to {bomb >> 20} MB": hostile.cell_bomb(work / "bomb.xlsx", bomb),
            f"a sheet unpacking to {huge >> 20:,} MB": hostile.unpacks_to(work / "huge.xlsx", huge),
        }
        baseline = run([sys.executable, "-m", "reviewctl", "--version"], work, env, args.limit)
        print(f"  reviewctl --version: {baseline[0]:.2f} s, peak {baseline[2] / 1024:.0f} MB (the floor)")
        for number, (label, path) in enumerate(files.items(), start=1):
            store = fresh_store(work, f"store-{number}", env)
            watch = LockWatch(store)
            watch.start()
            wall, cpu, peak, code, last = run([sys.executable, "-m", "reviewctl", "import", str(path), "--map",
                                               str(mapping)], store, env, args.limit)
            watch.done.set()
            watch.join()
            outcome = "imported" if code == 0 else f"refused, exit {code}"
            print(f"  {number}. {label} ({path.stat().st_size / 1024:,.0f} KB on disk): {wall:.2f} s "
                  f"(processor {cpu:.2f} s), peak {peak / 1024:.0f} MB, store lock held {watch.held:.1f} s, "
                  f"{outcome}")
            if code != 0:
                print(f"     {last[:200]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
