"""Bracket wordings not literally in the conventions' table: each reads as the mark it
says, doubtful readings carry @cert and a report entry, and no word is lost."""

from __future__ import annotations

import pytest
from lxml import etree

from teikit.conventions import term_reading
from teikit.convert import convert_source
from teikit.rules import get_profile
from teikit.source import decode
from teikit.totext import normalise, tei_to_text

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _convert(text: str, register, profile: str = "default"):
    src = decode(("The committee met on that day and heard the report.\n" + text + "\n")
                 .encode(), "case.txt")
    conv = convert_source(src, profile=get_profile(profile), register=register,
                          today="2000-01-01")
    assert normalise(tei_to_text(conv.tree)) == normalise(src.text.strip())
    return conv


def _mark(text: str, register, profile: str = "default") -> etree._Element:
    conv = _convert(text, register, profile)
    body = conv.tree.find(f".//{TEI}body")
    marks = [el for el in body.iter() if el.tag.removeprefix(TEI) in
             ("gap", "sic", "add", "del", "note", "stamp", "pb", "supplied", "unclear")]
    assert marks, etree.tostring(body, encoding="unicode")
    return marks[0]


@pytest.mark.parametrize(("text", "attrs"), [
    ("the letter was sent by [illegible words] and", {"unit": "word"}),
    ("it read [two lines illegible] then", {"unit": "line", "quantity": "2"}),
    ("signed by [name illegible] then", {"unit": "name"}),
    ("dated [date illegible] then", {"unit": "date"}),
    ("some [words illegible] then", {"unit": "word"}),
    ("the end. [last line illegible]", {"unit": "line", "quantity": "1"}),
    ("the end [several lines illegible] here", {"unit": "line", "extent": "several"}),
    ("the end [3 letters are illegible] here", {"unit": "letter", "quantity": "3"}),
])
def test_illegible_in_any_order_is_a_gap(text: str, attrs: dict[str, str], register) -> None:
    el = _mark(text, register)
    assert el.tag == TEI + "gap" and el.get("reason") == "illegible"
    for k, v in attrs.items():
        assert el.get(k) == v


@pytest.mark.parametrize("text", [
    "The persons: [Here follows a list of 12 names.]", "The start. [Text omitted]",
    "The units [list not translated] went.", "The point [omitted] stays.",
    "The end. [remainder of the document not translated]",
    "The list [names not reproduced here] follows.",
])
def test_omission_in_words_is_an_omitted_gap_keeping_its_words(text: str, register) -> None:
    el = _mark(text, register)
    assert el.tag == TEI + "gap" and el.get("reason") == "omitted"
    assert el.get("rendition")  # the words are the rendition's, given back by `teikit text`


def test_omission_words_are_also_read_by_the_minimal_profile(register) -> None:
    assert _mark("The units [list not translated] went.", register, "minimal").tag == TEI + "gap"


@pytest.mark.parametrize(("text", "tag", "attrs", "content"), [
    ("the cable [sic.] came", "sic", {}, "cable"),
    ("discussed [marginal note: Agreed] by all", "add", {"place": "margin"}, "Agreed"),
    ("discussed [in the margin: Agreed] by all", "add", {"place": "margin"}, "Agreed"),
    ("the [Seal of the Embassy] is there", "note", {"type": "mark"}, "Seal of the Embassy"),
    ("the [round seal] is there", "note", {"type": "mark"}, "round seal"),
    ("checked [Signature: Molotov] today", "note", {"type": "mark"}, "Signature: Molotov"),
    ("a seal [Seal: Embassy of the USSR] is there", "stamp", {"type": "seal"},
     "Embassy of the USSR"),
    ("the word [Note by the translator: variant] stays", "note", {"type": "translator"},
     "variant"),
    ("the word [Translator's comment: literally] stays", "note", {"type": "translator"},
     "literally"),
    ("the word [Editor's note The page is torn.] stays", "note", {"type": "editorial"},
     "The page is torn."),
    ("send [deleted in the original: two] three", "del", {"rend": "strikethrough"}, "two"),
    ("send [struck out by hand: two] three", "del", {"rend": "strikethrough"}, "two"),
    ("the words [underlined in the original] end", "note",
     {"type": "editorial", "subtype": "rend"}, "underlined in the original"),
    ("the end. [page 2 of the original] Next", "pb", {"n": "2"}, ""),
    ("the end. [p. 3 of the original] Next", "pb", {"n": "3"}, ""),
])
def test_wordings_read_as_their_mark(text: str, tag: str, attrs: dict[str, str], content: str,
                                     register) -> None:
    el = _mark(text, register)
    assert el.tag == TEI + tag
    for k, v in attrs.items():
        assert el.get(k) == v
    assert "".join(el.itertext()) == content
    assert el.get("cert") is None


def test_a_note_that_names_no_author_is_editorial_and_doubtful(register) -> None:
    conv = _convert("The plan was approved [Note: see the decision.] by all.", register)
    note = conv.tree.find(f".//{TEI}body//{TEI}note")
    assert note.get("type") == "editorial" and note.get("cert") == "medium"
    assert conv.report["doubtful"]


@pytest.mark.parametrize(("text", "lang", "cert"), [
    ("the report [doklad] was", "ru-Latn", "low"),
    ("the guns [zenitki] were", "ru-Latn", "medium"),
    ("the Embassy [posol'stvo] was", "ru-Latn", "medium"),
    ("the staff [shtab] was", "ru-Latn", "medium"),
    ("the Police [Volkspolizei] was", "de", "medium"),
    ("the party [Kreisleitung] was", "de", "medium"),
    ("the [átnevelés] was", "hu", "medium"),
    ("the truce [umowa o zawieszeniu broni] was", "pl", "medium"),
    ("the countries [guojia] were", "zh-Latn", "medium"),
    ("the prisoners [zhanfu] were", "zh-Latn", "medium"),
    ("Top priority [tedian] is", "zh-Latn", "medium"),
])
def test_terms_of_the_original_carry_their_language_cert_and_report(
        text: str, lang: str, cert: str, register) -> None:
    conv = _convert(text, register)
    note = conv.tree.find(f".//{TEI}body//{TEI}note")
    assert note is not None and note.get("type") == "term" and note.get("cert") == cert
    assert note[0].tag == TEI + "foreign" and note[0].get(XML_LANG) == lang
    assert any(d["rule"] == "name-or-supplied" for d in conv.report["doubtful"])


class _Ctx:
    class profile:  # noqa: N801  (the one attribute term_reading asks of a profile)
        term_lang = "ru-Latn"

    def __init__(self, original: str | None = None, after_word: bool = True) -> None:
        self.original_lang = original
        self.after_word = after_word

    def word_before(self) -> bool:
        return self.after_word


@pytest.mark.parametrize("word", [
    "will", "us", "our", "am", "authorities", "army", "front", "troops", "forces", "along",
    "change", "media", "people", "government", "tanks", "nature", "future", "menu", "radio",
    "china", "party", "weapons", "to North Korea", "Stalin", "the enemy", "Kim Il Sung",
    "signal", "period", "general", "result", "total", "reform", "return", "attack", "plenum",
])
def test_english_supplied_words_are_not_terms(word: str) -> None:
    assert term_reading(word, _Ctx()) is None  # type: ignore[arg-type]


def test_the_original_language_decides_what_spelling_does_not() -> None:
    ctx = _Ctx(original="ko")
    assert term_reading("doklad", ctx) == ("ko-Latn", "low")  # type: ignore[arg-type]
    assert term_reading("guojia", ctx) == ("zh-Latn", "medium")  # type: ignore[arg-type]
    assert term_reading("shtab", _Ctx(after_word=False)) is None  # type: ignore[arg-type]


def test_an_acronym_after_a_long_name_is_an_abbreviation_not_a_person(register) -> None:
    conv = _convert("The Neutral Nations Supervisory Commission [NNSC] met.", register)
    body = conv.tree.find(f".//{TEI}body")
    assert body.find(f".//{TEI}persName") is None
    note = body.find(f".//{TEI}note")
    assert (note.get("type"), note.get("subtype"), note.get("cert")) == ("gloss", "abbr", "high")


def test_an_unknown_place_name_before_a_gloss_is_not_taken_for_a_person(register) -> None:
    conv = _convert("They arrived in Andong [Dandong] on Monday.", register)
    body = conv.tree.find(f".//{TEI}body")
    assert body.find(f".//{TEI}persName") is None
    note = body.find(f".//{TEI}note")
    assert note.get("type") == "gloss" and note.get("cert") == "low"
    assert conv.report["doubtful"]


def test_a_cover_name_in_capitals_is_still_a_person(register) -> None:
    conv = _convert("The unknown ZAGORSKY [Petrov] arrived.", register)
    assert conv.tree.find(f".//{TEI}body//{TEI}persName").text == "ZAGORSKY"
