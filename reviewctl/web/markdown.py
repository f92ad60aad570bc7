"""A case's markdown document (a letter, a decision record, a plan) as HTML for its page in `serve`.

The markdown is what reviewctl's templates write, and what adapters/docx.py turns into a
Word letter: headings, paragraphs, **bold**, *italic*, `code`, bulleted and numbered lists,
tables and rules; anything else is shown as its text.  It is read by the same rules as
the Word letter, so the page shows what the letter says the way Word does: a paragraph's
wrapped lines flow as one paragraph, and a line kept as a line (two spaces at its end, an
address block, a block of `**To:** ...` fields) keeps its break (docx.py's `joined`).

Safe by construction, not by cleaning: every piece of text is HTML-escaped and the only
markup is the handful of elements written here, so raw HTML in a document (a report someone
uploaded) is shown as text, a link is its text (no address is ever followed, so the page
asks nothing of another site), and the strict Content-Security-Policy stays as it is.  No
markdown library: typer's rich brings one in, but this subset is a page, and a library
for full CommonMark would be one more thing to keep safe.
"""

from __future__ import annotations

import html
import re

# The block patterns and the table's cells are the Word letter's own (adapters/docx.py), so a
# page and its Word copy read the markdown alike (tests/test_serve_documents.py checks it).
from reviewctl.adapters.docx import _BULLET, _ESCAPE, _HEADING, _RULE, _TABLE_RULE, _cells, joined

# The number is kept here (an ordered list's start), which the Word letter does not need.
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
_COLUMN, _ROW = 'scope="col"', 'scope="row"'
HEADING_SHIFT = 1  # the page's own title is its h1: the document's first level is h2


def _text(text: str) -> str:
    return html.escape(_ESCAPE.sub(r"\1", text))


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what a regular expression's \\w is


def spans(line: str) -> list[tuple[str, int, int, str]]:
    """The **bold**, *italic* and `code` of a line as (kind, start, end, content), exactly as
    adapters/docx.py's pattern finds them (tests/test_serve_documents.py checks it on every
    mix of the marks), but in one pass: that pattern looks for the end of each mark afresh
    from every mark, so a long line of unmatched ones (`*a *a *a ...`) took minutes, with the
    server's lock held."""
    n = len(line)
    # From each position on, the nearest place each mark could end (-1: none).
    bold = {d: [-1] * (n + 3) for d in ("**", "__")}
    close = {c: [-1] * (n + 3) for c in "*_"}
    tick = [-1] * (n + 3)
    for j in range(n - 1, -1, -1):
        for d, ends in bold.items():
            ends[j] = j if line.startswith(d, j) else ends[j + 1]
        for c, ends in close.items():
            after = line[j + 1] if j + 1 < n else ""
            ok = line[j] == c and j > 0 and not line[j - 1].isspace() and not (after and (_word(after) or after == "*"))
            ends[j] = j if ok else ends[j + 1]
        tick[j] = j if line[j] == "`" else tick[j + 1]
    found, i = [], 0
    while i < n:
        two, ch = line[i:i + 2], line[i]
        if two in bold and (j := bold[two][i + 3] if i + 3 <= n else -1) >= 0:
            found.append(("strong", i, j + 2, line[i + 2:j]))
            i = j + 2
            continue
        if (ch in close and i + 1 < n and not line[i + 1].isspace()
                and not (i > 0 and (_word(line[i - 1]) or line[i - 1] == "*"))
                and (j := close[ch][i + 2] if i + 2 <= n else -1) >= 0):
            found.append(("em", i, j + 1, line[i + 1:j]))
            i = j + 1
            continue
        if ch == "`" and (j := tick[i + 1]) > i + 1:
            found.append(("code", i, j + 1, line[i + 1:j]))
            i = j + 1
            continue
        i += 1
    return found


def inline(line: str) -> str:
    """One line's text, escaped, with its **bold**, *italic* and `code` as elements."""
    out, at = [], 0
    for kind, start, end, content in spans(line):
        out.append(_text(line[at:start]))
        out.append(f"<code>{html.escape(content)}</code>" if kind == "code" else f"<{kind}>{_text(content)}</{kind}>")
        at = end
    out.append(_text(line[at:]))
    return "".join(out)


def _lines(text: str) -> str:
    return "<br>\n".join(inline(line) for line in text.split("\n"))


def _table(lines: list[str]) -> str:
    header, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    width = max([len(header), *(len(r) for r in body)])

    # At a narrow width each row is a card, each value named by its column (site.css's `cards`).
    names = [f' data-label="{_text(h.replace("*", ""))}"' if h else "" for h in header] + [""] * width

    def row(cells: list[str], head: str = "") -> str:
        padded = cells + [""] * (width - len(cells))
        return "<tr>" + "".join(f"<th {head}>{inline(c)}</th>" if head and (head == _COLUMN or n == 0)
                                else f"<td{names[n]}>{inline(c)}</td>" for n, c in enumerate(padded)) + "</tr>"

    # `| | |` over a table of labels and values (the decision record) is markdown's way to
    # have no headings: no empty row of headings above it, as in Word; each row's label heads it.
    if any(header):
        rows = f"<thead>{row(header, _COLUMN)}</thead><tbody>" + "".join(row(r) for r in body)
    else:
        rows = "<tbody>" + "".join(row(r, _ROW) for r in body)
    return f'<div class="scroll"><table class="data cards">{rows}</tbody></table></div>'


def to_html(markdown: str) -> str:
    """The document as HTML elements (a fragment, safe to put in a page as it is)."""
    lines = markdown.splitlines()
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []  # the open list's items, as HTML
    kind, start = "", 1  # the open list: "ul" or "ol" (and where an ol starts), or ""

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_lines(joined(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal kind
        if kind:
            first = f' start="{start}"' if kind == "ol" and start != 1 else ""
            out.append(f"<{kind}{first}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{kind}>")
            items.clear()
            kind = ""

    def item(of: str, text: str, number: int = 1) -> None:
        nonlocal kind, start
        flush()
        if kind != of:
            close_list()
            kind, start = of, number
        items.append(inline(text.strip()))

    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if not line.strip():
            flush()  # a list goes on past a blank line, if an item follows
        elif heading:
            flush()
            close_list()
            level = min(6, len(heading.group(1)) + HEADING_SHIFT)
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            flush()
            close_list()
            end = i + 2
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            out.append(_table(lines[i:end]))
            i = end
            continue
        elif _RULE.match(line):
            flush()
            close_list()
            out.append("<hr>")
        elif (bullet := _BULLET.match(line)) is not None:
            item("ul", bullet.group(1))
        elif (numbered := _NUMBERED.match(line)) is not None:
            item("ol", numbered.group(2), int(numbered.group(1)))
        elif kind and items and line.startswith(("   ", "\t")) and not paragraph and lines[i - 1].strip():
            items[-1] += " " + inline(line.strip())  # a wrapped list item goes on in its item
        else:
            close_list()
            paragraph.append(line)
        i += 1
    flush()
    close_list()
    return "\n".join(out)
