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


@register_rule("sic", r"\s*sic[.!]?\s*")
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


ILLEGIBLE_UNITS = {"word": "word", "line": "line", "name": "name", "date": "date",
                   "letter": "letter", "character": "char", "char": "char", "number": "number",
                   "figure": "number", "digit": "digit", "signature": "signature",
                   "initials": "initials", "passage": "passage", "paragraph": "paragraph",
                   "sentence": "sentence", "text": "passage", "rest": "passage",
                   "remainder": "passage", "address": "address", "place": "place"}
_UNIT = r"(?P<unit>words?|lines?|names?|dates?|letters?|characters?|chars?|numbers?|figures?" \
        r"|digits?|signatures?|initials|passages?|paragraphs?|sentences?|text|rest|remainder" \
        r"|address|place)"
_COUNT = rf"(?:{NUM}|{UNCOUNTED}|(?:the\s+)?(?P<pos>first|last|next|final|following|one)\b)"


@register_rule("gap-illegible-phrase",
               rf"\s*(?:{_COUNT}\s+)?(?:{ILLEGIBLE}\s+{_UNIT}"
               rf"|{_UNIT.replace('unit', 'unit2')}\s+(?:(?:is|are)\s+)?{ILLEGIBLE})"
               r"(?:\s+in\s+the\s+original)?\s*\.?\s*")
def gap_illegible_phrase(m: re.Match[str], ctx: Context) -> Mark:
    """``[two lines illegible]``, ``[name illegible]``, ``[last line illegible]``: any order
    of count, unit and *illegible*; the unit says what cannot be read."""
    word = (m.group("unit") or m.group("unit2")).lower()
    plural = word.endswith("s") and word not in ("initials", "address")
    unit = ILLEGIBLE_UNITS[word[:-1] if plural else word]
    attrs = {"reason": "illegible", "unit": unit}
    if m.group("n"):
        attrs["quantity"] = str(number(m.group("n")))
    elif m.group("extent"):
        attrs["extent"] = m.group("extent").lower()
    elif not plural and unit in ("word", "line", "letter", "char", "sentence", "paragraph"):
        attrs["quantity"] = "1"
    return Mark("empty", "gap", attrs)


OMISSION = re.compile(r"\bomitted\b|\bomission\b|\bnot\s+(?:translated|reproduced|included|given"
                      r"|transcribed|published)\b|\bhere\s+follows?\b|\bleft\s+out\b"
                      r"|\bremainder\b.*\bnot\b", re.I)


@register_rule("gap-omitted-phrase", r"\s*(?P<body>[^\[\]]{1,160}?)\s*")
def gap_omitted_phrase(m: re.Match[str], ctx: Context) -> Mark | None:
    """``[Text omitted]``, ``[list not translated]``, ``[Here follows a list of 12 names.]``:
    a passage the editor left out, said in words. The words are kept in the mark's
    rendition (the edition's gap is empty), so the round trip gives them back."""
    body = m.group("body")
    if len(body.split()) > 16 or not OMISSION.search(body):
        return None
    return Mark("empty", "gap", {"reason": "omitted"})


@register_rule("marginal-note",
               r"\s*(?:marginal\s+(?:note|notation|comment|annotation|remark)s?"
               r"|(?:note|notation|comment|annotation|remark|written)\s+(?:in|on)\s+the\s+margins?"
               r"|in\s+the\s+margins?|marginalia)(?P<phrase>[^:\]]*?)(?:\s*:\s*(?P<body>.*?))?\s*")
def marginal_note(m: re.Match[str], ctx: Context) -> Mark:
    """``[marginal note: Agreed]``: an addition in the margin (TEI 11.3.1.2, ``add``) whose
    hand and medium are not said: ``place="margin"``, no ``@hand`` unless *by* names one."""
    attrs = {"place": "margin"}
    who = re.search(r"\bby\s+(.+)$", (m.group("phrase") or "").strip())
    if who:
        attrs["hand"] = "#" + ctx.hand(who.group(1))
    if m.group("body") is None:
        return Mark("rest-of-line", "add", attrs)
    return Mark("element", "add", attrs, body=m.span("body"))


@register_rule("deleted-phrase",
               r"\s*(?:crossed\s+out|deleted|struck\s+out|struck\s+through|strikethrough"
               r"|cancell?ed|scored\s+out|(?:words?|text)\s+(?:crossed|struck)\s+out)"
               r"(?P<phrase>\s+(?:in|by|with|from)\b[^:\]]{0,60}?)\s*:\s*(?P<body>.*?)\s*")
def deleted_phrase(m: re.Match[str], ctx: Context) -> Mark:
    """``[deleted in the original: TEXT]``, ``[struck out by hand: TEXT]``."""
    return Mark("element", "del", {"rend": "strikethrough"}, body=m.span("body"))


@register_rule("rend-note",
               r"\s*(?P<body>(?:[\w’'\-]+\s+){0,4}?(?:double\s+)?(?:underlined|underscored"
               r"|italicized|italicised|in\s+italics|in\s+bold|bold(?:face)?|emphasized|emphasised"
               r"|emphasis(?:\s+added)?|spaced\s+out|in\s+capitals|capitalized|capitalised)"
               r"(?:\s+(?:in|by|on)\s+[^\[\]:]{0,60})?)\s*\.?\s*")
def rend_note(m: re.Match[str], ctx: Context) -> Mark:
    """``[underlined in the original]``: how the original writes a passage whose extent the
    bracket does not give; ``hi`` would need that span, so it is an editorial note."""
    return Mark("element", "note", {"type": "editorial", "subtype": "rend"}, body=m.span("body"))


NOTE_WHO = r"(?P<who>translator|editor|translators|editors|trans\.?|tr\.|ed\.?|eds\.?)"


@register_rule("note-worded",
               rf"\s*(?:(?:note|comment|remark|annotation|explanation)\s+(?:by|of|from)\s+(?:the\s+)?"
               rf"{NOTE_WHO.replace('who', 'who1')}|{NOTE_WHO}['’]?s?['’]?\s+(?:note|comment|remark"
               r"|annotation|explanation|addition|gloss)|(?P<plain>note|n\.b\.|nb))"
               r"\s*(?P<sep>[:.,—–-]\s*|\s+)(?P<body>.+?)\s*")
def note_worded(m: re.Match[str], ctx: Context) -> Mark | None:
    """``[Note by the translator: …]``, ``[Translator's comment: …]``, ``[Editor's note …]``,
    ``[Note: …]``. A bare *Note* names no one: editorial, ``@cert="medium"``, reported."""
    if m.group("plain"):
        if ":" not in m.group("sep"):
            return None
        return Mark("element", "note", {"type": "editorial"}, body=m.span("body"), cert="medium",
                    doubt="a bracketed note that names no author read as the editor's")
    who = (m.group("who1") or m.group("who")).lower()
    kind = "translator" if who.startswith("tr") else "editorial"
    return Mark("element", "note", {"type": kind}, body=m.span("body"))


@register_rule("page-break-phrase",
               r"\s*(?:page|p\.|pg\.)\s*(?P<n>[\w-]+)\s+(?:of|in)\s+(?:the\s+)?(?:\w+\s+)?"
               r"(?:original|document|text|copy|\d+)\s*\.?\s*")
def page_break_phrase(m: re.Match[str], ctx: Context) -> Mark:
    """``[page 2 of the original]``, ``[p. 2 of 3]``: a page break said in more words."""
    return Mark("empty", "pb", {"n": m.group("n")})


@register_rule("seal", r"\s*(?:(?:official|round|embassy|ministry|wax|rubber)\s+)?seal\s*:\s*"
               r"(?P<body>.+?)\s*")
def seal(m: re.Match[str], ctx: Context) -> Mark:
    """``[Seal: Embassy of the USSR]``: the words are the seal's legend, a ``stamp``."""
    return Mark("element", "stamp", {"type": "seal"}, body=m.span("body"))


MARK_WORD = r"(?:signatures?|seals?|stamps?|initials|emblem|coat\s+of\s+arms|monogram|facsimile)"


@register_rule("mark-described",
               rf"\s*(?P<body>(?:(?:an?|the|official|round|personal|rubber|wax|embassy|ministry"
               rf"|party|illegible|handwritten|[A-Z][\w’'.\-]*['’]s)\s+){{0,3}}{MARK_WORD}"
               r"(?:\s+(?:of|by|on|for)\s+[^\[\]:]{1,80}?|\s*:\s*[^\[\]]{1,80}?)?)\s*")
def mark_described(m: re.Match[str], ctx: Context) -> Mark:
    """``[Seal of the Embassy]``, ``[Signature: Molotov]``, ``[Molotov's signature]``: a mark
    described, not transcribed: ``note type="mark"`` with the bracket's words."""
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
    for") identifies the person: a gloss. A word or short phrase spelled like
    the original language after a word is the original's term. Anything else is
    supplied. Doubtful readings carry ``@cert`` and are listed in the report.
    """
    body = m.group("body")
    span = m.span("body")
    if GLOSS_LEAD.match(body):
        return Mark("gloss", "note", {"type": "gloss"}, body=span, cert="high")
    name_like = bool(NAME_LIKE.fullmatch(body)) and len(body.split()) <= 6
    if name_like and ctx.name_before():
        return _gloss(body, span, ctx)
    term = term_reading(body, ctx)
    if term is not None:
        lang, cert = term
        return Mark("term", "note", {"type": "term"}, body=span, text=lang, cert=cert,
                    doubt=f"[{body}] read as a term of the original language ({lang})")
    if name_like and ctx.register.lookup(body) is not None:
        return Mark("element", "supplied", {"reason": "omitted"}, body=span, cert="medium",
                    doubt=f"[{body}] read as a supplied name (no name or pronoun before it); "
                          "could be a gloss")
    return Mark("element", "supplied", {"reason": "omitted"}, body=span)


ACRONYM = re.compile(r"[A-Z]{2,6}")
#: A run of capitalised words (with the small words names hold) ending before a bracket.
TITLE_RUN = re.compile(r"(?:[A-Z][\w’'\-]*(?:\s+(?:of|for|and|on|the|in|de|du|des|la|al)\b)*\s+)*"
                       r"[A-Z][\w’'\-]*\s*$")
NAME_SMALL_WORDS = {"of", "for", "and", "on", "the", "in", "de", "du", "des", "la", "al"}


def _gloss(body: str, span: tuple[int, int], ctx: Context) -> Mark:
    """The bracket after a name: another name of the same person (or place), an
    abbreviation of a longer name, or the original's term for a common noun."""
    before = ctx.items[-1] if ctx.items and ACRONYM.fullmatch(body) else ""
    run = TITLE_RUN.search(before[-300:]) if isinstance(before, str) and before else None
    words = run.group(0).split() if run else []
    caps = [w for w in words if w not in NAME_SMALL_WORDS]
    if len(caps) >= 2 and not all(w.isupper() for w in caps):
        initials = "".join(w[0] for w in caps)
        if initials.endswith(body) or "".join(w[0] for w in words).upper().endswith(body):
            return Mark("element", "note", {"type": "gloss", "subtype": "abbr"}, body=span,
                        cert="high")
        return Mark("element", "note", {"type": "gloss", "subtype": "abbr"}, body=span,
                    cert="medium", doubt=f"[{body}] read as the abbreviation of the name before "
                                         "it (its letters are not that name's initials)")
    if ctx.register.lookup(body) is not None or ctx.known_name_before():
        return Mark("gloss", "note", {"type": "gloss"}, body=span, cert="high")
    if len(body.split()) == 1 and _german_noun(body):
        return Mark("term", "note", {"type": "term"}, body=span, text="de", cert="medium",
                    doubt=f"[{body}] read as a term of the original language (de)")
    name = ctx._name_span()
    assert name is not None
    first = name[0]
    if not isinstance(first, str) or first.isupper() or re.fullmatch(PRONOUN_WORDS, first):
        return Mark("gloss", "note", {"type": "gloss"}, body=span, cert="medium",
                    doubt=f"[{body}] read as identifying the name before it; "
                          "could be a supplied word")
    return Mark("element", "note", {"type": "gloss"}, body=span, cert="low",
                doubt=f"[{body}] read as another name of {first!r} (not in the register: a "
                      "person, a place or an organisation?); the name is not marked")


PRONOUN_WORDS = r"I|[Hh]e|[Ss]he|[Hh]im|[Hh]er|[Tt]hey|[Tt]hem|[Ww]e|[Uu]s|[Yy]ou"


# -- terms of the original language --------------------------------------------------------
#: English words a bracket supplies most often: never a term.
ENGLISH_SMALL = frozenset(re.findall(r"\w+", """
    a an the of to and in for with on at by from is are was were be been being will would shall
    should can could may might must not no this that these those it its he she we they i you our
    us his her their them him me my as or but if so than then there here who whom which what all
    also am do does did has have had one two any some such only very more most"""))
#: Spellings English words have and transliterations or pinyin rarely do.
ENGLISH_LOOK = re.compile(r"th|wh|ph|gh|ck|ee|oo|ea|qu|w|c(?!h)|ff|tt|pp|dd|bb|gg|x"
                          r"|(?:tion|sion|ness|ment|ity|ous|ful|less|able|ible|ing|ed|ly|ers?"
                          r"|est|ies|i[sz]e|ance|ence|ship|ward|[^aeiouy]e|[^s]s|y|nt|ng|nd|st|rt|ld)$")
#: Endings and vowels of plain English words that have none of ENGLISH_LOOK (signal, period):
#: a word with no sign either way is a term only without these.
ENGLISH_PLAIN = re.compile(r"io|[aeiouy]$|(?:al|el|il|on|or|ar|um|an|en|ic|et|it|ot|at|ut|lt|rd"
                           r"|rm|rn|rk|sk|ft|pt|ct|mp|ay|ey|oy)$")
RU_STRONG = re.compile(r"kh|zh|shch|ts(?=[aeiouy])|^ts|\w['’]\w|^(?:sht|shk|shm|shv|shp|zd|zn|zv"
                       r"|vz|vs|vd|vn|vl|vk|vt|gd|mn|tk|dv|kv)")
RU_WEAK = (re.compile(r"(?:ov|ev|ii|yi|iy|yy|aya|oye|ogo|ego|ykh|ikh|ami|yami|akh|ki|ka|nie|niya"
                      r"|nost|stvo|tsa|tsy|chik|nik|iya|skii|skaya)$"),
           re.compile(r"[bcdfgklmnprstvz]y[bcdfgklmnprstvz]"), re.compile(r"tk|zn|zd|zv|vn|vsk|dk"))
GERMAN_NOUN = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{3,}(?:ung|heit|keit|schaft|polizei|partei|leitung|amt"
                         r"|ministerium|kommission|ausschu(?:ss|ß)|verband|gericht|kammer|stelle"
                         r"|dienst|gruppe|wesen|lager|tum|rat|bund|werk|armee|wehr|front)(?:en|s)?")
PINYIN_MARK = re.compile(r"zh|q|x|uo|ao|iu|ui|ian|iao|uan|iang|iong|^c(?!h)|(?<=[aeiou])c(?!h)")


def _pinyin_syllables() -> frozenset[str]:
    """The syllables of pinyin, near enough (a few never used ones among them)."""
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text)

    initials = words("b p m f d t n l g k h zh ch sh r z c s")
    finals = words("a o e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang")
    out = {i + f for i in initials for f in finals}
    out |= {i + f for i in words("b p m d t n l j q x")
            for f in words("i ia ian iang iao ie in ing iong iu")}
    out |= {i + f for i in words("j q x") for f in words("u ue uan un")}
    out |= {i + "i" for i in words("zh ch sh r z c s")}
    out |= {"y" + f for f in words("a e ao ou an ang ong i in ing u ue uan un")}
    out |= {"w" + f for f in words("a o ai ei an en ang eng u")}
    out |= set(words("a o e ai ei ao ou an en ang eng er"))
    return frozenset(out)


PINYIN = _pinyin_syllables()


def _pinyin(word: str) -> int:
    """How many pinyin syllables ``word`` is made of (0: it is not)."""
    best = [0] + [-1] * len(word)
    for end in range(1, len(word) + 1):
        for size in range(1, 7):
            start = end - size
            if start < 0:
                break
            if best[start] >= 0 and word[start:end] in PINYIN:
                best[end] = max(best[end], best[start] + 1)
    return max(best[-1], 0)


def _german_noun(word: str) -> bool:
    """A capitalised German compound (Volkspolizei, Kreisleitung): not an English word."""
    return len(word) >= 8 and bool(GERMAN_NOUN.fullmatch(word))


LATN = {"ru": "ru-Latn", "zh": "zh-Latn", "ko": "ko-Latn", "ja": "ja-Latn", "uk": "uk-Latn",
        "bg": "bg-Latn", "mn": "mn-Latn", "sr": "sr-Latn", "be": "be-Latn"}


def _original_lang(ctx: Context) -> str | None:
    """The term language the document's original language gives, if the conversion knows it
    (``Context.original_lang``, an ISO 639 code from the catalogue, when set)."""
    code = ctx.original_lang
    if not code or code == "en":
        return None
    return LATN.get(code, code)


def term_reading(body: str, ctx: Context) -> tuple[str, str] | None:
    """(``xml:lang``, ``@cert``) if ``body`` reads as the original's own term, else None.

    Spelling decides: letters English lacks (ő, ł, ř, ä...), a German compound, pinyin
    syllables, clusters of transliterated Russian (kh, zh, shch, ts, a soft sign). A
    word with no sign either way after an English word is a term only with
    ``@cert="low"``. The language of what spelling does not tell is the original's (from
    the catalogue when known), else the profile's ``term_lang``.
    """
    words = body.split()
    if not 1 <= len(words) <= 5 or not re.fullmatch(r"[^\W\d_][\w’'\- ]*", body):
        return None
    if body[0].isupper():  # a name, unless a German compound
        return ("de", "medium") if len(words) == 1 and _german_noun(body) else None
    lower = body.lower()
    if any(w in ENGLISH_SMALL for w in words) and not re.search(r"[^\x00-\x7f]|sz|cz|rz", lower):
        return None
    strong = _script_lang(lower)
    if strong is not None:
        return strong, "medium"
    if not lower.isascii():
        return None
    original = _original_lang(ctx)
    after_word = ctx.word_before()
    if len(words) == 1 and _transliterated(lower) and after_word:
        return original or ctx.profile.term_lang, "medium"  # the rule's first test, kept
    if all(_pinyin(w.replace("'", "").replace("’", "")) for w in words) and \
            sum(_pinyin(w) for w in words) >= 2 and PINYIN_MARK.search(lower):
        return "zh-Latn", "medium"
    if not after_word or len(words) > 1:
        return None
    strong_ru = bool(RU_STRONG.search(lower))
    weak_ru = sum(1 for p in RU_WEAK if p.search(lower))
    lang = original or ctx.profile.term_lang
    english = ENGLISH_LOOK.search(lower) is not None
    if (strong_ru and (weak_ru or not english)) or (weak_ru >= 2 and not english):
        return lang, "medium"
    if (strong_ru or weak_ru) and not english:
        return lang, "low"
    if len(lower) >= 5 and not english and not ENGLISH_PLAIN.search(lower):
        return lang, "low"  # no sign either way (doklad)
    return None


def _script_lang(word: str) -> str | None:
    """A language told by letters English does not use, or by their combinations."""
    if re.search(r"[а-яё]", word):
        return "ru"
    if re.search(r"[őű]", word):
        return "hu"
    if re.search(r"[ąęłńśźżć]", word):
        return "pl"
    if re.search(r"[řěůťďň]", word):
        return "cs"
    hu_letters = re.search(r"[áéíóú]", word)
    if re.search(r"[äöüß]", word) and not hu_letters:
        return "de"
    if hu_letters or re.search(r"[öü]", word):
        return "cs" if re.search(r"[čšž]", word) else "hu"
    if re.search(r"[čšž]", word):
        return "cs"
    if re.search(r"sz|cz|rz", word) and re.search(r"w|ie|ow\b|iu\b", word):
        return "pl"
    if re.search(r"sz|gy|zs|cs", word) and not re.search(r"w", word):
        return "hu"
    return None


def _transliterated(word: str) -> bool:
    """A lone lower-case word spelled like a transliteration (kommunikatsii)."""
    if not re.fullmatch(r"[a-z’'\-]{5,}", word):
        return False
    return bool(TRANSLIT_END.search(word)) and (
        len(TRANSLIT_CLUSTER.findall(word)) >= 1 or word.endswith(("ii", "iki", "oi", "yi")))
