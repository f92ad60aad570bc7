"""A case's letters and markdown documents in `reviewctl serve` (issue 20): a page of the letter
as it reads, never its markdown source, and never a way for a document's text to run in the page.

- every letter of the demo store reads as the same paragraphs and line breaks in the page as
  in its Word copy (adapters/docx.py): a wrapped line flows on, an address or a block of
  fields keeps its lines;
- raw HTML, a script, a link to another site in a document are shown as text, under the
  strict Content-Security-Policy;
- the file itself is still there to download, and the Word copy where the store keeps one.
"""

from __future__ import annotations

import io
import random
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from helpers import Cli, git, refer, to_setup
from webclient import DEMO_TODAY, demo_store, serving

from reviewctl.adapters.docx import _INLINE as WORD_MARKS
from reviewctl.adapters.docx import markdown_to_docx
from reviewctl.web.markdown import spans, to_html
from reviewctl.web.pages import document_title


@pytest.fixture(scope="module")
def _demo(_isolated_home: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("demo"))


class Blocks(HTMLParser):
    """The text of each paragraph, heading and list item of a fragment (tables left out, as
    python-docx's `paragraphs` leaves them out), a <br> as a line break; and every tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[str] | None = None
        self._in_table = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._in_table += 1
        elif tag == "br" and self._open is not None:
            self._open.append("\n")
        elif tag in ("p", "li", "h2", "h3", "h4", "h5", "h6") and not self._in_table:
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table -= 1
        elif tag in ("p", "li", "h2", "h3", "h4", "h5", "h6") and self._open is not None:
            self.blocks.append("".join(self._open))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data.replace("\n", ""))


def word_paragraphs(markdown: str) -> list[str]:
    data = markdown_to_docx(markdown, None, "letter", "reviewctl", date(2026, 11, 20))
    return [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def test_every_letter_reads_in_the_page_as_in_word(_demo: Path) -> None:
    letters = sorted(_demo.glob("cases/*/**/*.md"))
    assert len(letters) > 40
    kinds = set()
    for letter in letters:
        markdown = letter.read_text(encoding="utf-8")
        assert Blocks(to_html(markdown)).blocks == word_paragraphs(markdown), letter.name
        kinds.add(re.sub(r"^\d{4}-\d\d-\d\d-", "", letter.stem).split("-")[0])
    assert {"acknowledgement", "decision", "chronology", "publication", "family"} <= kinds


def test_bold_italic_and_code_are_found_as_the_word_letter_finds_them() -> None:
    """The page's one-pass reading of the marks agrees with the Word letter's pattern on every
    mix of them (random lines of marks, letters, spaces and punctuation), and stays one pass on
    a long line of unmatched marks, where the pattern looks for an end from every mark."""
    rng = random.Random(20)
    for _ in range(20000):
        line = "".join(rng.choice("**__`` ab\té.\u00a0") for _ in range(rng.randint(0, 24)))
        expected = [("strong", m.start(), m.end(), m.group(2)) if m.group(2) is not None else
                    ("em", m.start(), m.end(), m.group(4)) if m.group(4) is not None else
                    ("code", m.start(), m.end(), m.group(5)) for m in WORD_MARKS.finditer(line)]
        assert spans(line) == expected, repr(line)
    long = "*a _b " * 75_000  # 450,000 characters of marks that never close
    assert to_html(long) == f"<p>{long.strip()}</p>"


def test_the_subset_the_templates_write() -> None:
    page = to_html("# Partnership\n\n**To:** Police  \n**Date:** 2 November 2026\n\n12 Fictional Road\n"
                   "Nowhereton\nZZ9 9ZZ\n\nA paragraph wrapped\nover two lines, with *stress*, `code` and "
                   "**weight**.\n\n- one\n- two\n\n- three, after a blank line\n\n3. third\n4. fourth\n\n"
                   "| | |\n|---|---|\n| Outcome | Conduct |\n\n"
                   "| Agency | Due |\n|---|---|\n| Police | 1 Dec |\n\n---\n")
    assert page.startswith("<h2>Partnership</h2>\n")  # the page's own title is its one h1
    assert "<p><strong>To:</strong> Police<br>\n<strong>Date:</strong> 2 November 2026</p>" in page
    assert "<p>12 Fictional Road<br>\nNowhereton<br>\nZZ9 9ZZ</p>" in page  # an address keeps its lines
    assert ("<p>A paragraph wrapped over two lines, with <em>stress</em>, <code>code</code> and "
            "<strong>weight</strong>.</p>") in page
    assert "<ul><li>one</li><li>two</li><li>three, after a blank line</li></ul>" in page  # one list
    assert '<ol start="3"><li>third</li><li>fourth</li></ol>' in page
    # A table of labels and values has no empty heading row; each label heads its row.
    assert '<tbody><tr><th scope="row">Outcome</th><td>Conduct</td></tr></tbody>' in page
    assert '<thead><tr><th scope="col">Agency</th><th scope="col">Due</th></tr></thead>' in page
    assert '<tr><td data-label="Agency">Police</td><td data-label="Due">1 Dec</td></tr>' in page  # a card, narrow
    assert page.endswith("<hr>")


HOSTILE = """# Report <script>alert("heading")</script>

<script src="https://example.invalid/x.js"></script>
<img src="https://example.invalid/pixel.png" onerror="alert(1)">
[Click here](javascript:alert(1)) and [the site](https://example.invalid/) and ![image](https://example.invalid/i.png)
**<b onmouseover="alert(2)">bold</b>** `<iframe src="https://example.invalid/">` &lt;already&gt; &amp;

| <em>cell</em> | x |
|---|---|
| <a href="https://example.invalid/">link</a> | y |
"""


def test_a_document_s_html_is_shown_as_text(store: Path, cli: Cli) -> None:
    case_id = refer(cli)
    folder = store / "cases" / case_id / "documents"
    (folder / "2026-11-20-uploaded-report.md").write_text(HOSTILE, encoding="utf-8")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a document with markup of its own")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}/doc/documents/2026-11-20-uploaded-report.md")
    assert page.status == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self';")
    body = page.text[page.text.index('<article class="document"'):page.text.index("</article>")]
    parsed = Blocks(body)
    # The only elements are the renderer's own: nothing of the document's runs, loads or links.
    assert {tag for tag, _ in parsed.tags} <= {"article", "h2", "p", "strong", "em", "code", "div", "table", "thead",
                                                "tbody", "tr", "th", "td", "br"}
    assert not any(name.startswith("on") or name in ("src", "href") for _, attrs in parsed.tags for name in attrs)
    assert "example.invalid" not in "".join(a for _, attrs in Blocks(page.text).tags for a in attrs.values() if a)
    # ... and the document's text is all there, as text.
    assert parsed.blocks[0] == 'Report <script>alert("heading")</script>'
    assert '<script src="https://example.invalid/x.js"></script>' in parsed.blocks[1]
    assert "[Click here](javascript:alert(1))" in parsed.blocks[1]
    assert "&lt;already&gt; &amp;" in parsed.blocks[1]  # an entity written in the text is shown as written
    assert "&lt;script&gt;" in body and "<script" not in body


def test_a_letter_is_a_page_and_its_file_a_download(store: Path, cli: Cli) -> None:
    case_id = to_setup(cli, "lcspr")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}").text
        letters = re.findall(rf'<a href="/case/{case_id}/doc/(documents/[^"]+-decision-record\.md)">', page)
        assert len(letters) == 1
        shown = web.get(f"/case/{case_id}/doc/{letters[0]}")
        assert shown.status == 200 and shown.headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Decision record, 11 November 2026</h1>" in shown.text
        assert "**" not in shown.text and "| ---" not in shown.text and "|---" not in shown.text
        assert f'<a href="/case/{case_id}/doc/{letters[0]}?download=1" download>Download the file</a>' in shown.text
        assert "Word copy" not in shown.text  # the store keeps markdown only
        file = web.get(f"/case/{case_id}/doc/{letters[0]}?download=1")
        assert file.status == 200 and file.headers["content-type"] == "text/markdown; charset=utf-8"
        assert file.headers["content-disposition"] == f'attachment; filename="{letters[0].split("/")[-1]}"'
        assert file.text == (store / "cases" / case_id / letters[0]).read_text()


def test_a_letter_links_its_word_copy(store: Path, cli: Cli) -> None:
    config = store / "reviewctl.yaml"
    config.write_text(config.read_text().replace("\ndocuments: [md]\n", "\ndocuments: [md, docx]\n"))
    git(store, "commit", "-qam", "letters in Word too")
    case_id = refer(cli)
    with serving(store) as web:
        name = "documents/2026-11-02-acknowledgement-letter"  # the referral's date, as refer() gives it
        shown = web.get(f"/case/{case_id}/doc/{name}.md").text
        assert f'<a href="/case/{case_id}/doc/{name}.docx">open its Word copy</a>' in shown
        word = web.get(f"/case/{case_id}/doc/{name}.docx")
        assert word.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize(("name", "title"), [
    ("documents/2026-11-02-acknowledgement-letter.md", "Acknowledgement letter, 2 November 2026"),
    ("documents/2026-06-26-chronology-request-fictional-shire-police.md",
     "Chronology request fictional shire police, 26 June 2026"),
    ("communications-plan.md", "Communications plan"),
])
def test_a_document_s_title_in_words(name: str, title: str) -> None:
    assert document_title(name) == title


def test_every_document_of_the_demo_opens(_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWCTL_TODAY", DEMO_TODAY)
    with serving(_demo) as web:
        for path in sorted(_demo.glob("cases/*/**/*.md")):
            case_id = path.relative_to(_demo / "cases").parts[0]
            name = path.relative_to(_demo / "cases" / case_id).as_posix()
            page = web.get(f"/case/{case_id}/doc/{name}")
            assert page.status == 200 and '<article class="document"' in page.text, name


def test_a_document_s_odd_name_stays_out_of_the_headers(store: Path, cli: Cli) -> None:
    """A file's name in the store is any text: a download names it in letters, digits, dots,
    dashes and underscores, never a quote, a carriage return (a header of its own, to some
    clients) or a curly apostrophe (which a header cannot hold at all: no answer came)."""
    case_id = refer(cli)
    name = 'documents/2026-11-20-the-chair’s "note"\rX-Injected: yes.md'
    (store / "cases" / case_id / name).write_text("# A note\n", encoding="utf-8")
    git(store, "add", "-A")
    git(store, "commit", "-qm", "a document with an odd name")
    with serving(store) as web:
        page = web.get(f"/case/{case_id}/doc/{quote(name)}")
        assert page.status == 200 and "<h2>A note</h2>" in page.text
        file = web.get(f"/case/{case_id}/doc/{quote(name)}?download=1")
    assert file.status == 200 and "x-injected" not in file.headers and file.text == "# A note\n"
    assert file.headers["content-disposition"] == \
        'attachment; filename="2026-11-20-the-chair-s-note-X-Injected-yes.md"'
