"""A posted form, read from the request: its fields, and the files it uploads.

Forms are `application/x-www-form-urlencoded`, or `multipart/form-data` where a field
is a file (a report, a letter); the standard library reads both (`cgi` is gone from
Python 3.13, and the email parser reads a multipart body as well).  A body is read only
up to its stated length, and only up to MAX_BYTES.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs

MAX_BYTES = 64 * 2**20  # a long report as a Word file, with room to spare
MAX_FIELDS = 1000
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class BodyError(Exception):
    """A body no form of ours sends; `status` says which answer it gets."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class Upload:
    filename: str  # a safe name for the file, keeping its extension (report.docx)
    data: bytes


@dataclass
class Posted:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None


def safe_filename(name: str) -> str:
    """The last part of a browser's file name, in letters, digits, dots, dashes and underscores."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("-", base).strip(".-") or "upload"
    return cleaned[-100:]


def read_posted(content_type: str | None, length: str | None, stream: Readable) -> Posted:
    try:
        size = int(length or "")
    except ValueError:
        raise BodyError("a form's post says how long it is (Content-Length)", 411) from None
    if size < 0 or size > MAX_BYTES:
        raise BodyError(f"a form may post at most {MAX_BYTES // 2**20} MB", 413)
    data = stream.read(size)
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            text = data.decode("utf-8")
            return Posted(parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"))
        except (UnicodeDecodeError, ValueError):
            raise BodyError("the form's post is not UTF-8 form data") from None
    if kind == "multipart/form-data":
        return _multipart(content_type or "", data)
    raise BodyError("post the page's own form (form data, or multipart form data with files)", 415)


def _multipart(content_type: str, data: bytes) -> Posted:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + data)
    if not message.is_multipart():
        raise BodyError("the form's post is not multipart form data")
    posted = Posted()
    parts = list(message.iter_parts())
    if len(parts) > MAX_FIELDS:
        raise BodyError(f"a form has at most {MAX_FIELDS} fields")
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise BodyError("a part of the form's post has no field name")
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            if filename or payload:  # a file field left empty sends an empty part with no name
                posted.files.setdefault(name, []).append(Upload(safe_filename(filename), payload))
            continue
        try:
            posted.fields.setdefault(name, []).append(payload.decode("utf-8"))
        except UnicodeDecodeError:
            raise BodyError(f"the field {name!r} is not UTF-8 text") from None
    return posted
