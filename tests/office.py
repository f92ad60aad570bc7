"""LibreOffice and poppler for the tests that look at letters and spreadsheets as people see
them: a .docx or .xlsx converted headless (`soffice --headless --convert-to pdf|csv`), a
PDF's text (`pdftotext`), its pages' size (`pdfinfo`) and its pages as images (`pdftoppm`).

Only Debian's packages (`libreoffice-writer-nogui`, `libreoffice-calc-nogui`,
`poppler-utils`) and the standard library. A test that needs them is skipped, saying
why, where they are not installed, unless REVIEWCTL_REQUIRE_OFFICE is set (as CI sets
it), when it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# Read when the tests are collected: conftest clears every REVIEWCTL_ variable before they run.
REQUIRE = bool(os.environ.get("REVIEWCTL_REQUIRE_OFFICE"))
PROGRAMS = {"soffice": "libreoffice-writer-nogui libreoffice-calc-nogui", "pdftotext": "poppler-utils",
            "pdfinfo": "poppler-utils", "pdftoppm": "poppler-utils"}
MM_PER_POINT = 25.4 / 72
# LibreOffice's CSV filter: comma, double quotes, UTF-8, from row 1, cells as shown (dates as formatted).
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"


def needed() -> None:
    """Skip (or, when required, fail) a test when LibreOffice or poppler is missing."""
    missing = sorted({package for program, package in PROGRAMS.items() if shutil.which(program) is None})
    if not missing:
        return
    absent = ", ".join(p for p in PROGRAMS if shutil.which(p) is None)
    why = f"{absent} not installed (apt-get install {' '.join(missing)})"
    if REQUIRE:
        pytest.fail(f"REVIEWCTL_REQUIRE_OFFICE is set but {why}")
    pytest.skip(f"{why}; set REVIEWCTL_REQUIRE_OFFICE=1 to fail instead")


def convert(files: list[Path], to: str, out: Path, profile: Path) -> list[Path]:
    """`files` converted by one headless LibreOffice into `out` (`to`: pdf, or CSV_AS_SHOWN).

    `profile`: LibreOffice's user folder, made on first use (a second LibreOffice on the
    same folder would wait for the first; each session has its own)."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", to, "--outdir", str(out), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    suffix = to.split(":", 1)[0]
    made = [out / f"{f.stem}.{suffix}" for f in files]
    missing = [p.name for p in made if not p.is_file()]
    assert done.returncode == 0 and not missing, (done.returncode, missing, done.stdout[-2000:], done.stderr[-2000:])
    return made


def pdf_text(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@dataclass(frozen=True)
class PageSize:
    width_mm: float
    height_mm: float
    pages: int


def page_size(pdf: Path) -> PageSize:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert size is not None and pages is not None, info
    return PageSize(float(size.group(1)) * MM_PER_POINT, float(size.group(2)) * MM_PER_POINT, int(pages.group(1)))


@dataclass(frozen=True)
class Page:
    """A page as a grey image: `ink` is the box (left, top, right, bottom, in mm from the
    page's top left corner) of everything darker than paper."""

    width_mm: float
    height_mm: float
    ink: tuple[float, float, float, float] | None
    dark: float  # the share of the page's pixels that are ink


def pages(pdf: Path, folder: Path, dpi: int = 50) -> list[Page]:
    """Each page of `pdf` rendered by pdftoppm as a grey image (PGM), measured."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(folder / "page")], check=True, timeout=120)
    return [_measure(path, dpi) for path in sorted(folder.glob("page*.pgm"))]


def _measure(path: Path, dpi: int) -> Page:
    data = path.read_bytes()
    fields = data.split(maxsplit=4)  # P5, width, height, maxval, then the pixels
    assert fields[0] == b"P5", fields[0]
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][-width * height:]
    rows = [pixels[y * width:(y + 1) * width] for y in range(height)]
    inked = [y for y, row in enumerate(rows) if min(row) < 160]
    mm = 25.4 / dpi
    if not inked:
        return Page(width * mm, height * mm, None, 0.0)
    columns = [x for x in range(width) if any(rows[y][x] < 160 for y in inked)]
    dark = sum(1 for y in inked for v in rows[y] if v < 160) / (width * height)
    box = (columns[0] * mm, inked[0] * mm, (columns[-1] + 1) * mm, (inked[-1] + 1) * mm)
    return Page(width * mm, height * mm, box, dark)


@dataclass(frozen=True)
class Line:
    """A line of a PDF page as pdftotext lays it out: its words, where it ends, its block."""

    words: list[str]
    right: float  # points from the page's left edge
    block: int


def pdf_lines(pdf: Path) -> list[Line]:
    """Every line of the PDF, in reading order (`pdftotext -bbox-layout`)."""
    from xml.etree import ElementTree

    xhtml = pdf_text(pdf, "-bbox-layout")
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    lines = []
    for number, block in enumerate(ElementTree.fromstring(xhtml).iterfind(".//h:block", ns)):
        for line in block.iterfind("h:line", ns):
            words = [w.text or "" for w in line.iterfind("h:word", ns)]
            lines.append(Line(words, float(line.get("xMax", "0")), number))
    return lines
