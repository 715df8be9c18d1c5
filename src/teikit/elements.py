"""TEI elements and mixed content: how every stage of the converter builds its XML.

Content is handled as ``Items``, a list of strings and elements in reading order;
``append_items`` puts them into an element. Characters XML 1.0 cannot carry never
reach the tree: in content they become <g> references, in attributes U+FFFD.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from teikit.source import XML_FORBIDDEN

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
Items = list[str | etree._Element]


def E(tag: str, attrs: dict[str, str] | None = None, *items: str | etree._Element) -> etree._Element:
    """A TEI element; characters XML forbids become U+FFFD in attributes, <g> in content.

    It is a copy of the tag's prototype (see _Prototypes) with the attributes set in order.
    """
    el = _PROTOTYPES[tag].__copy__()
    if attrs:
        # the characters XML forbids are all unprintable: str.isprintable clears most
        # strings faster than XML_FORBIDDEN can
        if not (values := "".join(attrs.values())).isprintable() and XML_FORBIDDEN.search(values):
            attrs = {k: XML_FORBIDDEN.sub("\ufffd", v) for k, v in attrs.items()}
        for k, v in attrs.items():
            el.set(k, v)
    if items:
        if len(items) == 1 and isinstance(items[0], str) and (
                items[0].isprintable() or not XML_FORBIDDEN.search(items[0])):
            el.text = items[0] or None  # the common case: text only, as append_items would set it
        else:
            append_items(el, items)
    return el


def set_text(el: etree._Element, text: str) -> None:
    """Give an element without content the text ``text``, as E does (characters XML forbids
    become <g> references)."""
    if text.isprintable() or not XML_FORBIDDEN.search(text):
        el.text = text or None
    else:
        append_items(el, [text])


def attr_value(value: str) -> str:
    """An attribute's value as E sets it: characters XML forbids become U+FFFD."""
    if value.isprintable() or not XML_FORBIDDEN.search(value):
        return value
    return XML_FORBIDDEN.sub("\ufffd", value)


class _TagCache(dict[str, str]):
    def __missing__(self, tag: str) -> str:
        self[tag] = f"{{{TEI_NS}}}{tag}"
        return self[tag]


TEI_TAG = _TagCache()


class _Prototypes(dict[str, etree._Element]):
    """An element without attributes for each tag, made once, that E copies.

    lxml checks the name and namespace of every element it makes (and raises and clears
    an exception inside CPython on the way); a copy skips both, and takes about half the
    CPU time of ``makeelement`` in the document being built, even with the document of its
    own it brings, which appending the copy moves it out of. Setting an attribute on the
    copy is cheaper too than passing it to ``makeelement``. Nothing changes a prototype.
    """

    def __missing__(self, tag: str) -> etree._Element:
        self[tag] = etree.Element(TEI_TAG[tag])
        return self[tag]


_PROTOTYPES = _Prototypes()


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
            if not it.isprintable() and XML_FORBIDDEN.search(it):  # see E
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
