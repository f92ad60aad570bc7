"""What the bulk reports show, beyond their figures: the figures of one review type, the
by-type and flat lines of `stats`, the note for an agency that no case names, and the
tracker in words.

The command line only lays these out (a table, markdown or JSON).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from reviewctl.errors import UsageError

if TYPE_CHECKING:
    from reviewctl.core.reports.cache import Index
    from reviewctl.core.reports.tracker import Figures, TrackerRow


class TypeRow(TypedDict):
    type: str | None
    referrals: int
    conduct: int
    completed: int
    published: int
    deadlines_settled: int
    within_original: int
    within_revised: int


class ThemeRow(TypedDict):
    theme: str
    reviews: int


def figures_for(index: Index, first: date, last: date, case_type: str | None) -> Figures:
    """The figures over [first, last]: of one review type, or of all with each type's own."""
    from reviewctl.core.reports.tracker import stats, stats_by_type  # lazy: loads statistics, tempfile

    if case_type is None:
        return stats_by_type(index, first, last)
    if case_type not in index.types:
        raise UsageError(f"--type {case_type!r} is not a review type (known: {', '.join(index.types)})")
    return stats(replace(index, summaries=[s for s in index.summaries if s.type == case_type]), first, last)


def type_rows(figures: Figures, case_type: str | None) -> list[TypeRow]:
    """`stats --by type`: one row per review type (the one asked for, with --type)."""
    per_type: list[tuple[str | None, Figures]] = [*figures["by_type"].items()] if "by_type" in figures \
        else [(case_type, figures)]
    return [{"type": t, "referrals": f["referrals"]["total"], "conduct": f["decisions"]["conduct"],
             "completed": f["reviews_completed"]["count"], "published": f["reviews_published"],
             "deadlines_settled": f["timescales"]["settled"], "within_original": f["timescales"]["within_original"],
             "within_revised": f["timescales"]["within_revised"]}
            for t, f in per_type]


def theme_rows(figures: Figures) -> list[ThemeRow]:
    """`stats --by theme`: how many reviews named each learning theme."""
    return [{"theme": k, "reviews": v} for k, v in figures["themes"].items()]


def flat_figures(figures: Figures) -> list[tuple[str, str]]:
    """The figures as one line each; a clock's share, a theme and each review not published too."""
    flat: list[tuple[str, object]] = []
    for key, value in figures.items():
        if key == "by_type":
            continue
        if key == "not_published":
            flat += [(f"not published: {r['id']} ({r['reason']})", "; ".join(r["findings"]) or "no findings recorded")
                     for r in figures["not_published"]]
        elif isinstance(value, Mapping):
            for k, v in value.items():
                if key == "timescales" and k == "by_clock":
                    flat += [(f"{key}: {clock}", f"{r['within_original']}/{r['settled']} within the original date, "
                                                 f"{r['within_revised']}/{r['settled']} within the revised")
                             for clock, r in figures["timescales"]["by_clock"].items()]
                else:
                    flat.append((f"{key}: {k}", v))
        else:
            flat.append((key, value))
    return [(k, "" if v is None else str(v)) for k, v in flat]


def unknown_agency(index: Index, agency: str) -> str | None:
    """A note when no case names `agency` at all, with the nearest name that one does; else None."""
    from reviewctl.core.workflow.suggest import canonical, did_you_mean  # lazy: loads difflib

    known = sorted({str(a) for s in index.summaries for a in s.agencies})
    if canonical(agency, known) is not None:
        return None
    return f"note: no case names the agency {agency!r}{did_you_mean(agency, known)}"


def tracker_table_rows(rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """The tracker's rows without each case's list of deadlines (a table or a sheet has one cell a field)."""
    return [{k: v for k, v in r.items() if k != "deadlines"} for r in rows]


# The tracker in words: what a person reads in a spreadsheet or a document, in place of a code.
WORD_CODES = ("type_code", "stage_code")  # where the codes go, for scripts
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "paused": "Paused"}
DECISION_WORDS = {"conduct": "To conduct", "not-conduct": "Not to conduct"}


def in_words(rows: Iterable[TrackerRow], type_labels: dict[str, str],
             stage_labels: dict[str, str]) -> Iterator[dict[str, object]]:
    """The tracker's rows as a person reads them: each type and stage by its label (the
    workflow's, or the store's `type_labels`), with the codes in `type_code` and `stage_code`;
    Yes or No for a yes-or-no field; RAG and the decision as words."""
    for row in rows:
        words: dict[str, object] = {k: ("Yes" if v else "No") if isinstance(v, bool) else v for k, v in row.items()}
        words["type"] = type_labels.get(row["type"], row["type"])
        words["stage"] = row.get("stage_label") or stage_labels.get(row["stage"], row["stage"])
        words["rag"] = RAG_WORDS.get(row["rag"] or "", row["rag"])
        words["decision"] = DECISION_WORDS.get(row["decision"] or "", row["decision"])
        words["type_code"], words["stage_code"] = row["type"], row["stage"]
        yield words
