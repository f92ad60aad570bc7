"""Files a user hands to a command (a report, a plan, a chronology, evidence): read once, checked.

A file is read whole into memory and, for most, into the store's history for ever, so
one larger than any document a review produces is a mistake (the wrong file, a video),
refused before it is read.
"""

from __future__ import annotations

from pathlib import Path

from reviewctl.errors import UsageError

MAX_INPUT_BYTES = 20 * 2**20  # a long review report in markdown is well under 1 MB


def check_input(path: Path, flag: str) -> None:
    """Refuse a file handed in that is missing or larger than any document a review produces."""
    shown = f"{flag} {path}" if flag else str(path)
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise UsageError(f"{shown}: {size / 2**20:.0f} MB is larger than the {MAX_INPUT_BYTES // 2**20} MB a "
                         "document may be; check that this is the right file")


def read_input(path: Path, flag: str, not_text: str = "save it as UTF-8") -> str:
    """The text of `path` (UTF-8, a byte-order mark dropped), refused if missing, huge or not text."""
    shown = f"{flag} {path}" if flag else str(path)
    check_input(path, flag)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: not UTF-8 text; {not_text}") from None
