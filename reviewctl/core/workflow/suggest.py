"""Names typed as people type them: any capitals, and a near miss answered with the name meant."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches


def canonical(value: str, known: Iterable[str]) -> str | None:
    """The known name `value` is, ignoring capitals and surrounding blanks; None if none."""
    folded = value.strip().casefold()
    return next((k for k in known if k.casefold() == folded), None)


def did_you_mean(value: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    """' (did you mean 'x'?)' for the closest known name, or '' when none is close."""
    names = list(known)
    by_fold = {n.casefold(): n for n in names}
    close = get_close_matches(value.strip().casefold(), list(by_fold), n=1, cutoff=cutoff)
    return f" (did you mean '{by_fold[close[0]]}'?)" if close else ""
