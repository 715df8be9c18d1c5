"""``teikit package``: the edition as a deposit, made from its teiHeaders alone.

One run fills one output folder with:

- ``<name>/``: a BagIt bag whose payload holds the TEI documents and
  registers, teikit's schema, the corpus file and the metadata below;
- ``<name>-corpus.xml``: a ``teiCorpus`` of every document and register;
- ``cmif.xml``: the letters' metadata in CMIF (v2) for correspSearch;
- ``datacite.json`` and ``zenodo.json``: deposit metadata of the edition.

No field is typed in by hand: each comes from the documents' headers, the
registers (persons.xml, places.xml) or ``teikit.toml``. docs/package.md
says where each comes from.

A package is replaced only by a complete one. Everything is built in a
hidden sibling folder and swapped into place in one step; a run killed at
any moment leaves the previous package as it was, and the next run removes
what the killed one left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import html
import json
import os
import re
import shutil
import sys
import time
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import bagit
from lxml import etree

from teikit import __version__
from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.lifeline import pid_alive
from teikit.settings import Settings
from teikit.validate import SCHEMA_DIR, collect_files
from teikit.validate_explain import Locator
from teikit.validate_rules import REGISTERS
from teikit.validate_safe import TEI_NS, LoadedXML, UnsafeXMLError, foreign_machinery, load_file

__all__ = ["PackageReport", "make_package", "package_name"]

T = f"{{{TEI_NS}}}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: CMIF requires this licence for the file itself, whatever the edition's licence.
CMIF_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CMIF_LICENCE_TEXT = "This file is licensed under the terms of the Creative Commons License CC-BY 4.0"
#: The CMIF v2 vocabulary, written out in full in ``ref/@type``.
CMIF_TERMS = "https://lod.academy/cmif/vocab/terms#"
DATACITE_KERNEL = "http://datacite.org/schema/kernel-4"
#: A folder holding this file was written by ``teikit package`` and may be replaced.
MARKER = ".teikit-package"
CHECKSUMS = ["sha256", "sha512"]

#: idno/@type (lower case) -> (scheme, URI prefix), in order of preference for CMIF:
#: the authority files the CMIF documentation names for persons, then GeoNames for
#: places, then Wikidata.
AUTHORITIES: dict[str, tuple[str, str]] = {
    "viaf": ("VIAF", "http://viaf.org/viaf/"),
    "gnd": ("GND", "http://d-nb.info/gnd/"),
    "lc": ("LC", "http://id.loc.gov/authorities/names/"),
    "lccn": ("LC", "http://id.loc.gov/authorities/names/"),
    "ndl": ("NDL", "http://id.ndl.go.jp/auth/ndlna/"),
    "geonames": ("GeoNames", "http://www.geonames.org/"),
    "wikidata": ("Wikidata", "http://www.wikidata.org/entity/"),
}
_SCHEME_HOME = {"VIAF": "https://viaf.org/", "GND": "https://d-nb.info/gnd/",
                "LC": "https://id.loc.gov/", "NDL": "https://id.ndl.go.jp/",
                "GeoNames": "https://www.geonames.org/", "Wikidata": "https://www.wikidata.org/"}
_URI_SCHEMES = (("viaf.org", "VIAF"), ("d-nb.info/gnd", "GND"), ("id.loc.gov", "LC"),
                ("ndl.go.jp", "NDL"), ("geonames.org", "GeoNames"), ("wikidata.org", "Wikidata"))

#: ISO 639-1 -> ISO 639-2/T, for Zenodo, which wants three letters.
ISO639_3 = {
    "ar": "ara", "be": "bel", "bg": "bul", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan",
    "de": "deu", "el": "ell", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "eus",
    "fa": "fas", "fi": "fin", "fr": "fra", "ga": "gle", "gl": "glg", "he": "heb", "hi": "hin",
    "hr": "hrv", "hu": "hun", "hy": "hye", "is": "isl", "it": "ita", "ja": "jpn", "ka": "kat",
    "kk": "kaz", "ko": "kor", "la": "lat", "lt": "lit", "lv": "lav", "mn": "mon", "nb": "nob",
    "nl": "nld", "nn": "nno", "no": "nor", "pl": "pol", "pt": "por", "ro": "ron", "ru": "rus",
    "sk": "slk", "sl": "slv", "sq": "sqi", "sr": "srp", "sv": "swe", "tr": "tur", "uk": "ukr",
    "ur": "urd", "uz": "uzb", "vi": "vie", "yi": "yid", "zh": "zho",
}

_CC_TEXT = re.compile(r"\bCC[\s-]?(?:(?P<zero>0)|(?P<by>BY(?:[\s-](?:NC|SA|ND))*))"
                      r"(?:[\s-]+(?P<v>\d\.\d))?(?![\w.])", re.I)
_CC_URL = re.compile(r"creativecommons\.org/(?:licenses/(?P<by>by(?:-(?:nc|sa|nd))*)|"
                     r"publicdomain/(?P<zero>zero))/(?P<v>\d\.\d)", re.I)
_ISO_DATE = re.compile(r"^(-?\d{4})(-\d{2})?(-\d{2})?(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$")
_DATE_ATTRS = ("when", "from", "to", "notBefore", "notAfter")
_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]+")


@dataclass
class PackageReport:
    """What a run wrote (paths relative to ``out_dir``) and what it found."""

    out_dir: Path
    name: str = ""
    documents: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]


@dataclass(frozen=True)
class Entity:
    """A register entry: its main name and its authority URIs, preferred first."""

    id: str
    kind: str
    name: str
    authorities: tuple[tuple[str, str], ...]
    path: str = ""
    line: int = 0

    @property
    def uri(self) -> str:
        return self.authorities[0][1] if self.authorities else ""


@dataclass
class _Doc:
    loaded: LoadedXML
    stem: str
    title: str
    url: str
    tei_url: str
    date: dict[str, str]

    @property
    def root(self) -> etree._Element:
        return self.loaded.tree.getroot()


# ----------------------------------------------------------------------------
# Small helpers


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         attrib: dict[str, str] | None = None) -> etree._Element:
    el = etree.SubElement(parent, T + tag, {k: v for k, v in (attrib or {}).items() if v})
    if text:
        el.text = text
    return el


def _norm(s: str | None) -> str:
    return " ".join((s or "").split())


def _text(el: etree._Element | None) -> str:
    return _norm("".join(el.itertext())) if el is not None else ""


def _distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def package_name(title: str) -> str:
    """A file-name-safe name for the package, from the edition's title."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60].strip("-")
    return slug or "edition"


def _orcid(orcid: str) -> tuple[str, str]:
    """(bare iD, URL) of an ORCID given either way."""
    bare = orcid.rstrip("/").rsplit("/", 1)[-1]
    return bare, f"https://orcid.org/{bare}" if bare else ""


def licence_of(text: str) -> tuple[str, str] | None:
    """(SPDX id in lower case, URL) of a Creative Commons licence named in a text."""
    m = _CC_URL.search(text)
    if m:
        version = m["v"]
        if m["zero"]:
            return f"cc0-{version}", f"https://creativecommons.org/publicdomain/zero/{version}/"
        kind = m["by"].lower()
        return f"cc-{kind}-{version}", f"https://creativecommons.org/licenses/{kind}/{version}/"
    m = _CC_TEXT.search(text)
    if not m:
        return None
    if m["zero"]:
        return "cc0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"
    if not m["v"]:
        return None
    kind = re.sub(r"[\s-]+", "-", m["by"]).lower()
    return f"cc-{kind}-{m['v']}", f"https://creativecommons.org/licenses/{kind}/{m['v']}/"


def _cmif_date(value: str) -> str | None:
    """The date part of an ISO value in a precision CMIF accepts, or None."""
    m = _ISO_DATE.match(value.strip())
    if not m or m[1].startswith("-"):
        return None
    return "".join(p for p in m.groups() if p)


def _when(when: datetime | None) -> datetime:
    """The run's timestamp: given, or SOURCE_DATE_EPOCH (reproducible builds), or now."""
    if when is not None:
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


# ----------------------------------------------------------------------------
# Reading the edition


def _ref_id(ref: str | None) -> str:
    """The register id a pointer names: '#stalin' or 'persons.xml#stalin' -> 'stalin'."""
    token = (ref or "").split()[0] if (ref or "").split() else ""
    if "#" in token and (token.startswith("#") or token.split("#")[0].endswith(".xml")):
        return token.split("#", 1)[1]
    return ""


def _authority(idno: etree._Element) -> tuple[str, str] | None:
    value = _norm(idno.text)
    if not value:
        return None
    if re.match(r"^https?://", value):
        scheme = next((s for host, s in _URI_SCHEMES if host in value), "URI")
        return scheme, value
    known = AUTHORITIES.get((idno.get("type") or "").strip().lower())
    return (known[0], known[1] + quote(value, safe="")) if known else None


def read_entities(registers: Sequence[LoadedXML]) -> dict[str, Entity]:
    """Every person, place and organisation of the registers, with authority URIs."""
    order = list(dict.fromkeys(s for s, _ in AUTHORITIES.values()))
    out: dict[str, Entity] = {}
    for reg in registers:
        for el in reg.tree.getroot().iter(T + "person", T + "place", T + "org"):
            xid = el.get(XML_ID)
            if not xid:
                continue
            kind = etree.QName(el).localname
            names = el.findall(f"{T}{kind}Name") if kind != "person" else el.findall(f"{T}persName")
            main = next((n for n in names if n.get("type") == "main"), names[0] if names else None)
            found = [a for a in map(_authority, el.findall(f"{T}idno")) if a]
            found.sort(key=lambda a: order.index(a[0]) if a[0] in order else len(order))
            out[xid] = Entity(xid, kind, _text(main) or xid, tuple(found), reg.path,
                              el.sourceline or 0)
    return out


def _doc_date(root: etree._Element) -> etree._Element | None:
    """The document's date: when it was sent, else when it was made (as the HTML shows it)."""
    for path in ("t:teiHeader/t:profileDesc/t:correspDesc/t:correspAction[@type='sent']/t:date",
                 "t:teiHeader/t:profileDesc/t:creation/t:date",
                 "t:teiHeader/t:profileDesc/t:correspDesc//t:date",
                 "t:text//t:dateline/t:date"):
        found = root.xpath(path, namespaces={"t": TEI_NS})
        if found:
            return found[0]
    return None


def _date_attrs(el: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in _DATE_ATTRS:
        v = _cmif_date(el.get(a, "")) if el is not None and el.get(a) else None
        if v:
            out[a] = v
    return out


def _title(root: etree._Element) -> str:
    titles = root.findall(f"{T}teiHeader/{T}fileDesc/{T}titleStmt/{T}title")
    main = next((t for t in titles if t.get("type") in (None, "main")), titles[0] if titles else None)
    return _text(main)


def _read(paths: Sequence[str | os.PathLike[str]], settings: Settings,
          report: PackageReport) -> tuple[list[_Doc], list[LoadedXML]]:
    files, problems = collect_files(paths)
    report.diagnostics += problems
    docs: list[_Doc] = []
    registers: list[LoadedXML] = []
    seen: dict[str, str] = {}
    for f in files:
        try:
            loaded = load_file(f)
        except UnsafeXMLError as e:
            report.diagnostics.append(e.diagnostic)
            continue
        refused = foreign_machinery(loaded)
        if refused:
            code, message, el = refused[0]
            report.diagnostics.append(diag(code, message, f, el.sourceline or 0, 0))
            continue
        if loaded.tree.getroot().tag != T + "TEI":
            report.diagnostics.append(diag(
                "TK206", f"the root element is <{etree.QName(loaded.tree.getroot()).localname}>, "
                f"not <TEI xmlns=\"{TEI_NS}\">: only TEI documents go into a package", f, 1, 1))
            continue
        name = os.path.basename(f)
        if name in seen:
            report.diagnostics.append(diag(
                "TK307", f"same file name as {seen[name]}: both would be tei/{name} in the "
                "package and have the same URL; rename one", f))
            continue
        seen[name] = f
        if name in REGISTERS:
            registers.append(loaded)
            continue
        stem = Path(f).stem
        root = loaded.tree.getroot()
        base = settings.base_url
        docs.append(_Doc(
            loaded, stem, _title(root) or stem,
            f"{base}documents/{quote(stem, safe='')}.html" if base else "",
            f"{base}tei/{quote(name, safe='')}" if base else "",
            _date_attrs(_doc_date(root))))
    if not docs and not report.errors:
        report.diagnostics.append(diag(
            "TK507", "no TEI documents among the inputs (registers alone make no package)",
            ", ".join(str(p) for p in paths)))
    return docs, registers


# ----------------------------------------------------------------------------
# The teiCorpus


def _local_ids(root: etree._Element, prefix: str) -> None:
    """Make a document's xml:ids unique in the corpus; its own pointers follow them.

    Pointers to ids the document does not hold (the registers' ``#stalin``)
    are kept: the registers are in the corpus with their ids unchanged.
    """
    old_root = root.get(XML_ID)
    mapping = {el.get(XML_ID): f"{prefix}.{el.get(XML_ID)}"
               for el in root.iter(etree.Element) if el.get(XML_ID)}
    if old_root:
        mapping[old_root] = prefix
    for el in root.iter(etree.Element):
        for name, value in el.attrib.items():
            if name == XML_ID:
                el.set(name, mapping[value])
            elif "#" in value:
                tokens = value.split()
                new = [f"#{mapping[t[1:]]}" if t.startswith("#") and t[1:] in mapping else t
                       for t in tokens]
                if new != tokens:
                    el.set(name, " ".join(new))
    root.set(XML_ID, prefix)


def _corpus_id(stem: str) -> str:
    return "doc-" + re.sub(r"[^\w.-]", "_", stem, flags=re.ASCII)


def _resp_stmts(docs: Sequence[_Doc]) -> list[etree._Element]:
    """The documents' responsibility statements, merged by what was done."""
    by_resp: dict[str, dict[str, etree._Element]] = {}
    for d in docs:
        for rs in d.root.iterfind(f"{T}teiHeader/{T}fileDesc/{T}titleStmt/{T}respStmt"):
            resp = _text(rs.find(f"{T}resp"))
            for n in rs:
                if n.tag != T + "resp" and _text(n):
                    by_resp.setdefault(resp, {}).setdefault(_text(n), n)
    out = []
    for resp, names in by_resp.items():
        stmt = etree.Element(T + "respStmt")
        _sub(stmt, "resp", resp)
        for n in names.values():
            copy = deepcopy(n)
            copy.tail = None
            stmt.append(copy)
        out.append(stmt)
    return out


def _all(docs: Sequence[_Doc], path: str) -> list[str]:
    return _distinct(_text(el) for d in docs for el in d.root.iterfind(path))


def _period(docs: Sequence[_Doc]) -> tuple[str, str]:
    starts = [d.date.get("when") or d.date.get("from") or d.date.get("notBefore") or "" for d in docs]
    ends = [d.date.get("when") or d.date.get("to") or d.date.get("notAfter") or "" for d in docs]
    starts, ends = [s for s in starts if s], [e for e in ends if e]
    return (min(starts) if starts else "", max(ends) if ends else "")


def _publisher(settings: Settings) -> str:
    return settings.publisher or settings.editor_names or settings.title


def _corpus_header(docs: Sequence[_Doc], registers: Sequence[LoadedXML], settings: Settings,
                   when: datetime) -> etree._Element:
    header = etree.Element(T + "teiHeader")
    fd = _sub(header, "fileDesc")
    ts = _sub(fd, "titleStmt")
    _sub(ts, "title", settings.title)
    for e in settings.editors:
        _sub(ts, "editor", e.name, {"ref": _orcid(e.orcid)[1] if e.orcid else ""})
    for funder in _all(docs, f"{T}teiHeader/{T}fileDesc/{T}titleStmt/{T}funder"):
        _sub(ts, "funder", funder)
    ts.extend(_resp_stmts(docs))
    extent = _sub(fd, "extent")
    m = _sub(extent, "measure", f"{len(docs)} documents",
             {"unit": "document", "quantity": str(len(docs))})
    if registers:
        m.tail = ", "
        _sub(extent, "measure", f"{len(registers)} registers",
             {"unit": "register", "quantity": str(len(registers))})
    ps = _sub(fd, "publicationStmt")
    _sub(ps, "publisher", _publisher(settings))
    _sub(ps, "date", when.date().isoformat(), {"when": when.date().isoformat()})
    if settings.base_url:
        _sub(ps, "idno", settings.base_url, {"type": "URL"})
    avail = _sub(ps, "availability")
    if settings.licence:
        _sub(avail, "licence", settings.licence, {"target": (licence_of(settings.licence) or ("", ""))[1]})
    else:
        _sub(avail, "p", "No licence is stated for the edition; each document states its own rights.")
    sd = _sub(fd, "sourceDesc")
    lb = _sub(sd, "listBibl")
    for d in docs:
        bibl = _sub(lb, "bibl", None, {"corresp": f"#{_corpus_id(d.stem)}"})
        _sub(bibl, "title", d.title)
        if d.date:
            dt = _sub(bibl, "date", "–".join(_distinct([d.date.get("when") or d.date.get("from")
                                                       or d.date.get("notBefore", ""),
                                                       d.date.get("to") or d.date.get("notAfter", "")])),
                      d.date)
            dt.tail = None
        if d.url:
            _sub(bibl, "ref", d.url, {"target": d.url})
    ed = _sub(header, "encodingDesc")
    _sub(ed, "p", "Each document keeps its own header. Its xml:ids are prefixed with the "
         "document's id (the TEI element's xml:id) so that they are unique in the corpus; "
         "the registers keep theirs, so pointers such as #name still lead to them.")
    app = _sub(_sub(ed, "appInfo"), "application", None, {"ident": "teikit", "version": __version__})
    _sub(app, "label", "teikit package")
    pd = _sub(header, "profileDesc")
    start, end = _period(docs)
    if start:
        creation = _sub(pd, "creation")
        _sub(creation, "date", "–".join(_distinct([start, end])),
             {"when": start} if start == end else {"from": start, "to": end})
    langs: dict[str, etree._Element] = {}
    for d in docs:
        for lang in d.root.iterfind(f"{T}teiHeader/{T}profileDesc/{T}langUsage/{T}language"):
            langs.setdefault(lang.get("ident", ""), lang)
    if langs:
        usage = _sub(pd, "langUsage")
        for lang in langs.values():
            copy = deepcopy(lang)
            copy.tail = None
            usage.append(copy)
    terms = _all(docs, f"{T}teiHeader/{T}profileDesc/{T}textClass/{T}keywords/{T}term")
    if terms:
        kw = _sub(_sub(pd, "textClass"), "keywords")
        for term in terms:
            _sub(kw, "term", term)
    etree.indent(header, space="  ", level=1)
    return header


def build_corpus(docs: Sequence[_Doc], registers: Sequence[LoadedXML], settings: Settings,
                 when: datetime) -> tuple[etree._Element, list[Diagnostic]]:
    """The teiCorpus: a header made from the settings and the documents', then every TEI."""
    corpus = etree.Element(T + "teiCorpus", nsmap={None: TEI_NS})
    if settings.languages:
        corpus.set(XML_LANG, settings.languages[0])
    corpus.text = "\n  "
    corpus.append(_corpus_header(docs, registers, settings, when))
    members: list[tuple[etree._Element, str]] = []
    for d in docs:
        tei = deepcopy(d.root)
        _local_ids(tei, _corpus_id(d.stem))
        members.append((tei, d.loaded.path))
    members += [(deepcopy(r.tree.getroot()), r.path) for r in registers]
    seen: dict[str, str] = {}
    problems = []
    for tei, path in members:
        corpus[-1].tail = "\n  "
        tei.tail = None
        corpus.append(tei)
        for el in tei.iter(etree.Element):
            xid = el.get(XML_ID)
            if xid and seen.setdefault(xid, path) != path:
                problems.append(diag("TK211", f"xml:id {xid!r} is also used in {seen[xid]}: "
                                     "ids must be unique in the corpus", path, el.sourceline or 0))
    corpus[-1].tail = "\n"
    return corpus, problems


# ----------------------------------------------------------------------------
# CMIF


def _bibl_id(settings: Settings) -> str:
    """A stable id for the edition's bibl: a UUID (as CMIF recommends) made an NCName."""
    return "edition-" + str(uuid.uuid5(uuid.NAMESPACE_URL, settings.base_url or settings.title))


class _Cmif:
    """Builds the CMIF file; remembers which register entries lack an authority id."""

    def __init__(self, entities: dict[str, Entity]) -> None:
        self.entities = entities
        self.diagnostics: list[Diagnostic] = []
        self.unidentified: dict[str, Entity] = {}

    def _party(self, action: etree._Element, el: etree._Element, doc: _Doc) -> None:
        kind = etree.QName(el).localname
        entity = self.entities.get(_ref_id(el.get("ref")))
        name = entity.name if entity else _text(el)
        if not name:
            return
        ref = entity.uri if entity else ""
        if entity and not ref:
            self.unidentified.setdefault(entity.id, entity)
        elif not entity and kind != "orgName":
            line, col = Locator(doc.loaded.data, doc.root).locate(el, None)
            self.diagnostics.append(diag(
                "TK503", f"<{kind}> {name!r} points to no entry of the registers: CMIF names it "
                "without an authority id", doc.loaded.path, line, col))
        _sub(action, kind, name, {"ref": ref})

    def _action(self, desc: etree._Element, kind: str, source: etree._Element | None,
                doc: _Doc) -> None:
        """One correspAction; a party the header lacks is "Unknown", as CMIF asks."""
        action = _sub(desc, "correspAction", None, {"type": kind})
        if source is not None:
            for el in source.findall(f"{T}persName") + source.findall(f"{T}orgName"):
                self._party(action, el, doc)
        if not len(action):
            _sub(action, "persName", "Unknown")
            if source is not None:
                line, col = Locator(doc.loaded.data, doc.root).locate(source, None)
                what = "sender" if kind == "sent" else "addressee"
                self.diagnostics.append(diag(
                    "TK504", f"correspAction type=\"{kind}\" names no person or organisation: "
                    f"CMIF gives the {what} as Unknown", doc.loaded.path, line, col))
        if source is not None:
            for el in source.findall(f"{T}placeName"):
                self._party(action, el, doc)
        attrs = self._date(source, doc) if source is not None else {}
        if not attrs and kind == "sent":
            attrs = doc.date
        if attrs:
            _sub(action, "date", None, attrs)

    def _date(self, source: etree._Element, doc: _Doc) -> dict[str, str]:
        for d in source.findall(f"{T}date"):
            attrs = _date_attrs(d)
            bad = [a for a in _DATE_ATTRS if d.get(a) and a not in attrs]
            if bad:
                line, col = Locator(doc.loaded.data, doc.root).locate(d, bad[0])
                self.diagnostics.append(diag(
                    "TK506", f"@{bad[0]}={d.get(bad[0])!r} is not a date CMIF accepts "
                    "(YYYY, YYYY-MM, YYYY-MM-DD): left out", doc.loaded.path, line, col))
            if attrs:
                return attrs
        return {}

    def _mentions(self, doc: _Doc) -> list[tuple[str, str, str]]:
        """CMIF v2: the persons and places the text mentions that have an authority URI."""
        out: dict[str, tuple[str, str, str]] = {}
        text = doc.root.find(f"{T}text")
        for el in text.iter(T + "persName", T + "placeName", T + "orgName") if text is not None else []:
            entity = self.entities.get(_ref_id(el.get("ref")))
            if entity and entity.uri:
                term = {"person": "mentionsPerson", "place": "mentionsPlace"}.get(
                    entity.kind, "mentionsOrganization")
                out.setdefault(entity.uri, (CMIF_TERMS + term, entity.uri, entity.name))
        return list(out.values())

    def corresp(self, profile: etree._Element, doc: _Doc, bibl_id: str) -> None:
        desc = _sub(profile, "correspDesc", None, {"ref": doc.url, "key": doc.stem,
                                                   "source": f"#{bibl_id}"})
        header = doc.root.find(f"{T}teiHeader/{T}profileDesc/{T}correspDesc")
        if header is None:
            self.diagnostics.append(diag(
                "TK504", "the header has no correspDesc: CMIF gives sender and addressee as "
                "Unknown", doc.loaded.path, doc.root.sourceline or 0, 1))
        for kind in ("sent", "received"):
            source = header.find(f"{T}correspAction[@type='{kind}']") if header is not None else None
            if source is None and header is not None:
                line, col = Locator(doc.loaded.data, doc.root).locate(header, None)
                what = "sender" if kind == "sent" else "addressee"
                self.diagnostics.append(diag(
                    "TK504", f"correspDesc has no correspAction type=\"{kind}\": CMIF gives the "
                    f"{what} as Unknown", doc.loaded.path, line, col))
            self._action(desc, kind, source, doc)
        refs = self._mentions(doc)
        if doc.tei_url:
            refs.append((CMIF_TERMS + "isAvailableAsTEIfile", doc.tei_url, ""))
        if refs:
            note = _sub(desc, "note")
            for kind, target, label in refs:
                _sub(note, "ref", label or None, {"type": kind, "target": target})


def build_cmif(docs: Sequence[_Doc], entities: dict[str, Entity], settings: Settings,
               when: datetime) -> tuple[etree._Element, list[Diagnostic]]:
    """The CMIF file: the edition described in fileDesc, one correspDesc per document."""
    cmif = _Cmif(entities)
    bibl_id = _bibl_id(settings)
    tei = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    header = _sub(tei, "teiHeader")
    fd = _sub(header, "fileDesc")
    ts = _sub(fd, "titleStmt")
    _sub(ts, "title", settings.title)
    for e in settings.editors:
        _sub(ts, "editor", e.name)
    ps = _sub(fd, "publicationStmt")
    publisher = _sub(ps, "publisher")
    if settings.base_url:
        _sub(publisher, "ref", _publisher(settings), {"target": settings.base_url})
        _sub(ps, "idno", settings.base_url + "cmif.xml", {"type": "url"})
    else:
        publisher.text = _publisher(settings)
    _sub(ps, "date", None, {"when": when.isoformat().replace("+00:00", "Z")})
    _sub(_sub(ps, "availability"), "licence", CMIF_LICENCE_TEXT, {"target": CMIF_LICENCE})
    bibl = _sub(_sub(fd, "sourceDesc"), "bibl", None, {"type": "online", XML_ID: bibl_id})
    last = _sub(bibl, "title", settings.title)
    if settings.editor_names:
        last.tail = f", ed. {settings.editor_names}"
    if settings.publisher:
        last.tail = (last.tail or "") + ". "
        last = _sub(bibl, "publisher", settings.publisher)
    if settings.base_url:
        last.tail = (last.tail or "") + ". "
        _sub(bibl, "ref", settings.base_url, {"target": settings.base_url})
    profile = _sub(header, "profileDesc")
    for d in docs:
        cmif.corresp(profile, d, bibl_id)
    for entity in cmif.unidentified.values():
        cmif.diagnostics.append(diag(
            "TK503", f"{entity.name} (#{entity.id}) has no authority idno (VIAF, GND, LC, NDL, "
            f"GeoNames, Wikidata) in the register: CMIF names the {entity.kind} without @ref",
            entity.path, entity.line, 0))
    _sub(_sub(_sub(tei, "text"), "body"), "p")
    etree.indent(tei, space="  ")
    return tei, cmif.diagnostics


# ----------------------------------------------------------------------------
# DataCite and Zenodo


def _subjects(docs: Sequence[_Doc], entities: dict[str, Entity]) -> list[tuple[str, Entity | None]]:
    """The correspondents and their places (register entries), then the documents' keywords."""
    ids = _distinct(_ref_id(el.get("ref")) for d in docs for el in d.root.iterfind(
        f"{T}teiHeader/{T}profileDesc/{T}correspDesc/{T}correspAction/*"))
    found = [entities[i] for i in ids if i in entities]
    found.sort(key=lambda e: e.kind != "person")
    terms = _all(docs, f"{T}teiHeader/{T}profileDesc/{T}textClass/{T}keywords/{T}term")
    return [(e.name, e) for e in found] + [(t, None) for t in terms if t not in {e.name for e in found}]


def _descriptions(docs: Sequence[_Doc], settings: Settings) -> list[dict[str, str]]:
    out = []
    if settings.introduction:
        out.append({"description": "\n\n".join(settings.introduction), "descriptionType": "Abstract"})
    toc = "; ".join(d.title + (f" ({d.date.get('when') or d.date.get('from') or d.date.get('notBefore')})"
                               if d.date else "") for d in docs)
    out.append({"description": toc, "descriptionType": "TableOfContents"})
    out.append({"description": f"{len(docs)} documents in TEI P5 XML with the edition's registers, "
                "its schema, a teiCorpus of the whole and the letters' metadata in CMIF; "
                f"packaged as a BagIt bag by teikit {__version__}.",
                "descriptionType": "TechnicalInfo"})
    return out


def build_datacite(docs: Sequence[_Doc], entities: dict[str, Entity], settings: Settings,
                   when: datetime) -> dict[str, Any]:
    """DataCite Metadata Schema 4.5 properties, in the JSON of DataCite's REST API.

    The DOI itself is not there: the repository (or DataCite Fabrica) assigns
    it when the package is deposited.
    """
    attrs: dict[str, Any] = {"schemaVersion": DATACITE_KERNEL}
    creators = []
    for e in settings.editors:
        c: dict[str, Any] = {"name": e.name}
        if e.orcid:
            c["nameType"] = "Personal"
            c["nameIdentifiers"] = [{"nameIdentifier": _orcid(e.orcid)[1],
                                     "nameIdentifierScheme": "ORCID",
                                     "schemeUri": "https://orcid.org"}]
        creators.append(c)
    if not creators:
        creators = [{"name": settings.publisher, "nameType": "Organizational"}
                    if settings.publisher else {"name": "(:unav)"}]
    attrs["creators"] = creators
    lang = settings.languages[0] if settings.languages else ""
    attrs["titles"] = [{"title": settings.title, **({"lang": lang} if lang else {})}]
    attrs["publisher"] = {"name": settings.publisher or "(:unav)"}
    attrs["publicationYear"] = str(when.year)
    attrs["types"] = {"resourceTypeGeneral": "Collection", "resourceType": "Scholarly edition"}
    subjects = []
    for name, entity in _subjects(docs, entities):
        s: dict[str, str] = {"subject": name}
        if entity is not None and entity.uri:
            scheme = entity.authorities[0][0]
            s["subjectScheme"] = scheme
            if scheme in _SCHEME_HOME:
                s["schemeUri"] = _SCHEME_HOME[scheme]
            s["valueUri"] = entity.uri
        subjects.append(s)
    if subjects:
        attrs["subjects"] = subjects
    contributors = [{"name": n, "contributorType": "Other"} for n in _all(
        docs, f"{T}teiHeader/{T}fileDesc/{T}titleStmt/{T}respStmt/{T}persName")]
    if contributors:
        attrs["contributors"] = contributors
    dates = []
    start, end = _period(docs)
    if start:
        dates.append({"date": start if start == end else f"{start}/{end}", "dateType": "Other",
                      "dateInformation": "Dates of the documents (the period the edition covers)"})
    changes = sorted(_distinct(_cmif_date(str(c)) or "" for d in docs for c in d.root.xpath(
        "t:teiHeader/t:revisionDesc//t:change/@when", namespaces={"t": TEI_NS})))
    if changes:
        dates.append({"date": changes[0], "dateType": "Created"})
        if changes[-1] != changes[0]:
            dates.append({"date": changes[-1], "dateType": "Updated"})
    if dates:
        attrs["dates"] = dates
    if lang:
        attrs["language"] = lang
    if settings.base_url:
        attrs["relatedIdentifiers"] = [
            {"relatedIdentifier": settings.base_url, "relatedIdentifierType": "URL",
             "relationType": "IsSourceOf", "resourceTypeGeneral": "InteractiveResource"},
            {"relatedIdentifier": settings.base_url + "cmif.xml", "relatedIdentifierType": "URL",
             "relationType": "HasMetadata", "relatedMetadataScheme": "CMIF",
             "schemeUri": "https://github.com/TEI-Correspondence-SIG/CMIF"},
        ]
    attrs["sizes"] = [f"{len(docs)} documents"]
    attrs["formats"] = ["application/tei+xml"]
    if settings.licence:
        rights: dict[str, str] = {"rights": settings.licence}
        known = licence_of(settings.licence)
        if known:
            rights.update(rightsUri=known[1], rightsIdentifier=known[0],
                          rightsIdentifierScheme="SPDX", schemeUri="https://spdx.org/licenses/")
        attrs["rightsList"] = [rights]
    attrs["descriptions"] = _descriptions(docs, settings)
    funders = _all(docs, f"{T}teiHeader/{T}fileDesc/{T}titleStmt/{T}funder")
    if funders:
        attrs["fundingReferences"] = [{"funderName": f} for f in funders]
    return {"data": {"type": "dois", "attributes": attrs}}


def build_zenodo(docs: Sequence[_Doc], entities: dict[str, Entity], settings: Settings,
                 when: datetime) -> dict[str, Any]:
    """Zenodo's deposit metadata (the legacy REST API's ``metadata`` object)."""
    meta: dict[str, Any] = {"upload_type": "dataset", "title": settings.title}
    creators = []
    for e in settings.editors:
        creators.append({"name": e.name, **({"orcid": _orcid(e.orcid)[0]} if e.orcid else {})})
    meta["creators"] = creators or [{"name": _publisher(settings)}]
    paras = [f"<p>{html.escape(p, quote=False)}</p>" for p in settings.introduction]
    start, end = _period(docs)
    span = f", dated {start} to {end}" if start and start != end else (f", dated {start}" if start else "")
    paras.append(f"<p>{len(docs)} documents{html.escape(span, quote=False)}, in TEI P5 XML, with the "
                 "edition's registers, a teiCorpus and CMIF correspondence metadata.</p>")
    meta["description"] = "".join(paras)
    meta["publication_date"] = when.date().isoformat()
    known = licence_of(settings.licence) if settings.licence else None
    meta["access_right"] = "open"
    if known:
        meta["license"] = known[0]
    keywords = [name for name, _ in _subjects(docs, entities)]
    if keywords:
        meta["keywords"] = keywords
    lang = settings.languages[0].split("-")[0].lower() if settings.languages else ""
    if lang:
        meta["language"] = lang if len(lang) == 3 else ISO639_3.get(lang, "")
        if not meta["language"]:
            del meta["language"]
    if settings.base_url:
        meta["related_identifiers"] = [
            {"identifier": settings.base_url, "relation": "isSourceOf", "scheme": "url"},
            {"identifier": settings.base_url + "cmif.xml", "relation": "isDescribedBy",
             "scheme": "url"},
        ]
    contributors = [{"name": n, "type": "Other"} for n in _all(
        docs, f"{T}teiHeader/{T}fileDesc/{T}titleStmt/{T}respStmt/{T}persName")]
    if contributors:
        meta["contributors"] = contributors
    meta["notes"] = f"Made with teikit {__version__} from the edition's TEI headers."
    return {"metadata": meta}


# ----------------------------------------------------------------------------
# Writing: a hidden sibling folder, swapped into place when complete


def _settings_problems(settings: Settings) -> list[Diagnostic]:
    where = str(settings.source or "teikit.toml")
    out = []
    if not settings.base_url:
        out.append(diag("TK501", "base_url is not set: cmif.xml has no URLs (correspSearch cannot "
                        "harvest it) and the deposit metadata do not link the site; set base_url "
                        "to the site's public address", where))
    if not settings.editors:
        out.append(diag("TK502", "no editors: DataCite and Zenodo name the publisher as creator, "
                        "bag-info.txt has no Contact-Name", where))
    if not settings.publisher:
        out.append(diag("TK502", "no publisher: DataCite records it as (:unav), bag-info.txt has "
                        "no Source-Organization", where))
    if not settings.licence:
        out.append(diag("TK502", "no licence: the deposit metadata state none", where))
    elif not licence_of(settings.licence):
        out.append(diag("TK502", f"licence {settings.licence!r} names no Creative Commons licence "
                        "with its version (e.g. CC BY 4.0): DataCite gets the text only, Zenodo "
                        "no licence id", where))
    return out


def _sweep(out: Path) -> None:
    """Remove what killed runs left beside ``out``; put back a package a kill left aside."""
    if not out.parent.is_dir():
        return
    for p in sorted(out.parent.iterdir()):
        m = _TEMP.fullmatch(p.name)
        if not m or m["name"] != out.name:
            continue
        pid = int(m["pid"])
        if pid != os.getpid() and pid_alive(pid):
            continue
        if m["kind"] == "old" and not out.exists() and (p / MARKER).is_file():
            os.rename(p, out)
        else:
            shutil.rmtree(p, ignore_errors=True)


def _sibling(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call where there is one; False where not."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        fn = libc.renameat2
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(-100, os.fsencode(a), -100, os.fsencode(b), 2)  # AT_FDCWD, RENAME_EXCHANGE
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        fn = libc.renamex_np
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(os.fsencode(a), os.fsencode(b), 2)  # RENAME_SWAP
    else:
        return False
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_tree(root: Path) -> None:
    """Make the new package durable before it replaces the old one."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        with contextlib.suppress(OSError):
            fd = os.open(dirpath, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _install(tmp: Path, out: Path) -> None:
    """Put the complete package at ``out`` in one step; the old one goes only then."""
    if out.exists():
        if _exchange(tmp, out):
            shutil.rmtree(tmp)  # it now holds the old package
            return
        old = _sibling(out, "old")
        os.rename(out, old)  # a kill here leaves the old package aside; _sweep puts it back
        os.rename(tmp, out)
        shutil.rmtree(old)
    else:
        os.rename(tmp, out)


def _check_out(out: Path) -> Diagnostic | None:
    if not out.exists() or (out.is_dir() and ((out / MARKER).is_file() or not any(out.iterdir()))):
        return None
    what = "a file" if not out.is_dir() else "a folder with other files"
    return diag("TK505", f"{what}, not a package teikit wrote: choose an empty or new folder "
                "(teikit replaces a package folder as a whole)", str(out))


def _bag_info(settings: Settings, docs: Sequence[_Doc], registers: Sequence[LoadedXML], name: str,
              when: datetime) -> dict[str, Any]:
    info: dict[str, Any] = {
        "Source-Organization": settings.publisher,
        "Contact-Name": [e.name for e in settings.editors],
        "External-Description": " ".join(settings.introduction) or settings.title,
        "External-Identifier": settings.base_url,
        "Bagging-Date": when.date().isoformat(),
        "Bag-Software-Agent": f"teikit {__version__} (bagit.py {bagit.VERSION})",
        "Internal-Sender-Identifier": name,
        "Internal-Sender-Description": f"{settings.title}: {len(docs)} TEI documents, "
        f"{len(registers)} registers, teiCorpus, CMIF, DataCite and Zenodo metadata",
    }
    return {k: v for k, v in info.items() if v}


def _serialise(el: etree._Element) -> bytes:
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8") + b"\n"


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_package(tmp: Path, name: str, docs: Sequence[_Doc], registers: Sequence[LoadedXML],
                   outputs: dict[str, bytes], settings: Settings, when: datetime) -> None:
    bag = tmp / name
    (bag / "tei").mkdir(parents=True)
    for loaded in [d.loaded for d in docs] + list(registers):
        (bag / "tei" / os.path.basename(loaded.path)).write_bytes(loaded.data)
    (bag / "schema").mkdir()
    for f in sorted(SCHEMA_DIR.iterdir()):
        if f.is_file():
            shutil.copyfile(f, bag / "schema" / f.name)
    (bag / "metadata").mkdir()
    for fname, data in outputs.items():
        (tmp / fname).write_bytes(data)
        (bag / ("" if fname.endswith("-corpus.xml") else "metadata") / fname).write_bytes(data)
    bagit.make_bag(str(bag), _bag_info(settings, docs, registers, name, when), checksums=CHECKSUMS)
    (tmp / MARKER).write_text(f"written by teikit {__version__} package; replaced as a whole\n",
                              encoding="utf-8")
    _fsync_tree(tmp)


def make_package(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str],
                 settings: Settings | None = None, *, when: datetime | None = None,
                 name: str | None = None) -> PackageReport:
    """Package the edition's TEI files (files or folders) into ``out_dir``.

    ``when``: the package's timestamp (default: SOURCE_DATE_EPOCH, else now).
    ``name``: the bag's and corpus file's name (default: from the title).
    When any input is refused (an error diagnostic), nothing is written and an
    existing package stays as it was.
    """
    started = time.perf_counter()
    settings = settings or Settings()
    out = Path(out_dir)
    stamp = _when(when)
    report = PackageReport(out, name or package_name(settings.title))
    with contextlib.suppress(OSError):
        _sweep(out)  # first, so that a package a kill left aside is back even if this run fails
    docs, registers = _read(paths, settings, report)
    report.documents = [d.loaded.path for d in docs]
    problem = _check_out(out)
    if problem:
        report.diagnostics.append(problem)
    if report.errors:
        report.seconds = time.perf_counter() - started
        return report
    report.diagnostics += _settings_problems(settings)
    entities = read_entities(registers)
    corpus, corpus_problems = build_corpus(docs, registers, settings, stamp)
    cmif, cmif_problems = build_cmif(docs, entities, settings, stamp)
    report.diagnostics += corpus_problems + cmif_problems
    if report.errors:
        report.seconds = time.perf_counter() - started
        return report
    outputs = {
        f"{report.name}-corpus.xml": _serialise(corpus),
        "cmif.xml": _serialise(cmif),
        "datacite.json": _json(build_datacite(docs, entities, settings, stamp)),
        "zenodo.json": _json(build_zenodo(docs, entities, settings, stamp)),
    }
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _sibling(out, "tmp")
        tmp.mkdir()
        _write_package(tmp, report.name, docs, registers, outputs, settings, stamp)
        _install(tmp, out)
        tmp = None
    except (OSError, bagit.BagError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        report.diagnostics.append(diag("TK009", f"cannot write the package: {reason}; "
                                       "the previous package, if any, is unchanged", str(out)))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if not report.errors:
        report.files = sorted(str(p.relative_to(out)) for p in out.rglob("*")
                              if p.is_file() and p.name != MARKER)
    report.seconds = time.perf_counter() - started
    return report
