"""Trackers to import, honest and hostile: for benchmarks/imports.py and the tests.

Each writes a real file: a CSV, or a workbook made by openpyxl whose first sheet is
then replaced by XML written here, streamed into the zip (a part that unpacks to 1 GB
is never held in memory, and takes about a megabyte on disk).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

HEADER = ["Pseudonym", "Review type", "Referred by", "Date received", "Incident date", "Summary", "Agencies",
          "Status"]
SHEET = "xl/worksheets/sheet1.xml"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def tracker_rows(count: int) -> list[list[str]]:
    """`count` plausible rows of an earlier tracker: fictional pseudonyms only."""
    kinds = ["Child", "Adult", "Domestic homicide"]
    # Stages before the decision: a review under way comes in with its decision date (issue 18).
    stages = ["New", "Scoping", "Awaiting decision", "Scoping"]
    return [[f"Child {n}" if n % 3 == 0 else f"Adult {n}", kinds[n % 3], "Fictional Shire Police",
             f"{1 + n % 28:02d}/{1 + n % 10:02d}/2026", "", f"Fictional summary {n}", "Police; Health",
             stages[n % 4]] for n in range(1, count + 1)]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def write_xlsx(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def replace_part(path: Path, name: str, chunks: Iterable[bytes]) -> Path:
    """The workbook at `path` with its part `name` replaced by `chunks`, streamed."""
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            replaced = zipfile.ZipInfo(name)
            replaced.compress_type = zipfile.ZIP_DEFLATED
            with target.open(replaced, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return path


def _row(number: int, cells: list[str]) -> bytes:
    inner = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in cells)
    return f'<row r="{number}">{inner}</row>'.encode()


def sheet_xml(rows: Iterable[bytes], dimension: str | None = None, prolog: bytes = b"") -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog
    yield f'<worksheet xmlns="{_NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def cell_bomb(path: Path, cell_bytes: int) -> Path:
    """A workbook whose one row has a summary that unpacks to `cell_bytes` (deflate packs it ~1000:1)."""
    write_xlsx(path, [])

    def rows() -> Iterator[bytes]:
        yield _row(1, HEADER)
        yield b'<row r="2"><c t="inlineStr"><is><t>Child A</t></is></c><c t="inlineStr"><is><t>lcspr</t></is></c>'
        yield b'<c t="inlineStr"><is><t>DSL</t></is></c><c t="inlineStr"><is><t>02/11/2026</t></is></c><c/>'
        yield b'<c t="inlineStr"><is><t>'
        block = b"A" * 2**20
        left = cell_bytes
        while left > 0:
            yield block[:left]
            left -= len(block)
        yield b"</t></is></c></row>"

    return replace_part(path, SHEET, sheet_xml(rows()))


def unpacks_to(path: Path, total_bytes: int) -> Path:
    """A workbook of small rows whose first sheet unpacks to `total_bytes` in all."""
    write_xlsx(path, [])
    one = _row(2, ["Child A", "lcspr", "DSL", "02/11/2026", "", "s", "Police", "New"]).replace(b' r="2"', b"")
    block = one * (2**20 // len(one))

    def rows() -> Iterator[bytes]:
        yield _row(1, HEADER)
        left = total_bytes
        while left > 0:
            yield block
            left -= len(block)

    return replace_part(path, SHEET, sheet_xml(rows()))


def with_dtd(path: Path) -> Path:
    """A workbook whose sheet declares an entity in a DTD (the start of "billion laughs")."""
    write_xlsx(path, [])
    prolog = b'<!DOCTYPE worksheet [<!ENTITY who "Child A">]>\n'
    rows = [_row(1, HEADER), _row(2, ["&who;", "lcspr", "DSL", "02/11/2026", "", "", "Police", "New"])]
    return replace_part(path, SHEET, sheet_xml(rows, prolog=prolog))


def understated(path: Path, rows: list[list[str]]) -> Path:
    """A workbook whose `<dimension>` claims two rows (header and one) while it has more."""
    write_xlsx(path, [])
    numbered = [_row(1, HEADER), *(_row(n, row) for n, row in enumerate(rows, start=2))]
    return replace_part(path, SHEET, sheet_xml(numbered, dimension="A1:H2"))


def padded(path: Path, total_bytes: int) -> Path:
    """A workbook of one row whose sheet unpacks to `total_bytes`, nearly all of it blank
    space between the rows (a parser skims it, so only a bound on unpacking refuses it)."""
    write_xlsx(path, [])
    pad = b" " * 2**20

    def rows() -> Iterator[bytes]:
        yield _row(1, HEADER)
        yield _row(2, ["Child A", "lcspr", "DSL", "02/11/2026", "", "", "Police", "New"])
        left = total_bytes
        while left > 0:
            yield b"\n" + pad[:left]
            left -= len(pad)

    return replace_part(path, SHEET, sheet_xml(rows()))


def lying_sizes(path: Path, rows: int = 2000) -> Path:
    """A workbook whose directory says its sheet unpacks to 100 bytes while it unpacks to far more."""
    write_xlsx(path, tracker_rows(rows))
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # central directory, local header
        at = data.find(signature)
        while at != -1:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            length = int.from_bytes(data[at + size_at + 4:at + size_at + 6], "little")
            if data[name_at:name_at + length] == name:
                data[at + size_at:at + size_at + 4] = (100).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def many_parts(path: Path, count: int) -> Path:
    """A workbook with `count` extra (empty) parts."""
    write_xlsx(path, tracker_rows(1))
    with zipfile.ZipFile(path, "a") as package:
        for number in range(count):
            package.writestr(f"customXml/item{number}.xml", b"")
    return path


def utf16_dtd(path: Path) -> Path:
    """As with_dtd, the sheet in UTF-16 (its declaration in other bytes than UTF-8's)."""
    write_xlsx(path, [])
    prolog = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE worksheet [<!ENTITY who "Child A">]>\n'
    body = (f'<worksheet xmlns="{_NS}"><sheetData>' + _row(1, HEADER).decode()
            + _row(2, ["&who;", "lcspr", "DSL", "02/11/2026", "", "", "Police", "New"]).decode()
            + "</sheetData></worksheet>")
    return replace_part(path, SHEET, [(prolog + body).encode("utf-16")])


def wide_rows(path: Path, count: int) -> Path:
    """A workbook of `count` rows, each with a cell in Excel's last column (XFD), so that a
    reader that pads every row to its last cell makes 16,384 values of each."""
    write_xlsx(path, [])

    def rows() -> Iterator[bytes]:
        yield _row(1, HEADER)
        for number in range(2, count + 2):
            cells = "".join(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for letter, value
                            in zip("ABCD", [f"Child {number}", "lcspr", "DSL", "02/11/2026"], strict=True))
            yield f'<row r="{number}">{cells}<c r="XFD{number}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()

    return replace_part(path, SHEET, sheet_xml(rows()))
