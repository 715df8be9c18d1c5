"""What the conversion of one document knows while it reads: its state and a rule's context.

``DocState`` collects what the conversion finds besides the text (renditions, hands,
doubtful readings, candidate names, diagnostics); ``Context`` answers the questions a
rule asks about the place of the bracket it reads (is there a name before it?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from teikit.dates import DateMemo
from teikit.diagnostics import Diagnostic
from teikit.elements import Items, local
from teikit.parse import Document
from teikit.registers import Register
from teikit.rules import Profile
from teikit.source import XML_FORBIDDEN
from teikit.templates import canonical

HONORIFICS = {"to", "from", "dear", "comrade", "comrades", "cde", "cde.", "mr", "mr.", "mrs",
              "mrs.", "amb", "amb.", "ambassador", "general", "marshal", "generalissimo",
              "chairman", "premier", "minister", "colonel", "col.", "lt.", "lieutenant",
              "president", "secretary", "deputy", "the", "and", "copies", "copy"}
PRONOUNS = r"I|he|she|him|her|they|them|we|us|you|He|She|They|We|You|Him|Her"
NAME_RUN = re.compile(r"(?P<name>(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*\.?)(?:[ \t]+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*\.?)*)"
                      r"(?P<q>[\"”’]?)(?P<ws>\s*)$")
PRONOUN_BEFORE = re.compile(rf"(?<![\w])(?P<name>{PRONOUNS})(?P<q>[\"”’]?)(?P<ws>\s*)$")
WORD_THEN_SPACE = re.compile(r"[a-z]\s+$")


#: Runs of nodes read one inside another, at most: brackets nest at most parse.MAX_DEPTH
#: deep, but a mark that runs to the end of its line (``[handwritten] ...``) holds the marks
#: after it on that line, each one deeper. Each level is at least one element, so more
#: than this (with TEI, text, body, div and p above) could not be read back by an XML
#: parser (libxml2 refuses more than 256 levels without huge_tree): deeper marks are kept
#: as plain text. convert.py lowers the limit for a document that is still too deep.
MAX_MARK_DEPTH = 252


@dataclass
class DocState:
    """What a document's conversion collects besides its text."""

    path: str
    year: int | None
    renditions: dict[str, str] = field(default_factory=dict)
    hands: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    doubts: list[dict[str, object]] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    rules_used: set[str] = field(default_factory=set)
    candidates: dict[str, tuple[int, int]] = field(default_factory=dict)
    too_deep: bool = False  # marks nested past Context.mark_depth were met (reported once)
    dates: DateMemo = field(default_factory=dict)  # the dates in the document's strings
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Context:
    """What a rule may ask about the place of the bracket it is reading."""

    def __init__(self, doc: Document, profile: Profile, register: Register, state: DocState,
                 mark_depth: int = MAX_MARK_DEPTH, forbidden: bool | None = None):
        self.doc = doc
        self.profile = profile
        self.register = register
        self.state = state
        self.items: Items = []
        self.depth = 0  # how many runs of nodes are being read, one inside another
        self.deepest = 0  # the most there were
        self.mark_depth = mark_depth  # past this, marks are kept as plain text
        #: Whether the text has characters XML cannot carry: most have none, and
        #: then no run of it needs looking at for them. ``forbidden`` False says the
        #: source it was read from has none (Source.forbidden): then it is not looked at.
        self.forbidden = forbidden is not False and XML_FORBIDDEN.search(doc.text) is not None
        #: The original's language (ISO 639) as the catalogue gives it, or None: the
        #: language a term in brackets is read in first.
        self.original_lang: str | None = None

    # -- questions rules ask -------------------------------------------------
    def name_before(self) -> bool:
        return self._name_span() is not None

    def known_name_before(self) -> bool:
        last = _last_element(self.items)
        if last is not None and local(last) in ("persName", "placeName") and last.get("ref"):
            return True
        span = self._name_span()
        return bool(span and isinstance(span[0], str) and self.register.lookup(span[0]))

    def word_before(self) -> bool:
        tail = self.items[-1] if self.items else ""
        return isinstance(tail, str) and bool(WORD_THEN_SPACE.search(tail))

    def hand(self, who: str | None) -> str:
        key = (who or "").strip().casefold()
        if key not in self.state.hands:
            self.state.hands[key] = (f"hw{len(self.state.hands) + 1}", who)
        return self.state.hands[key][0]

    def lang_code(self, lang: str) -> str:
        codes = {"russian": "ru-Latn", "korean": "ko-Latn", "chinese": "zh-Latn",
                 "german": "de", "french": "fr", "polish": "pl", "czech": "cs",
                 "hungarian": "hu"}
        return codes.get(lang.lower(), self.profile.term_lang)

    # -- helpers ---------------------------------------------------------------
    def _name_span(self) -> tuple[str | etree._Element, str] | None:
        """The name (text or element) just before the bracket, and the space after it."""
        items = self.items
        if not items:
            return None
        last = items[-1]
        if isinstance(last, str) and not last.strip() and len(items) > 1:
            el = items[-2]
            if not isinstance(el, str) and local(el) in ("persName", "placeName"):
                return el, last
        if not isinstance(last, str):
            return (last, "") if local(last) in ("persName", "placeName") else None
        m = PRONOUN_BEFORE.search(last) or NAME_RUN.search(last)
        if not m:
            return None
        name = _strip_honorifics(m.group("name"), self.register)
        return (name, m.group("q") + m.group("ws")) if name else None


def _strip_honorifics(run: str, register: Register) -> str:
    words = run.split()
    for i in range(len(words)):  # a known name at the end of the run wins
        cand = " ".join(words[i:])
        if register.exact(cand) is not None:
            return cand
    caps: list[str] = []
    for w in reversed(words):
        if w.isupper() and len(w) > 1 or w == "I":
            caps.insert(0, w)
        else:
            break
    if caps:
        return " ".join(caps)
    while words and words[0].lower() in HONORIFICS:
        words.pop(0)
    if len(words) > 3:
        words = words[-3:]
    return " ".join(words)


def _last_element(items: Items) -> etree._Element | None:
    for it in reversed(items):
        if isinstance(it, str):
            if it.strip():
                return None
            continue
        return it
    return None


def set_rendition(el: etree._Element, template: str, ctx: Context) -> None:
    canon = canonical(el)
    if canon is not None and " ".join(canon.split()) == " ".join(template.split()):
        return
    table = ctx.state.renditions
    if template not in table:
        table[template] = f"tk-r{len(table) + 1}"
    el.set("rendition", "#" + table[template])
