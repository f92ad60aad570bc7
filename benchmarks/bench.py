"""Benchmark reviewctl against its floor and its goals, and print the figures.

    python benchmarks/bench.py            # stores of 100, 10,000 and 100,000 cases
    python benchmarks/bench.py --quick    # tiny stores: a smoke run (the test suite uses it)

Every figure is the median wall time of whole processes (or a peak resident size),
measured in this run, on this machine; where a machine is shared, the processor time
(user + system, the process and the git it waits for) beside it is the steadier figure.
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
from generate import generate as generate_store

NAIVE_LOOP = """
import sys
from pathlib import Path
from ruamel.yaml import YAML
yaml = YAML(typ="rt")
count = 0
for path in sorted(Path(sys.argv[1], "cases").glob("*/*.yaml")):
    yaml.load(path.read_text())
    count += 1
print(count)
"""


def run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak resident size (KiB) and processor seconds (user + system, with
    the children it waited for, such as git) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}: {err.strip()}")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def medians(make: Callable[[int], list[str]], cwd: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    """The median wall and processor seconds of `repeat` runs."""
    runs = [run(make(i), cwd, env) for i in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[2] for r in runs)


def median(make: Callable[[int], list[str]], cwd: Path, env: dict[str, str], repeat: int) -> float:
    return medians(make, cwd, env, repeat)[0]


def referred(root: Path, ids: list[str], count: int) -> list[str]:
    found = [i for i in ids if "stage: referred\n" in (root / "cases" / i / "case.yaml").read_text()]
    if len(found) < count:
        raise SystemExit(f"{root}: only {len(found)} referred cases for {count} triage runs")
    return found[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny stores, for a smoke run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per median")
    parser.add_argument("--keep", type=Path, help="build the stores here and keep them")
    args = parser.parse_args()
    small, medium, large = (30, 150, 300) if args.quick else (100, 10_000, 100_000)
    repeat = 1 if args.quick else args.repeat  # a smoke run: every figure, measured once
    python = sys.executable
    rc = [python, "-m", "reviewctl"]
    env = {**os.environ, "REVIEWCTL_TODAY": "2026-11-27", "GIT_AUTHOR_NAME": "Benchmark",
           "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "Benchmark",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    os.environ.update({k: env[k] for k in env if k.startswith("GIT_")})
    work = args.keep or Path(tempfile.mkdtemp(prefix="reviewctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}")
        bare = work / "bare.py"
        generate_bare(bare)
        # Both sides run from compiled modules, as an installed program does (pip compiles a
        # package's modules when it installs them): reviewctl's package and the bare app, run as
        # a module so that its bytecode is read too. PYTHONDONTWRITEBYTECODE, set in some
        # environments, would otherwise make every run compile reviewctl from source.
        subprocess.run([python, "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "reviewctl"),
                        str(bare)], check=True, stdout=subprocess.DEVNULL)
        bare_env = {**env, "PYTHONPATH": str(work)}
        stores = {}
        for size in (small, medium, large):
            root = work / f"store-{size}"
            if not root.exists():
                start = time.perf_counter()
                ids = generate_store(root, size)
                print(f"built a store of {size:,} cases in {time.perf_counter() - start:.0f} s")
            else:  # a kept store: its case folders (not cases/.gitkeep)
                ids = sorted(n for n in os.listdir(root / "cases") if not n.startswith("."))
            stores[size] = (root, ids)
        s_root, s_ids = stores[small]
        m_root, _ = stores[medium]
        l_root, _ = stores[large]
        rows: list[tuple[str, str, str]] = []

        def report(name: str, value: str, goal: str = "") -> None:
            rows.append((name, value, goal))
            print(f"  {name}: {value}  {goal}", flush=True)

        # 1. --help against the bare app
        help_rc = median(lambda i: [*rc, "--help"], s_root, env, repeat)
        help_bare = median(lambda i: [python, "-m", "bare", "--help"], s_root, bare_env, repeat)
        report("1. --help", f"{help_rc:.3f} s vs bare {help_bare:.3f} s = {help_rc / help_bare:.2f}x", "goal <= 1.2x")
        # 2. show against the bare app's no-op command
        show_rc = median(lambda i: [*rc, "show", s_ids[i], "--format", "json"], s_root, env, repeat)
        show_bare = median(lambda i: [python, "-m", "bare", "show", s_ids[i], "--format", "json"], s_root,
                           bare_env, repeat)
        report("2. show --format json", f"{show_rc:.3f} s vs bare no-op {show_bare:.3f} s = "
               f"{show_rc / show_bare:.2f}x", "goal <= 1.5x")
        # 3. triage (with its commit) in the medium store against the small one
        triage = {}
        for size in (small, medium):
            root, ids = stores[size]
            todo = referred(root, ids, repeat)
            triage[size] = statistics.median(
                run([*rc, "triage", case_id, "--accept", "--reason", "benchmark"], root, env)[0]
                for case_id in todo)
        # 2b. that step with its commit (in the small store) against the bare app's no-op command of the same name
        step_bare = median(lambda i: [python, "-m", "bare", "triage", s_ids[i], "--accept", "--reason", "x"],
                           s_root, bare_env, repeat)
        report("2b. a step with its commit", f"triage {triage[small]:.3f} s vs bare no-op {step_bare:.3f} s = "
               f"{triage[small] / step_bare:.2f}x", "goal <= 1.5x")
        report(f"3. triage in {medium:,} vs {small:,} cases", f"{triage[medium]:.3f} s vs {triage[small]:.3f} s "
               f"= {triage[medium] / triage[small]:.2f}x", "goal <= 1.2x")
        # 4. list over the medium store: cold, warm, and the naive loop
        cache = m_root / ".git" / "reviewctl-cache.pickle"
        cache.unlink(missing_ok=True)
        cold = run([*rc, "list", "--format", "json"], m_root, env)[0]
        time.sleep(0.2)
        run([*rc, "list", "--format", "json"], m_root, env)  # settles the cache
        warm = median(lambda i: [*rc, "list", "--format", "json"], m_root, env, repeat)
        naive = median(lambda i: [python, "-c", NAIVE_LOOP, str(m_root)], m_root, env, max(1, repeat // 2))
        report(f"4. list --format json, {medium:,} cases", f"warm {warm:.3f} s, cold {cold:.2f} s; naive "
               f"round-trip loop {naive:.2f} s = {naive / warm:.1f}x slower than warm",
               "goal warm <= 1 s and >= 20x")
        # 5. validate over the medium store: cold (over the cores), warm (verdicts kept), and
        # --base on a pull request that touches one case, against `show` of that case
        validate_cache = m_root / ".git" / "reviewctl-validate.pickle"
        cold_runs = []
        for _ in range(max(1, repeat // 2)):
            validate_cache.unlink(missing_ok=True)
            cold_runs.append(run([*rc, "validate"], m_root, env)[0])
        v_cold = statistics.median(cold_runs)
        time.sleep(0.2)
        run([*rc, "validate"], m_root, env)  # settles the cache (files changed just before are hashed again)
        v_warm = median(lambda i: [*rc, "validate"], m_root, env, repeat)
        report(f"5. validate, {medium:,} cases", f"warm {v_warm:.2f} s, cold {v_cold:.2f} s on {os.cpu_count()} "
               f"cores; naive loop {naive:.2f} s", "goal warm <= 1 s, cold <= 4 s")
        m_ids = sorted(os.listdir(m_root / "cases"))
        touched = m_ids[len(m_ids) // 2]
        git = ["git", "-C", str(m_root)]
        main_branch = subprocess.run([*git, "rev-parse", "--abbrev-ref", "HEAD"], check=True, capture_output=True,
                                     text=True).stdout.strip()
        subprocess.run([*git, "checkout", "-qB", "bench-pr"], check=True)  # -B: a kept store has it
        case_file = m_root / "cases" / touched / "case.yaml"
        case_file.write_text(case_file.read_text().replace("entirely fictional", "entirely fictional, revised"))
        subprocess.run([*git, "commit", "-qam", "a pull request"], check=True)
        base_runs = []
        for _ in range(repeat):
            validate_cache.unlink(missing_ok=True)  # as CI has it: a fresh clone, no cache
            base_runs.append(run([*rc, "validate", "--base", main_branch], m_root, env))
        v_base, v_base_cpu = (statistics.median(r[i] for r in base_runs) for i in (0, 2))
        v_show, v_show_cpu = medians(lambda i: [*rc, "show", touched, "--format", "json"], m_root, env, repeat)
        subprocess.run([*git, "checkout", "-q", main_branch], check=True)
        report(f"5a. validate --base on a pull request touching 1 of {medium:,} cases",
               f"{v_base:.3f} s vs show {v_show:.3f} s = {v_base / v_show:.2f}x; processor time "
               f"{v_base_cpu:.3f} s vs {v_show_cpu:.3f} s = {v_base_cpu / v_show_cpu:.2f}x", "goal <= 2x")
        # 5b. search over the medium store, warm (the details cache holds each case's searchable text)
        run([*rc, "search", "fictional", "--format", "json"], m_root, env)  # settles the details cache
        search = median(lambda i: [*rc, "search", "fictional", "--format", "json"], m_root, env, repeat)
        report(f"5b. search TEXT, {medium:,} cases warm", f"{search:.3f} s", "goal <= 1 s")
        # 6. the large store: list cold and warm, and peak memory
        (l_root / ".git" / "reviewctl-cache.pickle").unlink(missing_ok=True)
        l_cold, l_cold_rss, _ = run([*rc, "list", "--format", "json"], l_root, env)
        time.sleep(0.2)
        run([*rc, "list", "--format", "json"], l_root, env)
        warm_runs = [run([*rc, "list", "--format", "json"], l_root, env) for _ in range(max(1, repeat // 2))]
        l_warm, l_warm_cpu = (statistics.median(r[i] for r in warm_runs) for i in (0, 2))
        warm_peak = max(r[1] for r in warm_runs) / 1024
        report(f"6. list --format json, {large:,} cases", f"warm {l_warm:.2f} s ({l_warm_cpu:.2f} s processor "
               f"time), peak memory {warm_peak:.0f} MB; cold {l_cold:.1f} s, peak memory {l_cold_rss / 1024:.0f} MB",
               "goal warm <= 2.5 s, peak <= 350 MB")
        print("\nreproduce: make bench   (python benchmarks/bench.py)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
