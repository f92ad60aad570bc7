"""Text folded for comparison, with every folded character traced to its place in the
original, so that a finding names the line the reader will see.

Folding undoes what makes one spelling look unlike another: HTML entities and tags,
compatibility forms (fullwidth, ligatures), accents (Zoë, Zoe and a decomposed Zoë are
one), case, and invisible characters (soft hyphen, zero-width spaces and joiners). The
*skeleton* keeps only letters and digits, so that every kind of space, apostrophe,
hyphen, dash, markdown emphasis, link bracket, table bar, blockquote mark and line break
(a word hyphenated at a line end too) falls away; a match must still begin and end at a
word's edge, so `Ann` is not found in `Joanne` (a small letter followed by a capital is
an edge too: `#ZoeExampleton`). Text is read as a reader sees it as well: without hidden
elements, comments and markdown link targets (`Example<span hidden>x</span>ton`), and
with %XX escapes decoded.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

# Letters NFKD leaves whole, folded as a reader would; modifier letters that are written
# as apostrophes (OʼBrien) are apostrophes.
_EXTRA = {"ʼ": "'", "ʻ": "'", "ʽ": "'", "ʹ": "'", "ˈ": "'", "ꞌ": "'",  # apostrophes that are "letters"
          "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ŀ": "l",
          # Cyrillic and Greek letters that look Latin (after casefolding): a name typed,
          # or pasted, with one of them reads the same to every reader of the report.
          "а": "a", "в": "b", "е": "e", "һ": "h", "н": "h", "і": "i", "ј": "j", "к": "k", "м": "m",
          "о": "o", "р": "p", "ԛ": "q", "с": "c", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԁ": "d",
          "ԝ": "w", "ү": "y", "ӏ": "l", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "μ": "m",
          "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z", "η": "n", "ϲ": "c",
          "ɑ": "a", "ɡ": "g", "ɩ": "i", "ꙇ": "i",
          # Letters with a bar, a stroke, a belt or a hook, which NFKD keeps whole and a reader
          # reads as the letter beneath: Quiƚƚfeather, Quɨllfeather.
          "ƀ": "b", "ƈ": "c", "ȼ": "c", "ɗ": "d", "ƌ": "d", "ƒ": "f", "ɠ": "g", "ǥ": "g", "ħ": "h", "ɦ": "h",
          "ɨ": "i", "ɉ": "j", "ƙ": "k", "ƚ": "l", "ɫ": "l", "ɬ": "l", "ɭ": "l", "ȴ": "l", "ɱ": "m",
          "ɲ": "n", "ƞ": "n", "ɵ": "o", "ƥ": "p", "ʠ": "q", "ɍ": "r", "ɽ": "r", "ʂ": "s", "ƭ": "t",
          "ŧ": "t", "ʉ": "u", "ʋ": "v", "ⱳ": "w", "ƴ": "y", "ɏ": "y",
          # Small capitals (ǫ stays o: NFKD makes it an o with a hook, which it is), Armenian
          # letters that look Latin, and z with a stroke or a hook.
          "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
          "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ꞯ": "q", "ʀ": "r",
          "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
          "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "ƶ": "z", "ȥ": "z",
          # Letters that look like punctuation (a click letter is a bar or an exclamation
          # mark, a modifier letter a quotation mark or a colon, a prolonged-sound mark a
          # dash): read as what they look like, they end a word as punctuation does.
          "ǀ": "|", "ǁ": "||", "ǂ": "#", "ǃ": "!", "ˮ": '"', "ʺ": '"', "ʾ": "'", "ʿ": "'", "ˊ": "'",
          "ˋ": "`", "ˌ": ",", "ː": ":", "ˑ": ".", "ˀ": "?", "ʔ": "?", "ー": "-", "ㅡ": "-", "ꓸ": ".",
          "ꓹ": ",", "ꓺ": ".", "ꓻ": ".", "ꓼ": ";", "ꓽ": ":", "ᐧ": ".", "ᐨ": "-", "ᐟ": "/", "ᐠ": "\\",
          "ᐩ": "+", "ߺ": "_",
          # Hangul fillers (U+3164 and U+FFA0 decompose to U+1160) and the braille blank
          # show nothing, like a zero-width space.
          "\u115f": "", "\u1160": "", "\u2800": ""}
# Capitals that look like a Latin capital, folded to it BEFORE case folding: casefolding
# first would make Greek Ν a ν (read as v), Η an η, Υ a υ (read as u), and Cyrillic Ӏ
# and Ү small letters that look like nothing Latin.
_CAPITALS = {"Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
             "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
             "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
             "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ӏ": "I", "Ү": "Y", "Ԛ": "Q",
             "Ԝ": "W", "Ø": "O", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH", "Æ": "AE", "Œ": "OE"}
# Letters read one way by one reader and another way by another: a click letter ǀ and a
# palochka Ӏ are bars in one font and a small l in the next; a capital I inside a small
# word (SampIewood) is an l to the eye, and a small l inside a capital word (SlOBHAN) an
# I. Where one of them appears, the text is read a second time the other way.
_AMBIGUOUS = {"ǀ": "l", "Ӏ": "l", "ӏ": "i"}
# A bar between letters, or a digit one between small letters (Qui||feather, Qui11feather),
# is an l to the eye too (not in a case id's `C6A1BT`: a second reading of every letter).
_AMBIGUOUS_CASE = re.compile(r"(?<=[a-z])I(?=[a-z|1])|(?<=[a-z|1])I(?=[a-z])|(?<=[A-Z])l(?=[A-Z])"
                             r"|(?<=[A-Za-z])\|{1,3}(?=[A-Za-z])|(?<=[a-z])1{1,3}(?=[a-z])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*>", re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_HIDING = {"rt", "rp", "script", "style", "template"}
_HIDDEN_STYLE = re.compile(r"\shidden(?![\w-])|display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_ALNUM = re.compile(r"[^\W_]+")  # what str.isalnum says is a letter or digit
_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGIT_EDGE = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_fold_cache: dict[str, str] = {}
_cased_cache: dict[str, str] = {}


def fold_char(ch: str, cased: bool = False) -> str:
    """One character as it compares: compatibility-decomposed, unaccented, casefolded
    (unless `cased`), with look-alike capitals folded before case folding and look-alike
    small letters after. A digit of any script is its ASCII digit."""
    folded = (_cased_cache if cased else _fold_cache).get(ch)
    if folded is None:
        if unicodedata.category(ch) == "Cf":  # soft hyphen, zero-width, BOM, bidi marks
            folded = ""
        else:
            out = []
            for c in unicodedata.normalize("NFKD", ch):
                if unicodedata.combining(c):
                    continue
                if not c.isascii() and unicodedata.decimal(c, None) is not None:
                    c = str(unicodedata.decimal(c))
                c = _CAPITALS.get(c, c)
                out += [_EXTRA.get(x, x) for x in (c if cased else c.casefold())]
            folded = "".join(out)
        (_cased_cache if cased else _fold_cache)[ch] = folded
    return folded


def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


@dataclass
class Folded:
    """`text` folded; `origin[i]` is the offset in the original of folded character i."""

    text: str
    origin: list[int]
    hidden: list[tuple[int, int]] = field(default_factory=list)  # ranges of the original a reader does not see


def _substitute(text: str, origin: list[int], pattern: re.Pattern[str],
                decode: Callable[[str], str]) -> tuple[str, list[int]]:
    """`text` with each match of `pattern` decoded; each decoded character maps to where its match began."""
    out: list[str] = []
    where: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last:m.start()])
        where += origin[last:m.start()]
        decoded = decode(m.group())
        out.append(decoded)
        where += [origin[m.start()]] * len(decoded)
        last = m.end()
    out.append(text[last:])
    where += origin[last:]
    return "".join(out), where


def _unescape(text: str) -> tuple[str, list[int]]:
    """HTML entities decoded (twice, for `&amp;#233;`); each decoded character maps to
    where its entity began."""
    origin = list(range(len(text)))
    for _ in range(2):
        if "&" not in text:
            break
        text, origin = _substitute(text, origin, _ENTITY, html.unescape)
    return text, origin


def _hidden(tags: list[re.Match[str]], end: int) -> list[tuple[int, int]]:
    """Where an element a reader does not see lies, tags included: one with a `hidden`
    attribute or a style of `display: none` or `visibility: hidden`, a ruby annotation,
    a script, a style sheet or a template (to the end when it is never closed); a comment."""
    spans: list[tuple[int, int]] = []
    hiding, depth, begin = "", 0, 0
    for m in tags:
        tag = m.group()
        named = _TAG_NAME.match(tag)
        if named is None:  # a comment
            if not hiding:
                spans.append(m.span())
            continue
        name, closing = named.group(1).lower(), tag.startswith("</")
        empty = tag.endswith("/>") or name in _VOID
        if not hiding:
            if not closing and not empty and (name in _HIDING or _HIDDEN_STYLE.search(tag)):
                hiding, depth, begin = name, 1, m.start()
        elif name == hiding and not empty:
            depth += -1 if closing else 1
            if not depth:
                spans.append((begin, m.end()))
                hiding = ""
    return [*spans, (begin, end)] if hiding else spans


def _percent_decoded(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """`Zo%C3%AB` as `Zoë`: each decoded character maps to where its escapes began."""
    return _substitute(text, origin, _PERCENT, unquote)


def _views(text: str) -> tuple[list[tuple[str, list[int]]], list[tuple[int, int]]]:
    """What a reader sees (tags blanked); when there are tags, what the markup carries
    (only the inside of tags: a link's address or an attribute is published too); and
    when there are %XX escapes, the text with them decoded (`Zo%C3%AB` in a web address).
    With them, the ranges of the original that a reader does not see: the content of a
    hidden element, a markdown link's target."""
    plain, origin = _unescape(text)
    tags = list(_TAG.finditer(plain))
    views = [(plain, origin)]
    if tags:
        seen = list(plain)
        markup = [" "] * len(plain)
        for m in tags:
            for i in range(m.start(), m.end()):
                seen[i] = " "
                markup[i] = plain[i]
            markup[m.start()] = markup[m.end() - 1] = " "
        views = [("".join(seen), origin), ("".join(markup), origin)]
    hidden = _hidden(tags, len(plain))
    if "](" in plain:
        hidden += [m.span() for m in _LINK_TARGET.finditer(plain)]
    if "%" in plain and _PERCENT.search(plain):
        views.append(_percent_decoded(plain, origin))
    return views, [(origin[start], origin[end - 1] + 1) for start, end in hidden if end > start]


def _folded(plain: str, origin: list[int], cased: bool) -> Folded:
    if plain.isascii():
        return Folded(plain if cased else plain.lower(), origin)
    table = {ord(c): fold_char(c, cased) for c in set(plain)}
    if all(len(folded) == 1 for folded in table.values()):  # the common case, at the speed of C
        return Folded(plain.translate(table), origin)
    out: list[str] = []
    where: list[int] = []
    for ch, at in zip(plain, origin, strict=True):
        folded = table[ord(ch)]
        out.append(folded)
        where += [at] * len(folded)
    return Folded("".join(out), where)


def _other_reading(plain: str) -> str | None:
    """`plain` with its ambiguous letters (see _AMBIGUOUS) read the other way, if it has any."""
    if not (_AMBIGUOUS.keys() & set(plain) or _AMBIGUOUS_CASE.search(plain)):
        return None
    other = _AMBIGUOUS_CASE.sub(lambda m: "I" if m.group() == "l" else "l" * len(m.group()), plain)
    return other.translate({ord(k): v for k, v in _AMBIGUOUS.items()})


def folded_views(text: str, cased: bool = False) -> list[Folded]:
    """The views of `text` (see _views), folded (and, where it has letters that read two
    ways, each read the other way too); the first carries the hidden ranges. `cased`:
    look-alikes folded, but case kept (for patterns that need a capital)."""
    views = []
    found, hidden = _views(text)
    for number, (plain, origin) in enumerate(found):
        readings = [plain] + [other for other in [_other_reading(plain)] if other is not None]
        for reading in readings:
            views.append(_folded(reading, origin, cased))
            if number == 0:
                views[-1].hidden = sorted(hidden)
    return views


def reader(view: Folded) -> Folded:
    """The view as a reader sees it: its hidden ranges taken out."""
    text: list[str] = []
    origin: list[int] = []
    done = 0
    for start, end in view.hidden:
        cut, resume = bisect_left(view.origin, start), bisect_left(view.origin, end)
        if resume > done:
            text.append(view.text[done:max(cut, done)])
            origin += view.origin[done:max(cut, done)]
            done = resume
    text.append(view.text[done:])
    origin += view.origin[done:]
    return Folded("".join(text), origin)


@dataclass
class Skeleton:
    """Only the letters and digits of a folded text, and where each word begins."""

    text: str
    origin: list[int]  # offset in the original of each skeleton character
    starts: set[int] = field(default_factory=set)  # skeleton indexes that begin a word

    def at_edges(self, start: int, end: int) -> bool:
        return start in self.starts and (end == len(self.text) or end in self.starts)


def case_edges(text: str) -> set[int]:
    """Offsets in `text` of a capital that follows a small letter (`ZoeExampleton`,
    `#ZoeTestperson`): a word's edge too, as a reader sees one."""
    edges: set[int] = set()
    for m in _WORD.finditer(text):
        word = m.group()
        if not (word.islower() or word.isupper() or word.istitle()):
            edges.update(m.start() + i for i in range(1, len(word)) if word[i].isupper() and word[i - 1].islower())
    return edges


def skeleton(folded: Folded, edges: set[int] | frozenset[int] = frozenset()) -> Skeleton:
    """`edges`: offsets in the original (see case_edges) that begin a word as well."""
    chars: list[str] = []
    origin: list[int] = []
    starts: set[int] = set()
    for run in _ALNUM.finditer(folded.text):
        starts.add(len(origin))
        chars.append(run.group())
        origin += folded.origin[run.start():run.end()]
    text = "".join(chars)
    # A digit next to a letter is a word's edge: a footnote mark (Exampleton¹, folded to
    # a 1), a year after a handle (@zoetestperson2019).
    starts.update(m.start() for m in _DIGIT_EDGE.finditer(text))
    for edge in edges:  # origins only grow: each view keeps the order of the original
        at = bisect_left(origin, edge)
        if 0 < at < len(origin) and origin[at] == edge and origin[at - 1] != edge:
            starts.add(at)
    return Skeleton(text, origin, starts)


def without(bones: Skeleton, hidden: list[tuple[int, int]]) -> tuple[Skeleton, list[int]]:
    """The skeleton as a reader sees it: the characters of the `hidden` ranges (sorted)
    taken out, so `Example<span hidden>x</span>ton` joins up; and the indexes where
    something was taken out, the only places where it can find what `bones` does not."""
    starts = sorted(bones.starts)
    text: list[str] = []
    origin: list[int] = []
    kept: set[int] = set()
    joins: list[int] = []

    def keep(first: int, last: int) -> None:
        shift = len(origin) - first
        kept.update(s + shift for s in starts[bisect_left(starts, first):bisect_left(starts, last)])
        text.append(bones.text[first:last])
        origin.extend(bones.origin[first:last])

    done = 0
    for start, end in hidden:
        cut, resume = bisect_left(bones.origin, start), bisect_left(bones.origin, end)
        if resume <= done:
            continue
        keep(done, max(cut, done))
        joins.append(len(origin))
        kept.add(len(origin))  # what follows a hidden range begins a word, as after a space
        done = resume
    keep(done, len(bones.text))
    return Skeleton("".join(text), origin, kept), joins


def key(identifier: str) -> str:
    """The skeleton of an identifier: folded, letters and digits only."""
    return "".join(c for c in fold(html.unescape(identifier)) if c.isalnum())


def line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def line_of(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset)
