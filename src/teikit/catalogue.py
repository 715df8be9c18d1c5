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
    "credits", "call number", "archive", "translator", "abstract", "author(s)", "authors",
    "author", "funder", "language of the original", "original date",
}
#: Catalogue fields by their labels, alone on a line ("Summary", then its value) or
#: before a colon ("Translated by: Chen Jian"): the kind says where the value goes.
FIELDS = {
    "date": "date", "document date": "date", "original date": "date",
    "title": "title", "document title": "title",
    "summary": "summary", "description": "summary", "abstract": "summary",
    "archive": "archive", "original archive": "archive", "repository": "archive",
    "call number": "archive", "call no.": "archive", "archival reference": "archive",
    "archival citation": "archive", "archive reference": "archive", "archival source": "archive",
    "source": "source",
    "translated by": "translator", "translator": "translator", "translators": "translator",
    "translation by": "translator",
    "funded by": "funder", "funder": "funder", "credits": "funder", "funding": "funder",
    "language": "language", "original language": "language",
    "language of the original": "language", "original language(s)": "language",
    "rights": "rights", "copyright": "rights", "rights statement": "rights",
    "author(s)": "author", "author": "author", "authors": "author", "creator": "author",
    "record id": "record", "original uploaded date": "record",
}
#: Kinds that a document's own form lines also have (a memorandum's "Date:"): a block of
#: inline fields is the catalogue's only with another kind in it.
FORM_KINDS = {"date", "title"}
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
ARCHIVE_REF = re.compile(r"\b(?:f\.|fond|op\.|opis|d\.|delo|l\.|ll\.|file|box|folder|bl\.)\s*\d", re.I)

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
    n = ln.norm
    return n in TAIL_LABELS or (n[-1:] == ":" and n[:-1].rstrip() in TAIL_LABELS)


def inline_field(s: str) -> tuple[str, str] | None:
    """(label, value) of a line ``Label: value`` naming a catalogue field, else None
    (the words before the colon looked up in FIELDS)."""
    at = s.find(":")
    if at < 4 or at > 30:
        return None
    label = s[:at]
    if _kind(label) == "" or not s[at + 1:].strip():
        return None
    return label, s[at + 1:].strip()


def _kind(label: str) -> str:
    """The field a label names ("" if none): ``Translated by:`` → translator."""
    return FIELDS.get(" ".join(label.split()).casefold().rstrip(":").rstrip(), "")


def field_block(lines: list[Line], i: int) -> int:
    """Where a block of catalogue fields beginning at line ``i`` ends (``i`` if none begins).

    A label alone on its line takes the lines after it as its value, up to the next
    label or the first blank line after a value line; a line ``Label: value`` is a field
    by itself. Fields follow each other, a blank line between them or not. Inline fields
    alone make a block only if there are two or more and one is not a date or title
    (a memorandum's own ``Date:`` line is the document's, not the catalogue's).
    """
    j, labels, kinds = i, 0, set()
    while j < len(lines):
        ln = lines[j]
        if is_tail_label(ln):
            labels += 1
            kinds.add(_kind(ln.norm))
            j += 1
            first = j
            while (j < len(lines) and not is_tail_label(lines[j])
                   and inline_field(lines[j].stripped) is None
                   and (j == first or lines[j].no == lines[j - 1].no + 1)):
                j += 1
        elif (f := inline_field(ln.stripped)) is not None:
            kinds.add(_kind(f[0]))
            j += 1
        else:
            break
    inline = j - i
    if not labels and (inline < 2 or kinds <= FORM_KINDS):
        return i
    return j


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
    while i < len(lines) and (not lines[i].stripped or is_frame(lines[i]) or _is_nav(lines[i].stripped)):
        if lines[i].stripped:
            dropped.append(lines[i])
        i += 1
    return _titled_head(lines, i, cat, dropped)


#: A menu of links: two to eight short items between bars ("Home | Collections | Search").
NAV = re.compile(r"^[^\W\d][\w'’&.\- ]{0,24}(?:\s*\|\s*[^\W\d][\w'’&.\- ]{0,24}){1,7}$")


def _is_nav(s: str) -> bool:
    return "|" in s and NAV.match(s) is not None and all(len(p.split()) <= 3 for p in s.split("|"))


def _catalogue_line(s: str) -> bool:
    """An archival reference, a translator's or a funder's line: the catalogue's, not the text's."""
    return (TRANSLATOR.match(s) is not None or FUNDER.match(s) is not None
            or TAIL_LINE.match(s) is not None
            or (len(s) < 200 and (TRANSLATOR.search(s) is not None or ARCHIVE_REF.search(s) is not None
                                  or bool(repository_of(s))) and not s.endswith(":")))


def _titled_head(lines: list[Line], i: int, cat: Catalogue, dropped: list[Line]) -> int:
    """A page without the archive's date widget that still heads the document with its
    catalogue: a title (with its date after it, or fields), a summary, an archival line.

    Taken only with the catalogue's own evidence close by (labelled fields, an archival
    reference, a translator's or funder's line), since a document's own heading can be a
    title and a date too ("Memorandum of Conversation" / "March 12, 1953")."""
    head = _nonblank(lines, i, 9)
    # the title, after at most two short lines of the site's own (its name, a section)
    t = next((n for n, j in enumerate(head[:3]) if _title_like(lines[j].stripped)), None)
    if t is None or any(len(lines[j].stripped.split()) > 5 or SENTENCE_END_RE.search(lines[j].stripped)
                        for j in head[:t]):
        return i
    k, date = t + 1, None
    titles: list[str] = []
    summary: list[str] = []
    for j in head[t + 1:t + 5]:  # its date, a subtitle, a summary, before the evidence
        s = lines[j].stripped
        if field_block(lines, j) > j or _catalogue_line(s):
            break
        if date is None and _date_alone(s):
            date = (s, parse_date(s))
        elif not summary and _summary_like(s):
            summary.append(s)
        elif not titles and not summary and _title_like(s) and not s.endswith((".", ":")):
            titles.append(s)
        else:
            return i
        k += 1
    if k >= len(head) or not (field_block(lines, head[k]) > head[k]
                              or _catalogue_line(lines[head[k]].stripped)):
        return i
    dropped.extend(lines[j] for j in head[:t])
    cat.title = lines[head[t]].stripped
    cat.titles += titles
    if date and date[1]:
        cat.date_text, cat.date = date[0], date[1].iso
    cat.summary += summary
    j = head[k]
    while j < len(lines) and _catalogue_line(lines[j].stripped) and not field_block(lines, j) > j:
        s = lines[j].stripped
        if TAIL_LINE.match(s) or SOURCE_LINE.match(s):
            _read_tail([lines[j]], cat, dropped)
        else:
            _store("funder" if FUNDER.match(s) else "archive", s, cat)
        j += 1
    return j


SENTENCE_END_RE = re.compile(r"[.!?]$")


def _date_alone(s: str) -> bool:
    """A line that is a date and nothing else."""
    if len(s) > 30:
        return False
    d = parse_date(s)
    return d is not None and len(s.replace(d.text, "").strip(" .,")) == 0


def _summary_like(s: str) -> bool:
    """A catalogue's summary: a sentence or more of prose about the document."""
    return len(s.split()) >= 6 and s[-1] in ".!?)”\"" and not s.endswith(":")


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
        elif cat.title and not in_citation and _summary_like(s) and _catalogue_follows(lines, i + 1):
            cat.summary.append(s)
        elif cat.title and _catalogue_line(s) and not field_block(lines, i) > i:
            _store("archive", s, cat)
        else:
            return i
        i += 1
    return i


def _catalogue_follows(lines: list[Line], i: int) -> bool:
    """Whether the line after a would-be summary is the catalogue's (fields, an archival
    line) or the document's heading (short, in capitals), not more of the same prose."""
    nxt = _nonblank(lines, i, 1)
    if not nxt:
        return False
    s = lines[nxt[0]].stripped
    letters = [c for c in s if c.isalpha()]
    heading = (bool(letters) and len(s.split()) <= 6
               and sum(c.isupper() for c in letters) >= 0.8 * len(letters))
    return heading or field_block(lines, nxt[0]) > nxt[0] or _catalogue_line(s)


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
    i = start
    while i < len(lines):
        s = lines[i].stripped
        block = field_block(lines, i) if (s[-1] == ":" or ":" in s[:40] or len(s) < 40) else i
        if block > i:
            # catalogue fields with the document's prose still to come stand before it
            # (some pages put their fields first): read, and the document goes on
            if taken is not None and _prose_follows(lines, block):
                _read_tail(lines[i:block], cat, dropped)
                taken.update(range(i, block))
                i = block
                continue
            end = i
            break
        if TAIL_LINE.match(s):  # TAIL_LINE holds SOURCE_LINE
            if taken is not None and _prose_follows(lines, i + 1):
                _read_tail([lines[i]], cat, dropped)
                taken.add(i)
                i += 1
                continue
            end = i
            break
        i += 1
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
            label = n.rstrip(":").rstrip()
            dropped.append(ln)
            continue
        if (f := inline_field(s)) is not None and not SOURCE_LINE.match(s):
            if not _store(_kind(f[0]), f[1], cat):
                dropped.append(ln)
            continue
        if label and _kind(label) in _STORED and label not in _OLD_LABELS:
            if not _store(_kind(label), s, cat):
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
                _store("archive", s, cat)
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


#: The labels read by ``_read_tail``'s own rules (the web archive's tail); the others
#: go through ``_store``.
_OLD_LABELS = {"rights", "related documents", "document information", "source", "original archive",
               "summary", "description", "translated by", "original language", "language"}
_STORED = {"date", "title", "summary", "archive", "source", "translator", "funder", "language",
           "rights"}


def _store(kind: str, value: str, cat: Catalogue) -> bool:
    """Put a field's value where it belongs in the catalogue; False if it has no place."""
    value = value.strip()
    if not value or kind not in _STORED:
        return False
    if kind == "date":
        if cat.date:
            return False
        d = parse_date(value)
        if not d:
            return False
        cat.date_text, cat.date = value, d.iso
    elif kind == "title":
        if cat.title:
            return value == cat.title or value in cat.titles
        cat.title = value
    elif kind == "summary":
        cat.summary.append(value)
    elif kind == "archive":
        if t := TRANSLATOR.search(value):
            cat.translator = cat.translator or t.group("name").strip()
            value = value[: t.start()].rstrip(" .,;")
        if value and not any(value.rstrip(".") in r for r in cat.archive_refs):
            cat.archive_refs.append(value)
    elif kind == "source":
        _read_source_line(value, cat)
    elif kind == "translator":
        cat.translator = value.rstrip(" .;,")
    elif kind == "funder":
        m = FUNDER.match(value)
        cat.funder = (m.group(1) if m else value).strip().rstrip(".")
    elif kind == "language":
        cat.language = value.rstrip(" .")
    elif kind == "rights":
        cat.rights.append(value)
    return True


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
