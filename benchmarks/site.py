"""Benchmark `reviewctl site` on a store of 10,000 plainly fictional cases.

    python benchmarks/site.py [--quick] [--keep DIR] [--repeat N]

Prints (1) the time to write the whole site with the report cache warm (the goal is
under 10 s), as the median of whole `reviewctl site` processes each a day later than
the last (so every page is written again), and the first build from a cold cache for
comparison; and (2) the time headless Chromium takes to open the
tracker page from file:// with its script run (the goal is under 2 s): the whole
browser process, the same for an empty page (the browser's own start), and the time
the page itself reports when its script has sorted out the table (data-ready-ms).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from browser import dump_dom, find_chromium  # noqa: E402 - after the path is set
from generate import generate as generate_store  # noqa: E402

CPU: list[float] = []  # the processor time of each timed run (user + system)


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall time of one whole process; its processor time goes to CPU (on a shared machine
    the wall time also counts the others' work)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a store of 100 cases, for a smoke run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per median")
    parser.add_argument("--keep", type=Path, help="build the store here and keep it")
    args = parser.parse_args()
    size = 100 if args.quick else 10_000
    env = {**os.environ, "REVIEWCTL_TODAY": "2026-11-27", "GIT_AUTHOR_NAME": "Benchmark",
           "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "Benchmark",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    os.environ.update({k: env[k] for k in env if k.startswith("GIT_")})
    work = args.keep or Path(tempfile.mkdtemp(prefix="reviewctl-bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    rc = [sys.executable, "-m", "reviewctl"]
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}")
        root = work / f"store-{size}"
        if not root.exists():
            start = time.perf_counter()
            generate_store(root, size, quick=args.quick)
            print(f"built a store of {size:,} cases in {time.perf_counter() - start:.0f} s")
        out = work / "site"
        shutil.rmtree(out, ignore_errors=True)
        (root / ".git" / "reviewctl-cache.pickle").unlink(missing_ok=True)
        cold = timed([*rc, "site", str(out)], root, env)
        time.sleep(0.2)
        timed([*rc, "site", str(out)], root, env)  # settles the cache
        # Each warm run a day later: every page changes (its statuses and "as of" move with
        # the date), as when the site is written each morning.
        CPU.clear()
        warm = statistics.median(timed([*rc, "site", str(out)], root, {**env, "REVIEWCTL_TODAY": f"2026-12-0{i + 1}"})
                                 for i in range(args.repeat))
        cpu = statistics.median(CPU)
        pages = sum(1 for _ in (out / "cases").iterdir())
        size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
        print(f"  1. site, {size:,} cases ({pages:,} case pages, {size_mb:.0f} MB): warm {warm:.2f} s "
              f"(median of {args.repeat}; processor time {cpu:.2f} s), cold cache {cold:.1f} s  goal warm < 10 s")
        print(f"     load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        browser = find_chromium()
        if browser is None:
            print("  2. no chromium on PATH: the page-open figure needs it (apt-get install chromium)")
            return
        blank = out / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>")
        url = (out / "index.html").as_uri()
        runs, inside = [], []
        empty = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            dom = dump_dom(browser, url)
            runs.append(time.perf_counter() - start)
            found = re.search(r'data-ready-ms="(\d+)"', dom)
            if found is None or dom.count("<tr data-case=") != size:
                raise SystemExit("the tracker did not open with every case and its script run")
            inside.append(int(found.group(1)) / 1000)
            start = time.perf_counter()
            dump_dom(browser, blank.as_uri())
            empty.append(time.perf_counter() - start)
        blank.unlink()
        print(f"  2. tracker of {size:,} cases opened in headless Chromium: {statistics.median(runs):.2f} s for "
              f"the whole browser process (an empty page: {statistics.median(empty):.2f} s); the page ready "
              f"{statistics.median(inside):.2f} s after navigation  goal < 2 s")
        print("\nreproduce: make bench-site   (python benchmarks/site.py)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
