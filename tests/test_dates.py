"""Date normalisation of the period's registry and telegraph notations."""

from __future__ import annotations

import pytest

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
