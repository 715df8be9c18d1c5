"""Hostile and broken input: refused or reported, never resolved, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from teikit.validate import parse_xml_safely, validate_bytes, validate_paths
from teikit.validate_safe import UnsafeXMLError
from validate_support import FIXTURES

BROKEN = FIXTURES / "broken"
GOOD = FIXTURES / "edition" / "405976_shtykov_stalin.xml"


def codes(path: Path, **kw) -> list[str]:
    return [d.code for d in validate_paths([path], jobs=1, **kw).diagnostics]


@pytest.mark.parametrize("name", [
    "tk203_external_entity_file.xml", "tk203_external_entity_network.xml",
    "tk203_external_dtd.xml", "tk203_billion_laughs.xml", "tk203_quadratic_blowup.xml",
])
def test_doctype_is_refused_before_parsing(name):
    start = time.perf_counter()
    result = validate_paths([BROKEN / name], jobs=1)
    assert time.perf_counter() - start < 1.0
    assert [d.code for d in result.diagnostics] == ["TK203"]
    assert "root:" not in result.diagnostics[0].message  # /etc/passwd never read
    with pytest.raises(UnsafeXMLError) as e:
        parse_xml_safely(BROKEN / name)
    assert e.value.diagnostic.code == "TK203"


def test_doctype_after_comments_and_pis_is_still_found():
    data = (b'<?xml version="1.0"?>\n<!-- a comment -->\n<?pi x?>\n'
            b'<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<TEI xmlns="http://www.tei-c.org/ns/1.0">&x;</TEI>')
    assert [d.code for d in validate_bytes(data)] == ["TK203"]


def test_xinclude_is_refused_and_never_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    doc = GOOD.read_text(encoding="utf-8").replace(
        '<item n="1">Stalin (2)</item>',
        f'<item n="1"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret}" '
        'parse="text"/></item>')
    path = tmp_path / "x.xml"
    path.write_text(doc, encoding="utf-8")
    result = validate_paths([path], jobs=1)
    assert [d.code for d in result.diagnostics] == ["TK204"]
    tree = None
    with pytest.raises(UnsafeXMLError):
        tree = parse_xml_safely(path)
    assert tree is None


def test_a_100_mb_document_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.xml"
    with open(big, "wb") as f:
        f.write(b'<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0">')
        f.truncate(100 * 1024 * 1024)  # sparse: nothing is written
    start = time.perf_counter()
    result = validate_paths([big], jobs=1)
    assert time.perf_counter() - start < 1.0
    assert [d.code for d in result.diagnostics] == ["TK205"]
    assert "100.0 MiB" in result.diagnostics[0].message


def test_size_limit_is_configurable():
    assert codes(BROKEN / "tk205_oversized.xml", max_bytes=1000) == ["TK205"]
    assert "TK205" not in codes(BROKEN / "tk205_oversized.xml")


def test_invalid_utf8_reports_line_and_column():
    (d,) = validate_paths([BROKEN / "tk202_invalid_utf8.xml"], jobs=1).diagnostics
    assert (d.code, d.line, d.col) == ("TK202", 131, 30)
    assert "0xFF" in d.message


def test_non_tei_roots():
    assert codes(BROKEN / "tk206_not_tei_root.xml") == ["TK206"]
    assert codes(BROKEN / "tk206_tei_without_namespace.xml") == ["TK206"]


def test_xsi_attributes_are_refused():
    assert codes(BROKEN / "tk219_xsi_schema_location.xml") == ["TK219"]


def test_unreadable_paths_are_reported(tmp_path):
    result = validate_paths([tmp_path / "nope.xml", tmp_path], jobs=1)
    assert [d.code for d in result.diagnostics] == ["TK001", "TK001"]
    assert result.unreadable


def test_utf16_documents_are_read():
    data = GOOD.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    diags = validate_bytes(data.encode("utf-16"), "u16.xml")
    assert [d.code for d in diags if d.code != "TK218"] == ["TK221"]


def test_deep_nesting_is_reported_not_crashed():
    data = (b'<TEI xmlns="http://www.tei-c.org/ns/1.0">' + b"<hi>" * 5000 + b"x"
            + b"</hi>" * 5000 + b"</TEI>")
    diags = validate_bytes(data, "deep.xml")
    assert diags and all(d.severity == "error" for d in diags)


def test_parse_xml_safely_returns_a_tree_for_good_files():
    tree = parse_xml_safely(GOOD)
    assert tree.getroot().tag == "{http://www.tei-c.org/ns/1.0}TEI"
