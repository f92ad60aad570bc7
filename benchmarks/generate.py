"""Make a synthetic store of N plainly fictional cases, committed, for benchmarks.

    python benchmarks/generate.py PATH N [--seed S]

Cases are spread over the types and stages the way a partnership's caseload is: most
referrals end at triage or with a decision not to conduct, and a few are at each
stage of the front of the process.  Every history is a legal path through the default
workflow, and every case passes `reviewctl validate`.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from reviewctl.core.init import init_store

# stage: (share of cases, steps from `referred`)
STAGES: dict[str, tuple[float, list[tuple[str, str, str]]]] = {
    "referred": (0.10, []),
    "scoping": (0.10, [("triage-accept", "referred", "scoping")]),
    "decision": (0.05, [("triage-accept", "referred", "scoping"), ("scope-done", "scoping", "decision")]),
    "awaiting-chair": (0.03, [("triage-accept", "referred", "scoping"), ("scope-done", "scoping", "decision"),
                              ("decide-conduct", "decision", "awaiting-chair")]),
    "setup": (0.05, [("triage-accept", "referred", "scoping"), ("scope-done", "scoping", "decision"),
                     ("decide-conduct", "decision", "setup")]),
    "no-further-action": (0.45, [("triage-no-further-action", "referred", "no-further-action")]),
    "not-conducted": (0.22, [("triage-accept", "referred", "scoping"), ("scope-done", "scoping", "decision"),
                             ("decide-not-conduct", "decision", "not-conducted")]),
}
TYPES = (["lcspr"] * 4) + (["sar"] * 4) + (["dhr"] * 2) + ["unknown"]


def _history(steps: list[tuple[str, str, str]], case_type: str, received: date) -> tuple[list[str], date]:
    lines = [f"  - step: refer\n    date: {received}\n    from:\n    to: referred\n"
             f"    by: Benchmark\n    recorded: {received}\n    type: {case_type}"]
    when = received
    for step, source, target in steps:
        when += timedelta(days=3)
        lines.append(f"  - step: {step}\n    date: {when}\n    from: {source}\n    to: {target}\n"
                     f"    by: Benchmark\n    recorded: {when}")
    return lines, when


def write_case(folder: Path, case_id: str, case_type: str, stage: str, received: date, n: int) -> None:
    steps = STAGES[stage][1]
    if case_type in ("sar", "dhr") and stage in ("setup", "not-conducted"):
        middle = "decide-conduct" if stage == "setup" else "decide-not-conduct"
        steps = [*steps[:2], (middle, "decision", "awaiting-chair"),
                 ("chair-conduct" if stage == "setup" else "chair-not-conduct", "awaiting-chair", stage)]
    history, last = _history(steps, case_type, received)
    triage = ""
    if steps:
        outcome = "no-further-action" if stage == "no-further-action" else "accepted"
        triage = (f"triage:\n  outcome: {outcome}\n  reason: Synthetic\n  date: {received + timedelta(days=3)}\n")
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(
        f"id: {case_id}\ntype: {case_type}\nstage: {stage}\nsubject: Fictional Person {n}\n"
        f"referrer: Fictional Agency DSL\nreceived: {received}\n"
        "summary: Synthetic benchmark case, entirely fictional\nagencies:\n  - Police\n  - Health\n"
        f"{triage}history:\n" + "\n".join(history) + "\n")
    if stage in ("scoping", "decision", "awaiting-chair", "setup", "not-conducted"):
        asked = received + timedelta(days=3)
        scoping = f"requests:\n  - agency: Police\n    requested: {asked}\n    returned: {asked + timedelta(days=2)}\n"
        if case_type == "lcspr":  # what lcspr needs before the decision meeting
            scoping += f"notified: {asked}\nrapid_review_sent: {asked + timedelta(days=1)}\n"
        (folder / "scoping.yaml").write_text(scoping)
    if stage in ("awaiting-chair", "setup", "not-conducted"):
        meeting = received + timedelta(days=9)
        outcome = "not-conduct" if stage == "not-conducted" else "conduct"
        text = (f"meeting_date: {meeting}\noutcome: {outcome}\nrationale: Synthetic\n"
                "learning_to: Learning and Development Group\n")
        if case_type in ("sar", "dhr") and stage != "awaiting-chair":
            text += f"chair:\n  outcome: {outcome}\n  rationale: Synthetic\n  date: {last}\n"
        if stage == "setup":
            text += f"conducted_from: {last}\n"
        (folder / "decision.yaml").write_text(text)


def generate(root: Path, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    init_store(root, "Fictional Benchmark Partnership", "BENCH")
    names, weights = list(STAGES), [share for share, _ in STAGES.values()]
    ids = []
    for n in range(count):
        case_type = rng.choice(TYPES)
        stage = rng.choices(names, weights)[0]
        if case_type == "unknown" and stage not in ("referred", "scoping", "decision", "no-further-action"):
            stage = "no-further-action"
        if case_type == "lcspr" and stage == "awaiting-chair":
            stage = "decision"
        received = date(2025, 1, 6) + timedelta(days=rng.randrange(680))
        case_id = f"BENCH-{received.year}-{n:06d}"
        write_case(root / "cases" / case_id, case_id, case_type, stage, received, n)
        ids.append(case_id)
    # A real store's files are older than its index. Files written in the same second
    # as the index would stay "racily clean" to git, which then re-reads them on every
    # command, so the benchmark would measure an artefact of making the store.
    time.sleep(1.1)
    subprocess.run(["git", "add", "-A", "cases"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", f"benchmark: {count} synthetic cases"], cwd=root, check=True)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.path, args.count, args.seed)
    print(f"{args.count} cases in {args.path}")


if __name__ == "__main__":
    main()
