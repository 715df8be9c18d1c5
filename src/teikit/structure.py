"""Give the document's units their structure: opener, paragraphs, closer, notes.

Each unit is classified by what it looks like (classify.py: a telegram's form
lines, a salutation, a numbered point, a signature, a registry or typist line, a
list of copies); a small state machine then places them: form lines into
``opener``, prose into ``p``, a letter quoted inside the text into
``floatingText``, the closing matter into ``closer`` and typed ``note``s, and
a text attached after the closing matter into a ``div type="attachment"``.
"""

from __future__ import annotations

import re

from lxml import etree

from teikit.classify import (
    DISTRIBUTION_MORE,
    HEADING_WORDS,
    NUMBERED,
    PB_LINE,
    VALEDICTION,
    Classified,
    classified,
)
from teikit.context import Context, set_rendition
from teikit.elements import E, Items, append_items, local
from teikit.inline import build_inline
from teikit.lines import SPACES
from teikit.parse import Unit, slice_nodes
from teikit.runs import NOT_NAMES
from teikit.templates import escape

#: Texts inside texts (a letter quoted in the document, an attachment after its closer, an
#: attachment of that attachment...), at most: each adds three elements, and XML parsers
#: refuse a document nested more than 256 deep. At the limit, closing matter is read as
#: paragraphs, so no further attachment opens.
MAX_TEXT_DEPTH = 20


def build_text(units: list[Unit], ctx: Context, depth: int = 0) -> list[etree._Element]:
    """Block elements for a text: a div's, or (``depth`` > 0) a floatingText body's content."""
    text = ctx.doc.text
    year, dates = ctx.state.year, ctx.state.dates
    cls = [classified(u, text, year, dates) for u in units]
    _last_name_signs(cls)
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
        quote = k in ("quote", "salute") and not depth and c.raw.lstrip()[:1] in "“\"«„"
        if k == "pb":
            out.append(_pb(c, ctx))
        elif quote and not closed:
            j = _quote_end(cls, i, text)
            out.append(_floating(cls[i:j], ctx, depth + 1))
            i = j
            continue
        elif k in NOTE_TYPES:
            i = _note(out, cls, i, ctx)
            continue
        elif depth < MAX_TEXT_DEPTH and (
                (k in ("valediction", "signature", "signed") and _has_content(out))
                or (k in ("dateline", "marks") and _last_is(out, "closer"))
                or (k == "dateline" and closed and _closing_only(cls, i))):
            i = _closer(out, cls, i, ctx)
            closed = True
            continue
        elif k == "postscript" and closed:
            out.append(E("postscript", {}, E("p", {}, *_inline(c, ctx))))
        elif closed and k in ("p", "short", "salute", "numbered", "quote", "dateline", "postscript"):
            div = E("div", {"type": "attachment"})
            div.append(_floating_text("attachment", [x.unit for x in cls[i:]], ctx, depth + 1))
            out.append(div)
            break
        elif k == "marks" and closed:
            i = _closer(out, cls, i, ctx)
            continue
        elif not closed and (rows := _table_run(cls, i, text)) >= 2:
            out.append(_table(cls[i:i + rows], ctx))
            i += rows
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
            items = _inline(c, ctx)
            if k == "marks" and _only_global(items):
                out.extend(x for x in items if not isinstance(x, str))  # "[p. 2]" on its own line
            else:
                out.append(E("p", {"n": n.group("n")} if n else {}, *items))
        i += 1
    return out


#: Elements that may stand between paragraphs (TEI's model.global): a line holding only
#: one of these is not a paragraph ("[p. 2]" alone on its line).
GLOBAL = {"pb", "gap", "note", "lb", "cb", "milestone"}


def _only_global(items: Items) -> bool:
    elements = [x for x in items if not isinstance(x, str)]
    return (len(elements) == 1 and local(elements[0]) in GLOBAL
            and not (elements[0].tail or "").strip(SPACES)
            and all(not x.strip(SPACES) for x in items if isinstance(x, str)))


COMMON = {"p", "list", "floatingText", "ab", "div", "table", "quote", "lg"}


def _closing_only(cls: list[Classified], i: int) -> bool:
    """Whether nothing but closing matter is left: a date under the registry lines is the
    document's own (a second closer), not the start of an attachment."""
    return all(c.kind in NOTE_TYPES or c.kind in ("dateline", "marks", "signature", "signed")
               for c in cls[i:])


def _has_content(out: list[etree._Element]) -> bool:
    """A closer may only follow the text's own content (TEI's div model)."""
    return any(local(el) in COMMON for el in out)


#: A table's cell: words one space apart; two spaces or a tab part the cells.
CELL = re.compile(r"[^ \t]+(?: [^ \t]+)*")  # only spaces and tabs part them: a character is kept
CELL_MAX = 60


def _cells(c: Classified, text: str) -> list[tuple[int, int]] | None:
    """The cells of a unit laid out in columns (three or more, outside any bracket), as
    offsets into the document text; None if it is not such a line."""
    if len(c.unit.lines) != 1 or "  " not in c.raw and "\t" not in c.raw:
        return None
    start = c.unit.start
    line = text[start:c.unit.end]
    cells = [(start + m.start(), start + m.end()) for m in CELL.finditer(line)]
    if len(cells) < 3 or any(e - s > CELL_MAX for s, e in cells):
        return None
    for s, e in cells:  # a bracket may not run from one cell into the next
        cell = text[s:e]
        if cell.count("[") != cell.count("]"):
            return None
    return cells


def _table_run(cls: list[Classified], i: int, text: str) -> int:
    """How many lines from i on make a table: consecutive source lines in columns."""
    n = 0
    while i + n < len(cls) and _cells(cls[i + n], text) is not None and (
            n == 0 or cls[i + n].unit.lines[0].no == cls[i + n - 1].unit.lines[0].no + 1):
        n += 1
    return n


def _table(rows: list[Classified], ctx: Context) -> etree._Element:
    """A table of figures as the document lays it out: a row a line, a cell a column."""
    text = ctx.doc.text
    table = E("table")
    laid = [(c, _cells(c, text) or []) for c in rows]
    widest = max(len(cells) for _, cells in laid)
    first_col = min(cells[0][0] - c.unit.start for c, cells in laid)
    for c, cells in laid:
        row = E("row")
        if len(cells) < widest and cells[0][0] - c.unit.start > first_col + 2:
            row.append(E("cell"))  # a heading row over the rows' labels: their column is empty
            row[-1].tail = " "
        for n, (s, e) in enumerate(cells):
            cell = E("cell", {}, *build_inline(slice_nodes(c.unit.nodes, s, e, text), ctx, "p"))
            if n < len(cells) - 1:
                cell.tail = " "  # the columns' space, for the text read back
            row.append(cell)
        table.append(row)
    return table


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
        items[0] = items[0].lstrip(SPACES)  # not str.strip's: it takes NEL, LS, PS too
    if items and isinstance(items[-1], str):
        items[-1] = items[-1].rstrip(SPACES)
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


def _last_name_signs(cls: list[Classified]) -> None:
    """A name standing alone after the last paragraph (``Vyshinsky``, ``A. Gromyko``), with
    only closing matter (distribution, registry, typist...) after it, is the signature,
    as the reference encoding has it, even when it is not written in capitals."""
    last = len(cls) - 1
    while last >= 0 and (cls[last].kind in NOTE_TYPES or cls[last].kind == "dateline"
                         or (cls[last].unit.lines[0].text[:1] in " \t" and len(cls[last].bare.split()) <= 8)):
        last -= 1  # closing matter (indented lines go on with it), the place and date under a signature
    if (last >= 2 and cls[last].kind == "short" and cls[last - 1].kind == "short"
            and cls[last - 2].kind in ("p", "numbered", "quote")
            and _name_line(cls[last - 1].bare) and len(cls[last].bare.split()) <= 8
            and not cls[last].bare.rstrip().endswith(":")):
        # a name and the signer's office under it ("Károly Fendler" / "chargé d'affaires a.i.")
        cls[last - 1].kind = cls[last].kind = "signature"
        return
    before = cls[last - 1] if last >= 1 else None
    if before is None or cls[last].kind != "short" or not (
            before.kind in ("p", "numbered", "quote", "valediction")
            or (before.kind == "short" and before.bare.rstrip()[-1:] in ".!")):  # "Please reply."
        return
    c = cls[last]
    words = c.bare.split()
    if (1 <= len(words) <= 4 and c.bare[-1:] not in ":?!;,"
            and all(w[:1].isupper() and w.upper() not in HEADING_WORDS for w in words)
            and any(len(w.rstrip(".")) > 2 for w in words)):
        c.kind = "signature"


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
        elif k in ("signature", "signed") or (
                k == "short" and len(closer) and local(closer[-1]) == "salute"
                and len(c.bare.split()) <= 12):
            # the signature, and the signer's office between the valediction and the name
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
        # an indented line under a list of copies goes on with it
        more = more or (kind == "distribution" and nxt.unit.lines[0].text[:1] in " \t"
                        and len(bare.split()) <= 8 and nxt.kind not in NOTE_TYPES)
        # "Copies:" and then the recipients, one a line
        more = more or (kind == "distribution" and c.bare.rstrip().endswith(":")
                        and nxt.kind in ("short", "signature") and _name_line(bare))
        if not more:
            break
        append_items(note, [E("lb"), *_inline(nxt, ctx, mode)])
        i += 1
    if kind == "distribution":
        _recipients(note, ctx)
    out.append(note)
    return i


def _name_line(s: str) -> bool:
    """One to four capitalised words (initials too): a name on its own line."""
    t = s.strip(SPACES)
    words = t.rstrip(".,;").split()
    return not t.endswith(":") and 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and any(
        len(w.rstrip(".")) > 2 for w in words) and words[0].rstrip(".") not in RECIPIENT_NOT_NAMES


RECIPIENT_NOT_NAMES = {"Copy", "Copies", "Cde", "Comrade", "Comrades", "To", "Sent", "Printed"}


def _recipients(note: etree._Element, ctx: Context) -> None:
    """One persName per recipient in a list of copies."""
    pattern = re.compile(r"\b(?:cde|Cde|to|To)\.?\s(?P<n>[A-Z][\w’\-]+(?:\s[A-Z][\w’\-]+)?)"
                         r"|[:,]\s(?P<m>(?:(?:Mr|Mrs|Ms|Dr|Gen|Col|Maj|Adm|Amb)\.\s)?(?:[A-Z]\.\s?){0,2}"
                         r"[A-Z][a-z’\-]+(?:\s[A-Z][a-z’\-]+)?)"
                         r"(?=\s*(?:\(|,|$))")

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
        if not out and _name_line(s) and s.strip(SPACES).rstrip(".,;").upper() not in NOT_NAMES:
            name = s.strip(SPACES).rstrip(".,;")  # a recipient alone on a line
            at = s.find(name)
            return [s[:at], E("persName", {}, name), s[at + len(name):]]
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
        if re.search(r"[”\"»“]\s*$", cls[j].raw.strip()) and j > i:
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


def _floating(cls: list[Classified], ctx: Context, depth: int) -> etree._Element:
    return _floating_text("letter", [c.unit for c in cls], ctx, depth)


def _floating_text(kind: str, units: list[Unit], ctx: Context, depth: int) -> etree._Element:
    """A text inside the text (a quoted letter, an attachment): a floatingText with a body.

    Its body must hold some content of its own, and a text that has an attachment of
    its own ends with it, after its closer: TEI lets a closer end a div, not come
    before one, so the text's own part becomes a div, as the document's does.
    """
    blocks = build_text(units, ctx, depth)
    if len(blocks) > 1 and local(blocks[-1]) == "div":
        own = E("div", {}, *blocks[:-1])
        ensure_content(own)
        blocks = [own, blocks[-1]]
    body = E("body", {}, *blocks)
    ensure_content(body)
    return E("floatingText", {"type": kind}, body)


def ensure_content(div: etree._Element) -> None:
    """A div (or body) of nothing but form lines or closing matter: keep each as an ``ab``.

    TEI lets a closer follow only the text's own content, and a div must hold
    some; a document that is all closing matter (a signature, a seal) keeps its
    lines as anonymous blocks rather than being given invented content.
    """
    if any(local(ch) in COMMON for ch in div):
        return
    if not len(div):
        div.append(E("ab"))
        return
    for ch in list(div):
        if local(ch) in ("closer", "opener"):
            idx = div.index(ch)
            div.remove(ch)
            ab = E("ab", {"type": local(ch)})
            ab.text = ch.text
            for part in list(ch):  # each part was a line of its own
                if len(ab) or (ab.text or "").strip(SPACES):
                    ab.append(E("lb"))
                if local(part) in ("signed", "salute", "dateline", "seg"):
                    _move_content(part, ab)
                else:
                    tail, part.tail = part.tail, None
                    ab.append(part)
                    if tail:
                        ab[-1].tail = tail
            div.insert(idx, ab)


def _move_content(src: etree._Element, dst: etree._Element) -> None:
    """Append an element's content (text and children, with their tails) to another."""
    append_items(dst, [src.text or "", *list(src), src.tail or ""])
