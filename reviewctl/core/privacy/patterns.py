"""Identifiers nobody listed: the shapes of an NHS number, a postcode, a street address, a
date of birth, a phone number, an e-mail address and a title before a name, found with no
list and no key.

The listed-identifier guard (redaction.py) finds what a case's identifiers.age holds; these
patterns find what any case may hold but nobody wrote down, and they run where that guard
cannot (a case with no identifiers, a purge without a key). Text is read as the listed
guard reads it (folding.py: entities and tags undone, hidden text taken out, compatibility
forms, accents, look-alike letters and digits of any script folded), but with its case
kept, since a capital is what tells "Mrs Thompson" from "the mrs". Markdown emphasis marks
are read as nothing (`**943** 476 5919`).

What is an identifier, and what is ordinary review prose, is decided here and documented
in docs/privacy-and-security.md ("The guard at the point of entry"): a helpline (0800, 0808, 03...) is not a
person's phone, a role mailbox (`safeguarding@`) is not a person's address, "the 3
Counties Road Safety Partnership" is not a street address, "Mr Men" and "Dr Barnardo's"
are not people, and "Ms A" is a pseudonym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewctl.core.privacy import folding, written_dates

NHS, POSTCODE, ADDRESS, BIRTH, PHONE, EMAIL, TITLE = "nhs", "postcode", "address", "dob", "phone", "email", "title"
# Each kind by the word --allow takes, and as a message names it.
# What the patterns find, as a number: raise it whenever a change makes them find something
# they did not. publish's record of the files it checked (privacy/checked_files.py) stands
# only for the patterns it was checked with.
GENERATION = 1
KINDS = {NHS: "NHS number", POSTCODE: "postcode", ADDRESS: "street address", BIRTH: "date of birth",
         PHONE: "phone number", EMAIL: "e-mail address", TITLE: "title and name"}

# Markdown emphasis (read as nothing) and runs of spaces (read as one), with any emphasis among them.
_NOISE = re.compile(r"[ \t]*[*`~][*`~ \t]*|[ \t]{2,}")
# Digit groups joined by a space or two, a hyphen, a dash, a dot or brackets: a number as
# people group it ("943 476 5919", "(01632) 960 001", "+44 (0)7700 900123").
# Forms and spreadsheets also write them with a slash, an underscore or a middle dot, and a
# word in brackets may stand between the groups ("07700 (mobile) 900123").
_CHAIN = re.compile(r"(?<![\w.])\+?\(?\d+(?:(?:[ \t]{0,6}[()][ \t]{0,6}|[ \t]{1,6}|[ \t]*\n[ \t]*"
                    r"|[ \t]{0,6}[-‐‑‒–—―−./_·∙•][ \t]{0,6}|[ \t]*\([ \t]*[A-Za-z][A-Za-z .]{0,15}\)[ \t]*)\d+)*")
_GROUP = re.compile(r"\d+")
_NHS_CUE = re.compile(r"nhs(?:\s*(?:no\.?|number|num\.?|#))?\s*[:.]?\s*$", re.IGNORECASE)

# A postcode: the six shapes of Royal Mail's pattern (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA,
# A9A 9AA, AA9A 9AA) with the letters each place may hold; Girobank's GIR 0AA; Father
# Christmas's XM4 5HQ and SAN TA1; BFPO numbers; and the overseas territories' codes.
_OUTWARD = (r"[A-PR-UWYZ](?:\d[A-HJKPSTUW]|\d{1,2}|[A-HK-Y]\d[ABEHMNPRV-Y]|[A-HK-Y]\d{1,2})")
_POSTCODE = re.compile(
    rf"(?<![A-Za-z0-9])(?<![A-Za-z0-9]-)(?:(?P<out>{_OUTWARD})(?:[ \t]*\n[ \t]*|[ \t]?-?[ \t]?)"
    r"(?P<in>\d[ABD-HJLNP-UW-Z]{2})"
    r"|GIR[ \t]?0AA|XM4[ \t]?5HQ|SAN[ \t]?TA1|BFPO[ \t]?\d{1,4}"
    r"|(?:ASCN|STHL|TDCU|BBND|BIQQ|FIQQ|PCRN|SIQQ|TKCA)[ \t]?1ZZ)(?![A-Za-z0-9])", re.IGNORECASE)
_ORDINAL = {"1": "st", "2": "nd", "3": "rd"}

_STREET_WORDS = ("Road|Rd|Street|St|Close|Cl|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Court|Ct|Crescent|Cres|Gardens|Gdns"
                 "|Place|Pl|Terrace|Terr|Tce|Grove|Row|Square|Sq|Mews|Walk|Hill|Rise|Parade|Pde|Green|View"
                 "|Park|Vale|Gate|Fields|Meadows|Chase|Croft|Boulevard|Broadway|Quay|Wharf|Villas|Cottages"
                 "|Mount|Heights|Orchard|Wynd|Embankment|Esplanade")
_STREET = "|".join([_STREET_WORDS, _STREET_WORDS.upper()])
# A capitalised word of the name. The first kind is read whole, once (a lookahead for its small
# letter, then a possessive run): written as two runs around the small letter, each word could be
# split as many ways as it has letters, and a failed address tried them all (twenty times the
# time on a Word file's style names). The words it matches are the same: each is followed by a space.
_NAME_WORD = r"(?:(?=[A-Z][a-z'’.-]*[a-z])[A-Z][a-z'’.-]*+|[A-Z]['’][A-Z][a-z]+|Mc[A-Z][a-z]+|St\.?|[A-Z]{2,})"
_ADDRESS = re.compile(
    rf"(?<![\w.,/£$€-])(?P<num>\d{{1,3}}[A-Za-z]?(?:[ \t]?[-–/][ \t]?\d{{1,3}}[A-Za-z]?)?),?\s+(?:[Tt]he\s+)?"
    rf"(?P<name>(?:{_NAME_WORD}\s+){{1,4}}?)(?P<street>{_STREET})\.?(?![\w'’-])"
    r"(?P<next>\s+[A-Z][\w'’]*)?")
# The same, all in small letters, only with the street words that are no other word.
_ADDRESS_SMALL = re.compile(
    r"(?<![\w.,/£$€-])\d{1,3}[a-z]?,?\s+(?P<name>(?:[a-z][a-z'’-]+\s+){1,3}?)(?:road|rd|street|avenue|ave|crescent"
    r"|gardens)(?![\w'’-])")
_MEASURES = {"mile", "miles", "minute", "minutes", "hour", "hours", "way", "lane", "year", "years", "month",
             "months", "week", "weeks", "day", "days", "metre", "metres", "foot", "feet", "yard", "yards", "km",
             "bedroom", "bedroomed", "storey", "door", "seater", "point", "bus", "main"}
# After the street word: an organisation named after a road, not an address.
_NOT_AFTER = {"safety", "partnership", "surgery", "practice", "medical", "health", "centre", "center", "clinic",
              "school", "academy", "college", "nursery", "primary", "infant", "infants", "junior", "station",
              "hospital", "trust", "services", "service", "team", "project", "group", "church", "community",
              "association", "traffic", "works", "board", "committee", "forum", "pharmacy", "library", "campus",
              "hub", "police", "fire", "family", "families", "children's", "sports", "leisure", "youth", "club",
              "hostel", "refuge", "practitioners", "unit", "ward", "mosque", "temple", "surgeries", "forward"}
# Before the number: a section, a paragraph, a recommendation, a year group, not a house.
_NOT_BEFORE = {"section", "s", "sections", "para", "paragraph", "paragraphs", "page", "pages", "p", "pp",
               "chapter", "appendix", "annex", "recommendation", "recommendations", "finding", "findings",
               "table", "figure", "year", "years", "stage", "step", "phase", "part", "level", "tier", "rule",
               "article", "schedule", "regulation", "item", "no", "number", "standard", "principle",
               "question", "aged", "age", "ages", "key", "priority", "theme", "objective", "action",
               "actions", "band", "grade", "room", "ward", "bed", "line", "lines", "row", "column", "version",
               "v", "week", "weeks", "day", "days", "month", "months", "episode", "contact", "contacts",
               "visit", "visits", "meeting", "meetings", "route", "bus", "junction", "platform", "gate", "unit",
               "units", "floor"}
_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
           "february", "march", "april", "june", "july", "august", "september", "october", "november",
           "december"}

_BIRTH_CUE = re.compile(r"(?<![a-z])(?:d\.?[ \t]?o\.?[ \t]?b\.?|date[ \t]+of[ \t]+birth|birth[ \t]?date|born)(?![a-z])")
# Between a cue and its date: punctuation of a form or table, and up to three words
# ("born at home on"), never a number, the end of a sentence or "and".
_BEFORE_DATE = re.compile(r"[\s:|()\[\]=\-–—,]*(?:(?!and\b|but\b|then\b|when\b|after\b|before\b|until\b)"
                          r"[a-z]+[\s:|()\[\]=\-–—]+){0,3}")
_AFTER_DATE = re.compile(r"[\s(\[:,\-–—|]*")

_PHONE_STARTS = ("01", "02", "07")  # geographic and mobile numbers; 03, 080x, 084x, 087x, 09 are services'

_EMAIL = re.compile(r"(?<![\w.+'-])(?P<local>[\w.+'-]+)(?:@|[ \t]?[\[(][ \t]?at[ \t]?[\])][ \t]?)"
                    r"(?P<domain>[\w-]+(?:(?:\.|[ \t]?[\[(][ \t]?dot[ \t]?[\])][ \t]?)[\w-]+)+)(?![\w-])",
                    re.IGNORECASE)
_TLD = re.compile(r"(?:\.|[\[(][ \t]?dot[ \t]?[\])])[ \t]?(?P<tld>[A-Za-z]{2,})$", re.IGNORECASE)
_ROLE_MAILBOXES = {"info", "enquiries", "enquiry", "contact", "admin", "office", "safeguarding", "mash", "lscp",
                   "lsab", "sab", "scp", "sscp", "dhr", "csp", "reception", "hello", "help", "helpline", "reviews",
                   "communications", "comms", "press", "media", "foi", "dpo", "noreply", "no-reply", "lado",
                   "businessunit", "business.unit", "partnership", "learning", "training", "complaints", "marac",
                   "idva", "case.reviews", "casereviews", "safeguardingadults", "safeguardingchildren"}

_TITLE = re.compile(
    r"(?<![A-Za-z])(?P<title>Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Revd|Rev|Reverend|Cllr|Councillor|MRS|MR|MISS|MX"
    r"|MS|DR|PROFESSOR|PROF|REVEREND|REVD|REV|CLLR|COUNCILLOR|mrs|mr|ms|mx|dr)"
    r"(?:\.[ \t]*|[ \t]+|[ \t]*\n[ \t]*)(?:[A-Z](?:\.[ \t]*|[ \t]+))*"
    # a family name's particle: "Mrs de Souza", "Mr al-Rashid", "Mr van der Berg"
    r"(?:(?:de|da|di|du|del|della|der|den|van|von|le|la|al|el|bin|ibn|ap|ter|ten)(?:[ \t]+|-)){0,2}"
    r"(?P<name>[A-Z](?:[a-z]|['’][A-Z])[\w'’-]*|Mc[A-Z][a-z]+|[A-Z]{3,}(?![a-z]))(?P<after>[ \t]*\(?[ \t]*\d{4})?")
# After a title, words that are not a person's name: "Mr Men", "Dr Barnardo's" (a charity),
# "Mr Justice" (a judge, named in published judgments); after "MS" or "ms", "DR" or "dr",
# what those letters also stand for: "MS Teams", "the MS Society", "the DR Congo".
_NOT_NAMES = {"Men", "Barnardo", "Barnardo's", "Barnardo’s", "Barnardos", "Justice", "Teams", "Word", "Excel",
              "Outlook", "Office", "Forms", "Society", "Congo"}
# Written in capitals, these titles are other words too: only a name in capitals follows them.
_CAPITALS_ONLY = {"MS", "DR"}


@dataclass(frozen=True)
class Found:
    offset: int  # in the original text
    kind: str
    name: str = ""  # for a title: the name after it, so a caller can tell its own people's names


def _views(text: str) -> list[folding.Folded]:
    """The text as the listed guard reads it, case kept, and as a reader sees it; emphasis
    marks taken out and runs of spaces (a tag is blanked as spaces) made one, so that
    `**943** 476` and `<b>943</b> 476` read as `943 476`."""
    views = []
    for view in folding.folded_views(text, cased=True):
        views.append(view)
        if view.hidden:
            views.append(folding.reader(view))
    cleaned = []
    for view in views:
        if _NOISE.search(view.text):
            kept: list[str] = []
            origin: list[int] = []
            last = 0
            for m in _NOISE.finditer(view.text):
                space = next((i for i in range(m.start(), m.end()) if view.text[i] in " \t"), None)
                kept += [view.text[last:m.start()], " " if space is not None else ""]
                origin += view.origin[last:m.start()] + ([view.origin[space]] if space is not None else [])
                last = m.end()
            kept.append(view.text[last:])
            origin += view.origin[last:]
            view = folding.Folded("".join(kept), origin)
        cleaned.append(view)
    return cleaned


def _small(text: str) -> str:
    """Lower case, one character for one (so offsets still match)."""
    small = text.lower()
    return small if len(small) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and (0 if check == 11 else check) == int(digits[9])


def _numbers(text: str) -> list[Found]:
    """NHS numbers (any 10 digits valid by their check digit, or any 10 after "NHS") and
    phone numbers in the digit chains of `text`."""
    found = []
    for chain in _CHAIN.finditer(text):
        if chain.end() - chain.start() < 10:
            continue  # fewer than 10 digits: neither a phone number nor an NHS number (a Word style's "Accent 1")
        groups = [(m.start() + chain.start(), m.group()) for m in _GROUP.finditer(chain.group())]
        cue = _NHS_CUE.search(text, max(0, chain.start() - 16), chain.start()) is not None
        phones = _phones(chain.group().startswith(("+", "0044")), groups)
        found += phones
        for first in range(len(groups) if cue or not phones else 0):
            window = _window([g for _, g in groups[first:]], 10)
            if window and (_grouped(window) or (cue and first == 0)) and (
                    (cue and first == 0) or _nhs_valid("".join(window))):
                found.append(Found(groups[first][0], NHS))
    return found


def _window(groups: list[str], size: int) -> list[str] | None:
    """The first groups that hold exactly `size` digits, if a group ends there."""
    total = 0
    for count, group in enumerate(groups, start=1):
        total += len(group)
        if total >= size:
            return groups[:count] if total == size else None
    return None


def _grouped(groups: list[str]) -> bool:
    """Grouped as people write a number: no group of two digits (as a date has), or every
    digit apart (`9 4 3 4 ...`)."""
    return all(len(g) >= 3 for g in groups) or all(len(g) == 1 for g in groups)


def _national(groups: list[str], international: bool) -> list[str]:
    """The groups of a number as it is dialled within the UK: +44 (0)7700 900123 is 07700 900123."""
    if not international:
        return groups
    rest = [g for g in [groups[0].removeprefix("00").removeprefix("44"), *groups[1:]] if g]
    if rest and rest[0] == "0":  # the (0) of +44 (0)7700
        rest = rest[1:]
    return ["0" + rest[0].removeprefix("0"), *rest[1:]] if rest else []


def _phones(plus: bool, groups: list[tuple[int, str]]) -> list[Found]:
    """A UK geographic (01, 02) or mobile (07) number, nationally or as +44 / 0044: 11
    digits (or 10 for some 01 areas) ending where a group ends. Services' numbers (03,
    0800, 0808, 084, 087, 09) are not a person's."""
    international = groups[0][1].startswith("0044") or (plus and groups[0][1].startswith("44"))
    dialled = _national([g for _, g in groups], international)
    shift = len(groups) - len(dialled)  # the groups +44 (0) took
    for first in range(len(dialled)):
        rest = dialled[first:]
        if not "".join(rest).startswith(_PHONE_STARTS):
            continue
        window = _window(rest, 11) or (_window(rest, 10) if "".join(rest).startswith("01") else None)
        if window and _grouped(window):
            return [Found(groups[0 if first == 0 and international else first + shift][0], PHONE)]
    return []


def _postcodes(text: str) -> list[Found]:
    found = []
    for m in _POSTCODE.finditer(text):
        inward = m.group("in")
        if inward and inward[1:].islower() and _ORDINAL.get(inward[0], "th") == inward[1:]:
            continue  # "the M1 4th", "A1 2nd": an ordinal, not an inward code
        if m.group("out") and m.group().islower() and " " not in m.group() and m.group()[-2:] in ("st", "nd", "rd",
                                                                                                  "th"):
            continue
        found.append(Found(m.start(), POSTCODE))
    return found


def _word_before(text: str, at: int) -> str:
    before = re.search(r"([A-Za-z]+)\.?[ \t]*$", text[max(0, at - 24):at])
    word = before.group(1).lower() if before else ""
    if word in ("no", "number") and before is not None:  # "No. 3 Oak Road" is a house; "Recommendation No. 3" is not
        further = _word_before(text, max(0, at - 24) + before.start())
        return further if further in _NOT_BEFORE else ""
    return word


def _addresses(text: str) -> list[Found]:
    found = []
    for m in _ADDRESS.finditer(text):
        names = m.group("name").split()
        nxt = (m.group("next") or "").strip().lower()
        if _word_before(text, m.start()) in _NOT_BEFORE or nxt in _NOT_AFTER:
            continue
        if names[0].lower().rstrip(".") in _MONTHS and (len(names) > 1 or m.group("street") in ("Court", "COURT")):
            continue  # "on 12 March Crown Court": a date, then a court
        found.append(Found(m.start(), ADDRESS))
    for m in _ADDRESS_SMALL.finditer(text):
        words = m.group("name").split()
        if _word_before(text, m.start()) in _NOT_BEFORE or any(w in _MEASURES or w in _MONTHS for w in words):
            continue
        found.append(Found(m.start(), ADDRESS))
    return found


def _births(small: str) -> list[Found]:
    """A date right after a cue (past up to three words) or right before it; dates are
    looked for only around the cues, which most text has none of."""
    found = []
    for cue in _BIRTH_CUE.finditer(small):
        between = _BEFORE_DATE.match(small, cue.end())
        reach = between.end() if between else cue.end()
        low = max(0, cue.start() - 48)
        dates = [w for w in written_dates.find(small[low:reach + 48]) if w.real()]
        after = [w for w in dates if cue.end() <= w.start + low <= reach]
        before = [w for w in dates if w.end + low <= cue.start()
                  and _AFTER_DATE.fullmatch(small, w.end + low, cue.start())]
        found += [Found(w.start + low, BIRTH) for w in after[:1] + before[-1:]]
    return found


def _emails(text: str) -> list[Found]:
    found = []
    for m in _EMAIL.finditer(text):
        local = m.group("local").strip(".").lower()
        if _TLD.search(m.group("domain")) is None or local in _ROLE_MAILBOXES:
            continue
        if "@" not in m.group() and not re.search(r"[\[(][ \t]?dot", m.group(), re.IGNORECASE):
            continue  # "name (at) home.": only with an obfuscated dot too
        found.append(Found(m.start(), EMAIL))
    return found


def _titles(text: str) -> list[Found]:
    found = []
    for m in _TITLE.finditer(text):
        name = m.group("name").capitalize()
        if name in _NOT_NAMES or name.rstrip("'’s") in _NOT_NAMES:
            continue
        if m.group("title") in _CAPITALS_ONLY and not m.group("name").isupper():
            continue
        if m.group("after") and m.group("title") in ("Dr", "Prof", "Professor"):
            continue  # a work cited: "Professor Munro (2011)"
        found.append(Found(m.start(), TITLE, m.group("name")))
    return found


# A case's own id (SSCP-2026-7KQ4MX; PREFIX-YEAR-six letters or digits): its year and its six
# characters, all digits now and then, make ten digits that may pass an NHS number's check.
_CASE_ID = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{4}-[0-9A-Z]{6}\b")


def scan(text: str) -> list[Found]:
    """Every identifier-shaped thing in `text`, by where it begins in `text` and its kind."""
    found: set[Found] = set()
    text = _CASE_ID.sub(lambda m: "x" * len(m.group()), text)  # same length: offsets still match
    text = text.replace("\r", " ")  # a line ended CR LF (a file saved on Windows) reads as one ended LF
    for view in _views(text):
        body = view.text
        small = _small(body)
        hits = [*_numbers(body), *_postcodes(body), *_addresses(body), *_births(small), *_emails(body),
                *_titles(body)]
        found.update(Found(view.origin[min(h.offset, len(view.origin) - 1)], h.kind, h.name)
                     for h in hits if view.origin)
    return sorted(found, key=lambda f: (f.offset, f.kind))
