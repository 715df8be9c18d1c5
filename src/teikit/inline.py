"""Build TEI mixed content from a unit's nodes, applying the profile's rules.

The output of a run is a list of strings and lxml elements in reading order
(``Items``); ``append_items`` puts them into an element. Running text gets
names from the register (persName/placeName with @ref), dates with @when,
spaced-dot omissions as gaps, and XML-forbidden characters as <g> references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from teikit.dates import find_dates, matches_at
from teikit.diagnostics import Diagnostic, diag
from teikit.parse import Bracket, Document, Node, Text, slice_nodes
from teikit.registers import Register
from teikit.rules import Mark, Profile, Rule
from teikit.source import XML_FORBIDDEN
from teikit.templates import canonical, escape

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
Items = list[str | etree._Element]

HONORIFICS = {"to", "from", "dear", "comrade", "comrades", "cde", "cde.", "mr", "mr.", "mrs",
              "mrs.", "amb", "amb.", "ambassador", "general", "marshal", "generalissimo",
              "chairman", "premier", "minister", "colonel", "col.", "lt.", "lieutenant",
              "president", "secretary", "deputy", "the", "and", "copies", "copy"}
PRONOUNS = r"I|he|she|him|her|they|them|we|us|you|He|She|They|We|You|Him|Her"
NAME_RUN = re.compile(r"(?P<name>(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*\.?)(?:[ \t]+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*\.?)*)"
                      r"(?P<q>[\"”’]?)(?P<ws>\s*)$")
PRONOUN_BEFORE = re.compile(rf"(?<![\w])(?P<name>{PRONOUNS})(?P<q>[\"”’]?)(?P<ws>\s*)$")
TOKEN_BEFORE = re.compile(r"(?P<tok>\S+)(?P<ws>\s*)$")
WORD_THEN_SPACE = re.compile(r"[a-z]\s+$")
ELLIPSIS = re.compile(r"\.(?:[ \t]\.){2,3}")
CANDIDATE = re.compile(r"\b(?:Cde\.|cde\.|Comrade|comrade|Colonel|General|Marshal|Amb\.|"
                       r"Ambassador|Mr\.|Mrs\.)\s+(?P<name>[A-ZА-Я][\w’\-]+(?:\s+[A-ZА-Я][\w’\-]+)?)"
                       r"|(?P<caps>\b[A-Z][A-Z’\-]{3,}(?:\s+[A-Z][A-Z’\-]{1,})*\b)")
#: Where a CANDIDATE can begin: a word's first letter, of a title or before three more
#: capitals. CANDIDATE begins with \b, so the regex engine would try it at every
#: character; this begins with a class, which it finds fast, and consumes one
#: character only, so no place where CANDIDATE could begin is skipped.
CANDIDATE_START = re.compile(r"[A-Zc](?<!\w.)(?=[A-Z’\-]{3}|de\.|omrade|olonel|eneral|arshal|mb"
                             r"|rs?\.)")
NOT_NAMES = {"CIPHERED", "TELEGRAM", "CABLE", "MINISTRY", "FOREIGN", "AFFAIRS", "DEAR", "DPRK",
             "USSR", "TOP", "SECRET", "URGENT", "COPY", "COPIES", "FOR", "FROM", "THE", "AND",
             "HTML", "PDF", "KPA", "VOTED", "GSSA", "APRF", "TASS", "UN", "USA", "STAFF",
             "MEMORANDUM", "CONVERSATION", "RECORD", "MINUTES", "NOTE", "SUBJECT", "PRESENT",
             "STRICTLY", "CONFIDENTIAL", "PERSONAL", "PROTOCOL", "REPORT", "LETTER", "DRAFT",
             "RESOLUTION", "DECISION", "DIRECTIVE", "EXCERPT", "OF", "TO", "IN", "ON", "BY",
             "CC", "VKP", "CPSU", "CCP", "KWP", "PRC", "ROK", "US", "SSR", "RSFSR", "MFA"}


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
    diagnostics: list[Diagnostic] = field(default_factory=list)


def E(tag: str, attrs: dict[str, str] | None = None, *items: str | etree._Element) -> etree._Element:
    if attrs and XML_FORBIDDEN.search("".join(attrs.values())):
        attrs = {k: XML_FORBIDDEN.sub("\ufffd", v) for k, v in attrs.items()}
    if tag == "TEI":
        el = etree.Element(TEI_TAG[tag], attrs, nsmap={None: TEI_NS})
    else:
        el = etree.Element(TEI_TAG[tag], attrs)
    if len(items) == 1 and isinstance(items[0], str) and not XML_FORBIDDEN.search(items[0]):
        el.text = items[0] or None  # the common case: text only, as append_items would set it
    elif items:
        append_items(el, items)
    return el


class _TagCache(dict[str, str]):
    def __missing__(self, tag: str) -> str:
        self[tag] = f"{{{TEI_NS}}}{tag}"
        return self[tag]


TEI_TAG = _TagCache()


def g_ref(code: int) -> etree._Element:
    """A character XML cannot carry, as a reference to its charDecl entry."""
    return E("g", {"ref": f"#U{code:04X}"})


def append_items(el: etree._Element, items: Iterable[str | etree._Element]) -> etree._Element:
    """Append strings and elements in order; characters XML forbids become <g> references."""
    last = el[-1] if len(el) else None  # the child a string goes after (kept, not looked up)
    for it in items:
        if isinstance(it, str):
            if not it:
                continue
            if XML_FORBIDDEN.search(it):
                parts: Items = []
                pos = 0
                for m in XML_FORBIDDEN.finditer(it):
                    parts += [it[pos:m.start()], g_ref(ord(m.group()))]
                    pos = m.end()
                parts.append(it[pos:])
                append_items(el, parts)
                last = el[-1] if len(el) else None
            elif last is None:
                el.text = (el.text or "") + it
            else:
                last.tail = (last.tail or "") + it
        else:
            el.append(it)
            last = it
    return el


def local(el: etree._Element) -> str:
    tag = el.tag
    return tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""


class Context:
    """What a rule may ask about the place of the bracket it is reading."""

    def __init__(self, doc: Document, profile: Profile, register: Register, state: DocState):
        self.doc = doc
        self.profile = profile
        self.register = register
        self.state = state
        self.items: Items = []
        #: Whether the text has characters XML cannot carry: most have none, and
        #: then no run of it needs looking at for them.
        self.forbidden = XML_FORBIDDEN.search(doc.text) is not None

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


def build_inline(nodes: list[Node], ctx: Context, mode: str = "p") -> Items:
    """Mixed content for a run of nodes. ``mode`` 'dateline' allows year-less dates."""
    saved = ctx.items
    items: Items = []
    ctx.items = items
    i = 0
    while i < len(nodes):
        n = nodes[i]
        if isinstance(n, Text):
            items.extend(text_items(n.text, n.start, ctx, mode))
        else:
            i = _bracket(n, nodes, i, ctx, mode)
        i += 1
    ctx.items = saved
    return items


def _bracket(b: Bracket, nodes: list[Node], i: int, ctx: Context, mode: str) -> int:
    doc, items = ctx.doc, ctx.items
    inner = doc.text[b.inner_start:b.inner_end]
    raw = doc.text[b.start:b.end]
    found = ctx.profile.match(inner, ctx)
    if not b.close and (found is None or found[0].name in FALLBACK_RULES):
        b, found = _reread_unclosed(b, nodes, i, ctx)
        inner = doc.text[b.inner_start:b.inner_end]
        raw = doc.text[b.start:b.end]
    if found is None:
        _literal(b, ctx, mode)
        return i
    rule, mark = found
    if not _reading_holds(b, mark, doc.text):
        _literal(b, ctx, mode)
        return i
    ctx.state.rules_used.add(rule.name)
    line, col = doc.position(b.start)
    if mark.shape == "drop":
        ctx.state.diagnostics.append(diag("TK104", f"web-page artefact left out: {raw!r}",
                                          doc.path, line, col))
        return i
    if mark.shape == "literal":
        _literal(b, ctx, mode)
        return i
    body_items: Items = []
    prefix = suffix = ""
    if mark.body is not None:
        s, e = b.inner_start + mark.body[0], b.inner_start + mark.body[1]
        body_items = build_inline(slice_nodes(b.children, s, e, doc.text), ctx, mode)
        prefix, suffix = doc.text[b.start:s], doc.text[e:b.end]
    else:
        prefix = raw
    slot = escape(prefix) + "{0}" + escape(suffix)
    el: etree._Element
    if mark.shape in ("sic", "choice"):
        got = _pop_token(items)
        if got is None:
            ctx.state.diagnostics.append(diag("TK108", f"{raw!r} follows no word; kept as text",
                                              doc.path, line, col))
            _literal(b, ctx, mode)
            return i
        token, sep = got
        if XML_FORBIDDEN.search(sep):
            items.extend([token, sep])
            _literal(b, ctx, mode)
            return i
        if mark.shape == "sic":
            el = E("sic", {}, token)
            template = "{0}" + escape(sep + raw)
        else:
            el = E("choice", {}, E("sic", {}, token), E("corr", {}, *body_items))
            template = "{0}" + escape(sep + prefix) + "{1}" + escape(suffix)
    elif mark.shape == "empty":
        el = E(mark.tag, mark.attrs)
        template = escape(raw)
    elif mark.shape == "gloss":
        _wrap_name_before(ctx, inner, mark)
        el = E("note", mark.attrs, *body_items)
        template = slot
    elif mark.shape == "term":
        lang = mark.text or ctx.profile.term_lang
        el = E("note", mark.attrs, E("foreign", {XML_LANG: lang}, *body_items))
        template = slot
    elif mark.shape == "rest-of-line":
        rest, consumed = _rest_of_line(nodes, i + 1, doc.text)
        lead = ""
        if rest and isinstance(rest[0], Text):
            stripped = rest[0].text.lstrip(" \t")
            lead = rest[0].text[: len(rest[0].text) - len(stripped)]
            rest[0] = Text(stripped, rest[0].start + len(lead))
        el = E(mark.tag, mark.attrs, *build_inline(rest, ctx, mode))
        template = escape(raw + lead) + "{0}"
        i = consumed
    else:
        el = E(mark.tag, mark.attrs, *body_items)
        template = slot
    if mark.cert:
        el.set("cert", mark.cert)
    if mark.doubt:
        ctx.state.doubts.append({"line": line, "col": col, "rule": rule.name, "cert": mark.cert,
                                 "source": raw, "reading": mark.doubt})
        ctx.state.diagnostics.append(diag("TK103", f"{mark.doubt} (@cert={mark.cert})",
                                          doc.path, line, col))
    set_rendition(el, template, ctx)
    kind = f"{el.get('type')}" if local(el) == "note" else local(el)
    ctx.state.marks[kind] = ctx.state.marks.get(kind, 0) + 1
    items.append(el)
    return i


FALLBACK_RULES = {"name-or-supplied", "supplied-plain"}
#: An unclosed bracket's label is in its first few words: look no further.
UNCLOSED_LABEL_WORDS = 6


def _reading_holds(b: Bracket, mark: Mark, text: str) -> bool:
    """A rule's reading is kept only if it cuts no nested bracket in two and
    its own spelling (outside the content) has no character XML cannot carry."""
    if mark.body is not None:
        s, e = b.inner_start + mark.body[0], b.inner_start + mark.body[1]
        for ch in b.children:
            if isinstance(ch, Bracket) and (ch.start < s < ch.end or ch.start < e < ch.end
                                            or (ch.end <= s or ch.start >= e)):
                return False
        outside = text[b.start:s] + text[e:b.end]
    else:
        outside = text[b.start:b.end]
    return not XML_FORBIDDEN.search(outside)


def _reread_unclosed(b: Bracket, nodes: list[Node], i: int,
                     ctx: Context) -> tuple[Bracket, tuple[Rule, Mark] | None]:
    """The most plausible reading of a bracket that is never closed.

    If its first words make a specific mark (``[sic`` + text), the bracket is
    read as closing after them; otherwise the ``[`` is kept as plain text.
    """
    text = ctx.doc.text
    ends = re.finditer(r"\S(?=\s|$)", text[b.inner_start:b.inner_end])
    for _k, m in zip(range(UNCLOSED_LABEL_WORDS), ends, strict=False):
        end = b.inner_start + m.end()
        if any(isinstance(ch, Bracket) and ch.start < end < ch.end for ch in b.children):
            continue  # the mark would cut a nested bracket in two
        found = ctx.profile.match(text[b.inner_start:end], ctx)
        if found is not None and found[0].name not in FALLBACK_RULES:
            head = Bracket(b.start, end, b.open, "",
                           slice_nodes(b.children, b.inner_start, end, text))
            rest = slice_nodes(b.children, end, b.end, text)
            nodes[i + 1:i + 1] = rest
            nodes[i] = head
            return head, found
    return b, None


def _literal(b: Bracket, ctx: Context, mode: str) -> None:
    """Keep a bracket as text, still reading the marks nested in it."""
    ctx.items.append(b.open)
    inner = build_inline(b.children, ctx, mode)
    ctx.items.extend(inner)
    ctx.items.append(b.close)


def set_rendition(el: etree._Element, template: str, ctx: Context) -> None:
    canon = canonical(el)
    if canon is not None and " ".join(canon.split()) == " ".join(template.split()):
        return
    table = ctx.state.renditions
    if template not in table:
        table[template] = f"tk-r{len(table) + 1}"
    el.set("rendition", "#" + table[template])


#: Elements that can be the word a [sic] is about (never another mark).
TOKEN_ELEMENTS = {"persName", "placeName", "date", "foreign", "g"}


def _pop_token(items: Items) -> tuple[str | etree._Element, str] | None:
    """Take the word (or name, date) just before a mark off the items."""
    if not items:
        return None
    last = items[-1]
    if isinstance(last, str):
        m = TOKEN_BEFORE.search(last)
        if m and m.group("tok"):
            items[-1] = last[: m.start()]
            return m.group("tok"), m.group("ws")
        if len(items) > 1 and not isinstance(items[-2], str) and local(items[-2]) in TOKEN_ELEMENTS:
            items.pop()
            return items.pop(), last
        return None
    if local(last) not in TOKEN_ELEMENTS:
        return None
    items.pop()
    return last, ""


def _wrap_name_before(ctx: Context, gloss: str, mark: Mark) -> None:
    """Make the name before a gloss a persName pointing at the person the gloss names."""
    span = ctx._name_span()
    entry = ctx.register.lookup(gloss, "person") or ctx.register.lookup(gloss)
    items = ctx.items
    if span is None:
        return
    name, ws = span
    if not isinstance(name, str):
        if entry is not None:
            name.set("ref", "#" + entry.id)
            name.tag = f"{{{TEI_NS}}}{'persName' if entry.kind == 'person' else 'placeName'}"
        return
    last = items[-1]
    assert isinstance(last, str)
    cut = len(last) - len(ws) - len(name)
    if cut < 0 or last[cut:cut + len(name)] != name:
        return
    entry = entry or ctx.register.lookup(name)
    attrs = {"ref": "#" + entry.id} if entry else {}
    tag = "placeName" if entry is not None and entry.kind == "place" else "persName"
    items[-1] = last[:cut]
    items.append(E(tag, attrs, name))
    items.append(ws)


def _rest_of_line(nodes: list[Node], j: int, text: str) -> tuple[list[Node], int]:
    out: list[Node] = []
    while j < len(nodes):
        n = nodes[j]
        if isinstance(n, Text) and "\n" in n.text:
            k = n.text.index("\n")
            if k:
                out.append(Text(n.text[:k], n.start))
            nodes[j] = Text(n.text[k:], n.start + k)
            return out, j - 1
        out.append(n)
        j += 1
    return out, j - 1


def text_items(s: str, start: int, ctx: Context, mode: str) -> Items:
    """Names, dates, omissions and forbidden characters in a run of plain text."""
    spans: list[tuple[int, int, str, object]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y, _k, _v in spans)

    forbidden = ctx.forbidden and XML_FORBIDDEN.search(s) is not None
    if forbidden:
        for m in XML_FORBIDDEN.finditer(s):
            spans.append((m.start(), m.end(), "g", ord(m.group())))
    if ". ." in s or ".\t." in s:  # how every ELLIPSIS begins: a quick look first
        for m in ELLIPSIS.finditer(s):
            a = m.start() + (1 if m.group().count(".") == 4 else 0)
            if free(a, m.end()):
                spans.append((a, m.end(), "gap", None))
    for d in find_dates(s, ctx.state.year, yearless=(mode == "dateline")):
        if free(d.start, d.end) and not (forbidden and XML_FORBIDDEN.search(d.text)):
            spans.append((d.start, d.end, "date", d))
    for a, b, entry in ctx.register.find(s):
        if free(a, b):
            spans.append((a, b, "name", entry))
    _candidates(s, start, ctx, spans)
    spans.sort(key=lambda t: t[0])
    items: Items = []
    pos = 0
    for a, b, kind, val in spans:
        if a > pos:
            items.append(s[pos:a])
        frag = s[a:b]
        if kind == "g":
            items.append(g_ref(int(val)))  # type: ignore[call-overload]
        elif kind == "gap":
            el = E("gap", {"reason": "omitted"})
            set_rendition(el, escape(frag), ctx)
            ctx.state.marks["gap"] = ctx.state.marks.get("gap", 0) + 1
            items.append(el)
        elif kind == "date":
            items.append(E("date", {"when": val.iso}, frag))  # type: ignore[attr-defined]
            if ctx.state.year and abs(int(val.iso[:4]) - ctx.state.year) > 5:  # type: ignore
                line, col = ctx.doc.position(start + a)
                ctx.state.diagnostics.append(diag(
                    "TK107", f"date {frag!r} ({val.iso}) is far from the document's year "  # type: ignore
                    f"{ctx.state.year}; check the source", ctx.doc.path, line, col))
        else:
            tag = "persName" if val.kind == "person" else "placeName"  # type: ignore[attr-defined]
            items.append(E(tag, {"ref": "#" + val.id}, frag))  # type: ignore[attr-defined]
        pos = b
    if pos < len(s):
        items.append(s[pos:])
    return items


def _candidates(s: str, start: int, ctx: Context, spans: list[tuple[int, int, str, object]]) -> None:
    for m in matches_at(CANDIDATE, (h.start() for h in CANDIDATE_START.finditer(s)), s):
        name = m.group("name") or m.group("caps")
        a = m.start("name") if m.group("name") else m.start("caps")
        if any(x <= a < y for x, y, _k, _v in spans):
            continue
        words = [w for w in name.split() if w.upper() not in NOT_NAMES]
        if not words or ctx.register.lookup(" ".join(words)) is not None:
            continue
        key = " ".join(words)
        if m.group("caps") and (len(words) > 3 or len(key) < 4):
            continue
        if key not in ctx.state.candidates:
            ctx.state.candidates[key] = ctx.doc.position(start + a)
