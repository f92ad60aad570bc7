"""Letters a partnership can send (issue 20): every default letter, written by the real steps
as a Word document, is a UK business letter: the partnership's name and address, our
reference, the date, the addressee, the salutation, the subject, paragraphs that flow,
the close and who signs, in that order; A4 with 2.5 cm margins, British English, a
sans-serif body. Looked at as people see it too: each rendered by LibreOffice to PDF,
its text read back and its page measured as an image.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import office
import pytest
from helpers import Cli, git, refer, to_closed

LETTERS = ("acknowledgement-letter", "no-further-action-letter", "referrer-decision-letter", "family-notification",
           "information-request", "chronology-request", "commission-letter", "national-notification",
           "publication-notification", "library-submission")
ADDRESS = ["Fictional House", "1 Example Street", "Exampletown", "EX1 1AA"]
LONG_DATE = re.compile(r"^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November"
                       r"|December) \d{4}$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The name a step gives a letter's file (after its date), and the template it is written from.
SLUGS = {"lead-reviewer-commission": "commission-letter", "national-panel-notification": "national-notification",
         **{t: t for t in LETTERS}}


def letters_store(cli: Cli, store: Path, tmp_path: Path) -> dict[str, Path]:
    """Every default letter, written as .docx by the steps that write them; by template."""
    config = store / "reviewctl.yaml"
    text = config.read_text().replace("\ndocuments: [md]\n", "\ndocuments: [md, docx]\n")
    config.write_text(text.replace("\naddress: []\n", f"\naddress: [{', '.join(ADDRESS)}]\n"))
    with pytest.MonkeyPatch.context() as patch:  # the same commit each time: the steps below run once a session
        for when in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            patch.setenv(when, "2026-11-01T09:00:00+00:00")
        git(store, "commit", "-qam", "letters as Word, with the partnership's address")
    to_closed(cli, store, "lcspr", tmp_path)  # acknowledgement to library submission
    nfa = refer(cli, "sar")
    cli.ok("triage", nfa, "--no-further-action", "--reason", "Single agency matter")
    scoped = refer(cli, "sar")
    cli.ok("triage", scoped, "--accept", "--reason", "Meets the criteria for scoping", "--date", "2026-11-03")
    cli.ok("scope", scoped, "--request", "Fictional Shire Health", "--date", "2026-11-04")
    found: dict[str, Path] = {}
    for path in sorted(store.glob("cases/*/documents/*.docx")):
        name = path.stem[len("2026-11-20-"):]
        found.update({t: path for slug, t in SLUGS.items() if name.startswith(slug) and t not in found})
    assert sorted(found) == sorted(LETTERS)
    return found


def paragraphs(path: Path) -> list[tuple[str, str, int]]:
    """Each paragraph of the body: its style, its text (a kept line break as a newline), its breaks."""
    from docx import Document

    doc = Document(str(path))
    return [(p.style.name if p.style is not None else "", p.text, len(p._p.findall(f".//{W}br")))
            for p in doc.paragraphs if p.text.strip()]


def test_every_letter_is_a_uk_business_letter(cli: Cli, store: Path, tmp_path: Path) -> None:
    from docx import Document

    for template, path in letters_store(cli, store, tmp_path).items():
        shown = paragraphs(path)
        texts = [t for _, t, _ in shown]
        at = {
            "name": texts.index("Fictional Test Partnership"),
            "address": texts.index("\n".join(ADDRESS)),
            "reference": next(i for i, t in enumerate(texts) if re.fullmatch(r"Our reference: TST-2026-\w{6}", t)),
            "date": next(i for i, t in enumerate(texts) if LONG_DATE.match(t)),
            "salutation": next(i for i, t in enumerate(texts) if t.startswith("Dear ")),
            "subject": next(i for i, (style, _, _) in enumerate(shown) if style == "Heading 2"),
            "close": texts.index("Yours sincerely"),
            "signature": texts.index("Business Unit\nFictional Test Partnership"),
        }
        assert list(at.values()) == sorted(at.values()), (template, at)
        assert at["salutation"] - at["date"] == 2, (template, texts)  # the addressee between them
        assert shown[at["name"]][0] == "Heading 1"
        # Paragraphs flow: a line of the template is never a line of the letter.
        body = shown[at["subject"] + 1:at["close"]]
        assert body and all(breaks == 0 for _, _, breaks in body), (template, body)
        doc = Document(str(path))
        section = doc.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297), template
        margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
        assert {round(m.cm, 2) for m in margins} == {2.5}, template
        styles: Any = doc.styles.element
        # One sans-serif font in every style (no theme font: the theme's body font is a serif),
        # and British English for the spelling.
        assert {f.get(f"{W}ascii") for f in styles.iter(f"{W}rFonts")} == {"Arial"}, template
        assert {f.get(f"{W}asciiTheme") for f in styles.iter(f"{W}rFonts")} == {None}, template
        assert {lang.get(f"{W}val") for lang in styles.iter(f"{W}lang")} == {"en-GB"}, template


def test_every_letter_as_libreoffice_shows_it(cli: Cli, store: Path, tmp_path: Path, office_profile: Path) -> None:
    office.needed()
    letters = letters_store(cli, store, tmp_path)
    pdfs = office.convert(list(letters.values()), "pdf", tmp_path / "pdf", office_profile)
    heads = []
    for (template, docx), pdf in zip(letters.items(), pdfs, strict=True):
        size = office.page_size(pdf)
        assert (round(size.width_mm), round(size.height_mm), size.pages) == (210, 297, 1), template
        text = " ".join(office.pdf_text(pdf).split())
        assert "Fictional Test Partnership Fictional House 1 Example Street Exampletown EX1 1AA Our reference:" in text
        # No sentence is broken where the template's line ended: where a letter's line ends at a
        # template's line end, it ends there because the line is full.
        markdown = docx.with_suffix(".md").read_text()
        ends = {(a.split()[-1], b.split()[0]) for para in markdown.split("\n\n") if not para.startswith("#")
                and "\\\n" not in para for a, b in itertools.pairwise(para.splitlines())
                if a.strip() and b.strip()}
        assert ends, template  # each letter has paragraphs wrapped in its template
        lines = office.pdf_lines(pdf)
        full = max(line.right for line in lines)
        broken = [" ".join(a.words) for a, b in itertools.pairwise(lines)
                  if a.block == b.block and (a.words[-1], b.words[0]) in ends and a.right < full - 60]
        assert broken == [], (template, broken)
        # The page as an image: the text inside 2.5 cm margins, the letterhead as on every letter.
        page = office.pages(pdf, tmp_path / "png" / template)[0]
        assert page.ink is not None, template
        left, top, right, bottom = page.ink
        assert 24 <= left <= 26.5 and 24 <= top <= 30 and right <= 210 - 24 and bottom <= 297 - 24, (template, page)
        heads.append(head_band(tmp_path / "png" / template / "page-1.pgm"))
    differing = [LETTERS[i] for i, band in enumerate(heads) if band != heads[0]]
    assert differing == [], "the partnership's name and address should look the same on every letter"


def head_band(pgm: Path) -> bytes:
    """The name and address at the top of a letter's page: the top 55 mm, as grey pixels in two shades."""
    data = pgm.read_bytes()
    fields = data.split(maxsplit=4)
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][-width * height:]
    rows = round(height * 55 / 297)
    return bytes(0 if v < 128 else 1 for v in pixels[:width * rows])


def test_the_reference_document_gives_the_letterhead_in_libreoffice_too(cli: Cli, store: Path, tmp_path: Path,
                                                                         office_profile: Path) -> None:
    from docx import Document
    from docx.shared import Mm

    office.needed()
    reference = Document()
    section = reference.sections[0]
    section.page_width, section.page_height = Mm(148), Mm(210)  # A5: the partnership's own page wins
    section.header.paragraphs[0].text = "Fictional letterhead of the partnership"
    reference.save(str(store / "templates" / "reference.docx"))
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("\ndocuments: [md]\n", "\ndocuments: [docx]\n"))
    git(store, "add", "-A")
    git(store, "commit", "-qm", "letterhead")
    case_id = refer(cli, "sar")
    docx = next((store / "cases" / case_id / "documents").glob("*acknowledgement-letter.docx"))
    pdf = office.convert([docx], "pdf", tmp_path / "pdf", office_profile)[0]
    size = office.page_size(pdf)
    assert (round(size.width_mm), round(size.height_mm)) == (148, 210)
    text = office.pdf_text(pdf)
    assert text.startswith("Fictional letterhead of the partnership") and "Dear colleague" in text


@pytest.mark.parametrize(("lines", "shown"), [
    (["Thank you for your referral,", "received on 2 November."],
     "Thank you for your referral, received on 2 November."),
    (["Fictional House  ", "Exampletown"], "Fictional House\nExampletown"),
    (["Fictional House", "1 Example Street", "EX1 1AA"], "Fictional House\n1 Example Street\nEX1 1AA"),
    (["**To:** Police", "**Date:** 2 November 2026"], "**To:** Police\n**Date:** 2 November 2026"),
    (["a line kept\\", "as a line"], "a line kept\nas a line"),
    (["a backslash\\\\", "escaped"], "a backslash\\\\ escaped"),
])
def test_which_lines_stay_lines(lines: list[str], shown: str) -> None:
    from reviewctl.adapters.docx import joined

    assert joined(lines) == shown


@pytest.mark.parametrize(("setting", "named"), [
    ("address: ['  ']", "address"), ("address: Fictional House", "address"), ("signature: [[Manager]]", "signature"),
])
def test_a_bad_address_or_signature_is_named(cli: Cli, store: Path, setting: str, named: str) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("\naddress: []\n", f"\n{setting}\n"))
    result = cli("validate")
    assert result.code == 3 and "reviewctl.yaml:" in result.out + result.err and named in result.out + result.err
    assert cli("refer", "--type", "sar", "--subject", "Adult Q", "--referrer", "R").code == 3
