"""teikit validate on the edition fixtures, the broken corpus and generated documents."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from teikit.diagnostics import CODES, render
from teikit.validate import VALIDATE_CODES, validate_bytes, validate_paths
from teikit.validate_rules import Edition
from validate_support import FIXTURES, ROOT, Generator, tei_all

EDITION = FIXTURES / "edition"
BROKEN = FIXTURES / "broken"
GOLDEN = BROKEN / "expected.txt"
SMALL_LIMIT = 1000  # bytes: tk205_oversized.xml is validated with this limit

#: Hand-checked: every broken fixture gives these (code, line) findings, and no others.
EXPECTED: dict[str, set[tuple[str, int]]] = {
    "tk002_empty_file.xml": {("TK002", 1)},
    "tk201_mismatched_tag.xml": {("TK201", 122)},
    "tk201_undefined_entity.xml": {("TK201", 131)},
    "tk202_invalid_utf8.xml": {("TK202", 131)},
    "tk203_billion_laughs.xml": {("TK203", 2)},
    "tk203_external_dtd.xml": {("TK203", 2)},
    "tk203_external_entity_file.xml": {("TK203", 2)},
    "tk203_external_entity_network.xml": {("TK203", 2)},
    "tk203_quadratic_blowup.xml": {("TK203", 2)},
    "tk204_xinclude.xml": {("TK204", 131)},
    "tk205_oversized.xml": {("TK205", 0)},
    "tk206_not_tei_root.xml": {("TK206", 2)},
    "tk206_tei_without_namespace.xml": {("TK206", 2)},
    "tk207_missing_publicationStmt.xml": {("TK207", 14)},
    "tk207_paragraph_after_closer.xml": {("TK207", 141)},
    "tk207_unknown_element.xml": {("TK207", 122)},
    "tk208_missing_required_attribute.xml": {("TK208", 96), ("TK215", 90)},
    "tk208_unknown_attribute.xml": {("TK208", 122)},
    "tk209_cert_value.xml": {("TK209", 140)},
    "tk209_note_type.xml": {("TK209", 139)},
    "tk210_text_in_element_only.xml": {("TK210", 26)},
    "tk211_duplicate_id.xml": {("TK211", 69)},
    "tk212_hand_unresolved.xml": {("TK212", 134)},
    "tk212_ref_unresolved.xml": {("TK212", 122)},
    "tk212_rendition_unresolved.xml": {("TK212", 134)},
    "tk213_when_impossible_day.xml": {("TK213", 127)},
    "tk213_when_without_seconds.xml": {("TK213", 127)},
    "tk214_date_1940_in_1950_telegram.xml": {("TK214", 127)},
    "tk214_received_before_sent.xml": {("TK214", 99)},
    "tk215_no_addressee.xml": {("TK215", 90)},
    "tk215_no_sender.xml": {("TK215", 90)},
    "tk216_sic_without_corr.xml": {("TK216", 126)},
    "tk217_empty_paragraph.xml": {("TK217", 122)},
    "tk219_xsi_schema_location.xml": {("TK219", 2)},
    "tk221_latin1.xml": {("TK221", 1)},
    "tk222_persName_points_at_place.xml": {("TK222", 122)},
    "persons.xml": set(),
    "places.xml": set(),
}


def _broken_diagnostics() -> list:
    files = sorted(p for p in BROKEN.glob("*.xml") if p.name != "tk205_oversized.xml")
    result = validate_paths(files, jobs=1)
    result.diagnostics += validate_paths([BROKEN / "tk205_oversized.xml"], jobs=1,
                                         max_bytes=SMALL_LIMIT).diagnostics
    return sorted(result.diagnostics, key=lambda d: (d.path, d.line, d.col, d.code))


@pytest.fixture(scope="module")
def broken() -> list:
    return _broken_diagnostics()


def test_codes_are_registered_and_in_the_tk2_range():
    for code, (severity, title) in VALIDATE_CODES.items():
        assert code.startswith("TK2") and CODES[code] == (severity, title)


def test_the_edition_fixtures_are_valid():
    result = validate_paths([EDITION], jobs=1)
    assert len(result.files) == 3
    assert result.diagnostics == []


def test_the_sample_corpus_is_valid():
    corpus = ROOT / "tei"
    if not list(corpus.glob("*.xml")):
        pytest.skip("no sample TEI in tei/ yet")
    result = validate_paths([corpus])
    assert result.errors == [], render(result.errors[:20])


def test_every_broken_fixture_gives_its_codes_and_lines(broken):
    got: dict[str, set[tuple[str, int]]] = {}
    for d in broken:
        got.setdefault(Path(d.path).name, set()).add((d.code, d.line))
    for name in EXPECTED:
        assert got.get(name, set()) == EXPECTED[name], name
    assert set(p.name for p in BROKEN.glob("*.xml")) == set(EXPECTED)


def test_file_names_state_the_code_they_test(broken):
    by_file: dict[str, set[str]] = {}
    for d in broken:
        by_file.setdefault(Path(d.path).name, set()).add(d.code)
    for name, codes in by_file.items():
        assert name[:5].upper() in codes, name


def test_every_code_has_a_broken_fixture_or_a_test():
    covered = {name[:5].upper() for name in EXPECTED if name.startswith("tk")}
    tested_elsewhere = {"TK218", "TK220"}  # need a missing register / tei_all: tests below
    assert set(VALIDATE_CODES) - covered <= tested_elsewhere


def test_broken_corpus_matches_golden_messages(broken):
    text = render(broken).replace(str(BROKEN) + os.sep, "") + "\n"
    if os.environ.get("TEIKIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_messages_name_the_element_by_xpath(broken):
    located = [d for d in broken if d.code in {"TK207", "TK208", "TK209", "TK212", "TK216",
                                                "TK217", "TK222"}]
    assert located
    for d in located:
        assert d.message.startswith("/TEI/"), d
        assert d.col > 0, d


def test_warnings_are_not_errors(broken):
    warn = {d.code for d in broken if d.severity == "warning"}
    assert warn == {"TK214", "TK221"}


def test_missing_register_is_a_warning_once_per_file(tmp_path):
    shutil.copy(EDITION / "405976_shtykov_stalin.xml", tmp_path / "t.xml")
    result = validate_paths([tmp_path], jobs=1)
    assert {d.code for d in result.diagnostics} == {"TK218"}
    assert len(result.diagnostics) == 2  # persons.xml and places.xml, once each
    assert result.ok() and not result.ok(strict=True)


def test_pointer_to_another_edition_file(tmp_path):
    for f in EDITION.glob("*.xml"):
        shutil.copy(f, tmp_path / f.name)
    doc = (tmp_path / "405976_shtykov_stalin.xml").read_text(encoding="utf-8")
    doc = doc.replace('<ptr target="https://example.org/teikit"/>',
                      '<ptr target="persons.xml#stalin"/><ptr target="persons.xml#nobody"/>'
                      '<ptr target="missing.xml"/>')
    (tmp_path / "405976_shtykov_stalin.xml").write_text(doc, encoding="utf-8")
    result = validate_paths([tmp_path], jobs=1)
    messages = [d.message for d in result.errors]
    assert [d.code for d in result.errors] == ["TK212", "TK212"]
    assert "nobody" in messages[0] and "missing.xml" in messages[1]


def test_parallel_and_serial_runs_agree(tmp_path):
    for i in range(70):
        src = BROKEN / sorted(EXPECTED)[i % len(EXPECTED)]
        shutil.copy(src, tmp_path / f"{i:03d}_{src.name}")
    shutil.copy(EDITION / "persons.xml", tmp_path / "persons.xml")
    shutil.copy(EDITION / "places.xml", tmp_path / "places.xml")
    serial = validate_paths([tmp_path], jobs=1).diagnostics
    parallel = validate_paths([tmp_path], jobs=2).diagnostics
    assert sorted(map(str, serial)) == sorted(map(str, parallel))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data):
    for d in validate_bytes(data, "x.xml"):
        assert d.code in CODES


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_documents_never_raise(data):
    src = (EDITION / "405976_shtykov_stalin.xml").read_bytes()
    start = data.draw(st.integers(0, len(src) - 1))
    length = data.draw(st.integers(0, 40))
    insert = data.draw(st.binary(max_size=20) | st.sampled_from(
        [b"<", b"&", b"<p>", b"</div>", b"<!DOCTYPE x>", b'xml:id="hw1"', b"\xff", b"]]>"]))
    mutated = src[:start] + insert + src[start + length:]
    edition = Edition.for_directory(EDITION)
    for d in validate_bytes(mutated, "m.xml", edition=edition):
        assert d.code in CODES and d.line >= 0 and d.col >= 0


@pytest.mark.slow
def test_tei_all_accepts_the_fixtures_and_sample_corpus():
    rng = tei_all()
    files = list(EDITION.glob("*.xml")) + list((ROOT / "tei").glob("*.xml"))
    files.append(ROOT / "schema" / "teikit.odd")
    for f in files:
        tree = etree.parse(str(f))
        assert rng.validate(tree), (f, [str(e) for e in rng.error_log][:5])


@pytest.mark.slow
def test_tei_all_option_adds_the_official_check():
    from validate_support import TEI_ALL_RNG

    good = validate_paths([EDITION], tei_all=TEI_ALL_RNG, jobs=1)
    assert good.diagnostics == []
    bad = validate_paths([BROKEN / "tk207_unknown_element.xml"], tei_all=TEI_ALL_RNG, jobs=1)
    assert {d.code for d in bad.diagnostics} == {"TK207", "TK218", "TK220"} - {"TK218"}


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_documents_valid_for_teikit_are_valid_for_tei_all(seed):
    tree = Generator(random.Random(seed), max_depth=7).document()
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    diagnostics = validate_bytes(data, "generated.xml")
    if any(d.severity == "error" for d in diagnostics):
        return  # only what passes teikit must pass tei_all
    rng = tei_all()
    assert rng.validate(tree), [str(e) for e in rng.error_log][:5]


def test_generator_reaches_every_element_of_the_schema():
    from validate_support import content_schema

    seen: set[str] = set()
    for seed in range(200):
        tree = Generator(random.Random(seed), max_depth=7).document()
        seen |= {etree.QName(e).localname for e in tree.iter()}
    assert set(content_schema().elements) <= seen
