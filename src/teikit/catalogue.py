"""The catalogue data of an archive's web page: what goes to the teiHeader.

Before the document: the catalogue date that heads it (or a textbook's "Document
N." heading), then title, funder and citation widgets. After it: labelled fields
(source, rights, translator, language, related documents...). Lines read here are
the catalogue's, or listed as dropped frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from teikit.dates import DATE_ALONE, parse_date
from teikit.lines import ARTEFACT, Line, is_frame

MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
          r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
#: Labels that open the catalogue part after the document.
TAIL_LABELS = {
    "author(s):", "authors:", "author:", "associated people & organizations",
    "associated people and organizations", "associated places", "associated topics",
    "related documents", "document information", "source", "original archive", "rights",
    "original uploaded date", "record id", "original language", "language",
    "translated by", "funded by", "subjects discussed", "keywords", "collection", "summary",
    "description", "type", "date", "title", "citation information", "more information",
}
TAIL_LINE = re.compile(r"^(?:translated|translation) by\b|^original language\s*:|^source\s*:\s*\S",
                       re.I)
LANGUAGES = {"russian": "ru", "chinese": "zh", "korean": "ko", "english": "en", "german": "de",
             "french": "fr", "polish": "pl", "czech": "cs", "hungarian": "hu", "romanian": "ro",
             "bulgarian": "bg", "mongolian": "mn", "vietnamese": "vi", "japanese": "ja",
             "spanish": "es", "italian": "it", "serbian": "sr", "albanian": "sq", "ukrainian": "uk"}
FUNDER = re.compile(r"^this document was made possible with support from (?:the )?(.+?)\.?$", re.I)
GENRE = (r"(?:ciphered\s+|coded\s+|secret\s+|top\s+secret\s+)?(?:telegram|cable|cablegram|letter"
         r"|memorandum|memo|record|report|note|notes|minutes|conversation|message|resolution"
         r"|directive|decree|speech|statement|instructions?|diary|protocol|decision|order|draft"
         r"|transcript|excerpt|telephone|reply|response|dispatch|despatch|telegraph|radiogram"
         r"|communiqu[eé]|summary|information|journal)")
TITLE_LIKE = re.compile(rf"\b{GENRE}\b", re.I)
SUMMARY_START = re.compile(rf"^(?:{GENRE}|(?:a|an|the)\s+\w+\s+{GENRE})\b", re.I)
TEXTBOOK_HEAD = re.compile(r"^document\s+[\dIVXLC]+(?:\.\d+)*[.:]?\s+(?P<title>.+)$", re.I)
TEXTBOOK_DUP = re.compile(r"^document\s+[\dIVXLC]+(?:\.\d+)*\s*\|", re.I)
SOURCE_LINE = re.compile(r"^source:\s*(?P<text>.*[\"“”].*|.*\bbulletin\b.*|.*https?://.*)$", re.I)
CITATION = re.compile(r"^\s*[\"“](?P<title>.+?),?[\"”],?\s*(?P<rest>.*)$")
TRANSLATOR = re.compile(r"\b(?:translated|translation)(?: for [\w .]+?)? by\s+(?P<name>[^.;,]+"
                        r"(?:\s+[A-Z]\.)?[^.;,]*)", re.I)
ARCHIVE_REF = re.compile(r"\b(?:f\.|fond|op\.|opis|d\.|delo|l\.|ll\.|file|box|folder)\s*\d", re.I)

#: Expansions of archive abbreviations used in call numbers (facts, not prose).
REPOSITORIES = {
    "APRF": "Archive of the President of the Russian Federation",
    "AVP RF": "Foreign Policy Archive of the Russian Federation",
    "AVPRF": "Foreign Policy Archive of the Russian Federation",
    "RGASPI": "Russian State Archive of Socio-Political History",
    "TsAMO": "Central Archive of the Ministry of Defence of the Russian Federation",
    "GARF": "State Archive of the Russian Federation",
    "RGANI": "Russian State Archive of Contemporary History",
}


@dataclass
class Catalogue:
    """What the page says about the document: goes to the teiHeader."""

    title: str = ""
    titles: list[str] = field(default_factory=list)
    date_text: str = ""
    date: str = ""
    summary: list[str] = field(default_factory=list)
    funder: str = ""
    citation: str = ""
    publisher: str = ""
    archive_refs: list[str] = field(default_factory=list)
    bibl: str = ""
    translator: str = ""
    rights: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    language: str = ""


def is_tail_label(ln: Line) -> bool:
    return ln.norm in TAIL_LABELS


def _title_like(s: str) -> bool:
    t = s.strip()
    if len(t.split()) < 3:
        return False
    letters = list(filter(str.isalpha, t))
    if not letters or sum(map(str.isupper, letters)) > 0.8 * len(letters):
        return False
    return TITLE_LIKE.search(t) is not None


def _nonblank(lines: list[Line], i: int, limit: int = 10**9) -> list[int]:
    out = []
    for j in range(i, len(lines)):
        if lines[j].stripped:
            out.append(j)
            if len(out) >= limit:
                break
    return out


def _find_anchor(lines: list[Line]) -> int | None:
    """Index of the catalogue date line that heads a web page's document."""
    for i, ln in enumerate(lines):
        s = ln.stripped
        if len(s) > 100 and len(s.split(None, 20)) > 20 and not is_frame(ln):
            return None  # running prose: the document has begun
        # a date alone ends with its year's last digit (or a dot): one look before the pattern
        if not s or len(s) > 24 or not (s[-1].isdecimal() or s[-1] == ".") or not DATE_ALONE.match(s):
            continue
        nxt = [j for j in _nonblank(lines, i + 1, 4) if not is_frame(lines[j])]
        for j in nxt[:2]:
            t = lines[j].stripped
            if _title_like(t) or FUNDER.match(t):
                return i
    return None


def read_head(lines: list[Line], cat: Catalogue, dropped: list[Line]) -> int:
    """Read the frame and catalogue before the document into ``cat`` and ``dropped``;
    return where the document starts."""
    anchor = _find_anchor(lines)
    if anchor is not None:
        before = [j for j in range(anchor) if lines[j].stripped]
        for j in before:
            if j == before[-1] and not is_frame(lines[j]) and len(lines[j].text.split()) >= 5:
                cat.summary.append(lines[j].stripped)
            else:
                dropped.append(lines[j])
        date = parse_date(lines[anchor].stripped)
        cat.date_text = lines[anchor].stripped
        cat.date = date.iso if date else ""
        return _widgets(lines, anchor + 1, cat, dropped)
    first = _nonblank(lines, 0, 1)
    if first and TEXTBOOK_HEAD.match(lines[first[0]].stripped):
        return _textbook_head(lines, first[0], cat, dropped)
    i = 0
    while i < len(lines) and (not lines[i].stripped or is_frame(lines[i])):
        if lines[i].stripped:
            dropped.append(lines[i])
        i += 1
    return i


def _textbook_head(lines: list[Line], i: int, cat: Catalogue, dropped: list[Line]) -> int:
    m = TEXTBOOK_HEAD.match(lines[i].stripped)
    assert m
    cat.title = m.group("title").strip()
    j = i + 1
    while j < len(lines) and (not lines[j].stripped or TEXTBOOK_DUP.match(lines[j].stripped)
                              or is_frame(lines[j])):
        if lines[j].stripped:
            dropped.append(lines[j])
        j += 1
    if j < len(lines) and _is_headnote(lines[j].stripped):
        cat.summary.append(lines[j].stripped)
        j += 1
    return j


def _is_headnote(s: str) -> bool:
    """An editor's introduction: prose about the document, in the third person."""
    return len(s.split()) >= 12 and bool(
        re.search(r"\b(the following|this (document|telegram|letter|cable)|selections?|excerpts?"
                  r"|written by|sent by|describ\w+)\b", s, re.I))


def _widgets(lines: list[Line], i: int, cat: Catalogue, dropped: list[Line]) -> int:
    """After the catalogue date: title, funder and citation widgets, then the document."""
    in_citation = False
    while i < len(lines):
        ln = lines[i]
        s = ln.stripped
        n = ln.norm
        if not s:
            i += 1
            continue
        if n in ("• citation", "citation", "get citation"):
            in_citation = True
            dropped.append(ln)
        elif n in ("share document", "• share document"):
            in_citation = False
            dropped.append(ln)
        elif m := FUNDER.match(s):
            cat.funder = m.group(1).strip()
        elif in_citation and CITATION.match(s):
            _read_citation(s, cat)
        elif in_citation:
            cat.summary.append(s)
        elif is_frame(ln) or ARTEFACT.fullmatch(s):
            dropped.append(ln)
        elif not cat.title and _title_like(s) and not _starts_document(s):
            cat.title = s
        else:
            return i
        i += 1
    return i


def _starts_document(s: str) -> bool:
    return s.startswith("[") and not ARTEFACT.match(s)


def _read_citation(s: str, cat: Catalogue) -> None:
    m = CITATION.match(s)
    assert m
    cat.citation = s
    title = m.group("title").strip().rstrip(",")
    if title not in cat.titles:
        cat.titles.append(title)
    if not cat.title:
        cat.title = title
    rest = m.group("rest")
    d = parse_date(rest)
    if d and rest.find(d.text) < 3:
        rest = rest[rest.find(d.text) + len(d.text):].lstrip(" ,")
    if t := TRANSLATOR.search(rest):
        cat.translator = t.group("name").strip()
        rest = rest[: t.start()].rstrip(" .,;")
    parts = [p.strip() for p in rest.split(",")]
    if parts and "archive" in parts[0].lower() and "program" in parts[0].lower():
        cat.publisher = parts.pop(0)
    ref = ", ".join(parts).strip(" .")
    if ref:
        cat.archive_refs.append(ref)


def read_tail(lines: list[Line], start: int, cat: Catalogue, dropped: list[Line],
              taken: set[int] | None = None) -> int:
    """Find where the document ends; read the catalogue data after it.

    A one-line catalogue item (``Source: "…"``, ``Translated by …``) with the
    document's prose still to come stands before the text, as some pages put
    it: it is read into the catalogue, its index added to ``taken``, and the
    document goes on."""
    end = None
    for i in range(start, len(lines)):
        s = lines[i].stripped
        if is_tail_label(lines[i]):
            end = i
            break
        if TAIL_LINE.match(s):  # TAIL_LINE holds SOURCE_LINE
            if taken is not None and _prose_follows(lines, i + 1):
                _read_tail([lines[i]], cat, dropped)
                taken.add(i)
                continue
            end = i
            break
    if end is None:
        return len(lines)
    prev = [j for j in range(start, end) if lines[j].stripped]
    doc_end = end
    if len(prev) >= 2:
        last = lines[prev[-1]].stripped
        before = lines[prev[-2]].stripped
        if (SUMMARY_START.match(last) or _closing_line(before)) and len(last.split()) >= 6:
            cat.summary.append(last)
            doc_end = prev[-1]
    _read_tail(lines[end:], cat, dropped)
    return doc_end


#: Prose of the document: a sentence of some length (a catalogue's tail has labels,
#: short fields, citations, rights and links instead).
PROSE_WORDS = 15
_PROSE_END = re.compile(r"[.!?;:\"”’)\]]$")


def _prose_follows(lines: list[Line], i: int) -> bool:
    """Whether a line of the document's prose comes after line ``i`` before any tail label."""
    for ln in lines[i:]:
        s = ln.stripped
        if not s:
            continue
        if is_tail_label(ln):
            return False
        if TAIL_LINE.match(s):  # another one-line item: look past it
            continue
        if (len(s.split()) >= PROSE_WORDS and _PROSE_END.search(s) and "://" not in s
                and not RIGHTS_WORD.search(s) and not is_frame(ln)):
            return True
    return False


CLOSING_LINE = re.compile(r"^(copies|copy|distribution|cc)\b|^(no\.|nº|n°|№)\s*\d", re.I)


def _closing_line(s: str) -> bool:
    return CLOSING_LINE.match(s) is not None


ORIGINAL_LANGUAGE = re.compile(r"^original language\s*:\s*(.+)$", re.I)
#: ``copyright|reuse|permission|rights`` with re.I, begun by a class (c, p and r have no
#: other case-insensitive forms), so the engine tries it only where one of them stands.
RIGHTS_WORD = re.compile(r"[cCpPrR](?i:(?<=c)opyright|(?<=r)euse|(?<=p)ermission|(?<=r)ights)")


def _read_tail(lines: list[Line], cat: Catalogue, dropped: list[Line]) -> None:
    label = ""
    for ln in lines:
        s = ln.stripped
        if not s:
            continue
        n = ln.norm
        if is_tail_label(ln):
            label = n
            dropped.append(ln)
            continue
        if m := SOURCE_LINE.match(s):
            _read_source_line(m.group("text"), cat)
            continue
        if t := TRANSLATOR.match(s):
            cat.translator = t.group("name").strip()
            continue
        if lang := ORIGINAL_LANGUAGE.match(s):
            cat.language = lang.group(1).strip()
            continue
        clean = ARTEFACT.sub("", s)
        if clean != s:
            dropped.append(ln)
        if "rights" in label or RIGHTS_WORD.search(s):
            cat.rights.append(clean.strip())
        elif label == "related documents" or "|" in s:
            cat.related.append(s.strip(" |"))
        elif label in ("document information", "source", "original archive") or ARCHIVE_REF.search(s):
            if ARCHIVE_REF.search(s) or label == "original archive":
                if not any(s.rstrip(".") in r for r in cat.archive_refs):
                    cat.archive_refs.append(s)
            else:
                dropped.append(ln)
        elif label in ("summary", "description") and len(s.split()) >= 5:
            cat.summary.append(s)
        elif label in ("translated by",):
            cat.translator = s
        elif label in ("original language", "language") and s.lower() in LANGUAGES:
            cat.language = s
        elif m2 := FUNDER.match(s):
            cat.funder = m2.group(1)
        else:
            dropped.append(ln)


def _read_source_line(text: str, cat: Catalogue) -> None:
    cat.bibl = text.strip()
    m = CITATION.match(text)
    if m:
        title = re.sub(r"^document\s+[\dIVXLC]+(?:\.\d+)*[.:]\s*", "", m.group("title"), flags=re.I)
        title = title.strip().rstrip(",")
        if title not in cat.titles:
            cat.titles.append(title)


def repository_of(ref: str) -> str:
    """The repository named by an archival reference's abbreviation, if known."""
    for abbr, name in REPOSITORIES.items():
        if re.search(rf"(?<![\w]){re.escape(abbr)}(?![\w])", ref):
            return name
    return ""
