"""Recognise dates of the period's documents and normalise them to ISO 8601.

``8.7.50`` is 8 July 1950 (day first, as in Russian and most European
registries); ``2035 30 September 1950`` is 1950-09-30T20:35:00 (a telegraph
time before the date); ``July 8, 1950``; ``8th July 1950``; ``1. Oct. 1950``;
``14.VII.1953`` (a Roman month); ``1950.07.08``; ``3/7/50`` (day first unless the
numbers say otherwise, and then doubtful: see ``DateMatch.cert``). A time after
the date belongs to it: ``5 April 1954, 22:00``, ``14.10.50 at 0140``, ``April 27,
1951—6:49 p.m.``. Times carry seconds because TEI's ``@when`` is an XML Schema
dateTime.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December", "Sept", "Jan", "Feb", "Mar",
                "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_ROMAN = {r: i for i, r in enumerate(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
                                      "X", "XI", "XII"], 1)}
#: Month names as written in the documents: capitalised or in capitals (a lower-case
#: "may" or "march" is an ordinary word). Case-sensitive matching is also much faster.
MON = "(?P<mon>(?:" + "|".join(sorted({v for m in _MONTH_NAMES for v in (m, m.upper())},
                                      key=len, reverse=True)) + r")\.?)"
#: A Roman month, in capitals or in small letters (checked against _ROMAN).
ROMAN = r"(?P<rm>[IVX]{1,4}|[ivx]{1,4})"
#: An ordinal's suffix: 8th, 1st, 22nd, 3rd.
ORD = r"(?:st|nd|rd|th)"
YEAR = r"(?P<y>1[6-9]\d\d|20\d\d)"
#: A clock time after a date, with what joins them: ``, 22:00``, `` at 0140``,
#: ``—6:49 p.m.``, ``—7 p. m.``, ``—noon``, ``. 9:26``. Four digits alone (``2310``) are a
#: time only after "at" or before "hours" or "… time" (_time checks; else the date ends
#: before them).
_TIME_RE = (r"(?P<sep>\.?,?\s+(?:at\s+)?|\s*[—–]\s*|\s+-\s+)"
            r"(?:(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?![\d:])"
            r"(?:[ \t]*(?P<ap>[aApP]\.\s*[mM]\.|[aApP][mM]\b))?"
            r"|(?P<h12>1[0-2]|0?[1-9])[ \t]*(?P<ap12>[aApP]\.\s*[mM]\.|[aApP][mM]\b)"
            r"|(?P<hhmm>[0-2]\d[0-5]\d)(?![\d:\-/]|[.,]\d)"
            r"|(?P<noon>noon)\b)"
            r"(?P<hours>\s?(?:hours|hrs|h)\b)?")
_TIME = re.compile(_TIME_RE)
#: The same without its names, as the patterns' optional last group: a match's groups
#: stay few (groupdict makes one entry per group), and _TIME reads the rare tail there is.
TAIL = "(?P<tail>" + re.sub(r"\(\?P<\w+>", "(?:", _TIME_RE) + ")?"
_PATTERNS = [
    # 2035 30 September 1950 / 30 September 1950 / 1. Oct. 1950 / 2332 30 September /
    # 8th July 1950 / 1st of May 1951
    re.compile(r"(?<![\d.])(?:(?P<hhmm>[0-2]\d[0-5]\d)\s+)?(?P<d>[0-3]?\d)(?:" + ORD
               + r"(?:\s+of)?|\.)?\s+" + MON + r"(?:,?\s+" + YEAR + r")?(?![\w])" + TAIL),
    # July 8, 1950 / October 01, 1950 / July 8th, 1950
    re.compile(MON + r"\s+(?P<d>[0-3]?\d)" + ORD + r"?,?\s+" + YEAR + r"(?!\d)" + TAIL),
    # 8.7.50 / 8.7.50. 9:26 / 2.10.50, 6:00 / 13.11.1950 / 14.VII.1953 / 4. XII. 56
    re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?:(?P<m>[01]?\d)\.|\s?" + ROMAN + r"\.\s?)"
               r"(?P<y>\d{4}|\d{2})(?![\d])" + TAIL),
    # 1950-07-08
    re.compile(r"(?<![\d-])" + YEAR + r"-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])" + TAIL),
    # 3/7/50 / 07/03/1950 (day first unless the numbers say otherwise); not No. 12/3/50
    re.compile(r"(?<![\w/.\-#№])(?<![Nn]o\. )(?<![Nn]o\.)(?<![Nn]r\. )(?<![Nn]r\.)(?<!Nº )"
               r"(?<!Nº)(?<!№ )(?<!# )(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>\d{4}|\d{2})"
               r"(?![\w/]|[.\-]\d)" + TAIL),
    # 1950.07.08 / 1950/07/08 (year first: the order is never in doubt)
    re.compile(r"(?<![\d./\-])" + YEAR + r"(?P<ysep>[./])(?P<m>[01]?\d)(?P=ysep)(?P<d>[0-3]?\d)"
               r"(?![\d/]|\.\d)" + TAIL),
]
#: A four-digit time needs one of these after it (or "at" before it): 2310 Moscow time.
_ZONE = re.compile(r"\s+(?:[A-Za-z]+\s+)?[Tt]ime\b|\s?(?:GMT|UTC)\b")
#: Where matches of the patterns can begin: a number's first digit (patterns 0, 2 to 5)
#: or a month's capital (pattern 1). The patterns begin with a look-behind or an
#: optional group, so the regex engine would try them at every character; these
#: begin with a class, which it finds fast, and consume one character only, so no
#: place where a match could begin is skipped.
_NUMBER_START = re.compile(r"\d(?<!\d\d)")
_MONTH_START = re.compile(r"[JFMASOND](?=an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec"
                          r"|AN|EB|AR|PR|AY|UN|UL|UG|EP|CT|OV|EC)")
#: Something every date holds: a digit or a month's capital, then what must follow it
#: (a month after a day; a dot, hyphen or slash and a digit; a dot and a Roman month; a
#: month after an ordinal, spelled out further: "8th Department" is common and no date).
_HINT = (r"[\dJFMASOND](?:(?<=\d)(?:\.?\s+[JFMASOND]|[./\-]\d|\.\s?(?:[IVX]+|[ivx]+)\."
         r"|(?:st|nd|rd|th)(?:\s+of)?\s+(?:" + "|".join(m[:3] for m in _MONTH_NAMES[:12])
         + "|" + "|".join(m[:3].upper() for m in _MONTH_NAMES[:12]) + "))"
         r"|(?<=[JFMASOND])[A-Za-z]*\.?\s+\d)")
_ANY_HINT = re.compile(_HINT)
#: The same two for text that is all ASCII (most runs), where a digit is [0-9]: a class the
#: engine tests with one look-up, where \d asks Unicode's tables at every character.
_ANY_HINT_ASCII = re.compile(_HINT.replace(r"[\d", "[0-9").replace(r"\d", "[0-9]"))
_NUMBER_START_ASCII = re.compile(r"[0-9](?<![0-9][0-9])")
DATE_ALONE = re.compile(
    r"^(?:(?:[0-3]?\d(?:" + ORD + r")?\s+" + MON + r",?\s+\d{4})|(?:" + MON.replace("mon", "mon2")
    + r"\s+[0-3]?\d(?:" + ORD + r")?,?\s+\d{4})|(?:\d{4}-\d\d-\d\d))\.?$")


_DIGIT = re.compile(r"\d")


def _has_digit(s: str, ascii: bool) -> bool:
    """Whether ``s`` holds a digit, which every date does (and _ANY_HINT asks for).

    Most runs of text hold none. Ten ``in`` tests (memchr in C) read ASCII text several
    times faster than _ANY_HINT, which stops at every capital J, F, M, A, S, O, N or D,
    and written out they take a third of the time of ``any(map(s.__contains__, ...))``."""
    if ascii:
        return ("0" in s or "1" in s or "2" in s or "3" in s or "4" in s or "5" in s
                or "6" in s or "7" in s or "8" in s or "9" in s)
    return _DIGIT.search(s) is not None


@dataclass(frozen=True)
class DateMatch:
    """A date found in a string: its text, span and ISO form.

    ``cert`` is "medium" where the reading is a guess (``3/7/50``: day or month
    first?), for TEI's ``@cert``; None where the date's form leaves no doubt."""

    text: str
    start: int
    end: int
    iso: str
    year_inferred: bool = False
    cert: str | None = None


#: What find_dates found in one document's strings (see find_dates).
DateMemo = dict[tuple[str, int | None], list[DateMatch]]


def _year(raw: str | None, context_year: int | None) -> tuple[int | None, bool]:
    if raw is None:
        return context_year, True
    y = int(raw)
    if len(raw) == 2:
        century = (context_year // 100 * 100) if context_year else 1900
        y += century
        if context_year and y - context_year > 50:
            y -= 100
    return y, False


def _day_month(g: dict[str, Any]) -> tuple[int, int, str | None] | None:
    """Day, month and certainty from a match's groups: a month's name, a Roman month, a
    number, or the two numbers of a slash date (day first unless one of them is over 12:
    European registries write day first, and so do the originals' languages)."""
    if g.get("mon"):
        return int(g["d"]), _MONTHS[g["mon"].rstrip(".").lower()], None
    if g.get("rm"):
        month = _ROMAN.get(g["rm"].upper())
        return (int(g["d"]), month, None) if month else None
    if g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        if b > 12:
            return b, a, None
        return a, b, ("medium" if a != b and a <= 12 else None)
    return int(g["d"]), int(g["m"]), None


def _time(m: re.Match[str]) -> tuple[int, int, int] | None:
    """The time in a date's tail (hour, minute, second), if it is one."""
    t = _TIME.fullmatch(m.string, m.start("tail"), m.end())
    if t is None:  # not reached: _TIME reads what the tail matched
        return None
    g = t.groupdict()
    if g["H"] is not None:
        hour, minute, second = int(g["H"]), int(g["M"]), int(g["S"] or 0)
        ap = g["ap"]
    elif g["h12"] is not None:
        hour, minute, second, ap = int(g["h12"]), 0, 0, g["ap12"]
    elif g["hhmm"] is not None:  # four digits alone are a time only with a word for it
        if not ("at" in g["sep"] or g["hours"] or _ZONE.match(m.string, m.end())):
            return None
        hour, minute, second, ap = int(g["hhmm"][:2]), int(g["hhmm"][2:]), 0, None
    else:
        hour, minute, second, ap = 12, 0, 0, None  # noon
    if ap:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ap[0] in "pP" else 0)
    return (hour, minute, second) if hour <= 23 else None


def _build(m: re.Match[str], context_year: int | None) -> DateMatch | None:
    g = m.groupdict()
    year, inferred = _year(g.get("y"), context_year)
    if year is None:
        return None
    dm = _day_month(g)
    if dm is None:
        return None
    try:
        day = _dt.date(year, dm[1], dm[0])
    except ValueError:
        return None
    iso = day.isoformat()
    end = m.end()
    if g.get("hhmm"):  # a telegraph time before the date, which wins over one after it
        hour = int(g["hhmm"][:2])
        if hour > 23:
            return None
        iso += f"T{hour:02d}:{g['hhmm'][2:]}:00"
        if g["tail"]:
            end = m.start("tail")
    elif g["tail"]:
        t = _time(m)
        if t is None:
            end = m.start("tail")  # the date without what followed it
        else:
            iso += "T{:02d}:{:02d}:{:02d}".format(*t)
    return DateMatch(m.string[m.start():end], m.start(), end, iso, inferred, dm[2])


def find_dates(s: str, context_year: int | None = None, yearless: bool = False,
               memo: DateMemo | None = None) -> list[DateMatch]:
    """All dates in ``s``, left to right, without overlaps.

    A date without a year (``2332 30 September``) is accepted only when
    ``yearless`` is set and a context year is known: then it is inferred.
    ``memo`` keeps what one document's strings hold (a unit's words are often a run's
    text too, and are asked about once for the unit and once for the run).
    """
    candidates = memo.get((s, context_year)) if memo is not None else None
    if candidates is None:
        candidates = _candidates(s, context_year)
        if memo is not None:
            memo[s, context_year] = candidates
    if not candidates:
        return []
    need_year = not (yearless and context_year)
    found: list[DateMatch] = []
    for d in candidates:
        if (need_year and d.year_inferred
                or any(d.start < f.end and f.start < d.end for f in found)):
            continue
        found.append(d)
    if len(found) > 1:
        found.sort(key=_start)
    return found


def _candidates(s: str, context_year: int | None) -> list[DateMatch]:
    """Each pattern's dates in ``s``, the patterns in order, whether or not a date has its
    year: find_dates keeps those it may, in this order, each not overlapping the ones kept."""
    ascii = s.isascii()
    if not _has_digit(s, ascii) or not (_ANY_HINT_ASCII if ascii else _ANY_HINT).search(s):
        return []  # most text: one or two quick looks
    months = [m.start() for m in _MONTH_START.finditer(s)]
    # a pattern is tried only if what it cannot do without is there: a month's name
    # (patterns 0 and 1), a dot (2), a hyphen (3), a slash (4), a dot or a slash (5)
    dot, slash = "." in s, "/" in s
    needs = (bool(months), True, dot, "-" in s, slash, dot or slash)
    numbers = ([m.start() for m in (_NUMBER_START_ASCII if ascii else _NUMBER_START).finditer(s)]
               if needs[0] or dot or needs[3] or slash else [])
    out: list[DateMatch] = []
    for pat, starts, need in zip(_PATTERNS, (numbers, months, numbers, numbers, numbers, numbers),
                                 needs, strict=True):
        if not starts or not need:
            continue
        for m in matches_at(pat, starts, s):
            d = _build(m, context_year)
            if d is not None:
                out.append(d)
    return out


def _start(d: DateMatch) -> int:
    return d.start


def matches_at(pattern: re.Pattern[str], starts: Iterable[int], s: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(s)``, trying ``pattern`` only at the offsets ``starts`` (ascending).

    ``starts`` must hold every offset where a match of ``pattern`` can begin; the
    match there is the one finditer would find (look-behinds and ``\\b`` still
    see the text before it).
    """
    end = 0
    for at in starts:
        if at >= end and (m := pattern.match(s, at)):
            end = m.end()
            yield m


def first_date(texts: list[str], context_year: int | None = None) -> DateMatch | None:
    """The first date (with its year) in lines of text, read in order.

    One quick look over all of them first: the lines before the first hint hold no date.
    """
    joined = "\n".join(texts)
    hint = (_ANY_HINT_ASCII if joined.isascii() else _ANY_HINT).search(joined)
    if hint is None:
        return None
    for t in texts[joined.count("\n", 0, hint.start()):]:
        if (d := parse_date(t, context_year)) is not None:
            return d
    return None


def parse_date(s: str, context_year: int | None = None) -> DateMatch | None:
    """The first date in ``s`` that carries its year, or None."""
    found = find_dates(s, context_year)
    return found[0] if found else None
