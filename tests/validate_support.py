"""Helpers for the validation tests: schemas compiled once, documents generated.

The generator walks teikit.xsd's content models (as xmlschema reads them) and
builds a random document that follows them. It keeps the rules XSD cannot
state in view (pairs in choice, sender and addressee, text in paragraphs,
pointers that lead outside the edition) so that most generated documents pass
teikit's schema and rules; those are then checked against tei_all.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "validate"
TEI_ALL_RNG = ROOT.parent / "shared" / "schemas" / "tei_all.rng"
TEI = "http://www.tei-c.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"


@functools.cache
def tei_all() -> etree.RelaxNG:
    """The official schema, compiled once per test process (about 10 s)."""
    from teikit.validate import load_tei_all

    return load_tei_all(TEI_ALL_RNG)


@functools.cache
def content_schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(ROOT / "schema" / "teikit.xsd"), allow="local")


WORDS = ["telegram", "Pyongyang", "Moscow", "comrade", "received", "advisers", "army",
         "letter", "cipher", "copies", "Stalin", "Shtykov", "1950", "front", "staff"]
PAIRS = [("sic", "corr"), ("abbr", "expan"), ("orig", "reg"), ("unclear", "unclear"),
         ("supplied", "supplied"), ("seg", "seg")]


class Generator:
    """Random documents that follow teikit.xsd's content models."""

    def __init__(self, rnd: random.Random, max_depth: int = 6) -> None:
        from xmlschema.validators import XsdElement, XsdGroup

        self.XsdElement, self.XsdGroup = XsdElement, XsdGroup
        self.schema = content_schema()
        self.rnd = rnd
        self.max_depth = max_depth
        self.ids = 0
        self._cost: dict[int, float] = {}

    # -- cost of the smallest completion, to stop recursion ------------------
    def cost(self, p: Any, stack: frozenset[int] = frozenset()) -> float:
        key = id(p)
        if key in self._cost:
            return self._cost[key]
        if key in stack:
            return float("inf")
        stack = stack | {key}
        if isinstance(p, self.XsdElement):
            ct = p.type
            inner = 0.0 if ct.is_simple() or ct.has_simple_content() or ct.is_empty() \
                else self.cost(ct.content, stack)
            c = 1 + inner
            c *= p.min_occurs
        else:
            parts = [self.cost(x, stack) for x in p]
            c = (min(parts, default=0.0) if p.model == "choice" else sum(parts)) * p.min_occurs
        if c != float("inf"):
            self._cost[key] = c
        return c

    def _count(self, p: Any, depth: int) -> int:
        lo, hi = p.min_occurs, p.max_occurs
        if depth >= self.max_depth:
            return lo
        top = lo + 2 if hi is None else hi
        return self.rnd.randint(lo, max(lo, min(top, lo + 2)))

    # -- content ---------------------------------------------------------------
    def particle(self, parent: etree._Element, p: Any, depth: int, mixed: bool) -> None:
        for _ in range(self._count(p, depth)):
            if isinstance(p, self.XsdElement):
                parent.append(self.element(p, depth + 1))
            elif p.model == "choice":
                options = list(p)
                if depth >= self.max_depth:
                    options.sort(key=self.cost)
                    options = options[:1]
                self.particle(parent, self.rnd.choice(options), depth, mixed)
            else:
                for x in p:
                    self.particle(parent, x, depth, mixed)
            if mixed:
                self._text(parent)

    def _text(self, el: etree._Element) -> None:
        words = " ".join(self.rnd.choice(WORDS) for _ in range(self.rnd.randint(1, 3)))
        if len(el):
            el[-1].tail = (el[-1].tail or "") + " " + words
        else:
            el.text = (el.text or "") + words

    def element(self, decl: Any, depth: int) -> etree._Element:
        name = decl.local_name
        el = etree.Element(f"{{{TEI}}}{name}")
        self.attributes(el, decl)
        ct = decl.type
        if name == "choice":
            a, b = self.rnd.choice(PAIRS)
            for n in (a, b):
                child = etree.SubElement(el, f"{{{TEI}}}{n}")
                child.text = self.rnd.choice(WORDS)
            return el
        if name == "correspDesc":
            for kind in ("sent", "received"):
                action = etree.SubElement(el, f"{{{TEI}}}correspAction", type=kind)
                etree.SubElement(action, f"{{{TEI}}}persName").text = "Shtykov"
                etree.SubElement(action, f"{{{TEI}}}date", when="1950-07-08").text = "8.7.50"
            if self.rnd.random() < 0.3:
                context = etree.SubElement(el, f"{{{TEI}}}correspContext")
                etree.SubElement(context, f"{{{TEI}}}ref", target="https://example.org/prev",
                                 type="prev").text = "previous telegram"
            return el
        if ct.is_simple() or ct.has_simple_content():
            el.text = self.rnd.choice(WORDS)
            return el
        if ct.is_empty():
            return el
        self.particle(el, ct.content, depth, ct.mixed)
        if ct.mixed and not "".join(el.itertext()).strip():
            self._text(el)
        return el

    # -- attributes ------------------------------------------------------------
    def attributes(self, el: etree._Element, decl: Any) -> None:
        for qname, attr in decl.attributes.items():
            if not isinstance(qname, str):
                continue
            if attr.use != "required" and self.rnd.random() > 0.25:
                continue
            value = self.value(qname, attr.type)
            if value is not None:
                el.set(qname, value)

    def value(self, qname: str, t: Any) -> str | None:
        local = qname.split("}")[-1]
        if local == "id":
            self.ids += 1
            return f"id{self.ids}"
        if local == "space":
            return "preserve"
        enum = getattr(t, "enumeration", None)
        if enum:
            return str(self.rnd.choice(enum))
        name = (t.name or "").split("}")[-1]
        if t.is_list():
            item = t
            while not hasattr(item, "item_type") and getattr(item, "base_type", None) is not None:
                item = item.base_type
            item = getattr(item, "item_type", None)
            if item is not None and getattr(item, "enumeration", None):
                return str(self.rnd.choice(item.enumeration))
        elif not name and getattr(t, "base_type", None) is not None:
            name = (t.base_type.name or "").split("}")[-1]
        if name in ("pointer", "pointers", "anyURI"):
            return "https://example.org/" + self.rnd.choice(WORDS)
        if name == "temporal" or local in ("when", "notBefore", "notAfter"):
            return self.rnd.choice(["1950-07-08", "1950-07-08T09:26:00", "1950", "1950-07"])
        if local in ("from", "to"):
            return "1"
        if name == "language" or (local in ("lang", "ident") and name != "Name"):
            return self.rnd.choice(["en", "ru", "zh-Hans", "ko"])
        if name in ("quantity", "decimal", "nonNegativeInteger", "positiveInteger"):
            return str(self.rnd.randint(1, 9))
        if name == "boolean":
            return "true"
        if name == "versionNumber":
            return "4.12.0"
        if name in ("words", "word"):
            return self.rnd.choice(["illegible", "faded", "top", "cipher"])
        return self.rnd.choice(["x", "Name", "word", "teikit"]) if name in ("Name", "NCName",
                                                                         "token") else "text"

    def document(self) -> etree._ElementTree:
        root = self.element(self.schema.elements["TEI"], 0)
        return etree.ElementTree(root)

