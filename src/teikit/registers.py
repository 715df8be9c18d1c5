"""The edition's own lists of persons and places (TEI listPerson/listPlace).

Editors extend ``tei/persons.xml`` and ``tei/places.xml``; every name form
in them (main name, aliases, pseudonyms) is looked up in the text, and
``@ref`` points at the entry's ``xml:id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.errors import RegisterError

TEI_NS = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@dataclass
class Entry:
    """A person or place: its id, the name to show, and every form it goes by."""

    id: str
    kind: str  # "person" or "place"
    main: str
    forms: list[str] = field(default_factory=list)


def norm_name(s: str) -> str:
    """Compare names ignoring case, hyphens, dots and spacing."""
    s = re.sub(r"[-‐‑–.’']", " ", s)
    return re.sub(r"\s+", " ", s).strip().casefold()


class Register:
    """Persons and places with a fast lookup of every name form."""

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self.entries: dict[str, Entry] = {}
        self._index: dict[str, Entry] = {}
        self._regex: re.Pattern[str] | None = None
        for e in entries or []:
            self.add(e)

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for f in [entry.main, *entry.forms]:
            self._index.setdefault(norm_name(f), entry)
        self._regex = None

    def lookup(self, name: str, kind: str | None = None) -> Entry | None:
        """The entry a name (or a phrase like 'pseudonym for Soviet Amb. Shtykov') means.

        An exact name form wins; otherwise the longest name form found inside
        the phrase, among entries of ``kind`` ("person" or "place") if given.
        """
        n = norm_name(name)
        exact = self._index.get(n)
        if exact is not None and kind in (None, exact.kind):
            return exact
        hits = []
        for m in self.pattern.finditer(name):
            e = self._index.get(norm_name(m.group()))
            if e is not None and kind in (None, e.kind):
                hits.append((m.end() - m.start(), m.start(), e.id))
        if hits:
            return self.entries[max(hits)[2]]
        return None

    @property
    def pattern(self) -> re.Pattern[str]:
        """One regular expression over every name form, longest first."""
        if self._regex is None:
            forms = sorted({f for e in self.entries.values() for f in [e.main, *e.forms]},
                           key=len, reverse=True)
            alts = [_form_regex(f) for f in forms if len(f) >= 3]
            body = "|".join(alts) if alts else r"(?!x)x"
            self._regex = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)
        return self._regex

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """Mentions of known names in ``text`` as (start, end, entry)."""
        out = []
        for m in self.pattern.finditer(text):
            e = self._index.get(norm_name(m.group()))
            if e is not None and _case_ok(m.group()):
                out.append((m.start(), m.end(), e))
        return out


def _form_regex(form: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s\-‐‑]+", form) if p]
    return r"[\s\-‐‑]+".join(parts)


def _case_ok(s: str) -> bool:
    """A name in running text starts with a capital letter."""
    return s[:1].isupper()


def load_register(*paths: Path) -> Register:
    """Read listPerson/listPlace entries from TEI files; missing files are skipped."""
    reg = Register()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in paths:
        if not path.exists():
            continue
        try:
            tree = etree.parse(str(path), parser)
        except etree.XMLSyntaxError as exc:
            raise RegisterError(f"{path}:{exc.lineno}:{exc.offset or 0}: cannot read register: "
                                f"{exc.msg}") from exc
        for kind, name_el in (("person", "persName"), ("place", "placeName")):
            for el in tree.iterfind(f".//tei:{kind}", NS):
                ident = el.get(XML_ID)
                if not ident:
                    continue
                names = [" ".join("".join(n.itertext()).split())
                         for n in el.iterfind(f"tei:{name_el}", NS)]
                names = [n for n in names if n]
                if names:
                    reg.add(Entry(ident, kind, names[0], names[1:]))
    return reg
