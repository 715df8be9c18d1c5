"""What XSD cannot say, checked in Python over the parsed tree.

Why Python and not Schematron: the rules need the edition's registers (ids
in persons.xml and places.xml), which Schematron would re-read with
``document()`` for every file, and ISO Schematron through lxml compiles to
XSLT 1.0 that walks the tree once per assertion. Here the registers' ids are
read once per run into plain sets, each document is walked with three
compiled XPath expressions, and every finding keeps its element so that its
line and column can be reported. The rules and their codes:

- TK212 a pointer (@ref, @target, @hand, @rendition, @who, ...) inside the
  edition leads nowhere; TK222 it leads to the wrong kind of thing (a
  persName pointing at a place); TK218 a register needed to check it is
  missing (warning).
- TK213 a date attribute is not ISO 8601; TK214 a date is implausible for the
  document (outside its period, or received before it was sent) (warning).
- TK215 correspDesc lacks a sender or an addressee.
- TK216 choice holds sic without corr (or corr without sic; likewise
  abbr/expan and orig/reg).
- TK217 an empty paragraph.
- TK211 an xml:id used in both registers.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.validate_explain import Finding, name_of, xpath_of
from teikit.validate_safe import TEI_NS, UnsafeXMLError, parse_xml_safely

T = "{" + TEI_NS + "}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"tei": TEI_NS}

#: Registers looked for beside each document, and the kind of entry each holds.
REGISTERS = {"persons.xml": "person", "places.xml": "place"}

#: Dates may lie this many years before and after the document's own date.
YEARS_BEFORE, YEARS_AFTER = 5, 1

_POINTERS = etree.XPath(
    "//@ref|//@target|//@hand|//@new|//@rendition|//@who|//@corresp|//@resp|"
    "//@source|//@ana")
_DATES = etree.XPath("//@when|//@notBefore|//@notAfter|//@from|//@to")
_IDS = etree.XPath("//@xml:id")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

#: Pointers that must lead to a particular element, by (element, attribute).
_KIND = {
    ("persName", "ref"): ("person",),
    ("author", "ref"): ("person",),
    ("editor", "ref"): ("person",),
    ("placeName", "ref"): ("place",),
    ("settlement", "ref"): ("place",),
    ("country", "ref"): ("place",),
    ("g", "ref"): ("char",),
    ("add", "hand"): ("handNote",),
    ("del", "hand"): ("handNote",),
    ("handShift", "new"): ("handNote",),
}
#: Attributes whose target must be in the same document.
_SAME_DOC = {"rendition": ("rendition",), "hand": ("handNote",), "new": ("handNote",)}


@dataclass
class Edition:
    """What pointers may lead to: each register's ids, read once per run."""

    #: register file name -> {xml:id -> element name}
    registers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: other edition files read on demand: path -> ids (None if unreadable)
    files: dict[str, dict[str, str] | None] = field(default_factory=dict)

    @classmethod
    def for_directory(cls, directory: str | os.PathLike[str]) -> Edition:
        ed = cls()
        for name in REGISTERS:
            p = Path(directory) / name
            if p.is_file():
                ids = ed.ids_of(str(p))
                if ids is not None:
                    ed.registers[name] = ids
        return ed

    def ids_of(self, path: str) -> dict[str, str] | None:
        if path not in self.files:
            try:
                tree = parse_xml_safely(path)
                self.files[path] = {str(a): name_of(a.getparent().tag) for a in _IDS(tree)}
            except UnsafeXMLError:
                self.files[path] = None
        return self.files[path]

    def lookup(self, ident: str) -> tuple[str, str] | None:
        """(register file, element name) of an id in the registers."""
        for reg, ids in self.registers.items():
            if ident in ids:
                return reg, ids[ident]
        return None


def check(tree: etree._ElementTree, path: str, edition: Edition) -> list[Finding]:
    """Every rule on one document."""
    root = tree.getroot()
    local = {str(a): a.getparent() for a in _IDS(tree)}
    out: list[Finding] = []
    out += _pointers(tree, path, edition, local)
    out += _dates(tree)
    out += _corresp(root)
    out += _choices(root)
    out += _empty_paragraphs(root)
    out += _shared_register_ids(path, edition, local)
    return out


def _pointers(tree: etree._ElementTree, path: str, edition: Edition,
              local: dict[str, etree._Element]) -> list[Finding]:
    out: list[Finding] = []
    missing_registers: set[str] = set()
    base = os.path.dirname(os.path.abspath(path))
    for value in _POINTERS(tree):
        el = value.getparent()
        attr = value.attrname
        if not isinstance(el.tag, str) or not el.tag.startswith(T) or "{" in attr:
            continue
        elname = name_of(el.tag)
        kinds = _SAME_DOC.get(attr) or _KIND.get((elname, attr))
        for token in str(value).split():
            if _URI_SCHEME.match(token) or token.startswith("/"):
                continue  # outside the edition
            where = _Where(el, attr)
            if token.startswith("#"):
                f = _local_pointer(token[1:], attr, kinds, local, edition, where, el)
                if f is None:
                    continue
                if f.code == "TK218":
                    if f.message in missing_registers:
                        continue
                    missing_registers.add(f.message)
                out.append(f)
            else:
                f = _file_pointer(token, attr, base, edition, where, el)
                if f:
                    out.append(f)
    return out


class _Where:
    """An attribute's XPath, worked out only if a message needs it."""

    __slots__ = ("el", "attr")

    def __init__(self, el: etree._Element, attr: str) -> None:
        self.el, self.attr = el, attr

    def __format__(self, _spec: str) -> str:
        return f"{xpath_of(self.el)}/@{self.attr}"


def _local_pointer(ident: str, attr: str, kinds: tuple[str, ...] | None,
                   local: dict[str, etree._Element], edition: Edition, where: _Where,
                   el: etree._Element) -> Finding | None:
    token = "#" + ident
    if ident in local:
        kind = name_of(local[ident].tag)
        if kinds and kind not in kinds:
            return Finding("TK222", f"{where}: {token} points at a <{kind}>, not a "
                           f"<{'> or <'.join(kinds)}>", el, attr)
        return None
    if attr in _SAME_DOC:
        return Finding("TK212", f"{where}: {token} points at nothing: no <{_SAME_DOC[attr][0]}> "
                       f"with xml:id=\"{ident}\" in this document", el, attr)
    hit = edition.lookup(ident)
    if hit:
        reg, kind = hit
        if kinds and kind not in kinds:
            return Finding("TK222", f"{where}: {token} points at a <{kind}> in {reg}, not a "
                           f"<{'> or <'.join(kinds)}>", el, attr)
        return None
    wanted = [r for r, k in REGISTERS.items() if kinds and k in kinds]
    absent = [r for r in (wanted or REGISTERS) if r not in edition.registers]
    if absent and (wanted or not edition.registers):
        return Finding("TK218", f"no {' or '.join(absent)} beside this document: pointers "
                       "into the edition's registers were not checked", el, attr)
    places = " or ".join(["this document", *edition.registers])
    return Finding("TK212", f"{where}: {token} points at nothing: no xml:id=\"{ident}\" in "
                   f"{places}", el, attr)


def _file_pointer(token: str, attr: str, base: str, edition: Edition, where: _Where,
                  el: etree._Element) -> Finding | None:
    file_part, _, frag = token.partition("#")
    target = os.path.normpath(os.path.join(base, file_part))
    if not os.path.isfile(target):
        return Finding("TK212", f"{where}: {token} points at {file_part}, which is not in the "
                       "edition (no such file)", el, attr)
    if frag and target.endswith(".xml"):
        ids = edition.ids_of(target)
        if ids is None or frag not in ids:
            return Finding("TK212", f"{where}: {token} points at nothing: {file_part} has no "
                           f"xml:id=\"{frag}\"", el, attr)
    return None


# ----------------------------------------------------------------------------
# Dates

_ISO = re.compile(
    r"^(?P<y>-?\d{4,})(?:-(?P<m>\d\d)(?:-(?P<d>\d\d)"
    r"(?:T(?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)(?:\.\d+)?)?)?)?(?:Z|[+-]\d\d:\d\d)?$")


def parse_iso(value: str) -> tuple[int, _dt.datetime] | None:
    """The year and the earliest moment of an ISO 8601 date, or None if invalid."""
    m = _ISO.match(value.strip())
    if not m:
        return None
    try:
        year = int(m.group("y"))
        month = int(m.group("m") or 1)
        day = int(m.group("d") or 1)
        if not 1 <= year <= 9999:
            return year, _dt.datetime.min
        moment = _dt.datetime(year, month, day, int(m.group("H") or 0), int(m.group("M") or 0),
                              int(m.group("S") or 0))
    except ValueError:
        return None
    return year, moment


def document_date(root: etree._Element) -> tuple[int, str] | None:
    """The document's own date: when it was sent, else its first dateline date."""
    for xp in ("tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction[@type='sent']"
               "//@when",
               "tei:teiHeader/tei:profileDesc/tei:creation//@when",
               "tei:text//tei:dateline//@when"):
        for v in root.xpath(xp, namespaces=NS):
            parsed = parse_iso(str(v))
            if parsed:
                return parsed[0], str(v)
    return None


def _dates(tree: etree._ElementTree) -> list[Finding]:
    out: list[Finding] = []
    root = tree.getroot()
    doc = document_date(root)
    this_year = _dt.date.today().year
    for value in _DATES(tree):
        el = value.getparent()
        attr = value.attrname
        if el.tag == T + "biblScope" or not _about_the_document(el):
            continue
        where = _Where(el, attr)
        parsed = parse_iso(str(value))
        if parsed is None:
            out.append(Finding("TK213", f"{where}: \"{value}\" is not an ISO 8601 date such as "
                               "1950-07-08 or 1950-07-08T09:26:00", el, attr))
            continue
        year = parsed[0]
        if doc and not doc[0] - YEARS_BEFORE <= year <= doc[0] + YEARS_AFTER:
            out.append(Finding("TK214", f"{where}: {value} is far from the document's own date "
                               f"({doc[1]}); check the year", el, attr))
        elif not doc and year > this_year:
            out.append(Finding("TK214", f"{where}: {value} lies in the future", el, attr))
    out += _sent_before_received(root)
    return out


_HEADER, _PROFILE = T + "teiHeader", T + "profileDesc"


def _about_the_document(el: etree._Element) -> bool:
    """Dates in the text and the profile; not the header's dates of the edition itself."""
    for a in el.iterancestors():
        if a.tag == _PROFILE:
            return True
        if a.tag == _HEADER:
            return False
    return True


def _sent_before_received(root: etree._Element) -> list[Finding]:
    sent = root.xpath("tei:teiHeader/tei:profileDesc/tei:correspDesc/"
                      "tei:correspAction[@type='sent']/tei:date[@when]", namespaces=NS)
    recv = root.xpath("tei:teiHeader/tei:profileDesc/tei:correspDesc/"
                      "tei:correspAction[@type='received']/tei:date[@when]", namespaces=NS)
    if not sent or not recv:
        return []
    s, r = parse_iso(sent[0].get("when")), parse_iso(recv[0].get("when"))
    if s and r and len(recv[0].get("when")) == len(sent[0].get("when")) and r[1] < s[1]:
        return [Finding("TK214", f"{xpath_of(recv[0])}/@when: received "
                        f"{recv[0].get('when')} before it was sent ({sent[0].get('when')})",
                        recv[0], "when")]
    return []


# ----------------------------------------------------------------------------
# Structure

_AGENTS = (T + "persName", T + "orgName", T + "name")


def _corresp(root: etree._Element) -> list[Finding]:
    out: list[Finding] = []
    for cd in root.iter(T + "correspDesc"):
        for role, kind in (("sender", "sent"), ("addressee", "received")):
            ok = any(
                (a.text or "").strip() or a.get("ref") or len(a)
                for action in cd.iterchildren(T + "correspAction") if action.get("type") == kind
                for a in action.iterchildren(*_AGENTS))
            if not ok:
                out.append(Finding(
                    "TK215", f"{xpath_of(cd)}: no {role}: add <correspAction type=\"{kind}\"> "
                    "holding a <persName> (or <orgName>) with the name", cd))
    return out


_PAIRS = (("sic", "corr"), ("abbr", "expan"), ("orig", "reg"))


def _choices(root: etree._Element) -> list[Finding]:
    out: list[Finding] = []
    for ch in root.iter(T + "choice"):
        names = {name_of(c.tag) for c in ch if isinstance(c.tag, str)}
        for a, b in _PAIRS:
            for have, lack in ((a, b), (b, a)):
                if have in names and lack not in names:
                    out.append(Finding("TK216", f"{xpath_of(ch)}: <choice> holds <{have}> "
                                       f"without <{lack}>; pair them: <choice><{a}>…</{a}>"
                                       f"<{b}>…</{b}></choice>", ch))
    return out


_CONTENTFUL = frozenset({T + "gap", T + "g", T + "ptr", T + "graphic", T + "figure",
                         T + "space"})


def _empty_paragraphs(root: etree._Element) -> list[Finding]:
    out: list[Finding] = []
    for p in root.iter(T + "p"):
        if "".join(p.itertext()).strip():
            continue
        if any(d.tag in _CONTENTFUL for d in p.iter()):
            continue
        out.append(Finding("TK217", f"{xpath_of(p)}: empty paragraph; delete it, or mark "
                           "missing text with <gap/>", p))
    return out


def _shared_register_ids(path: str, edition: Edition,
                         local: dict[str, etree._Element]) -> list[Finding]:
    name = os.path.basename(path)
    if name not in REGISTERS:
        return []
    out = []
    for other, ids in edition.registers.items():
        if other == name:
            continue
        for ident, el in local.items():
            if ident in ids:
                out.append(Finding("TK211", f"{xpath_of(el)}/@xml:id: \"{ident}\" is also an "
                                   f"xml:id in {other}; pointers to #{ident} are ambiguous",
                                   el, "xml:id"))
    return out
