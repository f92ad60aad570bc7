"""A clock pause as `clock pause` asks for it: --for may name a recorded parallel proceeding."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reviewctl.core.clockstory import pause
from reviewctl.core.proceedings import waited_for

if TYPE_CHECKING:
    from reviewctl.core.step import StepOptions
    from reviewctl.core.store import Store
    from reviewctl.core.transaction import Outcome

_PROCEEDING = re.compile(r"\s*[Pp]\d+\s*")  # an id from `parallel add`: P1, P2 ...


def pause_clock(store: Store, case_id: str, clock: str, reason: str, waits_for: str | None,
                options: StepOptions) -> Outcome:
    """Pause `clock`; a --for that is a proceeding's id is kept as its id, kind and reference."""
    if waits_for is not None and _PROCEEDING.fullmatch(waits_for):
        waits_for = waited_for(store, case_id, waits_for)
    return pause(store, case_id, clock, reason, waits_for, options)
