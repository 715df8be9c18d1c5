"""Shared fixtures: the official schema compiled once, golden-file switch, paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TEI_ALL = SHARED / "schemas" / "tei_all.rng"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN_DATE = "2000-01-01"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite expected golden files from the current output (read the diff!)")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    """The official TEI P5 tei_all schema (compiling it takes ~10 s: once per session)."""
    if not TEI_ALL.exists():
        pytest.skip(f"official schema not found at {TEI_ALL}")
    return etree.RelaxNG(etree.parse(str(TEI_ALL)))


@pytest.fixture(scope="session")
def register():
    from teikit.registers import load_register

    return load_register(FIXTURES / "registers" / "persons.xml",
                         FIXTURES / "registers" / "places.xml")
