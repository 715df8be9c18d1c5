"""How each mark is written in the plain-text conventions.

One table serves both directions: the converter compares the source's
spelling of a mark with the canonical one and records a ``rendition`` only
where they differ; ``totext`` writes marks back with the same table. Slots:
``{0}`` is the element's content (for ``choice``: ``{0}`` sic, ``{1}`` corr).
"""

from __future__ import annotations

from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
PLACE_PHRASE = {"above": " above", "below": " below", "margin": " in the margin",
                "top": " at the top", "bottom": " at the bottom", "across": " across",
                "inline": " between the lines", "overleaf": " overleaf"}
NOTE_LABEL = {"translator": "Translator's note: ", "editorial": "Editor's note: "}


#: The elements that can be marks (each has a branch in ``canonical``).
MARK_TAGS = frozenset({"sic", "choice", "gap", "unclear", "supplied", "add", "del", "stamp", "pb",
                       "seg", "note"})


def canonical(el: etree._Element) -> str | None:
    """The canonical template of a mark element, or None if it is not a mark."""
    tag = el.tag.removeprefix(TEI) if isinstance(el.tag, str) else ""
    if tag not in MARK_TAGS:  # most elements: names, dates, paragraphs
        return None
    a = el.attrib
    if tag == "sic":
        return "{0} [sic]"
    if tag == "choice":
        return "{0} [sic: {1}]"
    if tag == "gap":
        return _gap(a)
    if tag == "unclear":
        return "[{0}?]"
    if tag == "supplied":
        return "[{0}]"
    if tag == "add":
        return f"[handwritten{PLACE_PHRASE.get(a.get('place', ''), '')}: {{0}}]"
    if tag == "del":
        return "[crossed out: {0}]"
    if tag == "stamp":
        return "[stamp: {0}]"
    if tag == "pb":
        return f"[page {a.get('n', '')}]"
    if tag == "seg" and a.get("type") == "cipher":
        return f"[{a.get('subtype', 'B')}% {{0}}]"
    if tag == "note":
        t = a.get("type")
        if t in ("gloss", "term", "mark"):
            return "[{0}]"
        if t in NOTE_LABEL:
            return f"[{NOTE_LABEL[t]}{{0}}]"
    return None


def _gap(a: etree._Attrib) -> str:
    reason, unit = a.get("reason"), a.get("unit")
    qty, extent = a.get("quantity"), a.get("extent")
    if reason == "omitted":
        return "[…]"
    if reason in ("garbled", "unrecovered") and unit == "group":
        n = qty or extent or ""
        plural = "group" if qty == "1" else "groups"
        return f"[{n} {plural} {reason}]"
    if reason == "illegible":
        if unit == "word" and extent:
            return f"[{extent} illegible words]"
        if unit == "word" and qty and qty != "1":
            return f"[{qty} words illegible]"
        if unit == "word":
            return "[illegible]"
        return f"[illegible {unit}]"
    return f"[{reason or 'gap'}]"


def escape(s: str) -> str:
    """Literal source text inside a template."""
    return s.replace("{", "{{").replace("}", "}}")

