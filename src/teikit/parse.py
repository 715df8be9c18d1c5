"""Tokenise the document once and match its brackets with a stack.

The document (its lines after the frame is removed) becomes a list of
*units*: a unit is one line, or several when a bracket spans them. Each unit
is a sequence of ``Text`` and ``Bracket`` nodes; brackets nest. Every node
keeps its offset, so every diagnostic has a line and a column.

Unbalanced brackets are read in the most plausible way and reported: a
closing bracket with no opening one stays literal text; an opening bracket
that is never closed runs to the end of its line, or to the end of the next
line when nothing but a label (``[handwritten above the form:``) follows it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from teikit.diagnostics import Diagnostic, diag
from teikit.lines import ARTEFACT, Line

#: What follows an unclosed bracket that only labels the next line (``[handwritten:``).
LABEL_ONLY = re.compile(r"[^\[\]]*:\s*")


@dataclass
class Text:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Bracket:
    """``[...]``, ``[[...]]``, or an opening bracket that is never closed."""

    start: int
    end: int
    open: str  # "[" or "[["
    close: str  # "]", "]]" or "" when unclosed
    children: list[Text | Bracket] = field(default_factory=list)

    @property
    def inner_start(self) -> int:
        return self.start + len(self.open)

    @property
    def inner_end(self) -> int:
        return self.end - len(self.close)


Node = Text | Bracket


@dataclass
class Unit:
    """One or more document lines read together."""

    lines: list[Line]
    nodes: list[Node]
    start: int
    end: int


@dataclass
class Document:
    """The document text with its bracket structure and a map back to the source."""

    text: str
    units: list[Unit]
    path: str
    line_starts: list[int]
    line_nos: list[int]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def position(self, offset: int) -> tuple[int, int]:
        """Source (line, column) of an offset in the document text."""
        i = max(0, bisect_right(self.line_starts, offset) - 1)
        return self.line_nos[i], offset - self.line_starts[i] + 1

    def raw(self, start: int, end: int) -> str:
        return self.text[start:end]


def parse_document(lines: list[Line], path: str = "") -> Document:
    """Join the document lines, match brackets and cut the text into units."""
    # an artefact is bracketed: most lines have no "[", and str's `in` is the quicker look
    texts = [ARTEFACT.sub("", ln.text) if "[" in ln.text else ln.text for ln in lines]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    text = "\n".join(texts)
    doc = Document(text, [], path, starts, [ln.no for ln in lines])
    for ln, t in zip(lines, texts, strict=True):
        if t != ln.text:
            doc.diagnostics.append(diag("TK104", "web-page artefact left out of the text: "
                                        + ", ".join(ARTEFACT.findall(ln.text)), path, ln.no, 1))
    spans = _match(doc)
    doc.units = _units(doc, lines, spans, sorted(spans))
    return doc


def _match(doc: Document) -> dict[int, tuple[int, str, str]]:
    """Map each opening bracket's offset to (end, open, close) of its bracket."""
    text = doc.text
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for at, opening in _brackets(text):
        if opening:
            stack.append(at)
        elif stack:
            pairs[stack.pop()] = at
        else:
            line, col = doc.position(at)
            doc.diagnostics.append(diag("TK102", "']' closes no bracket; kept as text",
                                        doc.path, line, col))
    spans: dict[int, tuple[int, str, str]] = {o: (c + 1, "[", "]") for o, c in pairs.items()}
    for o in sorted(stack, reverse=True):
        end = _implied_end(text, o, spans)
        spans[o] = (end, "[", "")
        line, col = doc.position(o)
        doc.diagnostics.append(diag(
            "TK101", f"'[' is never closed; read as running to {_where(doc, end)}: "
            f"{text[o:end][:50]!r}", doc.path, line, col))
    for o in sorted(spans):  # [[ ... ]] is one mark
        if o not in spans:
            continue
        end, op, cl = spans[o]
        inner = spans.get(o + 1)
        if op == "[" and cl == "]" and inner and inner[2] == "]" and inner[0] == end - 1:
            spans[o] = (end, "[[", "]]")
            del spans[o + 1]
    return spans


def _brackets(text: str) -> Iterator[tuple[int, bool]]:
    """Offsets of the brackets in order, and whether each opens (str.find is the fastest look)."""
    o, c = text.find("["), text.find("]")
    while o >= 0 or c >= 0:
        if c < 0 or 0 <= o < c:
            yield o, True
            o = text.find("[", o + 1)
        else:
            yield c, False
            c = text.find("]", c + 1)


def _where(doc: Document, end: int) -> str:
    line, col = doc.position(max(end - 1, 0))
    return f"line {line}, column {col + 1}"


def _implied_end(text: str, o: int, spans: dict[int, tuple[int, str, str]]) -> int:
    eol = text.find("\n", o)
    eol = len(text) if eol < 0 else eol
    rest = text[o + 1:eol]
    if LABEL_ONLY.fullmatch(rest) and eol < len(text):
        nxt = text.find("\n", eol + 1)
        eol = len(text) if nxt < 0 else nxt
    for s, (e, _op, _cl) in spans.items():  # a nested unclosed bracket is covered
        if o < s < eol:
            eol = max(eol, e)
    return eol


def _units(doc: Document, lines: list[Line], spans: dict[int, tuple[int, str, str]],
           opens: list[int]) -> list[Unit]:
    """Cut the text into units; ``opens`` are the brackets' offsets, sorted."""
    units: list[Unit] = []
    i = 0
    n = len(lines)
    while i < n:
        start = doc.line_starts[i]
        end = _line_end(doc, i)
        j = i
        # extend while a bracket opened in the unit ends beyond it
        k = bisect_left(opens, start)
        while k < len(opens) and opens[k] < end:
            e = spans[opens[k]][0]
            if e > end:
                while j + 1 < n and _line_end(doc, j) < e:
                    j += 1
                end = _line_end(doc, j)
            k += 1
        # a line wrapped in the middle of a sentence goes on in the next one
        if j + 1 < n and _wrapped(lines[j], lines[j + 1]):
            continue_from = j
            while j + 1 < n and _wrapped(lines[j], lines[j + 1]):
                j += 1
            end = _line_end(doc, j)
            k = bisect_left(opens, doc.line_starts[continue_from + 1])
            while k < len(opens) and opens[k] < end:  # brackets opened in the lines taken on
                e = spans[opens[k]][0]
                if e > end:
                    while j + 1 < n and (_line_end(doc, j) < e or _wrapped(lines[j], lines[j + 1])):
                        j += 1
                    end = _line_end(doc, j)
                k += 1
        deep: list[int] = []
        nodes = _tree(doc.text, start, end, spans, opens, 0, deep)
        units.append(Unit(lines[i:j + 1], nodes, start, end))
        if deep:
            line, col = doc.position(deep[0])
            doc.diagnostics.append(diag("TK101", f"brackets nested more than {MAX_DEPTH} deep; "
                                        "the innermost are kept as plain text", doc.path, line, col))
        i = j + 1
    return units


#: A telegram's form lines begin in lower case too ("received at 2332 30 September").
_FORM_LEAD = re.compile(r"(?:from|sent|received|arrived|dispatched|dated|date|recd|to|copy|copies)\b")


def _wrapped(line: Line, nxt: Line) -> bool:
    """Whether ``nxt`` goes on with ``line``'s sentence: the next line in the source (no
    blank line between), begun in lower case, after a long line that ends mid-sentence."""
    s, t = line.stripped, nxt.stripped
    if nxt.no != line.no + 1 or len(s) < 40:
        return False
    end = s[-1]  # a lower-case letter, a comma or a hyphen: the sentence goes on
    if not (end.islower() or end in ",-–"):
        return False
    if t[:1].islower():
        return _FORM_LEAD.match(t) is None
    # a long line cut before a capitalised word (a name) goes on with prose, not a heading
    return (len(s) >= 60 and t[:1].isupper() and not t.isupper() and s[-1] != ","
            and _FORM_LEAD.match(t.lower()) is None and not s.isupper())


def _line_end(doc: Document, i: int) -> int:
    nxt = doc.line_starts[i + 1] - 1 if i + 1 < len(doc.line_starts) else len(doc.text)
    return nxt


MAX_DEPTH = 32


def _tree(text: str, start: int, end: int, spans: dict[int, tuple[int, str, str]],
          opens: list[int], depth: int = 0, too_deep: list[int] | None = None) -> list[Node]:
    if depth > MAX_DEPTH:  # no editor nests marks this deep: keep the rest as text
        if too_deep is not None:
            too_deep.append(start)
        return [Text(text[start:end], start)] if end > start else []
    nodes: list[Node] = []
    pos = start
    k = bisect_left(opens, start)
    last = bisect_left(opens, end)
    while k < last:
        o = opens[k]
        e, op, cl = spans[o]
        e = min(e, end)
        if o > pos:
            nodes.append(Text(text[pos:o], pos))
        b = Bracket(o, e, op, cl)
        b.children = _tree(text, b.inner_start, b.inner_end, spans, opens, depth + 1, too_deep)
        nodes.append(b)
        pos = e
        k += 1
        while k < last and opens[k] < e:
            k += 1
    if pos < end:
        nodes.append(Text(text[pos:end], pos))
    return nodes


def slice_nodes(nodes: list[Node], start: int, end: int, doc_text: str) -> list[Node]:
    """The part of a node list between two offsets (brackets are kept whole)."""
    out: list[Node] = []
    for n in nodes:
        if n.end <= start or n.start >= end:
            continue
        if isinstance(n, Text):
            s, e = max(n.start, start), min(n.end, end)
            out.append(Text(doc_text[s:e], s))
        else:
            out.append(n)
    return out
