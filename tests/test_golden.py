"""Golden files: each source beside its expected TEI, one case per convention and frame.

Regenerate on purpose only: ``pytest tests/test_golden.py --update-golden``, then
read the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES, GOLDEN_DATE, ROOT
from teikit.convert import convert_source
from teikit.rules import get_profile
from teikit.source import read_source
from teikit.totext import normalise, tei_to_text

CASES = sorted((FIXTURES / "convert").glob("*.txt"))
SEEDS = sorted((ROOT / "texts").glob("*.txt"))
SEED_GOLDEN = Path(__file__).resolve().parent / "golden" / "seeds"


def _convert(path: Path, register):
    profile = get_profile("venona" if path.stem.startswith("venona") else "default")
    src = read_source(path)
    conv = convert_source(src, profile=profile, register=register, today=GOLDEN_DATE)
    # a golden file must not depend on where the test runs
    for ch in conv.tree.iter("{*}change"):
        ch.text = ch.text.replace(str(path.parent) + "/", "")
    return src, conv


def _pretty(tree: etree._ElementTree) -> str:
    return etree.tostring(tree, pretty_print=True, encoding="unicode")


def _check(path: Path, expected: Path, register, update: bool) -> None:
    _src, conv = _convert(path, register)
    got = _pretty(conv.tree)
    if update or not expected.exists():
        if not update:
            pytest.fail(f"no golden file {expected.name}: run with --update-golden and review it")
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8"), (
        f"{path.name}: output differs from {expected.name}")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_convention_case(case: Path, register, update_golden: bool) -> None:
    _check(case, case.with_suffix(".xml"), register, update_golden)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed(seed: Path, register, update_golden: bool) -> None:
    _check(seed, SEED_GOLDEN / (seed.stem + ".xml"), register, update_golden)


@pytest.mark.parametrize("path", CASES + SEEDS, ids=[p.stem for p in CASES + SEEDS])
def test_round_trip(path: Path, register) -> None:
    from teikit.frame import split_frame

    src, conv = _convert(path, register)
    assert normalise(tei_to_text(conv.tree)) == normalise(split_frame(src).text)


@pytest.mark.slow
def test_every_output_is_valid_tei_all(tei_all, register) -> None:
    bad = {}
    for path in CASES + SEEDS:
        _src, conv = _convert(path, register)
        if not tei_all.validate(conv.tree):
            bad[path.name] = str(tei_all.error_log.last_error)
    assert not bad


def test_every_output_passes_the_edition_schema_and_rules(tmp_path: Path, register) -> None:
    """What convert writes must pass `teikit validate` (schema/teikit.xsd + rules)."""
    import shutil

    from teikit.validate import validate_paths

    for reg in ("persons.xml", "places.xml"):
        shutil.copy(FIXTURES / "registers" / reg, tmp_path / reg)
    for path in CASES + SEEDS:
        _src, conv = _convert(path, register)
        (tmp_path / (path.stem + ".xml")).write_bytes(conv.to_bytes())
    result = validate_paths([tmp_path], jobs=1)
    assert [str(d) for d in result.errors] == []
