"""Names, dates, omissions and forbidden characters in a run of plain text.

A run is the text between brackets. Names come from the register (persName or
placeName with @ref), dates get @when, spaced-dot omissions (``. . .``) become gaps,
characters XML cannot carry become <g> references; capitalised names the register
does not know are reported as candidates for it.
"""

from __future__ import annotations

import re

from lxml import etree

from teikit.context import Context, set_rendition
from teikit.dates import DateMatch, find_dates, matches_at
from teikit.diagnostics import diag
from teikit.elements import E, Items, g_ref
from teikit.source import XML_FORBIDDEN
from teikit.templates import escape

ELLIPSIS = re.compile(r"\.(?:[ \t]\.){2,3}")
CANDIDATE = re.compile(r"\b(?:Cde\.|cde\.|Comrade|comrade|Colonel|General|Marshal|Amb\.|"
                       r"Ambassador|Mr\.|Mrs\.)\s+(?P<name>[A-ZА-Я][\w’\-]+(?:\s+[A-ZА-Я][\w’\-]+)?)"
                       r"|(?P<caps>\b[A-Z][A-Z’\-]{3,}(?:\s+[A-Z][A-Z’\-]{1,})*\b)")
#: Where a CANDIDATE can begin: a word's first letter, of a title or before three more
#: capitals. CANDIDATE begins with \b, so the regex engine would try it at every
#: character; this begins with a class, which it finds fast, and consumes one
#: character only, so no place where CANDIDATE could begin is skipped.
CANDIDATE_START = re.compile(r"[A-Zc](?<!\w.)(?=[A-Z’\-]{3}|de\.|omrade|olonel|eneral|arshal|mb"
                             r"|rs?\.)")
CANDIDATE_START_UPPER = re.compile(CANDIDATE_START.pattern.replace("[A-Zc]", "[A-Z]", 1))
NOT_NAMES = {"CIPHERED", "TELEGRAM", "CABLE", "MINISTRY", "FOREIGN", "AFFAIRS", "DEAR", "DPRK",
             "USSR", "TOP", "SECRET", "URGENT", "COPY", "COPIES", "FOR", "FROM", "THE", "AND",
             "HTML", "PDF", "KPA", "VOTED", "GSSA", "APRF", "TASS", "UN", "USA", "STAFF",
             "MEMORANDUM", "CONVERSATION", "RECORD", "MINUTES", "NOTE", "SUBJECT", "PRESENT",
             "STRICTLY", "CONFIDENTIAL", "PERSONAL", "PROTOCOL", "REPORT", "LETTER", "DRAFT",
             "RESOLUTION", "DECISION", "DIRECTIVE", "EXCERPT", "OF", "TO", "IN", "ON", "BY",
             "CC", "VKP", "CPSU", "CCP", "KWP", "PRC", "ROK", "US", "SSR", "RSFSR", "MFA"}


def text_items(s: str, start: int, ctx: Context, mode: str) -> Items:
    """Names, dates, omissions and forbidden characters in a run of plain text."""
    spans: list[tuple[int, int, str, object]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y, _k, _v in spans)

    forbidden = ctx.forbidden and XML_FORBIDDEN.search(s) is not None
    if forbidden:
        for m in XML_FORBIDDEN.finditer(s):
            spans.append((m.start(), m.end(), "g", ord(m.group())))
    if ". ." in s or ".\t." in s:  # how every ELLIPSIS begins: a quick look first
        for m in ELLIPSIS.finditer(s):
            a = m.start() + (1 if m.group().count(".") == 4 else 0)
            if free(a, m.end()):
                spans.append((a, m.end(), "gap", None))
    for d in find_dates(s, ctx.state.year, yearless=(mode == "dateline"), memo=ctx.state.dates):
        if free(d.start, d.end) and not (forbidden and XML_FORBIDDEN.search(d.text)):
            spans.append((d.start, d.end, "date", d))
    names = ctx.register.find(s)
    if spans:
        spans.extend((a, b, "name", entry) for a, b, entry in names if free(a, b))
    else:  # names never overlap one another
        spans = [(a, b, "name", entry) for a, b, entry in names]
    _candidates(s, start, ctx, spans)
    if not spans:
        return [s] if s else []
    spans.sort(key=_span_start)
    items: Items = []
    pos = 0
    for a, b, kind, val in spans:
        if a > pos:
            items.append(s[pos:a])
        frag = s[a:b]
        if kind == "g":
            items.append(g_ref(int(val)))  # type: ignore[call-overload]
        elif kind == "gap":
            el = E("gap", {"reason": "omitted"})
            set_rendition(el, escape(frag), ctx)
            ctx.state.marks["gap"] = ctx.state.marks.get("gap", 0) + 1
            items.append(el)
        elif kind == "date":
            el = E("date", {"when": val.iso}, frag)  # type: ignore[attr-defined]
            if val.cert:  # type: ignore[attr-defined]
                _doubtful_date(el, val, frag, start + a, ctx)  # type: ignore[arg-type]
            items.append(el)
            if ctx.state.year and abs(int(val.iso[:4]) - ctx.state.year) > 5:  # type: ignore
                line, col = ctx.doc.position(start + a)
                ctx.state.diagnostics.append(diag(
                    "TK107", f"date {frag!r} ({val.iso}) is far from the document's year "  # type: ignore
                    f"{ctx.state.year}; check the source", ctx.doc.path, line, col))
        else:
            items.append(ctx.register.mention(val, frag))  # type: ignore[arg-type]
        pos = b
    if pos < len(s):
        items.append(s[pos:])
    return items


def _doubtful_date(el: etree._Element, d: DateMatch, frag: str, at: int, ctx: Context) -> None:
    """A date read one way of two (3/7/50: day first) carries @cert and is reported."""
    el.set("cert", d.cert)
    line, col = ctx.doc.position(at)
    ctx.state.doubts.append({"line": line, "col": col, "rule": "date", "cert": d.cert,
                             "source": frag, "reading": d.iso})
    ctx.state.diagnostics.append(diag("TK109", f"date {frag!r} read day first as {d.iso} "
                                      f"(@cert={d.cert})", ctx.doc.path, line, col))


def _span_start(span: tuple[int, int, str, object]) -> int:
    return span[0]


def _candidates(s: str, start: int, ctx: Context, spans: list[tuple[int, int, str, object]]) -> None:
    # a lower-case c can only begin "cde." or "comrade": most runs have neither
    starts = CANDIDATE_START if "cde." in s or "comrade" in s else CANDIDATE_START_UPPER
    first = starts.search(s)
    if first is None:  # most runs: no title, no word in capitals (one look, no iterators)
        return
    for m in matches_at(CANDIDATE, (h.start() for h in starts.finditer(s, first.start())), s):
        name = m.group("name") or m.group("caps")
        a = m.start("name") if m.group("name") else m.start("caps")
        if any(x <= a < y for x, y, _k, _v in spans):
            continue
        words = [w for w in name.split() if w.upper() not in NOT_NAMES]
        if not words or ctx.register.lookup(" ".join(words)) is not None:
            continue
        key = " ".join(words)
        if m.group("caps") and (len(words) > 3 or len(key) < 4):
            continue
        if key not in ctx.state.candidates:
            ctx.state.candidates[key] = ctx.doc.position(start + a)
