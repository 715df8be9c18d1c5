"""Date normalisation of the period's registry and telegraph notations."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from teikit import dates
from teikit.dates import DATE_ALONE, find_dates, parse_date


@pytest.mark.parametrize("text,iso", [
    ("8.7.50", "1950-07-08"),
    ("Sent 8.7.50. 9:26", "1950-07-08T09:26:00"),
    ("Received 8.7.50 11:15", "1950-07-08T11:15:00"),
    ("2.10.50, 6:00", "1950-10-02T06:00:00"),
    ("30 September 1950", "1950-09-30"),
    ("sent at 2035 30 September 1950", "1950-09-30T20:35:00"),
    ("July 8, 1950", "1950-07-08"),
    ("October 01, 1950", "1950-10-01"),
    ("Accepted on 1. Oct. 1950", "1950-10-01"),
    ("13.11.1950", "1950-11-13"),
    ("on 1950-07-08", "1950-07-08"),
])
def test_normalised(text: str, iso: str) -> None:
    d = parse_date(text, 1950)
    assert d is not None and d.iso == iso


def test_yearless_needs_context_and_permission() -> None:
    assert find_dates("received at 2332 30 September") == []
    (d,) = find_dates("received at 2332 30 September", 1950, yearless=True)
    assert d.iso == "1950-09-30T23:32:00" and d.year_inferred


@pytest.mark.parametrize("text", ["version 1.2.3", "call 2500 30 Septembers", "pages 12-14",
                                  "1,000 aircraft", "the 38th parallel"])
def test_not_dates(text: str) -> None:
    assert find_dates(text, 1950, yearless=True) == []


def test_impossible_day_rejected() -> None:
    assert parse_date("31.2.50") is None
    assert parse_date("32 July 1950") is None


def test_ordinary_may_is_no_month() -> None:
    assert parse_date("we 5 may 1950 go") is None


def test_date_alone_lines() -> None:
    assert DATE_ALONE.match("September 30, 1950")
    assert DATE_ALONE.match("30 September 1950")
    assert not DATE_ALONE.match("sent 30 September 1950")


# -- forms a red-team review found unrecognised ------------------------------------------

@pytest.mark.parametrize("text,iso,span", [
    # Roman months, day first; two-digit years by the same rule as 8.7.50
    ("Moscow, 14.VII.1953", "1953-07-14", "14.VII.1953"),
    ("dated 4.XII.56.", "1956-12-04", "4.XII.56"),
    ("4.VII.50", "1950-07-04", "4.VII.50"),
    ("Warsaw, 4. XII. 1956", "1956-12-04", "4. XII. 1956"),
    ("on 3.iv.51 we", "1951-04-03", "3.iv.51"),
    # ordinals
    ("July 8th, 1950", "1950-07-08", "July 8th, 1950"),
    ("on 8th July 1950 the", "1950-07-08", "8th July 1950"),
    ("the 1st of May 1951", "1951-05-01", "1st of May 1951"),
    ("August 22nd 1950", "1950-08-22", "August 22nd 1950"),
    ("3rd Oct. 1950", "1950-10-03", "3rd Oct. 1950"),
    # year first
    ("1950.07.08", "1950-07-08", "1950.07.08"),
    ("1950/7/8", "1950-07-08", "1950/7/8"),
    # slash dates whose order the numbers settle
    ("13/7/50", "1950-07-13", "13/7/50"),
    ("7/13/50", "1950-07-13", "7/13/50"),
    ("5/5/1950", "1950-05-05", "5/5/1950"),
    # a time after the date is part of it
    ("5 April 1954, 22:00", "1954-04-05T22:00:00", "5 April 1954, 22:00"),
    ("13 October 1950, 2310 Moscow time", "1950-10-13T23:10:00", "13 October 1950, 2310"),
    ("13 October 1950, 2310 hours", "1950-10-13T23:10:00", "13 October 1950, 2310 hours"),
    ("14.10.50 at 0140", "1950-10-14T01:40:00", "14.10.50 at 0140"),
    ("April 27, 1951—6:49 p.m.", "1951-04-27T18:49:00", "April 27, 1951—6:49 p.m."),
    ("April 26, 1951—7 p. m.", "1951-04-26T19:00:00", "April 26, 1951—7 p. m."),
    ("April 28, 1951—noon", "1951-04-28T12:00:00", "April 28, 1951—noon"),
    ("June 12, 1951—7:12 p.\n  m.", "1951-06-12T19:12:00", "June 12, 1951—7:12 p.\n  m."),
    ("June 12, 1951, 7:12  PM", "1951-06-12T19:12:00", "June 12, 1951, 7:12  PM"),
    ("May 1, 1951, 3:30 p.m. Moscow", "1951-05-01T15:30:00", "May 1, 1951, 3:30 p.m."),
    ("May 1, 1951, 12:15 A.M.", "1951-05-01T00:15:00", "May 1, 1951, 12:15 A.M."),
    ("8th July 1950 at 9:05:30", "1950-07-08T09:05:30", "8th July 1950 at 9:05:30"),
    ("4.VII.50, 10 am", "1950-07-04T10:00:00", "4.VII.50, 10 am"),
    ("13/7/50 at 0140", "1950-07-13T01:40:00", "13/7/50 at 0140"),
    ("1950.07.08 - 22:00", "1950-07-08T22:00:00", "1950.07.08 - 22:00"),
])
def test_new_forms(text: str, iso: str, span: str) -> None:
    d = parse_date(text, 1950)
    assert d is not None and (d.iso, d.text, d.cert) == (iso, span, None)
    assert text[d.start:d.end] == d.text  # the date's text is the source's characters


@pytest.mark.parametrize("text,iso", [
    ("3/7/50", "1950-07-03"),  # day first, as in 8.7.50
    ("07/03/1950", "1950-03-07"),
    ("sent 12/11/50, 22:00", "1950-11-12T22:00:00"),
])
def test_ambiguous_slash_dates_are_day_first_and_doubtful(text: str, iso: str) -> None:
    d = parse_date(text, 1950)
    assert d is not None and d.iso == iso and d.cert == "medium"


def test_certain_forms_carry_no_doubt() -> None:
    for text in ("8.7.50", "30 September 1950", "13/7/50", "1950/07/03"):
        d = parse_date(text, 1950)
        assert d is not None and d.cert is None, text


@pytest.mark.parametrize("text,span,iso", [
    ("8 July 1950, 1200 tanks", "8 July 1950", "1950-07-08"),  # four digits need "at" or "hours"
    ("8.7.50 25:00", "8.7.50", "1950-07-08"),
    ("June 5, 1951, 13:30 p.m.", "June 5, 1951", "1951-06-05"),
    ("July 8, 1950 - 1951", "July 8, 1950", "1950-07-08"),
    ("on 8.7.50, 12 soldiers", "8.7.50", "1950-07-08"),
    # a telegraph time before the date wins over one after it
    ("2035 30 September 1950, 22:00", "2035 30 September 1950", "1950-09-30T20:35:00"),
])
def test_what_is_no_time_is_left_out_of_the_date(text: str, span: str, iso: str) -> None:
    d = parse_date(text, 1950)
    assert d is not None and (d.text, d.iso) == (span, iso)


def test_yearless_ordinal_in_datelines() -> None:
    assert find_dates("received on the 1st of May") == []
    (d,) = find_dates("received on the 1st of May", 1951, yearless=True)
    assert (d.text, d.iso, d.year_inferred) == ("1st of May", "1951-05-01", True)


@pytest.mark.parametrize("text", [
    "No. P76/142", "No. 12/3/50", "no. 4/7/51", "Nr. 3/7/50", "Nº 3/7/50", "# 3/7/50",
    "file P3/7/50",
    "5/12 of the troops", "ratio of 2/3", "pp. 3/7", "24/7/365", "3/7/50/2", "1/2/3",
    "the 38th parallel", "the 2nd Army", "the 8th Directorate", "1st Marine Division",
    "the 3rd of march", "Article 5.IIII.50", "at 3:30 p.m.", "10 a.m. sharp", "version 1950.1.2.3",
    "4.VIIa.50", "12.Vii.50", "2.IV.5 of the rules",
])
def test_near_misses_are_not_dates(text: str) -> None:
    assert find_dates(text, 1950, yearless=True) == []


def test_date_alone_takes_ordinals() -> None:
    assert DATE_ALONE.match("July 8th, 1950")
    assert DATE_ALONE.match("8th July 1950")
    assert not DATE_ALONE.match("8th Army 1950")


# -- the fast paths skip nothing ---------------------------------------------------------

#: Dates and near-dates, piece by piece: before, day, joint, month, joint, year, time.
DATE_PIECES = st.tuples(
    st.sampled_from(["", "No. ", "#", "P", "on ", "a.", "2035 ", "٣"]),
    st.sampled_from(["8", "13", "31", "07", "1950", "8th ", "1st of ", "", "May "]),
    st.sampled_from([".", ". ", "/", "-", " ", ""]),
    st.sampled_from(["7", "12", "13", "07", "VII", "xii", "IIII", "Vii", "July", "SEPT.", "Marine",
                     "May", "٣"]),
    st.sampled_from([".", ". ", "/", "-", " ", ", ", ""]),
    st.sampled_from(["50", "1950", "5", "365", "", "8"]),
    st.sampled_from(["", ", 22:00", " at 0140", ", 2310", " Moscow time", "—6:49 p.m.",
                     "—7 p. m.", " - noon", ", 13:30 p.m.", " hours", "/2", ".5", "\n9:26", "th"]),
).map("".join)
DATE_TEXT = st.lists(DATE_PIECES, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=int(os.environ.get("TEIKIT_PROPERTY_EXAMPLES", "60")) * 5,
          derandomize=not os.environ.get("TEIKIT_PROPERTY_RANDOM"), database=None,
          deadline=None)
@given(s=DATE_TEXT, year=st.sampled_from([None, 1950]))
def test_fast_paths_find_what_every_pattern_finds_everywhere(s: str, year: int | None) -> None:
    """The hints, the start offsets and the characters a pattern needs only save time."""
    slow = [d for p in dates._PATTERNS for m in p.finditer(s)
            if (d := dates._build(m, year)) is not None]
    assert dates._candidates(s, year) == slow
    assert (dates._ANY_HINT_ASCII.search(s) is None) == (dates._ANY_HINT.search(s) is None) \
        or not s.isascii()


# -- in a conversion -----------------------------------------------------------------------

CONVERTED = """CIPHERED TELEGRAM

From Moscow. Sent 14.10.50 at 0140

To Comrade Shtykov.

1. On 13 October 1950, 2310 Moscow time, we received the decision of 4.VII.50 and the
letter of April 27, 1951—6:49 p.m., registered as No. P76/142 on 3/7/50; 5/12 of it is
read.

Gromyko
"""


def test_new_forms_in_a_conversion_are_valid_and_lose_nothing(tei_all) -> None:
    import teikit
    from teikit.totext import normalise

    src = teikit.decode(CONVERTED.encode("utf-8"), "<dates>")
    conv = teikit.convert_source(src, today="2000-01-01")
    tree = etree.ElementTree(etree.fromstring(conv.to_bytes()))
    got = [(d.text, d.get("when")) for d in tree.iter("{http://www.tei-c.org/ns/1.0}date")
           if d.getparent().tag != "{http://www.tei-c.org/ns/1.0}change"
           and d.xpath("ancestor::*[local-name()='body']")]
    assert got == [("14.10.50 at 0140", "1950-10-14T01:40:00"),
                   ("13 October 1950, 2310", "1950-10-13T23:10:00"),
                   ("4.VII.50", "1950-07-04"),
                   ("April 27, 1951—6:49 p.m.", "1951-04-27T18:49:00"),
                   ("3/7/50", "1950-07-03")]
    assert tei_all.validate(tree), str(tei_all.error_log)
    assert normalise(teikit.tei_to_text(tree)) == normalise(CONVERTED)
    # the one date read one way of two carries its doubt, and the report says so
    certs = {d.text: d.get("cert") for d in tree.iter("{http://www.tei-c.org/ns/1.0}date")
             if d.xpath("ancestor::*[local-name()='body']")}
    assert certs["3/7/50"] == "medium"
    assert [c for t, c in certs.items() if t != "3/7/50"] == [None] * (len(certs) - 1)
    assert [d.code for d in conv.diagnostics if d.code == "TK109"] == ["TK109"]
