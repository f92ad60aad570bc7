"""A second attack on bounded imports (issue 19): a DTD that the check before parsing did
not see. An XML part may be UTF-16 with no byte-order mark and no declaration (the XML
standard tells its encoding from its first bytes, and Python's parser reads it so); the
check read it as UTF-8, saw no `<!DOCTYPE`, and openpyxl then expanded its entities.

Real workbooks made by openpyxl and rewritten as an attacker would, a real store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import USAGE, Cli, refused_cleanly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import hostile_files as hostile  # beside the benchmark that uses them too

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def bare_utf16(path: Path, codec: str, lead: str = "") -> Path:
    """A workbook whose sheet is UTF-16 with no mark and no declaration, declaring an entity."""
    hostile.write_xlsx(path, [])
    def row(cells: list[str]) -> str:
        return "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in cells)

    cells = ["&who;", "lcspr", "DSL", "02/11/2026", "", "", "Police", "New"]
    text = (f'{lead}<!DOCTYPE worksheet [<!ENTITY who "Expanded Entity">]><worksheet xmlns="{NS}"><sheetData>'
            f'<row r="1">{row(hostile.HEADER)}</row><row r="2">{row(cells)}</row></sheetData></worksheet>')
    return hostile.replace_part(path, hostile.SHEET, [text.encode(codec)])


@pytest.mark.parametrize(("codec", "lead"), [("utf-16-le", ""), ("utf-16-be", ""), ("utf-16-le", "\n ")])
def test_a_dtd_in_utf16_with_no_mark_is_refused(cli: Cli, store: Path, tmp_path: Path, codec: str,
                                                lead: str) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(cli.ok("template", "import-map.yaml").out)
    tracker = bare_utf16(tmp_path / "bare.xlsx", codec, lead)
    err = refused_cleanly(cli, store, USAGE, "import", str(tracker), "--map", str(mapping))
    assert "bare.xlsx" in err and "xl/worksheets/sheet1.xml" in err and ("DTD" in err or "encoding" in err), err
