"""What each unit of the document is, from what it looks like.

A telegram's form lines, a salutation, a numbered point, a signature, a dateline,
a registry or typist line, a list of copies, a valediction, prose: structure.py
places each unit by its kind. Most questions look at the unit's words outside
brackets, worked out once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from teikit.dates import DateMemo, find_dates
from teikit.parse import Unit

PB_LINE = re.compile(r"^[ \t]*[-–—][ \t]*(?P<n>\d{1,4})[ \t]*[-–—][ \t]*$")
DISTRIBUTION = re.compile(r"^(?:copies\b|copy\s*(?:n[º°o]\.?|№|no\.?)?\s*\d|distribution\b|cc\s*:"
                          r"|\d+\s+copies\b|copies to\b|sent to\s*:)", re.I)
DISTRIBUTION_MORE = re.compile(r"^(?:\d+\s*[.)]?\s*[–—-]|copy\s*(?:n[º°o]\.?|№)?\s*\d)", re.I)
REGISTRY = re.compile(r"^(?:no\.|nº|n°|№|ref\.?|reg\.?\s*no\.?|registry(?:\s+no\.?)?\s*:"
                      r"|(?:incoming|outgoing|inc\.|outg\.)\s*(?:no\.|№)?)\s*[\w/.\-]+\.?$", re.I)
TYPIST = re.compile(r"^(?:typed|typist|printed\s+by|deciphered|decoded|ciphered\s+by|encoded"
                    r"|decrypted)\b", re.I)
RECORDER = re.compile(r"^(?:recorded|written down|compiled|taken down|noted)\s+by\b", re.I)
DISPATCH = re.compile(r"^(?:sent|dispatched|transmitted|forwarded)\s+by\b", re.I)
ATTACHMENT = re.compile(r"^(?:attachment|enclosure|appendix|enclosed)\b", re.I)
CERTIFICATION = re.compile(r"^(?:correct|true copy|certified|verified|copy correct)\s*[:.]", re.I)
VALEDICTION = re.compile(r"^[“\"]?\s*(?P<v>(?:faithfully|sincerely|respectfully|yours(?: \w+)?"
                         r"|with (?:[\w-]+ ){0,2}(?:respect|greetings?|regards|salutations?)"
                         r"|(?:best|warm|kind) regards)\b[,.]?)\s*(?P<rest>.*)$", re.I)
SALUTE = re.compile(r"^[“\"‘]?\s*(?:dear|to comrade|to cde\b|to the\b|comrade|respected|esteemed"
                    r"|to (?:the )?(?:chairman|minister|ambassador|premier|general|marshal))", re.I)
DATELINE_LEAD = re.compile(r"^(?:from|sent|received|arrived|dispatched|dated|date|recd)\b", re.I)
POSTSCRIPT = re.compile(r"^(?:P\.\s?S\.|PS[.:]|P\.\s?P\.\s?S\.|Post[- ]?scriptum\b)", re.I)
#: Words a name line does not begin with: "TO FILIPPOV" addresses, it does not sign.
NOT_SIGNING = {"TO", "FROM", "FOR", "VIA", "ATTN", "CC", "COPY", "RE", "SUBJECT", "URGENT"}
NUMBERED = re.compile(r"^(?P<n>\d{1,2}|[IVX]{1,4}|[a-h])[.)]\s+\S")
SIGNATURE_MARK = re.compile(r"\[(?:illegible )?signature\]\s*$", re.I)
SENTENCE_END = re.compile(r"[.!?:;]\W*$")
LETTER_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
#: Any of the closing-matter labels: most units begin with none, and one look replaces seven.
CLOSING_LABELS = re.compile("|".join(f"(?:{p.pattern})" for p in (
    DISTRIBUTION, REGISTRY, TYPIST, DISPATCH, RECORDER, ATTACHMENT, CERTIFICATION)), re.I)
#: Whether a unit begins as closing matter, a valediction, a salutation or a numbered point
#: may: one look instead of four for the many units that begin as none of them.
LEADS = re.compile("|".join(f"(?{'i' if p.flags & re.I else ''}:{p.pattern})"
                            for p in (CLOSING_LABELS, VALEDICTION, SALUTE, NUMBERED)))
HEADING_WORDS = {"TELEGRAM", "CABLE", "CIPHERED", "MINISTRY", "SECRET", "TOP", "URGENT",
                 "MEMORANDUM", "LETTER", "REPORT", "AFFAIRS", "FOREIGN", "DEPARTMENT"}


@dataclass
class Classified:
    unit: Unit
    kind: str
    raw: str
    bare: str  # its words outside brackets, which most questions about a unit look at


INNERMOST = re.compile(r"\[[^\[\]]*\]")


def _bare_words(raw: str) -> list[str]:
    """The unit's words outside brackets."""
    changed = 1
    while changed and "[" in raw:  # innermost first, until none is left (or none closes)
        raw, changed = INNERMOST.subn(" ", raw)
    return raw.split()


def classified(u: Unit, text: str, year: int | None, dates: DateMemo | None = None) -> Classified:
    """A unit with its kind and its text, whole and outside brackets."""
    raw = text[u.start:u.end]
    words = _bare_words(raw)
    bare = " ".join(words)
    return Classified(u, classify(raw.strip(), bare, words, year, dates), raw, bare)


def classify(raw: str, bare: str, words: list[str], year: int | None,
             dates: DateMemo | None = None) -> str:
    """What a unit is, from its stripped text and its words outside brackets (``bare``
    joined by single spaces, and split); ``dates`` is the document's (see find_dates)."""
    if raw[:1] in "-–—" and PB_LINE.match(raw):  # raw is stripped: it begins with the dash
        return "pb"
    if raw[:1] in "PpP" and POSTSCRIPT.match(raw):
        return "postscript"
    lead = LEADS.match(bare) is not None  # most units (prose) begin with none of the four
    if lead and CLOSING_LABELS.match(bare) and (label := _closing_label(bare, words)):
        return label
    if lead and VALEDICTION.match(bare) and len(words) <= 20:
        return "valediction"
    if len(words) <= 25 and SIGNATURE_MARK.search(raw):
        return "signed"
    found = find_dates(bare, year, yearless=True, memo=dates) if len(words) <= 25 else []
    if found:
        outside = bare
        for d in found:
            outside = outside.replace(d.text, " ")
        if DATELINE_LEAD.match(bare) or len(outside.split()) <= 4:
            return "dateline"
    if lead and SALUTE.match(bare) and len(words) <= 20:
        return "salute"
    if lead and NUMBERED.match(bare):
        return "numbered"
    if raw[:1] in "“\"«„" and len(words) > 3:
        return "quote"
    if _is_signature(bare):
        return "signature"
    if not words:
        return "marks"
    if len(words) <= 8 and not SENTENCE_END.search(bare) or len(words) <= 4:
        return "short"
    if len(words) <= 20 and _heading_case(words):
        return "short"
    return "p"


def _closing_label(bare: str, words: list[str]) -> str | None:
    """The closing-matter label a unit begins with, if any, tried in turn."""
    if DISTRIBUTION.match(bare):
        return "distribution"
    if REGISTRY.match(bare) and len(words) <= 3:
        return "registry"
    if TYPIST.match(bare):
        return "typist"
    if DISPATCH.match(bare):
        return "dispatch"
    if RECORDER.match(bare):
        return "recorder"
    if ATTACHMENT.match(bare) and len(words) <= 8:
        return "attachment"
    if CERTIFICATION.match(bare):
        return "certification"
    return None


FUNCTION_WORDS = {"of", "the", "and", "for", "to", "in", "on", "at", "by", "a", "an", "-", "–"}


def _heading_case(words: list[str]) -> bool:
    """Form lines and headings capitalise their words; prose does not."""
    content = [w for w in words if w.lower() not in FUNCTION_WORDS]
    if not content:
        return False
    caps = sum(w[:1].isupper() or w[:1].isdigit() for w in content)
    return caps / len(content) >= 0.7


def _is_signature(bare: str) -> bool:
    """One to six words, in capitals (initials aside), none of them a heading's."""
    words: list[str] = []
    for m in LETTER_WORD.finditer(bare):  # read no further than need be: most units are prose
        w = m.group()
        if len(words) == 6 or len(w) > 1 and not w.isupper():
            return False
        words.append(w)
    if not words or any(w.upper() in HEADING_WORDS for w in words) or words[0].upper() in NOT_SIGNING:
        return False
    return any(len(w) > 1 for w in words)
