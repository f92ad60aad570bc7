"""Make a synthetic store of N plainly fictional cases, committed, for benchmarks.

    python benchmarks/generate.py PATH N [--seed S]

Cases are spread over the types and over the stages built so far, each with a
history that is a legal path through the default workflow.
"""

from __future__ import annotations

import argparse
import random
import subprocess
from datetime import date, timedelta
from pathlib import Path

from reviewctl.core.init import init_store

# (stage, steps taken from `referred`) for the stages built so far.
PATHS = {
    "referred": [],
    "scoping": [("triage-accept", "referred", "scoping")],
    "decision": [("triage-accept", "referred", "scoping"), ("scope-done", "scoping", "decision")],
    "no-further-action": [("triage-no-further-action", "referred", "no-further-action")],
}
TYPES = ["lcspr", "sar", "dhr", "unknown"]


def case_yaml(case_id: str, case_type: str, stage: str, received: date, n: int) -> str:
    lines = [
        f"id: {case_id}", f"type: {case_type}", f"stage: {stage}",
        f"subject: Fictional Person {n}", "referrer: Fictional Agency DSL",
        f"received: {received.isoformat()}", "summary: Synthetic benchmark case, entirely fictional",
        "agencies:", "  - Police", "  - Health", "history:",
        f"  - step: refer\n    date: {received}\n    from:\n    to: referred\n"
        f"    by: Benchmark\n    recorded: {received}\n    type: {case_type}",
    ]
    when = received
    for step, source, target in PATHS[stage]:
        when += timedelta(days=1)
        lines.append(f"  - step: {step}\n    date: {when}\n    from: {source}\n    to: {target}\n"
                     f"    by: Benchmark\n    recorded: {when}")
    return "\n".join(lines) + "\n"


def generate(root: Path, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    init_store(root, "Fictional Benchmark Partnership", "BENCH")
    ids = []
    for n in range(count):
        case_type = rng.choice(TYPES)
        stage = rng.choice(list(PATHS))
        received = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
        case_id = f"BENCH-{received.year}-{n:06d}"
        folder = root / "cases" / case_id
        folder.mkdir(parents=True)
        (folder / "case.yaml").write_text(case_yaml(case_id, case_type, stage, received, n))
        if stage in ("scoping", "decision"):
            asked = received + timedelta(days=1)
            scoping = f"requests:\n  - agency: Police\n    requested: {asked}\n"
            if case_type == "lcspr":  # what lcspr needs before the decision meeting
                scoping += f"notified: {asked}\nrapid_review_sent: {asked + timedelta(days=1)}\n"
            (folder / "scoping.yaml").write_text(scoping)
        ids.append(case_id)
    subprocess.run(["git", "add", "-A", "cases"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", f"benchmark: {count} synthetic cases"], cwd=root, check=True)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.path, args.count, args.seed)
    print(f"{args.count} cases in {args.path}")


if __name__ == "__main__":
    main()
