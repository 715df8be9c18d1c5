"""Give the document's units their structure: opener, paragraphs, closer, notes.

Each unit is classified by what it looks like (a telegram's form lines, a
salutation, a numbered point, a signature, a registry or typist line, a list
of copies); a small state machine then places them: form lines into
``opener``, prose into ``p``, a letter quoted inside the text into
``floatingText``, the closing matter into ``closer`` and typed ``note``s, and
a text attached after the closing matter into a ``div type="attachment"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from lxml import etree

from teikit.dates import find_dates
from teikit.inline import (
    NOT_NAMES,
    Context,
    E,
    Items,
    append_items,
    build_inline,
    local,
    set_rendition,
)
from teikit.parse import Unit
from teikit.templates import escape

PB_LINE = re.compile(r"^[ \t]*[-–—][ \t]*(?P<n>\d{1,4})[ \t]*[-–—][ \t]*$")
DISTRIBUTION = re.compile(r"^(?:copies\b|copy\s*(?:n[º°o]\.?|№|no\.?)?\s*\d|distribution\b|cc\s*:"
                          r"|\d+\s+copies\b|copies to\b|sent to\s*:)", re.I)
DISTRIBUTION_MORE = re.compile(r"^(?:\d+\s*[.)]?\s*[–—-]|copy\s*(?:n[º°o]\.?|№)?\s*\d)", re.I)
REGISTRY = re.compile(r"^(?:no\.|nº|n°|№|ref\.?|reg\.?\s*no\.?)\s*[\w/.\-]+\.?$", re.I)
TYPIST = re.compile(r"^(?:typed|typist|printed\s+by|deciphered|decoded|ciphered\s+by|encoded"
                    r"|decrypted)\b", re.I)
RECORDER = re.compile(r"^(?:recorded|written down|compiled|taken down|noted)\s+by\b", re.I)
DISPATCH = re.compile(r"^(?:sent|dispatched|transmitted|forwarded)\s+by\b", re.I)
ATTACHMENT = re.compile(r"^(?:attachment|enclosure|appendix|enclosed)\b", re.I)
CERTIFICATION = re.compile(r"^(?:correct|true copy|certified|verified|copy correct)\s*[:.]", re.I)
VALEDICTION = re.compile(r"^[“\"]?\s*(?P<v>(?:faithfully|sincerely|respectfully|yours(?: \w+)?"
                         r"|with (?:deep |comradely |communist )?(?:respect|greetings?)"
                         r"|(?:best|warm|kind) regards)\b[,.]?)\s*(?P<rest>.*)$", re.I)
SALUTE = re.compile(r"^[“\"‘]?\s*(?:dear|to comrade|to cde\b|to the\b|comrade|respected|esteemed"
                    r"|to (?:the )?(?:chairman|minister|ambassador|premier|general|marshal))", re.I)
DATELINE_LEAD = re.compile(r"^(?:from|sent|received|arrived|dispatched|dated|date|recd)\b", re.I)
NUMBERED = re.compile(r"^(?P<n>\d{1,2}|[IVX]{1,4}|[a-h])[.)]\s+\S")
SIGNATURE_MARK = re.compile(r"\[(?:illegible )?signature\]\s*$", re.I)
SENTENCE_END = re.compile(r"[.!?:;]\W*$")
LETTER_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
#: Any of the closing-matter labels: most units begin with none, and one look replaces seven.
CLOSING_LABELS = re.compile("|".join(f"(?:{p.pattern})" for p in (
    DISTRIBUTION, REGISTRY, TYPIST, DISPATCH, RECORDER, ATTACHMENT, CERTIFICATION)), re.I)
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
    if "[" in raw:
        prev = None
        while prev != raw:
            prev, raw = raw, INNERMOST.sub(" ", raw)
    return raw.split()


def _classified(u: Unit, text: str, year: int | None) -> Classified:
    raw = text[u.start:u.end]
    words = _bare_words(raw)
    bare = " ".join(words)
    return Classified(u, classify(raw.strip(), bare, words, year), raw, bare)


def classify(raw: str, bare: str, words: list[str], year: int | None) -> str:
    """What a unit is, from its stripped text and its words outside brackets (``bare``
    joined by single spaces, and split)."""
    if PB_LINE.match(raw):
        return "pb"
    if CLOSING_LABELS.match(bare) and (label := _closing_label(bare, words)):
        return label
    if VALEDICTION.match(bare) and len(words) <= 20:
        return "valediction"
    if len(words) <= 25 and SIGNATURE_MARK.search(raw):
        return "signed"
    dates = find_dates(bare, year, yearless=True) if len(words) <= 25 else []
    if dates:
        outside = bare
        for d in dates:
            outside = outside.replace(d.text, " ")
        if DATELINE_LEAD.match(bare) or len(outside.split()) <= 4:
            return "dateline"
    if SALUTE.match(bare) and len(words) <= 20:
        return "salute"
    if NUMBERED.match(bare):
        return "numbered"
    if raw[:1] in "“\"" and len(words) > 3:
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
    if not 1 <= len(list(islice(LETTER_WORD.finditer(bare), 7))) <= 6:
        return False  # counted no further than need be: most units are long prose
    words = LETTER_WORD.findall(bare)
    if any(w.upper() in HEADING_WORDS for w in words):
        return False
    return all(w.isupper() for w in words if len(w) > 1) and sum(len(w) > 1 for w in words) > 0


def build_text(units: list[Unit], ctx: Context, nested: bool = False) -> list[etree._Element]:
    """Block elements for a text (a div's or a floatingText body's content)."""
    text = ctx.doc.text
    cls = [_classified(u, text, ctx.state.year) for u in units]
    out: list[etree._Element] = []
    opener: etree._Element | None = None
    phase = "opener"
    closed = False  # a closer has been written: prose now starts an attachment
    i = 0
    while i < len(cls):
        c = cls[i]
        k = c.kind
        if phase == "opener":
            if k in ("short", "dateline", "salute", "marks", "signature", "registry", "pb"):
                if opener is None:
                    opener = E("opener")
                    out.append(opener)
                i = _opener_item(opener, cls, i, ctx)
                continue
            phase = "body"
        quote = c.raw.lstrip()[:1] in "“\"" and k in ("quote", "salute") and not nested
        if k == "pb":
            out.append(_pb(c, ctx))
        elif quote and not closed:
            j = _quote_end(cls, i, text)
            out.append(_floating(cls[i:j], ctx))
            i = j
            continue
        elif k in NOTE_TYPES:
            i = _note(out, cls, i, ctx)
            continue
        elif (k in ("valediction", "signature", "signed") and _has_content(out)) or (
                k in ("dateline", "marks") and _last_is(out, "closer")):
            i = _closer(out, cls, i, ctx)
            closed = True
            continue
        elif closed and k in ("p", "short", "salute", "numbered", "quote", "dateline"):
            div = E("div", {"type": "attachment"})
            ft = E("floatingText", {"type": "attachment"})
            body = E("body")
            append_items(body, build_text([x.unit for x in cls[i:]], ctx, nested=True))
            ft.append(body)
            div.append(ft)
            out.append(div)
            break
        elif k == "marks" and closed:
            i = _closer(out, cls, i, ctx)
            continue
        elif k == "numbered" and _list_run(cls, i) >= 2:
            j = i + _list_run(cls, i)
            lst = E("list", {"type": "ordered"})
            for c2 in cls[i:j]:
                n = NUMBERED.match(c2.bare)
                lst.append(E("item", {"n": n.group("n")} if n else {}, *_inline(c2, ctx)))
            out.append(lst)
            i = j
            continue
        else:
            n = NUMBERED.match(c.bare)
            p = E("p", {"n": n.group("n")} if n else {}, *_inline(c, ctx))
            out.append(p)
        i += 1
    return out


COMMON = {"p", "list", "floatingText", "ab", "div", "table", "quote", "lg"}


def _has_content(out: list[etree._Element]) -> bool:
    """A closer may only follow the text's own content (TEI's div model)."""
    return any(local(el) in COMMON for el in out)


def _list_run(cls: list[Classified], i: int) -> int:
    """How many numbered points from i on are short enough to be a list's items."""
    n = 0
    while i + n < len(cls) and cls[i + n].kind == "numbered" and len(
            cls[i + n].bare.split()) <= 12:
        n += 1
    return n


def _inline(c: Classified, ctx: Context, mode: str = "p") -> Items:
    items = build_inline(c.unit.nodes, ctx, mode)
    if items and isinstance(items[0], str):
        items[0] = items[0].lstrip()
    if items and isinstance(items[-1], str):
        items[-1] = items[-1].rstrip()
    return items


def _pb(c: Classified, ctx: Context) -> etree._Element:
    m = PB_LINE.match(c.raw.strip(" \t"))
    assert m
    el = E("pb", {"n": m.group("n")})
    set_rendition(el, escape(c.raw.strip(" \t")), ctx)
    return el


def _opener_item(opener: etree._Element, cls: list[Classified], i: int, ctx: Context) -> int:
    c = cls[i]
    k = c.kind
    if k == "dateline":
        opener.append(E("dateline", {}, *_inline(c, ctx, "dateline")))
    elif k == "salute":
        items = _inline(c, ctx)
        j = i + 1
        if len(c.bare.split()) <= 1 and j < len(cls) and cls[j].kind in ("signature", "short"):
            items += ["\n", *_inline(cls[j], ctx)]
            j += 1
        opener.append(E("salute", {}, *items))
        return j
    elif k == "pb":
        opener.append(_pb(c, ctx))
    else:
        seg_type = "heading" if any(w in HEADING_WORDS for w in c.bare.upper().split()) else None
        opener.append(E("seg", {"type": seg_type} if seg_type else {}, *_inline(c, ctx)))
    return i + 1


def _last_is(out: list[etree._Element], name: str) -> bool:
    return bool(out) and local(out[-1]) == name


def _closer(out: list[etree._Element], cls: list[Classified], i: int, ctx: Context) -> int:
    closer = out[-1] if _last_is(out, "closer") else E("closer")
    if closer is not (out[-1] if out else None):
        out.append(closer)
    while i < len(cls):
        c = cls[i]
        k = c.kind
        if k == "valediction":
            items = _inline(c, ctx)
            _split_valediction(closer, items, c)
        elif k in ("signature", "signed"):
            closer.append(E("signed", {}, *_inline(c, ctx)))
        elif k == "dateline":
            closer.append(E("dateline", {}, *_inline(c, ctx, "dateline")))
        elif k == "marks":
            append_items(closer, ["\n", *_inline(c, ctx)])
        else:
            break
        i += 1
    return i


def _split_valediction(closer: etree._Element, items: Items, c: Classified) -> None:
    m = VALEDICTION.match(c.bare)
    assert m
    first = items[0] if items and isinstance(items[0], str) else ""
    v = m.group("v")
    pos = first.find(v)
    if pos < 0:
        closer.append(E("salute", {}, *items))
        return
    cut = pos + len(v)
    closer.append(E("salute", {}, first[:cut]))
    rest = [first[cut:], *items[1:]]
    if "".join(x if isinstance(x, str) else "x" for x in rest).strip():
        closer[-1].tail = rest[0][: len(rest[0]) - len(rest[0].lstrip())]
        rest[0] = rest[0].lstrip()
        closer.append(E("signed", {}, *rest))


NOTE_TYPES = {"distribution": "distribution", "registry": "registry", "typist": "typist",
              "dispatch": "dispatch", "attachment": "attachment", "certification": "certification",
              "recorder": "recorder"}


def _note(out: list[etree._Element], cls: list[Classified], i: int, ctx: Context) -> int:
    c = cls[i]
    kind = c.kind
    mode = "dateline" if kind in ("typist", "dispatch", "registry") else "p"
    note = E("note", {"type": NOTE_TYPES[kind]}, *_inline(c, ctx, mode))
    i += 1
    while i < len(cls):  # continuation lines of the same note
        nxt = cls[i]
        bare = nxt.bare
        more = (kind == "distribution" and (nxt.kind == "distribution"
                                             or DISTRIBUTION_MORE.match(bare)))
        more = more or (kind == "registry" and nxt.kind == "dateline" and len(bare.split()) <= 2)
        if not more:
            break
        append_items(note, [E("lb"), *_inline(nxt, ctx, mode)])
        i += 1
    if kind == "distribution":
        _recipients(note, ctx)
    out.append(note)
    return i


RECIPIENT_NOT_NAMES = {"Copy", "Copies", "Cde", "Comrade", "Comrades", "To", "Sent", "Printed"}


def _recipients(note: etree._Element, ctx: Context) -> None:
    """One persName per recipient in a list of copies."""
    pattern = re.compile(r"\b(?:cde|Cde|to|To)\.?\s(?P<n>[A-Z][\w’\-]+(?:\s[A-Z][\w’\-]+)?)"
                         r"|[:,]\s(?P<m>[A-Z][a-z’\-]+(?:\s[A-Z][a-z’\-]+)?)(?=\s*(?:\(|,|$))")

    def split(s: str) -> Items:
        out: Items = []
        pos = 0
        for m in pattern.finditer(s):
            g = "n" if m.group("n") else "m"
            name = m.group(g)
            if name.upper() in NOT_NAMES or name.rstrip(".") in RECIPIENT_NOT_NAMES:
                continue
            out.append(s[pos:m.start(g)])
            out.append(E("persName", {}, name))
            pos = m.end(g)
        out.append(s[pos:])
        return out

    parts: Items = [note.text or ""]
    note.text = None
    children = list(note)
    for ch in children:
        note.remove(ch)
        tail = ch.tail or ""
        ch.tail = None
        parts += [ch, tail]
    result: Items = []
    for p in parts:
        result.extend(split(p) if isinstance(p, str) else [p])
    append_items(note, result)


def _quote_end(cls: list[Classified], i: int, text: str) -> int:
    """End of a letter quoted inside the text: its closing quote or its closer."""
    j = i
    while j < len(cls):
        if re.search(r"[”\"]\s*$", cls[j].raw.strip()) and j > i:
            return j + 1
        if cls[j].kind == "valediction":
            signed = bool(VALEDICTION.match(cls[j].bare).group("rest"))  # type: ignore[union-attr]
            j += 1
            if not signed and j < len(cls) and cls[j].kind in ("signature", "signed"):
                j += 1
            while j < len(cls) and cls[j].kind == "dateline":
                j += 1
            return j
        j += 1
    return i + 1


def _floating(cls: list[Classified], ctx: Context) -> etree._Element:
    ft = E("floatingText", {"type": "letter"})
    body = E("body")
    append_items(body, build_text([c.unit for c in cls], ctx, nested=True))
    ft.append(body)
    return ft

