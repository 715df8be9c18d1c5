"""Reading sources: encodings, line ends, bad input; never a lost character."""

from __future__ import annotations

import codecs

import pytest

from teikit.errors import SourceError
from teikit.source import decode, read_source

TEXT = "Шифртелеграмма № 405976. Received 8.7.50 — “To Comrade FENG XI [Stalin].”\n"


@pytest.mark.parametrize("bom,enc", [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
])
def test_bom_decides(bom: bytes, enc: str) -> None:
    src = decode(bom + TEXT.encode(enc), "x.txt")
    assert src.text == TEXT
    assert src.encoding == enc


def test_strict_utf8_first() -> None:
    src = decode(TEXT.encode("utf-8"), "x.txt")
    assert (src.text, src.encoding, src.diagnostics) == (TEXT, "utf-8", [])


def test_cp1251_detected_and_reported() -> None:
    russian = ("Совершенно секретно. Шифртелеграмма из Пхеньяна товарищу Сталину. "
               "Ким Ир Сен просит прислать советников в штаб фронта.\n")
    src = decode(russian.encode("cp1251"), "ru.txt")
    assert src.text == russian
    assert src.encoding == "cp1251"
    assert [d.code for d in src.diagnostics] == ["TK005"]


def test_cp1252_detected() -> None:
    text = "The Generalissimo’s “answer” was agreed – café, naïve, façade, déjà vu.\n"
    src = decode(text.encode("cp1252"), "w.txt")
    assert src.text == text


def test_utf16_without_bom() -> None:
    src = decode(TEXT.encode("utf-16-le"), "u.txt")
    assert src.text == TEXT


def test_explicit_encoding_wins() -> None:
    src = decode("Сталин".encode("koi8_r"), "k.txt", encoding="koi8_r")
    assert src.text == "Сталин"


def test_explicit_wrong_encoding_is_clear() -> None:
    with pytest.raises(SourceError) as exc:
        decode("Сталин".encode(), "k.txt", encoding="ascii")
    assert exc.value.diagnostic.code == "TK004"
    assert "ascii" in exc.value.diagnostic.message


def test_unknown_encoding_name() -> None:
    with pytest.raises(SourceError) as exc:
        decode(b"text", "k.txt", encoding="no-such-codec")
    assert exc.value.diagnostic.code == "TK004"


def test_crlf_and_cr_normalised() -> None:
    src = decode(b"line one\r\nline two\rline three", "c.txt")
    assert src.text == "line one\nline two\nline three"
    assert "TK007" in [d.code for d in src.diagnostics]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t "])
def test_empty_rejected(data: bytes) -> None:
    with pytest.raises(SourceError) as exc:
        decode(data, "e.txt")
    assert exc.value.diagnostic.code == "TK002"


def test_binary_rejected() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(SourceError) as exc:
        decode(png, "p.txt")
    assert exc.value.diagnostic.code == "TK003"


def test_forbidden_characters_reported_with_position() -> None:
    src = decode(b"ok\nbell\x07here", "b.txt")
    d = [d for d in src.diagnostics if d.code == "TK006"]
    assert len(d) == 1 and (d[0].line, d[0].col) == (2, 5)
    assert "\x07" in src.text


def test_unreadable_file(tmp_path) -> None:
    with pytest.raises(SourceError) as exc:
        read_source(tmp_path / "missing.txt")
    assert exc.value.diagnostic.code == "TK001"


def test_position_maps_offsets() -> None:
    src = decode(b"ab\ncde\n\nf", "p.txt")
    assert src.position(0) == (1, 1)
    assert src.position(4) == (2, 2)
    assert src.position(8) == (4, 1)
