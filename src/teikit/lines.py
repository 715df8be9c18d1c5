"""The source's lines, and which of them are a web page's frame (menus, widgets, notices).

Blank lines are dropped when the text is cut into lines: they mean nothing to the
frame, the catalogue or the document, and a web page has more of them than of any
other kind. A line keeps its number and offset, and works out its normalised form
(words single-spaced, casefolded) once.
"""

from __future__ import annotations

import re

#: Labels of navigation and widgets, compared case-insensitively, whole line.
FRAME_LABELS = {
    "skip to content", "crown nav", "main navigation", "quick links", "donate", "catalog",
    "wilsoncenter.org", "about the digital archive", "people", "places", "topics",
    "featured people", "featured places", "featured topics", "see all people",
    "see all places", "see all topics", "search", "search in", "menu", "home", "share",
    "print", "citation", "• citation", "get citation", "share document", "• share document",
    "digital archive international history declassified", "download", "english html",
    "original scan", "translation", "transcript", "back to top", "close", "email",
    "facebook", "twitter", "copy link", "login", "log in", "sign in", "subscribe",
    "search the archive", "browse the archive", "register", "sign up", "my account",
    "collections", "browse", "log in | register", "sign in | register",
}
FRAME_PATTERNS = [re.compile(p, re.I) for p in (
    r"^\[image:[^\]]*\]$",
    r"^[\w .&'’-]{0,60}\bdigital archive$",
    r"^icon for type\b",
    r"^\(?\d+\)?( documents?)?$",
    r"^\(\d{4}-\d{4}\)$",
    r"^\d{4}-\d{4}$",
    r"^\((east|west|south|north|southeast|southwest|central)?\s*\w*\s*(asia|europe|africa|america"
    r"|middle east|oceania)\)$",
    r"^(english|russian|chinese|korean|german|french|japanese|polish|czech|hungarian|romanian"
    r"|bulgarian|mongolian|vietnamese|spanish|italian)\s+(html|pdf|transcript|translation|scan)$",
    r"welcomes reuse of digital archive materials",
    r"^to enquire about this document'?s rights status",
    r"may be subject to copyright",
    r"^see all\b",
)]
ARTEFACT = re.compile(r"\[(?:email\s+protected|image:[^\]\n]*)\]", re.I)


#: What counts as blank in a line. Python's str.strip() also strips the controls
#: U+001C-U+001F, U+000B and U+000C, which are characters of the source here.
SPACES = " \t\r\n\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


class Line:
    """One line of the source: 1-based number, offset of its first character."""

    __slots__ = ("no", "offset", "text", "stripped", "_norm")

    def __init__(self, no: int, offset: int, text: str, stripped: str | None = None) -> None:
        self.no = no
        self.offset = offset
        self.text = text
        self.stripped = text.strip(SPACES) if stripped is None else stripped
        self._norm: str | None = None

    @property
    def norm(self) -> str:
        """Its words single-spaced and casefolded, as labels are compared (worked out once)."""
        if self._norm is None:
            self._norm = _norm(self.text)
        return self._norm

    def __repr__(self) -> str:
        return f"Line({self.no}, {self.offset}, {self.text!r})"


def split_lines(text: str) -> list[Line]:
    """The source's non-blank lines, with their numbers and offsets.

    Blank lines mean nothing to the frame, the catalogue or the document (every
    step skipped them), and a web page has more of them than of any other kind.
    """
    out, offset = [], 0
    for i, t in enumerate(text.split("\n"), 1):
        if t:
            stripped = t.strip(SPACES)
            if stripped:
                out.append(Line(i, offset, t, stripped))
            offset += len(t) + 1
        else:
            offset += 1
    return out


def _norm(s: str) -> str:
    # A printable string's only space is " " (str.isprintable is false for every other
    # character str.split takes for one): without two in a row or one at an end, it is
    # single-spaced already, and a check in C spares splitting the words and joining them.
    if s.isprintable() and "  " not in s and s[:1] != " " and s[-1:] != " ":
        return s.casefold()
    return " ".join(s.split()).casefold()


#: The frame patterns anchored at the start of a line, as one expression: cheap to try.
FRAME_START = re.compile("|".join(f"(?:{p.pattern})" for p in FRAME_PATTERNS
                                  if p.pattern.startswith("^")), re.I)
#: The unanchored ones must be searched for along the whole line, which is slow with re.I.
FRAME_ANYWHERE = re.compile("|".join(f"(?:{p.pattern})" for p in FRAME_PATTERNS
                                     if not p.pattern.startswith("^")), re.I)


def _has_hint(n: str) -> bool:
    """Whether a casefolded line may match FRAME_ANYWHERE: each of its patterns holds one
    of these words (with no i, s or k, which re.I also matches to other characters)."""
    return "welcome" in n or "to copyr" in n


def is_frame(ln: Line) -> bool:
    n = ln.norm
    if not n:
        return False
    return (n in FRAME_LABELS or FRAME_START.match(n) is not None
            or (_has_hint(n) and FRAME_ANYWHERE.search(n) is not None))
