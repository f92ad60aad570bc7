"""Benchmark reviewctl against its floors and goals on a store that looks like a caseload, and print the figures.

    python benchmarks/bench.py            # 10,000 cases (and 100 for a step): every figure of the table
    python benchmarks/bench.py --large    # 100,000 cases: the tracker cold and warm, time and memory
    python benchmarks/bench.py --quick    # tiny stores: a smoke run (the test suite uses it)
    python benchmarks/bench.py --step     # only the step's figure (5), on 100 cases

Every figure is a ratio of two medians measured in this run, on this machine, A and B
in turn (A, B, A, B, ...: a machine that gets busier slows both alike), with the
absolute times beside it; each time is the wall time of a whole process, from compiled
modules as an installed program runs.  The floors:
- the parse floor: parsing every case file of the store once with PyYAML's C loader in
  one process (`cases/*/*.yaml`), what any read of every case has to beat;
- the bare app: a typer app with reviewctl's commands and options that does nothing
  (benchmarks/bare_app.py), of one command for a step, as reviewctl builds one.
"Cold" is a fresh clone of the store with nothing cached; "warm" is a second run.
Benchmarks report; they do not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bare_app import generate as generate_bare
from generate import IDENTIFIERS_SHARE, STAGE_SHARES, TYPE_SHARES, exemplars
from generate import generate as generate_store

FLOOR = """
import sys
from pathlib import Path
import yaml
for path in sorted(Path(sys.argv[1], "cases").glob("*/*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
TODAY = "2026-11-27"
Run = tuple[float, int, float]  # wall seconds, peak resident KiB, processor seconds


def run(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """One whole process: its wall time, peak resident size and processor time (user +
    system, with the children it waited for, such as git)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if code != 0:
        raise SystemExit(f"{' '.join(args)} exited {code}: {err.strip()[-2000:]}")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


class Bench:
    def __init__(self, repeat: int, env: dict[str, str]) -> None:
        self.repeat, self.env = repeat, env
        self.rows: list[str] = []
        # A smoke run (one run of each) measures a read-only B once, however many figures share it.
        self.seen: dict[tuple[str, ...], Run] | None = {} if repeat == 1 else None

    def pair(self, a: Callable[[int], list[str]], b: Callable[[int], list[str]], cwd: Path,
             before_a: Callable[[int], None] | None = None, env_a: Callable[[int], dict[str, str]] | None = None,
             env_b: dict[str, str] | None = None, cwd_b: Path | None = None,
             undo: bool = False) -> tuple[list[Run], list[Run]]:
        """`repeat` runs of A and of B, in turn; `before_a(i)` is done (not timed) before each A.
        `undo`: each run made a commit, which is taken back after it (not timed), so that every
        run of a step finds the same store."""
        runs_a, runs_b = [], []
        for i in range(self.repeat):
            if before_a is not None:
                before_a(i)
            runs_a.append(run(a(i), cwd, env_a(i) if env_a else self.env))
            if undo:
                _undo(cwd)
            asked = (str(cwd_b or cwd), *b(i))
            if self.seen is not None and asked in self.seen and not undo:
                runs_b.append(self.seen[asked])
                continue
            runs_b.append(run(b(i), cwd_b or cwd, env_b or self.env))
            if self.seen is not None:
                self.seen[asked] = runs_b[-1]
            if undo and cwd_b is not None:
                _undo(cwd_b)
        return runs_a, runs_b

    def report(self, name: str, value: str, goal: str = "") -> None:
        line = f"  {name}: {value}" + (f"   goal {goal}" if goal else "")
        self.rows.append(line)
        print(line, flush=True)

    def ratio(self, name: str, a: list[Run], a_name: str, b: list[Run], b_name: str, goal: str = "") -> None:
        wa, wb = (statistics.median(r[0] for r in runs) for runs in (a, b))
        ca, cb = (statistics.median(r[2] for r in runs) for runs in (a, b))
        self.report(name, f"**{wa / wb:.2f}x** ({a_name} {wa:.3f} s vs {b_name} {wb:.3f} s; processor time "
                    f"{ca / cb:.2f}x, {ca:.3f} s vs {cb:.3f} s)", goal)


def _undo(root: Path) -> None:
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "HEAD~1"], check=True)


def wipe_caches(root: Path) -> None:
    """Nothing cached: as a fresh clone has it."""
    for path in (root / ".git").glob("reviewctl-*.pickle"):
        path.unlink()


def fresh_clone(source: Path, target: Path) -> Path:
    if not target.exists():
        subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
    shutil.rmtree(Path(f"{target}.keys"), ignore_errors=True)
    shutil.copytree(Path(f"{source}.keys"), Path(f"{target}.keys"))
    return target


def referred(root: Path, rc: list[str], env: dict[str, str]) -> str:
    """A referred case without identifiers (a step on one with them needs a key to read them);
    referred by reviewctl where the store has none (a tiny store may not)."""
    for path in sorted((root / "cases").iterdir()):
        if (path / "case.yaml").is_file() and "stage: referred\n" in (path / "case.yaml").read_text() \
                and not (path / "identifiers.age").exists():
            return path.name
    made = subprocess.run([*rc, "refer", "--type", "sar", "--subject", "Adult T", "--referrer", "Fictional DSL",
                           "--summary", "A fictional referral for the step's figure.", "--agency", "Police"],
                          cwd=root, env=env, check=True, capture_output=True, text=True)
    return made.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny stores, for a smoke run")
    parser.add_argument("--large", action="store_true", help="the figures of 100,000 cases")
    parser.add_argument("--step", action="store_true", help="only the step's figure (5), on 100 cases")
    parser.add_argument("--repeat", type=int, default=5, help="runs per median")
    parser.add_argument("--keep", type=Path, help="build the stores here and keep them (reused when there)")
    args = parser.parse_args()
    python = sys.executable
    rc = [python, "-m", "reviewctl"]
    env = {**os.environ, "REVIEWCTL_TODAY": TODAY, "GIT_AUTHOR_NAME": "Benchmark",
           "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "Benchmark",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    env.pop("REVIEWCTL_IDENTITY", None)  # as CI has it: no key, so no identifier is decrypted
    os.environ.update({k: env[k] for k in env if k.startswith("GIT_")})
    bench = Bench(1 if args.quick else args.repeat, env)  # a smoke run: every figure, measured once
    work = args.keep or Path(tempfile.mkdtemp(prefix="reviewctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}; load average {os.getloadavg()[0]:.1f} at the start")
        print(f"store mix: stages {_shares(STAGE_SHARES)}; types {_shares(TYPE_SHARES)}; "
              f"{IDENTIFIERS_SHARE:.0%} with encrypted identifiers; letters as md and docx")
        # Both sides run from compiled modules, as an installed program does (pip compiles a
        # package's modules when it installs them): reviewctl's package and the bare apps, run as
        # modules so that their bytecode is read too. PYTHONDONTWRITEBYTECODE, set in some
        # environments, would otherwise make every run compile reviewctl from source.
        for name, only in (("bare", None), ("bare_triage", ["triage"])):
            generate_bare(work / f"{name}.py", only)
        floor_file = work / "floor.py"
        floor_file.write_text(FLOOR)
        subprocess.run([python, "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "reviewctl"),
                        str(work)], check=True, stdout=subprocess.DEVNULL)
        bare_env = {**env, "PYTHONPATH": str(work)}
        sizes = ([60] if args.large else [20, 45]) if args.quick else ([100_000] if args.large else [100, 10_000])
        if args.step:
            sizes = sizes[:1]
        stores = _stores(work, sizes, args.quick)
        if args.step:
            _step(bench, rc, python, bare_env, stores[sizes[0]])
        elif args.large:
            _large(bench, rc, stores[sizes[0]])
        else:
            _figures(bench, rc, python, bare_env, floor_file, stores[sizes[0]], stores[sizes[1]])
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("reproduce: make bench   (python benchmarks/bench.py; make bench-large for 100,000 cases)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(f"{name} {share:.0%}" for name, share in shares.items())


def _stores(work: Path, sizes: list[int], quick: bool) -> dict[int, Path]:
    """Each store as a fresh clone of the one generated (kept stores are reused)."""
    stores = {}
    todo = [size for size in sizes if not (work / f"store-{size}").exists()]
    if todo:
        start = time.perf_counter()
        with exemplars(quick) as made:
            print(f"exemplar cases made by reviewctl's own commands in {time.perf_counter() - start:.0f} s")
            for size in todo:
                start = time.perf_counter()
                generate_store(work / f"store-{size}", size, quick=quick, made=made)
                print(f"built a store of {size:,} cases in {time.perf_counter() - start:.0f} s")
    for size in sizes:
        stores[size] = fresh_clone(work / f"store-{size}", work / f"clone-{size}")
    return stores


def _figures(bench: Bench, rc: list[str], python: str, bare_env: dict[str, str], floor_file: Path,
             small: Path, medium: Path) -> None:
    env = bench.env
    size = sum(1 for p in (medium / "cases").iterdir() if p.is_dir())
    files = sum(1 for _ in (medium / "cases").glob("*/*.yaml"))
    print(f"\nThe issue's figures ({size:,} cases, {files:,} case files of YAML; medians of {bench.repeat}):")
    floor = [python, str(floor_file), str(medium)]
    # 1. cold list against the parse floor
    a, b = bench.pair(lambda i: [*rc, "list", "--format", "json"], lambda i: floor, medium,
                      before_a=lambda i: wipe_caches(medium))
    bench.ratio(f"1. list --format json, {size:,} cases, fresh clone, against the parse floor", a, "list", b, "floor",
                "<= 1.2x")
    # 2. cold validate against the parse floor
    a, b = bench.pair(lambda i: [*rc, "validate"], lambda i: floor, medium, before_a=lambda i: wipe_caches(medium))
    bench.ratio(f"2. validate, {size:,} cases, fresh clone, against the parse floor", a, "validate", b, "floor",
                "<= 1.2x")
    # 3. warm list against one case's show
    run([*rc, "list", "--format", "json"], medium, env)
    time.sleep(0.2)
    run([*rc, "list", "--format", "json"], medium, env)  # settles the cache (files changed just before)
    ids = sorted(p.name for p in (medium / "cases").iterdir() if p.is_dir())
    a, b = bench.pair(lambda i: [*rc, "list", "--format", "json"],
                      lambda i: [*rc, "show", ids[i * 97 % len(ids)], "--format", "json"], medium)
    bench.ratio(f"3. warm list --format json, {size:,} cases, against one case's show", a, "list", b, "show", "<= 2x")
    # 4. warm site against the parse floor; each run a day later, so that every page is written again
    out = medium.parent / "site"
    run([*rc, "site", str(out)], medium, env)
    a, b = bench.pair(lambda i: [*rc, "site", str(out)], lambda i: floor, medium,
                      env_a=lambda i: {**env, "REVIEWCTL_TODAY": f"2026-12-{i + 1:02d}"})
    bench.ratio(f"4. warm site, {size:,} cases, against the parse floor", a, "site", b, "floor", "<= 1x")
    small_case, small_size = _step(bench, rc, python, bare_env, small)

    print("\nWhat must not get slower:")
    a, b = bench.pair(lambda i: [*rc, "--help"], lambda i: [python, "-m", "bare", "--help"], small, env_b=bare_env)
    bench.ratio("6. --help against the bare app's", a, "reviewctl", b, "bare", "<= 1.2x")
    small_all = sorted(p.name for p in (small / "cases").iterdir() if p.is_dir())
    a, b = bench.pair(lambda i: [*rc, "show", small_all[i], "--format", "json"],
                      lambda i: [python, "-m", "bare", "show", small_all[i], "--format", "json"], small,
                      env_b=bare_env)
    bench.ratio("7. show --format json against the bare app's no-op", a, "show", b, "bare", "<= 1.5x")
    medium_case = referred(medium, rc, env)
    a, b = bench.pair(lambda i: [*rc, "triage", medium_case, "--accept", "--reason", "benchmark"],
                      lambda i: [*rc, "triage", small_case, "--accept", "--reason", "benchmark"], medium,
                      cwd_b=small, undo=True)
    bench.ratio(f"8. triage with its commit in {size:,} cases against {small_size:,}", a, f"{size:,}", b,
                f"{small_size:,}", "<= 1.2x")
    for name, args, goal in (("9. due", ["due", "--format", "json"], ""),
                             ("10. stats", ["stats", "--format", "json"], ""),
                             ("11. search TEXT", ["search", "fictional", "--format", "json"], "")):
        run([*rc, *args], medium, env)  # the details cache, settled
        a, b = bench.pair(lambda i, args=args: [*rc, *args],
                          lambda i: [*rc, "show", ids[i * 97 % len(ids)], "--format", "json"], medium)
        bench.ratio(f"{name}, {size:,} cases warm, against show", a, name.split(" ", 1)[1], b, "show", goal)
    a, b = bench.pair(lambda i: [*rc, "validate"], lambda i: [*rc, "show", ids[i * 97 % len(ids)], "--format", "json"],
                      medium)
    bench.ratio(f"12. warm validate, {size:,} cases, against show", a, "validate", b, "show")
    _validate_base(bench, rc, medium, ids)


def _step(bench: Bench, rc: list[str], python: str, bare_env: dict[str, str], small: Path) -> tuple[str, int]:
    """5. a step with its commit against the bare app of that one command; the case and the store's size."""
    small_case = referred(small, rc, bench.env)
    a, b = bench.pair(lambda i: [*rc, "triage", small_case, "--accept", "--reason", "benchmark"],
                      lambda i: [python, "-m", "bare_triage", "triage", small_case, "--accept", "--reason", "x"],
                      small, env_b=bare_env, undo=True)
    small_size = sum(1 for p in (small / "cases").iterdir() if p.is_dir())
    bench.ratio(f"5. a step with its commit (triage, {small_size:,} cases) against the bare app of triage alone", a,
                "triage", b, "bare", "<= 1.3x")
    return small_case, small_size


def _validate_base(bench: Bench, rc: list[str], root: Path, ids: list[str]) -> None:
    """validate --base on a pull request that touches one case, no cache (as CI has it), against show of that case."""
    touched = ids[len(ids) // 2]
    git = ["git", "-C", str(root)]
    main_branch = subprocess.run([*git, "rev-parse", "--abbrev-ref", "HEAD"], check=True, capture_output=True,
                                 text=True).stdout.strip()
    subprocess.run([*git, "checkout", "-qB", "bench-pr"], check=True)  # -B: a kept store has it
    case_file = root / "cases" / touched / "case.yaml"
    case_file.write_text(case_file.read_text().replace("nothing in it is real", "nothing in it is real, revised"))
    subprocess.run([*git, "commit", "-qam", "a pull request"], check=True)
    try:
        a, b = bench.pair(lambda i: [*rc, "validate", "--base", main_branch],
                          lambda i: [*rc, "show", touched, "--format", "json"], root,
                          before_a=lambda i: wipe_caches(root))
        bench.ratio("13. validate --base on a pull request touching 1 case, against show", a, "validate --base", b,
                    "show", "<= 2x")
    finally:
        subprocess.run([*git, "checkout", "-q", main_branch], check=True)


def _large(bench: Bench, rc: list[str], root: Path) -> None:
    size = sum(1 for p in (root / "cases").iterdir() if p.is_dir())
    print(f"\nThe tracker of {size:,} cases (medians of {bench.repeat}):")
    env = bench.env
    cold = []
    for _ in range(bench.repeat):
        wipe_caches(root)
        cold.append(run([*rc, "list", "--format", "json"], root, env))
    bench.report(f"14. list --format json, {size:,} cases, fresh clone",
                 f"**{statistics.median(r[0] for r in cold):.1f} s**, peak memory "
                 f"**{max(r[1] for r in cold) / 1024:.0f} MB** (processor time "
                 f"{statistics.median(r[2] for r in cold):.1f} s)", "<= 20 s, <= 300 MB")
    time.sleep(0.2)
    run([*rc, "list", "--format", "json"], root, env)  # settles the cache
    warm = [run([*rc, "list", "--format", "json"], root, env) for _ in range(bench.repeat)]
    bench.report(f"15. warm list --format json, {size:,} cases",
                 f"**{statistics.median(r[0] for r in warm):.2f} s**, peak memory "
                 f"**{max(r[1] for r in warm) / 1024:.0f} MB** (processor time "
                 f"{statistics.median(r[2] for r in warm):.2f} s)", "<= 1.5 s, <= 200 MB")


if __name__ == "__main__":
    main()
