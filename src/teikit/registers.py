"""The edition's own lists of persons and places (TEI listPerson/listPlace).

Editors extend ``tei/persons.xml`` and ``tei/places.xml``; every name form
in them (main name, aliases, pseudonyms) is looked up in the text, and
``@ref`` points at the entry's ``xml:id``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.elements import E, append_items
from teikit.errors import RegisterError
from teikit.source import XML_FORBIDDEN

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
    """Compare names ignoring case, hyphens, dots, apostrophes and spacing."""
    # The punctuation (-‐‑–.’') becomes spaces. str.replace, not str.translate: translate
    # asks its table for every character (raising KeyError for each one not in it), which
    # took twice as many instructions as the rest of this function.
    s = s.replace("-", " ").replace("‐", " ").replace("‑", " ").replace("–", " ")
    s = s.replace(".", " ").replace("’", " ").replace("'", " ")
    return " ".join(s.split()).casefold()


WORD = re.compile(r"[^\W_]+")
_UPPER = "".join(c for c in map(chr, range(0x20, 0x2000)) if c.isupper())
#: A word that starts with a capital letter (Latin, Greek, Cyrillic...). The look-behind
#: comes after the capital (it looks at the character before it), so the engine tries
#: the pattern only at capitals instead of at every character: about three times faster.
CAPITAL_WORD = re.compile(rf"[{re.escape(_UPPER)}](?<![^\W_].)[^\W_]*")
#: The same for ASCII text, spelled with classes the engine tests with one look-up.
CAPITAL_WORD_ASCII = re.compile(r"[A-Z](?<![a-zA-Z0-9].)[a-zA-Z0-9]*")


#: A word character outside ASCII. The class of all non-ASCII characters comes first, which
#: the engine tests fast, and the look-behind asks about the few found.
NON_ASCII_WORD = re.compile(r"[\x80-\U0010ffff](?<=[^\W\x00-\x7f])")


def first_words_pattern(words: set[str]) -> re.Pattern[str]:
    """The capital words of ASCII text that are one of ``words`` (casefolded): those of
    CAPITAL_WORD_ASCII's matches that a register's scan looks further at.

    Most capital words of a text begin no name form, and each match is a round of the
    scan's loop in Python. The words are spelled as a tree of alternatives, one branch
    per letter, each after a capital (a branch begins with its own), so the engine
    follows one path through them whatever the size of the register.
    """
    tails: dict[str, list[str]] = {}
    for w in words:  # a capital word is letters and digits, begun by a letter
        if w.isascii() and w.isalnum() and w[0].isalpha():
            tails.setdefault(w[0], []).append(w[1:])
    if not tails:
        return re.compile(r"(?!)")
    branches = "|".join(f"{c.upper()}(?<![a-zA-Z0-9].){_tree(t)}" for c, t in sorted(tails.items()))
    return re.compile(f"(?:{branches})(?![a-zA-Z0-9])")


def _tree(tails: list[str]) -> str:
    """Alternatives for the rest of some words (lower-case ASCII letters and digits), one
    branch per next character, the letters in either case; "" ends a word."""
    nexts: dict[str, list[str]] = {}
    for t in tails:
        if t:
            nexts.setdefault(t[0], []).append(t[1:])
    alts = [(f"[{c}{c.upper()}]" if c.isalpha() else c) + _tree(rest)
            for c, rest in sorted(nexts.items())]
    if "" in tails:
        alts.append("")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


class Register:
    """Persons and places with a fast lookup of every name form.

    Name forms are found word by word: the text is cut into words once and
    runs of up to ``_longest`` words are looked up in a dictionary of
    normalised forms, longest first. A regular expression alternating over
    every form would try each form at each position.
    """

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self.entries: dict[str, Entry] = {}
        self._index: dict[str, Entry] = {}
        self._longest = 1
        self._first_words: set[str] = set()
        self._extended: dict[str, tuple[str, ...]] | None = None
        self._first_ascii: re.Pattern[str] | None = None  # see first_words_pattern
        self._mentions: dict[tuple[str, str], etree._Element] = {}  # see mention
        for e in entries or []:
            self.add(e)

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for f in [entry.main, *entry.forms]:
            key = norm_name(f)
            self._index.setdefault(key, entry)
            self._longest = max(self._longest, len(key.split()))
            if key:
                self._first_words.add(key.split()[0])
        self._extended = self._first_ascii = None

    def _extended_words(self) -> dict[str, tuple[str, ...]]:
        """First words that some longer name form begins with, and those longer forms
        (worked out once per register).

        The normalised form of a run of words is its first word's, casefolded, and then
        more: a first word that begins no longer form can only be a name on its own.
        """
        if self._extended is None:
            keys = sorted(self._index)
            out = {}
            for w in self._first_words:
                i = bisect_left(keys, w)
                i += i < len(keys) and keys[i] == w
                longer = []
                while i < len(keys) and keys[i].startswith(w):
                    longer.append(keys[i])
                    i += 1
                if longer:
                    out[w] = tuple(longer)
            self._extended = out
        return self._extended

    def mention(self, entry: Entry, text: str) -> etree._Element:
        """A persName or placeName holding ``text`` that points at ``entry`` (@ref).

        Copied from an element made once per entry, attribute and all (see
        elements._Prototypes): cheaper than E, which sets the attribute on each copy.
        """
        proto = self._mentions.get((entry.kind, entry.id))
        if proto is None:
            tag = "persName" if entry.kind == "person" else "placeName"
            proto = E(tag, {"ref": "#" + entry.id})
            self._mentions[entry.kind, entry.id] = proto
        el = proto.__copy__()
        if text.isprintable() or not XML_FORBIDDEN.search(text):
            el.text = text or None
        else:  # characters XML forbids become <g> references, as E makes them
            append_items(el, [text])
        return el

    def exact(self, name: str) -> Entry | None:
        """The entry one of whose name forms is exactly ``name`` (case and dots aside)."""
        return self._index.get(norm_name(name))

    def lookup(self, name: str, kind: str | None = None) -> Entry | None:
        """The entry a name (or a phrase like 'pseudonym for Soviet Amb. Shtykov') means.

        An exact name form wins; otherwise the longest name form found inside
        the phrase, among entries of ``kind`` ("person" or "place") if given.
        """
        n = norm_name(name)
        exact = self._index.get(n)
        if exact is not None and kind in (None, exact.kind):
            return exact
        hits = [(b - a, -a, e.id) for a, b, e in self._scan(name, capital=False)
                if kind in (None, e.kind)]
        if hits:
            return self.entries[max(hits)[2]]
        return None

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """Mentions of known names in ``text`` as (start, end, entry); a name starts with a capital."""
        return self._scan(text, capital=True)

    def _scan(self, text: str, capital: bool) -> list[tuple[int, int, Entry]]:
        if not self._index:
            return []
        if not capital:
            starts = WORD
        elif not text.isascii() and NON_ASCII_WORD.search(text):
            starts = CAPITAL_WORD
        else:  # only the capital words that are first words: the words are ASCII (most runs
            # are, or have nothing but quotes and dashes outside it), and CAPITAL_WORD finds
            # in them what CAPITAL_WORD_ASCII does
            if self._first_ascii is None:
                self._first_ascii = first_words_pattern(self._first_words)
            starts = self._first_ascii
        first = self._first_words
        extended = self._extended if self._extended is not None else self._extended_words()
        index = self._index
        out = []
        pos = 0
        for m in starts.finditer(text):
            word = m[0].casefold()
            if word not in first:  # most capital words (asked first: it is the cheaper look)
                continue
            a = m.start()
            if a < pos:
                continue
            if word not in extended:  # the word alone, already normalised
                e = index.get(word)
                if e is not None and m.end() - a >= 3:
                    out.append((a, m.end(), e))
                    pos = m.end()
                continue
            # The form of a run of words begins with the forms of its shorter runs: if the
            # longest run's begins with none of the longer forms its first word begins, the
            # word can only be a name alone (most are: "I", "North", "South" in prose).
            ends = [m.end()]
            for w in WORD.finditer(text, m.end()):
                if len(ends) >= self._longest:
                    break
                ends.append(w.end())
            longest = norm_name(text[a:ends[-1]])
            if not longest.startswith(extended[word]):
                e = index.get(word)
                if e is not None and m.end() - a >= 3:
                    out.append((a, m.end(), e))
                    pos = m.end()
                continue
            for b in reversed(ends):
                e = index.get(longest if b == ends[-1] else norm_name(text[a:b]))
                if e is not None and b - a >= 3:
                    out.append((a, b, e))
                    pos = b
                    break
        return out


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
