"""The built-in conventions, one rule each (see docs/conventions.md).

Each rule's pattern is matched against the whole inside of a bracket; its
function returns a ``Mark`` (or None to let the next rule try).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from teikit.rules import Mark, register_rule

if TYPE_CHECKING:
    from teikit.context import Context

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1, "single": 1,
}
NUM = r"(?P<n>\d+|" + "|".join(NUMBER_WORDS) + ")"
UNCOUNTED = r"(?P<extent>several|some|a few|few|many|numerous|multiple)"
PLACES = {"upper": "top", "lower": "bottom",
          "above": "above", "over": "above", "below": "below", "under": "below",
          "beneath": "below", "margin": "margin", "top": "top", "bottom": "bottom",
          "across": "across", "left": "margin", "right": "margin", "between": "inline",
          "overleaf": "overleaf", "end": "bottom"}
CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'.\-]*"
NAME_LIKE = re.compile(rf"(?:{CAP}\.?)(?:\s+(?:{CAP}|of|de|von|van|al|bin|ibn|y))*")
GLOSS_LEAD = re.compile(r"^(?:pseudonym (?:for|of)|i\.\s?e\.|real name|code ?name (?:for|of)|alias"
                        r"|cover name (?:for|of)|=)\s*", re.I)
TRANSLIT_END = re.compile(r"(?:ii|iy|yi|oi|oy|ei|aya|oye|ogo|ego|ykh|ikh|ami|yami|akh|iki|ki|nie"
                          r"|niya|nost|stvo|tsa|tsy|tsii|shchi|chik|iya|ov|ev|skii|skaya)$")
TRANSLIT_CLUSTER = re.compile(r"kh|zh|shch|ts|iy|yy|ya|yu|yo")


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


@register_rule("artefact", r"email\s+protected|image:.*")
def artefact(m: re.Match[str], ctx: Context) -> Mark:
    """A web page's artefact, not the document's: left out and reported."""
    return Mark("drop")


@register_rule("footnote-call", r"\d{1,3}|[a-z]|[ivx]{1,5}|\*{1,3}")
def footnote_call(m: re.Match[str], ctx: Context) -> Mark:
    """``[1]``, ``[a]``: a footnote call or list label, not an editorial mark."""
    return Mark("literal")


@register_rule("sic", r"\s*sic!?\s*")
def sic(m: re.Match[str], ctx: Context) -> Mark:
    """``word [sic]``: the error is in the original."""
    return Mark("sic", "sic")


@register_rule("sic-correction", r"\s*sic\s*[:,]\s*(?P<body>.+?)\s*")
def sic_correction(m: re.Match[str], ctx: Context) -> Mark:
    """``word [sic: right]``: the error with the right reading."""
    return Mark("choice", "choice", body=m.span("body"))


@register_rule("gap-omitted", r"\s*(?:…|\.\s?\.\s?\.\.?|(?:text|passage|words?) omitted|omitted"
               r"|omission)\s*")
def gap_omitted(m: re.Match[str], ctx: Context) -> Mark:
    """``[…]``, ``[...]``: a passage left out by the editor."""
    return Mark("empty", "gap", {"reason": "omitted"})


ILLEGIBLE = r"(?:illegible|unreadable|indecipherable|undecipherable)"


@register_rule("gap-illegible", rf"\s*(?:{ILLEGIBLE}(?: word)?|word {ILLEGIBLE}|one word {ILLEGIBLE})\s*")
def gap_illegible(m: re.Match[str], ctx: Context) -> Mark:
    """``[illegible]``: one unreadable word."""
    return Mark("empty", "gap", {"reason": "illegible", "unit": "word", "quantity": "1"})


@register_rule("gap-illegible-counted",
               rf"\s*{NUM}\s+(?:{ILLEGIBLE}\s+words?|words?\s+{ILLEGIBLE})\s*")
def gap_illegible_counted(m: re.Match[str], ctx: Context) -> Mark:
    """``[2 words illegible]``, ``[three illegible words]``."""
    return Mark("empty", "gap", {"reason": "illegible", "unit": "word",
                                 "quantity": str(number(m.group("n")))})


@register_rule("gap-illegible-uncounted",
               rf"\s*{UNCOUNTED}\s+(?:{ILLEGIBLE}\s+words|words\s+{ILLEGIBLE})\s*")
def gap_illegible_uncounted(m: re.Match[str], ctx: Context) -> Mark:
    """``[several illegible words]``: unreadable, not counted."""
    return Mark("empty", "gap", {"reason": "illegible", "unit": "word",
                                 "extent": m.group("extent").lower()})


@register_rule("gap-illegible-unit",
               rf"\s*{ILLEGIBLE}\s+(?P<unit>signature|initials?|line|lines|passage|letters?|date"
               r"|number|name)\s*")
def gap_illegible_unit(m: re.Match[str], ctx: Context) -> Mark:
    """``[illegible signature]``: an unreadable signature (or line, passage...)."""
    unit = m.group("unit").lower().rstrip("s") if m.group("unit").lower() != "initials" else "initials"
    attrs = {"reason": "illegible", "unit": unit}
    if unit in ("line", "letter") and not m.group("unit").lower().endswith("s"):
        attrs["quantity"] = "1"
    return Mark("empty", "gap", attrs)


@register_rule("gap-cipher-groups",
               rf"\s*{NUM}\s+groups?\s+(?P<reason>garbled|unrecovered)\s*")
def gap_cipher_groups(m: re.Match[str], ctx: Context) -> Mark:
    """``[1 group garbled]``, ``[3 groups unrecovered]``: cipher groups."""
    return Mark("empty", "gap", {"reason": m.group("reason").lower(), "unit": "group",
                                 "quantity": str(number(m.group("n")))})


@register_rule("gap-cipher-groups-extended",
               rf"\s*(?:{NUM}|{UNCOUNTED})\s+(?:(?:code|cipher)\s+)?groups?\s+"
               r"(?P<reason>garbled|unrecovered|unrecoverable|unidentified|missing|corrupt(?:ed)?"
               r"|undeciphered|not recovered)\s*")
def gap_cipher_groups_extended(m: re.Match[str], ctx: Context) -> Mark:
    """Venona: every wording of unrecovered cipher groups, counted or not."""
    reason = m.group("reason").lower()
    reason = {"unrecoverable": "unrecovered", "not recovered": "unrecovered",
              "corrupted": "garbled", "corrupt": "garbled"}.get(reason, reason)
    attrs = {"reason": reason, "unit": "group"}
    if m.group("n"):
        attrs["quantity"] = str(number(m.group("n")))
    else:
        attrs["extent"] = m.group("extent").lower()
    return Mark("empty", "gap", attrs)


@register_rule("cipher-spelled", r"\s*[BCD]%\s*(?P<body>.+?)\s*")
def cipher_spelled(m: re.Match[str], ctx: Context) -> Mark:
    """Venona: ``[B% WORD]``, a word the cryptanalysts marked with a code letter."""
    return Mark("element", "seg", {"type": "cipher", "subtype": m.group(0).strip()[0]},
                body=m.span("body"))


@register_rule("handwritten",
               r"\s*handwritten(?P<phrase>[^:\]]*?)(?:\s*:\s*(?P<body>.*?))?\s*")
def handwritten(m: re.Match[str], ctx: Context) -> Mark:
    """``[handwritten above the form: TEXT]``, ``[Handwritten across the document] "TEXT"``."""
    phrase = (m.group("phrase") or "").strip()
    attrs: dict[str, str] = {}
    words = re.findall(r"\w+", phrase.lower())
    for w in words:
        if w in PLACES:
            attrs["place"] = PLACES[w]
            break
    who = re.search(r"\bby\s+(.+)$", phrase)
    attrs["hand"] = "#" + ctx.hand(who.group(1) if who else None)
    if m.group("body") is None:
        return Mark("rest-of-line", "add", attrs)
    return Mark("element", "add", attrs, body=m.span("body"))


@register_rule("deleted", r"\s*(?:crossed out|deleted|struck out|struck through|strikethrough"
               r"|cancelled)\s*:\s*(?P<body>.*?)\s*")
def deleted(m: re.Match[str], ctx: Context) -> Mark:
    """``[crossed out: TEXT]``: struck-out text."""
    return Mark("element", "del", {"rend": "strikethrough"}, body=m.span("body"))


@register_rule("stamp", r"\s*stamp(?:ed)?\s*:\s*(?P<body>.*?)\s*")
def stamp(m: re.Match[str], ctx: Context) -> Mark:
    """``[stamp: TEXT]``: a stamp on the document."""
    return Mark("element", "stamp", body=m.span("body"))


@register_rule("page-break", r"\s*(?:page|p\.|pg\.)\s*(?P<n>[\w-]+)\s*")
def page_break(m: re.Match[str], ctx: Context) -> Mark:
    """``[page 2]``, ``[p. 2]``: a page break."""
    return Mark("empty", "pb", {"n": m.group("n")})


@register_rule("note", r"\s*(?P<who>translator|editor|translators|editors|trans\.?|tr\.|ed\.?)['’]?s?['’]?"
               r"\s+note\s*:"
               r"\s*(?P<body>.*?)\s*")
def note(m: re.Match[str], ctx: Context) -> Mark:
    """``[Translator's note: TEXT]``, ``[Editor's note: TEXT]``."""
    kind = "translator" if m.group("who").lower().startswith("tr") else "editorial"
    return Mark("element", "note", {"type": kind}, body=m.span("body"))


@register_rule("mark", r"\s*(?P<body>signature|seal|initials|stamp|emblem|coat of arms|monogram"
               r"|signatures)\s*")
def mark(m: re.Match[str], ctx: Context) -> Mark:
    """``[signature]``, ``[seal]``: a mark with no text."""
    return Mark("element", "note", {"type": "mark"}, body=m.span("body"))


@register_rule("term-labelled", r"\s*(?:in\s+)?(?P<lang>russian|korean|chinese|german|french"
               r"|polish|czech|hungarian)\s*:\s*(?P<body>.+?)\s*")
def term_labelled(m: re.Match[str], ctx: Context) -> Mark:
    """``[Russian: kommunikatsii]``: the original's term, named as such."""
    return Mark("term", "note", {"type": "term"}, body=m.span("body"),
                text=ctx.lang_code(m.group("lang")))


@register_rule("unclear", r"\s*(?P<body>[^?]+?)\s*\?\s*")
def unclear(m: re.Match[str], ctx: Context) -> Mark:
    """``[agreed upon?]``: an uncertain reading."""
    return Mark("element", "unclear", {"cert": "low"}, body=m.span("body"))


@register_rule("supplied-plain", r"\s*(?P<body>.+?)\s*")
def supplied_plain(m: re.Match[str], ctx: Context) -> Mark:
    """Any other bracket: a word supplied by the editor."""
    return Mark("element", "supplied", {"reason": "omitted"}, body=m.span("body"))


@register_rule("name-or-supplied", r"\s*(?P<body>.+?)\s*")
def name_or_supplied(m: re.Match[str], ctx: Context) -> Mark:
    """Gloss, original-language term or supplied word: decided from context.

    A bracket after a name or pronoun that holds a name (or says "pseudonym
    for") identifies the person: a gloss. A lone lower-case transliterated
    word after a word is the original's term. Anything else is supplied.
    Doubtful readings carry ``@cert`` and are listed in the report.
    """
    body = m.group("body")
    span = m.span("body")
    if GLOSS_LEAD.match(body):
        return Mark("gloss", "note", {"type": "gloss"}, body=span, cert="high")
    name_like = bool(NAME_LIKE.fullmatch(body)) and len(body.split()) <= 6
    if name_like and ctx.name_before():
        known = ctx.register.lookup(body) is not None or ctx.known_name_before()
        if known:
            return Mark("gloss", "note", {"type": "gloss"}, body=span, cert="high")
        return Mark("gloss", "note", {"type": "gloss"}, body=span, cert="medium",
                    doubt=f"[{body}] read as identifying the name before it; "
                          "could be a supplied word")
    if _transliterated(body) and ctx.word_before():
        return Mark("term", "note", {"type": "term"}, body=span, cert="medium",
                    doubt=f"[{body}] read as a term of the original language")
    if name_like and ctx.register.lookup(body) is not None:
        return Mark("element", "supplied", {"reason": "omitted"}, body=span, cert="medium",
                    doubt=f"[{body}] read as a supplied name (no name or pronoun before it); "
                          "could be a gloss")
    return Mark("element", "supplied", {"reason": "omitted"}, body=span)


def _transliterated(word: str) -> bool:
    """A lone lower-case word spelled like a transliteration (kommunikatsii)."""
    if not re.fullmatch(r"[a-z’'\-]{5,}", word):
        return False
    return bool(TRANSLIT_END.search(word)) and (
        len(TRANSLIT_CLUSTER.findall(word)) >= 1 or word.endswith(("ii", "iki", "oi", "yi")))
