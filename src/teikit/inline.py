"""Build TEI mixed content from a unit's nodes, applying the profile's rules.

Text between brackets goes to runs.text_items (names, dates, omissions); each
bracket is read by the profile's first matching rule, and the mark it makes is
assembled here (sic, choice, gloss, term, a mark running to the end of its line...),
its content read the same way, nested marks and all.
"""

from __future__ import annotations

import re

from lxml import etree

from teikit.context import Context, set_rendition
from teikit.diagnostics import diag
from teikit.elements import TEI_NS, XML_LANG, E, Items, local
from teikit.parse import Bracket, Node, Text, slice_nodes
from teikit.rules import Mark, Rule
from teikit.runs import text_items
from teikit.source import XML_FORBIDDEN
from teikit.templates import escape

TOKEN_BEFORE = re.compile(r"(?P<tok>\S+)(?P<ws>\s*)$")


def build_inline(nodes: list[Node], ctx: Context, mode: str = "p") -> Items:
    """Mixed content for a run of nodes. ``mode`` 'dateline' allows year-less dates."""
    saved = ctx.items
    items: Items = []
    ctx.items = items
    ctx.depth += 1
    if ctx.depth > ctx.deepest:
        ctx.deepest = ctx.depth
    i = 0
    while i < len(nodes):
        n = nodes[i]
        if isinstance(n, Text):
            items.extend(text_items(n.text, n.start, ctx, mode))
        elif ctx.depth > ctx.mark_depth:
            _too_deep(n, ctx, mode)
        else:
            i = _bracket(n, nodes, i, ctx, mode)
        i += 1
    ctx.depth -= 1
    ctx.items = saved
    return items


def _too_deep(b: Bracket, ctx: Context, mode: str) -> None:
    """A mark nested too deep: kept as plain text (with the marks inside it), reported once."""
    if not ctx.state.too_deep:
        ctx.state.too_deep = True
        line, col = ctx.doc.position(b.start)
        ctx.state.diagnostics.append(diag(
            "TK101", f"marks nested more than {ctx.mark_depth} deep; the innermost are kept "
            "as plain text", ctx.doc.path, line, col))
    _literal(b, ctx, mode)


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
