"""Measure the redaction guard and the pattern guard on their corpora, and print the figures.

    python benchmarks/redaction.py            # from the repository root
    python benchmarks/redaction.py --misses   # also list what was missed or flagged

The listed-identifier guard: tests/data/redaction_corpus.yaml holds spellings of invented
people's identifiers that the guard must catch; tests/data/redaction_clean.md holds
paragraphs of published-style review text that name nobody, each checked against every
person's identifiers. The pattern guard (identifiers nobody listed): tests/data/
patterns_corpus.yaml holds spellings of NHS numbers, postcodes, street addresses, dates of
birth, phone numbers, e-mail addresses and titled names; tests/data/patterns_clean.md
holds paragraphs of plain review prose. For each guard the figures are the share caught
(goal: 100 %) and the share of clean paragraphs falsely flagged (goal: at most 2 %).
tests/test_redaction.py asserts the goals.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewctl.adapters import yamlio  # noqa: E402 (the package is found from the repository root)
from reviewctl.core.privacy import patterns  # noqa: E402
from reviewctl.core.privacy.redaction import Confidential, Guard  # noqa: E402

DATA = ROOT / "tests" / "data"
CORPUS = DATA / "redaction_corpus.yaml"
CLEAN = DATA / "redaction_clean.md"
PATTERN_CORPUS = DATA / "patterns_corpus.yaml"
PATTERN_CLEAN = DATA / "patterns_clean.md"


@dataclass
class Measure:
    spellings: int = 0
    caught: int = 0
    paragraphs: int = 0
    flagged: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def caught_share(self) -> float:
        return self.caught / self.spellings

    @property
    def false_alarm_share(self) -> float:
        return self.flagged / self.paragraphs


def guards() -> dict[str, Guard]:
    data = yamlio.parse_safe(CORPUS.read_text(encoding="utf-8"), str(CORPUS))
    allow = data["allow"]
    return {who: Guard.build(Confidential.model_validate(details), allow) for who, details in data["people"].items()}


def spellings() -> list[tuple[str, str, str]]:
    data = yamlio.parse_safe(CORPUS.read_text(encoding="utf-8"), str(CORPUS))
    return [(str(who), str(kind), str(text)) for who, kind, text in data["spellings"]]


def paragraphs(path: Path = CLEAN) -> list[str]:
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def pattern_spellings() -> list[tuple[str, str]]:
    data = yamlio.parse_safe(PATTERN_CORPUS.read_text(encoding="utf-8"), str(PATTERN_CORPUS))
    return [(str(kind), str(text)) for kind, text in data["spellings"]]


def measure_patterns() -> Measure:
    started = time.perf_counter()
    result = Measure()
    for kind, text in pattern_spellings():
        result.spellings += 1
        if kind in {found.kind for found in patterns.scan(text)}:
            result.caught += 1
        else:
            result.missed.append(f"{kind}: {text!r}")
    for paragraph in paragraphs(PATTERN_CLEAN):
        result.paragraphs += 1
        hits = sorted({patterns.KINDS[found.kind] for found in patterns.scan(paragraph)})
        if hits:
            result.flagged += 1
            result.false_alarms.append(f"{hits}: {paragraph[:80]!r}")
    result.seconds = time.perf_counter() - started
    return result


def measure() -> Measure:
    started = time.perf_counter()
    people = guards()
    result = Measure()
    for who, kind, text in spellings():
        result.spellings += 1
        if kind in {k for _, k in people[who].scan(text)}:
            result.caught += 1
        else:
            result.missed.append(f"{who} / {kind}: {text!r}")
    for paragraph in paragraphs():
        result.paragraphs += 1
        hits = {(who, k) for who, guard in people.items() for _, k in guard.scan(paragraph)}
        if hits:
            result.flagged += 1
            result.false_alarms.append(f"{sorted(hits)}: {paragraph[:80]!r}")
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list the spellings missed and paragraphs flagged")
    args = parser.parse_args()
    for title, result in (("identifiers a case lists", measure()), ("identifiers nobody listed (patterns)",
                                                                   measure_patterns())):
        print(f"{title}:")
        print(f"  caught:       {result.caught}/{result.spellings} spellings = {result.caught_share:.1%} (goal 100 %)")
        print(f"  false alarms: {result.flagged}/{result.paragraphs} clean paragraphs = "
              f"{result.false_alarm_share:.1%} (goal at most 2 %)")
        print(f"  time:         {result.seconds:.3f} s for both corpora")
        if args.misses:
            for line in [*result.missed, *result.false_alarms]:
                print(f"    {line}")
    # What a published case's documents cost `validate` each run: the plain prose, 20 times over.
    report = "\n\n".join(paragraphs(PATTERN_CLEAN)) * 20
    started = time.perf_counter()
    patterns.scan(report)
    seconds = time.perf_counter() - started
    print(f"pattern scan: {len(report) / 1e6:.1f} MB of review prose in {seconds:.2f} s "
          f"= {len(report) / 1e6 / seconds:.1f} MB/s")


if __name__ == "__main__":
    main()
