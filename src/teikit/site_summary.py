"""A document's summary for the edition's own pages, read from its TEI.

The chronological list, the registers and the home page are made from one
summary per document (``tk:doc``), so that they can be made again without
reading every TEI file. A summary holds facts, not presentation: the title,
the date (its ISO value when it has a valid one, else its words), the parties
(``@ref`` and name as the header gives them) and every name with a register
``@ref`` in the text, with the anchor its document page gives it. The
stylesheets (``xslt/indexes.xsl``) look the register entries up and word the
dates, as they do on the document pages.

Reading it here, from the tree the safe reader has already built, costs
about a tenth of what a secondary result of the document's transform did (a
fifth of that transform).

The anchors must be the ids ``xslt/names.xsl`` gives the names: ``m1``,
``m2``... for every persName, placeName, orgName and rs with ``@ref`` in the
document's text, in document order (its accumulator ``tk:mentions``).
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["TK", "summarize"]

TK = "https://teikit.org/ns/xslt"
_T = "{http://www.tei-c.org/ns/1.0}"
#: Names the registers list mentions of (names.xsl's accumulator counts the same).
_MENTIONS = (f"{_T}persName", f"{_T}placeName", f"{_T}orgName", f"{_T}rs")
#: Names a correspAction gives its party by.
_PARTIES = (f"{_T}persName", f"{_T}orgName", f"{_T}name")
#: A value HTML accepts in time/@datetime (names.xsl's tk:datetime).
_DATETIME = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\-]\d{2}:\d{2})?)?)?)?")
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _words(el: etree._Element | None) -> str:
    """XPath's normalize-space() of the element's string value (XML whitespace only)."""
    if el is None:
        return ""
    text = (el.text or "") if len(el) == 0 else "".join(el.itertext())  # itertext skips comments, PIs
    return _XML_SPACE.sub(" ", text).strip(" ")


def _esc(value: str) -> str:
    """Text or attribute value as XML (whitespace is already normalised)."""
    if "&" in value or "<" in value or ">" in value or '"' in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return value


def _doc_date(root: etree._Element) -> etree._Element | None:
    """When the document was sent, else made (header.xsl's tk:doc-date)."""
    pd = root.find(f"{_T}teiHeader/{_T}profileDesc")
    paths = [] if pd is None else [
        f"{_T}correspDesc/{_T}correspAction[@type='sent']/{_T}date",
        f"{_T}creation/{_T}date", f"{_T}correspDesc//{_T}date"]
    for path in paths:
        found = pd.find(path)
        if found is not None:
            return found
    return root.find(f"{_T}text//{_T}dateline/{_T}date")


def summarize(root: etree._Element, doc_id: str) -> str:
    """The ``tk:doc`` element of a TEI document, serialised (built as a string: lxml
    elements made and serialised cost twice the time)."""
    date = _doc_date(root)
    when = date.get("when", "") if date is not None else ""
    title = _words(root.find(f"{_T}teiHeader/{_T}fileDesc/{_T}titleStmt/{_T}title"))
    out = [f'<tk:doc xmlns:tk="{TK}" id="{_esc(doc_id)}" title="{_esc(title)}" ']
    if when and _DATETIME.fullmatch(when):
        out.append(f'when="{_esc(when)}">')
    else:
        out.append(f'when="" date="{_esc(_words(date))}">')
    corresp = root.find(f"{_T}teiHeader/{_T}profileDesc/{_T}correspDesc")
    for kind, role in (("sent", "sender"), ("received", "addressee")):
        for action in corresp.iterfind(f"{_T}correspAction") if corresp is not None else ():
            if action.get("type") == kind:
                out.extend(f'<tk:{role} ref="{_esc(party.get("ref", ""))}" '
                           f'name="{_esc(_words(party))}"/>' for party in action.iterchildren(*_PARTIES))
    text = root.find(f"{_T}text")
    n = 0
    for name in text.iter(*_MENTIONS) if text is not None else ():
        ref = name.get("ref")
        if ref is None:
            continue
        n += 1
        if ref.startswith("#"):
            out.append(f'<tk:mention ref="{_esc(ref[1:])}" anchor="m{n}">{_esc(_words(name))}</tk:mention>')
    out.append("</tk:doc>")
    return "".join(out)

