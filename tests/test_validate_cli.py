"""teikit validate as a user runs it."""

from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner

from teikit.cli_validate import validate
from validate_support import FIXTURES, ROOT, TEI_ALL_RNG

EDITION = FIXTURES / "edition"
BROKEN = FIXTURES / "broken"
LINE = re.compile(r"^(.+):(\d+):(\d+): (error|warning|info)\[(TK\d{3})\] .+$")


def run(*args: str):
    return CliRunner().invoke(validate, [str(a) for a in args])


def test_is_a_click_command():
    assert isinstance(validate, click.Command)
    assert validate.name == "validate"


def test_valid_edition_exits_0():
    r = run(EDITION)
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert "3 files, 3 valid, 0 errors, 0 warnings" in r.stderr


def test_invalid_files_exit_1_with_one_line_per_finding():
    r = run(BROKEN / "tk212_ref_unresolved.xml", BROKEN / "tk217_empty_paragraph.xml")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert LINE.match(line), line


def test_json_format():
    r = run("--format", "json", BROKEN / "tk216_sic_without_corr.xml")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["files"] == 1 and data["valid"] == 0 and data["errors"] == 2
    d = data["diagnostics"][0]
    assert set(d) == {"code", "severity", "message", "path", "line", "col"}
    assert (d["code"], d["severity"], d["line"]) == ("TK216", "error", 126)


def test_warnings_pass_unless_strict():
    f = BROKEN / "tk214_date_1940_in_1950_telegram.xml"
    assert run(f).exit_code == 0
    assert run("--strict", f).exit_code == 1


def test_unreadable_input_exits_2(tmp_path):
    assert run(tmp_path / "missing.xml").exit_code == 2
    assert run(tmp_path).exit_code == 2  # no .xml files


def test_usage_errors_exit_2():
    assert run().exit_code == 2
    assert run("--format", "yaml", EDITION).exit_code == 2
    assert run("--tei-all", "/nonexistent.rng", EDITION).exit_code == 2


def test_broken_tei_all_schema_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.rng"
    bad.write_text("<grammar/>", encoding="utf-8")
    r = run("--tei-all", bad, EDITION)
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_max_size_option():
    r = run("--max-size", "0.001", BROKEN / "tk205_oversized.xml")
    assert r.exit_code == 1 and "TK205" in r.stdout


def test_every_option_is_documented():
    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for param in validate.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert f"`{opt}" in docs, opt
        assert param.name == "paths" or param.help, param.name


def test_every_code_is_documented():
    from teikit.validate import VALIDATE_CODES

    docs = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for code in VALIDATE_CODES:
        assert code in docs, code


@pytest.mark.slow
def test_tei_all_option():
    r = run("--tei-all", TEI_ALL_RNG, EDITION)
    assert r.exit_code == 0, r.output
