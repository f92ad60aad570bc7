"""The only user of pypdf: the text of a PDF a user hands in (the Home Office QA Panel's letter).

Only its text is wanted: a letter comes as a PDF from the Home Office, and what reviewctl
keeps of it is its words, which the guards can read. pypdf is pure Python and needs
nothing else; it reads the text layer of each page, in order.
"""

from __future__ import annotations

import io
import logging


class NotPdf(ValueError):
    """The bytes are not a PDF that can be read (broken, or encrypted with a password)."""


def pdf_text(data: bytes, max_pages: int = 200) -> str:
    """The text of each page, pages parted by a blank line. Raises NotPdf."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd files are not the user's to read
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise NotPdf("it is protected with a password")
        if len(reader.pages) > max_pages:
            raise NotPdf(f"it has {len(reader.pages)} pages, more than a letter's {max_pages}")
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except NotPdf:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds for a broken or hostile file
        raise NotPdf(f"{type(error).__name__}: {error}"[:200]) from None
