"""Write any TEI back to plain text in the same conventions.

The inverse of ``convert``: marks are written with the source's own spelling
when the TEI records it (``@rendition`` pointing at a template in
``tagsDecl``), else with the canonical spelling of templates.py. Converting a
source and writing it back gives the document's text again (whitespace
normalised): the round trip that proves nothing was lost.
"""

from __future__ import annotations

import re

from lxml import etree

from teikit.templates import MARK_TAGS, canonical

TEI_NS = "http://www.tei-c.org/ns/1.0"
TEI_PREFIX = "{" + TEI_NS + "}"
TEI_PREFIX_LEN = len(TEI_PREFIX)
TAGS_DECL = TEI_PREFIX + "tagsDecl"
RENDITION = TEI_PREFIX + "rendition"
NS = {"tei": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
BLOCKS = {"div", "body", "opener", "closer", "p", "floatingText", "dateline", "salute", "seg",
          "signed", "list", "item", "head", "postscript", "ab", "lg", "l", "trailer", "byline",
          "argument", "epigraph", "docDate", "quote", "table", "row", "front", "back", "text",
          "group", "label"}
BLOCK_PARENTS = {"div", "body", "opener", "closer", "postscript", "floatingText", "front", "back"}
BLANK_LINES = re.compile(r"\n[ \t]*\n+")
G_REF = re.compile(r"#U([0-9A-Fa-f]{4,6})")
BLOCK_NOTES = {"distribution", "registry", "typist", "dispatch", "attachment", "certification"}


def tei_to_text(root: etree._Element | etree._ElementTree) -> str:
    """The body's text in the plain-text conventions."""
    return BLANK_LINES.sub("\n", body_text(root)).strip(" \t\r\n") + "\n"


def body_text(root: etree._Element | etree._ElementTree) -> str:
    """tei_to_text before its blank lines and the spaces at its ends are dropped: the same
    words, which is all the round trip compares (``same_text``, ``normalise``)."""
    if isinstance(root, etree._ElementTree):
        root = root.getroot()
    renditions = {el.get(XML_ID): el.text or "" for td in root.iterdescendants(TAGS_DECL)
                  for el in td.iterchildren(RENDITION)}
    bodies = root.findall("tei:text/tei:body", NS) or root.findall(".//tei:body", NS)
    return "\n".join(_inner(b, renditions) for b in bodies)


_TEI_NAMES = {TEI_PREFIX + n: n for n in (*BLOCKS, *MARK_TAGS, "persName", "placeName", "date",
                                          "foreign", "name", "g", "lb", "corr", "ref")}


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""


def _inner(el: etree._Element, rend: dict[str | None, str]) -> str:
    if not len(el):  # a leaf: most names, dates, short lines
        return el.text or ""
    parts = [el.text or ""]
    for ch in el:
        parts.append(_el(ch, rend))
        parts.append(ch.tail or "")
    return "".join(parts)


def _el(el: etree._Element, rend: dict[str | None, str]) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction
        return ""
    name = _TEI_NAMES.get(tag)  # the common tags' local names, looked up, not cut out
    if name is None:
        if tag.startswith(TEI_PREFIX):
            name = tag[TEI_PREFIX_LEN:]
        elif tag[0] == "{":
            return _inner(el, rend)
        else:
            name = tag
    template = None
    if rend:  # half the documents have no renditions: then no element needs asking
        r = el.get("rendition")
        template = rend.get(r[1:]) if r and r[0] == "#" else None
    if name == "g":
        ref = el.get("ref", "")
        m = G_REF.fullmatch(ref)
        return chr(int(m.group(1), 16)) if m else _inner(el, rend)
    if name == "lb":
        return "\n"
    if template is None and name in MARK_TAGS:
        template = canonical(el)
    if name == "choice" and template is not None:
        sic = el.find("tei:sic", NS)
        corr = el.find("tei:corr", NS)
        slots = [_inner(sic, rend) if sic is not None else "",
                 _inner(corr, rend) if corr is not None else ""]
        return template.format(*slots)
    if template is not None:
        text = template.format(_inner(el, rend), "")
        parent = el.getparent()
        between_blocks = parent is not None and _local(parent) in BLOCK_PARENTS
        return f"\n{text}\n" if name == "pb" and between_blocks else text
    content = _inner(el, rend) if len(el) else el.text or ""
    if name in BLOCKS or (name == "note" and el.get("type") in BLOCK_NOTES):
        return f"\n{content}\n"
    return content


SPACE_RUN = re.compile("[ \t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: What str.split() takes for a space and SPACE_RUN does not (controls among them).
OTHER_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"


def _has_other_space(text: str) -> bool:
    """Whether ``text`` holds one of OTHER_SPACES: ten ``in`` tests (memchr in C) read a
    whole document about ten times faster than a regular expression's character class."""
    return any(map(text.__contains__, OTHER_SPACES))


def normalise(text: str) -> str:
    """Whitespace-normalised text, as the round trip compares it (controls are not spaces).

    Without the characters only str.split() takes for spaces, split-and-join gives
    the same and is several times faster.
    """
    if not _has_other_space(text):
        return " ".join(text.split())
    return SPACE_RUN.sub(" ", text).strip(" ")


def same_text(a: str, b: str) -> bool:
    """``normalise(a) == normalise(b)``, without joining the words again where it can."""
    if not _has_other_space(a) and not _has_other_space(b):
        return a.split() == b.split()  # the words joined by single spaces: the same iff these are
    return normalise(a) == normalise(b)
