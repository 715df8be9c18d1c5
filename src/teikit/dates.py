"""Recognise dates of the period's documents and normalise them to ISO 8601.

``8.7.50`` is 8 July 1950 (day first, as in Russian and most European
registries); ``2035 30 September 1950`` is 1950-09-30T20:35:00 (a telegraph
time before the date); ``July 8, 1950``; ``1. Oct. 1950``. Times carry seconds
because TEI's ``@when`` is an XML Schema dateTime.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December", "Sept", "Jan", "Feb", "Mar",
                "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
#: Month names as written in the documents: capitalised or in capitals (a lower-case
#: "may" or "march" is an ordinary word). Case-sensitive matching is also much faster.
MON = "(?P<mon>(?:" + "|".join(sorted({v for m in _MONTH_NAMES for v in (m, m.upper())},
                                      key=len, reverse=True)) + r")\.?)"
_PATTERNS = [
    # 2035 30 September 1950 / 30 September 1950 / 1. Oct. 1950 / 2332 30 September
    re.compile(r"(?<![\d.])(?:(?P<hhmm>[0-2]\d[0-5]\d)\s+)?(?P<d>[0-3]?\d)\.?\s+" + MON
               + r"(?:,?\s+(?P<y>1[6-9]\d\d|20\d\d))?(?![\w])"),
    # July 8, 1950 / October 01, 1950
    re.compile(MON + r"\s+(?P<d>[0-3]?\d),?\s+(?P<y>1[6-9]\d\d|20\d\d)(?!\d)"),
    # 8.7.50 / 8.7.50. 9:26 / 2.10.50, 6:00 / 13.11.1950
    re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{4}|\d{2})(?![\d])"
               r"(?:\.?,?\s+(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?![\d]))?"),
    # 1950-07-08
    re.compile(r"(?<![\d-])(?P<y>1[6-9]\d\d|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])"),
]
#: Where matches of the patterns can begin: a number's first digit (patterns 0, 2 and 3)
#: or a month's capital (pattern 1). The patterns begin with a look-behind or an
#: optional group, so the regex engine would try them at every character; these
#: begin with a class, which it finds fast, and consume one character only, so no
#: place where a match could begin is skipped.
_NUMBER_START = re.compile(r"\d(?<!\d\d)")
_MONTH_START = re.compile(r"[JFMASOND](?=an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec"
                          r"|AN|EB|AR|PR|AY|UN|UL|UG|EP|CT|OV|EC)")
#: Something every date holds: a digit or a month's capital, then what must follow it.
_ANY_HINT = re.compile(r"[\dJFMASOND](?:(?<=\d)(?:\.?\s+[JFMASOND]|[.\-]\d)"
                       r"|(?<=[JFMASOND])[A-Za-z]*\.?\s+\d)")
#: The same two for text that is all ASCII (most runs), where a digit is [0-9]: a class the
#: engine tests with one look-up, where \d asks Unicode's tables at every character.
_ANY_HINT_ASCII = re.compile(r"[0-9JFMASOND](?:(?<=[0-9])(?:\.?\s+[JFMASOND]|[.\-][0-9])"
                             r"|(?<=[JFMASOND])[A-Za-z]*\.?\s+[0-9])")
_NUMBER_START_ASCII = re.compile(r"[0-9](?<![0-9][0-9])")
DATE_ALONE = re.compile(
    r"^(?:(?:[0-3]?\d\s+" + MON + r",?\s+\d{4})|(?:" + MON.replace("mon", "mon2")
    + r"\s+[0-3]?\d,?\s+\d{4})|(?:\d{4}-\d\d-\d\d))\.?$")


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
    """A date found in a string: its text, span and ISO form."""

    text: str
    start: int
    end: int
    iso: str
    year_inferred: bool = False


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


def _build(m: re.Match[str], context_year: int | None) -> DateMatch | None:
    g = m.groupdict()
    year, inferred = _year(g.get("y"), context_year)
    if year is None:
        return None
    month = _MONTHS[g["mon"].rstrip(".").lower()] if g.get("mon") else int(g["m"])
    try:
        day = _dt.date(year, month, int(g["d"]))
    except ValueError:
        return None
    hour = minute = None
    if g.get("hhmm"):
        hour, minute = int(g["hhmm"][:2]), int(g["hhmm"][2:])
    elif g.get("H"):
        hour, minute = int(g["H"]), int(g["M"])
    iso = day.isoformat()
    if hour is not None and minute is not None:
        if hour > 23:
            return None
        iso += f"T{hour:02d}:{minute:02d}:00"
    text = m.group(0)
    return DateMatch(text, m.start(), m.start() + len(text), iso, inferred)


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
    # (patterns 0 and 1), a dot (2), a hyphen (3)
    needs = (bool(months), True, "." in s, "-" in s)
    numbers = ([m.start() for m in (_NUMBER_START_ASCII if ascii else _NUMBER_START).finditer(s)]
               if needs[0] or needs[2] or needs[3] else [])
    out: list[DateMatch] = []
    for pat, starts, need in zip(_PATTERNS, (numbers, months, numbers, numbers), needs,
                                 strict=True):
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
