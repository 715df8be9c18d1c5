"""Say where a problem is and what was expected, in words an editor uses.

Positions: libxml2 gives each element's line but no column, so the column
is recovered from the bytes with expat (only for files that have findings).
Elements are named by a readable XPath (``/TEI/text/body/div/p[2]``).

Schema messages: libxml2's error list is complete (every error, with the
full list of elements expected at that point) but written for programmers;
it is rewritten here. The content an element may hold is described from the
schema's own content model (read with xmlschema, local files only), so the
words stay true when the schema changes.
"""

from __future__ import annotations

import contextlib
import re
import xml.parsers.expat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from teikit.validate_safe import TEI_NS

XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass
class Finding:
    """A problem found in one document, before it has a column and a path."""

    code: str
    message: str
    element: etree._Element | None = None
    attr: str | None = None
    line: int = 0
    col: int = 0


def name_of(tag: str) -> str:
    """An element or attribute name as an editor writes it."""
    if tag.startswith("{" + TEI_NS + "}"):
        return tag[len(TEI_NS) + 2:]
    if tag.startswith("{" + XML_NS + "}"):
        return "xml:" + tag[len(XML_NS) + 2:]
    return tag


def xpath_of(el: etree._Element) -> str:
    """/TEI/text/body/div/p[2]: positions only where a name repeats among siblings."""
    steps = []
    node: etree._Element | None = el
    while node is not None:
        name = _step_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def _step_name(el: etree._Element) -> str:
    if not isinstance(el.tag, str):
        return "node()"
    q = etree.QName(el)
    if q.namespace in (None, TEI_NS):
        return q.localname
    return f"{el.prefix}:{q.localname}" if el.prefix else f"*[local-name()='{q.localname}']"


class Locator:
    """Line and column of each element's start tag, recovered from the bytes."""

    def __init__(self, data: bytes, root: etree._Element) -> None:
        self.data = data
        self.root = root
        self._starts: list[tuple[int, int]] | None = None

    def _scan(self) -> list[tuple[int, int]]:
        starts: list[tuple[int, int]] = []
        p = xml.parsers.expat.ParserCreate(encoding="utf-8")
        p.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def start(_name: str, _attrs: Any) -> None:
            starts.append((p.CurrentLineNumber, p.CurrentByteIndex))

        p.StartElementHandler = start
        with contextlib.suppress(xml.parsers.expat.ExpatError):
            p.Parse(_as_utf8(self.data), True)  # positions found before an error stay right
        return starts

    def _index(self, el: etree._Element) -> int:
        for i, node in enumerate(self.root.iter(etree.Element)):
            if node is el:
                return i
        return -1

    def locate(self, el: etree._Element, attr: str | None = None) -> tuple[int, int]:
        if self._starts is None:
            self._starts = self._scan()
        i = self._index(el)
        if i < 0 or i >= len(self._starts):
            return el.sourceline or 0, 0
        line, byte = self._starts[i]
        data = _as_utf8(self.data)
        if attr:
            end = data.find(b">", byte)
            m = re.compile(rb"\s(" + re.escape(attr.encode()) + rb")\s*=").search(
                data, byte, end if end > 0 else len(data))
            if m:
                byte = m.start(1)
                line = data.count(b"\n", 0, byte) + 1
        line_start = data.rfind(b"\n", 0, byte) + 1
        return line, len(data[line_start:byte].decode("utf-8", "replace")) + 1


def _as_utf8(data: bytes) -> bytes:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        return re.sub(r"\A<\?xml[^>]*\?>", "", text).encode("utf-8")
    m = re.match(rb"\A(?:\xef\xbb\xbf)?<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", data)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        try:
            text = data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            return data
        return re.sub(r"\A<\?xml[^>]*\?>", "", text).encode("utf-8")
    return data


# ----------------------------------------------------------------------------
# Content models in plain words

#: The schema's named groups, as an editor would call them.
GROUP_WORDS = {
    "global": "notes, line and page breaks, milestones and gaps",
    "phraseLimited": "names, dates, titles, numbers, highlighting, quotations, stamps",
    "editorial": "editorial marks (sic, corr, supplied, unclear, add, del, reg, orig, seg, g)",
    "phrase": "phrase-level elements (names, dates, highlighting, quotations, editorial marks, "
              "notes, line and page breaks, gaps)",
    "inter": "lists, tables and embedded texts (floatingText)",
    "common": "paragraphs, lists, tables, quotations, embedded texts and registers",
    "divTop": "opening matter (head, opener, dateline, salute, byline)",
    "divBottom": "closing matter (closer, postscript, trailer, signed, dateline, salute)",
    "agent": "a name (persName, orgName or name)",
    "divsOrBlocks": "divisions (div), or blocks (paragraphs, lists, tables, registers) "
                    "optionally followed by divisions",
}


XSD = "{http://www.w3.org/2001/XMLSchema}"


@lru_cache(maxsize=4)
def _xsd_index(xsd_path: str) -> dict[str, dict[str, etree._Element]]:
    """The schema's top-level elements, types and groups by name (read once)."""
    root = etree.parse(xsd_path, etree.XMLParser(no_network=True, resolve_entities=False))
    index: dict[str, dict[str, etree._Element]] = {"element": {}, "complexType": {},
                                                    "group": {}}
    for node in root.getroot():
        kind = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if kind in index:
            index[kind][node.get("name")] = node
    return index


def _local(ref: str) -> str:
    return ref.split(":")[-1]


def _occurs(text: str, node: etree._Element) -> str:
    lo = int(node.get("minOccurs", "1"))
    hi_raw = node.get("maxOccurs", "1")
    hi = None if hi_raw == "unbounded" else int(hi_raw)
    if lo == 1 and hi == 1:
        return text
    if lo == 0 and hi == 1:
        return f"optionally {text}"
    if lo == 0 and hi is None:
        return f"any number of {text}"
    if lo == 1 and hi is None:
        return f"one or more {text}"
    if hi is None:
        return f"at least {lo} of {text}"
    return f"{lo} to {hi} of {text}"


def _particles(node: etree._Element) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str)
            and c.tag in (XSD + "element", XSD + "group", XSD + "sequence", XSD + "choice")]


def _describe(node: etree._Element, index: dict[str, dict[str, etree._Element]],
              depth: int = 0) -> str:
    tag = etree.QName(node).localname
    if tag == "element":
        return _occurs(f"<{_local(node.get('ref') or node.get('name'))}>", node)
    if tag == "group":
        name = _local(node.get("ref", ""))
        if name in GROUP_WORDS:
            return _occurs(GROUP_WORDS[name], node)
        body = _particles(index["group"].get(name, node))
        inner = _describe(body[0], index, depth) if body else "nothing"
        return _occurs(inner, node)
    parts = [_describe(p, index, depth + 1) for p in _particles(node)]
    if not parts:
        inner = "nothing"
    elif tag == "choice":
        inner = parts[0] if len(parts) == 1 else (
            "one of " + ", ".join(parts[:-1]) + " or " + parts[-1])
    else:
        inner = ", then ".join(parts)
    if depth and len(parts) > 1:
        inner = f"({inner})"
    return _occurs(inner, node)


def _content_of(ctype: etree._Element,
                index: dict[str, dict[str, etree._Element]]) -> tuple[etree._Element | None,
                                                                       bool, bool]:
    """(content particle, mixed, simple) of a complex type, following extensions."""
    mixed = ctype.get("mixed") == "true"
    if ctype.find(XSD + "simpleContent") is not None:
        return None, mixed, True
    ext = ctype.find(f"{XSD}complexContent/{XSD}extension")
    if ext is not None:
        own = _particles(ext)
        base = index["complexType"].get(_local(ext.get("base", "")))
        if own or base is None:
            return (own[0] if own else None), mixed, False
        particle, base_mixed, simple = _content_of(base, index)
        return particle, mixed or base_mixed, simple
    own = _particles(ctype)
    return (own[0] if own else None), mixed, False


def describe_content(xsd_path: str | Path, tag: str) -> str:
    """What an element may hold, in words: 'text and, in any order, ...'."""
    try:
        index = _xsd_index(str(xsd_path))
        el = index["element"].get(name_of(tag))
        if el is None:
            return ""
        ctype = el.find(XSD + "complexType")
        if ctype is None:
            if el.get("type") is None:
                return "text only"
            ctype = index["complexType"].get(_local(el.get("type", "")))
            if ctype is None:
                return "text only"
        particle, mixed, simple = _content_of(ctype, index)
        if simple:
            return "text only"
        if particle is None:
            return "text only" if mixed else "nothing (it is an empty element)"
        if mixed and etree.QName(particle).localname == "choice" \
                and particle.get("maxOccurs") == "unbounded":
            parts = [_describe(p, index, 1) for p in _particles(particle)]
            return "text and, in any order, " + (
                ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
        words = _describe(particle, index)
        return f"text and {words}" if mixed else words
    except (OSError, etree.XMLSyntaxError, ValueError):
        return ""  # a description is a courtesy; never fail validation for it


# ----------------------------------------------------------------------------
# libxml2 schema messages in plain words

_ELEMENT = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: (.*)$", re.S)
_EXPECTED = re.compile(r"Expected is(?: one of)? \( (.*?) \)\.?")


def _names(listing: str, limit: int = 14) -> str:
    names = [f"<{name_of(n.strip())}>" for n in listing.split(",") if n.strip()]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def explain_schema_error(entry: etree._LogEntry, tree: etree._ElementTree,
                         xsd_path: str | Path) -> Finding:
    """One libxml2 schema error as a Finding with a plain-words message."""
    el: etree._Element | None = None
    if entry.path:
        try:
            found = tree.xpath(entry.path)
            if found and isinstance(found[0], etree._Element):
                el = found[0]
        except etree.XPathError:
            el = None
    m = _ELEMENT.match(entry.message.strip())
    if el is None and m:
        el = _by_line(tree, m.group(1), entry.line)
    if not m:
        return Finding("TK207", entry.message.strip(), el, None, entry.line)
    tag, attr, rest = m.group(1), m.group(2), m.group(3)
    elname = name_of(tag)
    where = xpath_of(el) if el is not None else elname
    parent = el.getparent() if el is not None else None
    pname = name_of(parent.tag) if parent is not None else ""
    expected = _EXPECTED.search(rest)
    exp = _names(expected.group(1)) if expected else ""

    if attr:
        aname = name_of(attr)
        value = el.get(attr) if el is not None else None
        if aname == "xml:id" and value and _NCNAME.match(value) and el is not None:
            first = tree.xpath("//*[@xml:id=$v]", v=value)
            at = f" (first on line {first[0].sourceline})" if first and first[0] is not el else ""
            return Finding("TK211", f"{where}: xml:id=\"{value}\" is used twice in this "
                           f"document{at}; each xml:id must be unique", el, aname, entry.line)
        if "is not allowed" in rest:
            return Finding("TK208", f"{where}: <{elname}> does not take the attribute @{aname}",
                           el, aname, entry.line)
        enum = re.search(r"not an element of the set \{(.*)\}", rest)
        if enum:
            allowed = ", ".join(v.strip().strip("'") for v in enum.group(1).split(","))
            return Finding("TK209", f"{where}: @{aname}=\"{value}\" is not one of the allowed "
                           f"values: {allowed}", el, aname, entry.line)
        code = "TK213" if aname in DATE_ATTRS and elname not in ("biblScope",) else "TK209"
        hint = _value_hint(aname, value or "", rest)
        return Finding(code, f"{where}: @{aname}=\"{value}\" is not {hint}", el, aname, entry.line)
    if "is required but missing" in rest:
        a = re.search(r"attribute '([^']+)'", rest)
        aname = name_of(a.group(1)) if a else "?"
        return Finding("TK208", f"{where}: <{elname}> needs the attribute @{aname}",
                       el, None, entry.line)
    if "This element is not expected" in rest and el is not None and parent is not None:
        if not tag.startswith("{" + TEI_NS + "}"):
            ns_hint = "" if "{" in tag else f" (it has no namespace: use xmlns=\"{TEI_NS}\")"
            msg = f"{where}: <{elname}> is not a TEI element{ns_hint}"
        elif elname not in _known_elements(str(xsd_path)):
            msg = f"{where}: <{elname}> is not an element this edition's schema allows"
        else:
            msg = f"{where}: <{elname}> is not allowed at this point inside <{pname}>"
            msg += f"; expected here: {exp}" if exp else f"; nothing more may follow in <{pname}>"
        held = describe_content(xsd_path, parent.tag)
        if held:
            msg += f". <{pname}> holds: {held}"
        return Finding("TK207", msg, el, None, entry.line)
    if "Missing child element" in rest:
        held = describe_content(xsd_path, tag)
        msg = f"{where}: <{elname}> is incomplete; it still needs {exp or 'more content'}"
        if held:
            msg += f". <{elname}> holds: {held}"
        return Finding("TK207", msg, el, None, entry.line)
    if "Character content" in rest or "character content" in rest.lower():
        held = describe_content(xsd_path, tag)
        return Finding("TK210", f"{where}: text is not allowed directly inside <{elname}>"
                       + (f"; it holds: {held}" if held else ""), el, None, entry.line)
    if "Element content is not allowed" in rest:
        return Finding("TK207", f"{where}: <{elname}> holds only text, not elements",
                       el, None, entry.line)
    if "No matching global declaration" in rest:
        return Finding("TK206", f"{where}: <{elname}> is not a TEI document root", el, None,
                       entry.line)
    return Finding("TK207", f"{where}: {rest.rstrip('.')}", el, None, entry.line)


_NCNAME = re.compile(r"^[^\W\d.-][\w.-]*$")
def _by_line(tree: etree._ElementTree, tag: str, line: int) -> etree._Element | None:
    """The element a message names, when libxml2 gave no path: by tag and line."""
    for el in tree.getroot().iter(tag):
        if el.sourceline == line:
            return el
    return None


DATE_ATTRS = frozenset({"when", "notBefore", "notAfter", "from", "to"})


def _value_hint(attr: str, value: str, rest: str) -> str:
    if attr in DATE_ATTRS:
        hint = "an ISO 8601 date (1950-07-08), date and time with seconds " \
               "(1950-07-08T09:26:00), year (1950) or year and month (1950-07)"
        if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", value):
            hint += f"; write {value}:00"
        return hint
    if attr == "id":
        return "a valid identifier (a letter or _ first, then letters, digits, '.', '-', '_')"
    if attr in ("xml:lang", "lang"):
        return "a language tag such as en, ru, zh-Hans"
    if attr == "xml:id":
        return "a valid identifier (a letter or _ first, then letters, digits, '.', '-', '_')"
    if attr in ("quantity",):
        return "a number of 0 or more"
    if "pattern" in rest or "list type" in rest or "word" in rest:
        return "one or more words without spaces inside each"
    if "anyURI" in rest or "pointer" in rest:
        return "a pointer such as #id or a URL"
    return "a value of the allowed form"


@lru_cache(maxsize=4)
def _known_elements(xsd_path: str) -> frozenset[str]:
    tree = etree.parse(xsd_path)
    return frozenset(tree.xpath("/xs:schema/xs:element/@name",
                                namespaces={"xs": "http://www.w3.org/2001/XMLSchema"}))
