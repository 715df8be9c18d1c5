"""teikit.toml: every table and setting checked on load, with the file, line and setting named."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from teikit.settings import TABLES, Paths, Settings, SettingsError, load_settings, parse_settings

TEMPLATE = ROOT / "src" / "teikit" / "data" / "init" / "teikit.toml"


def fails(text: str, pattern: str, path: Path = Path("teikit.toml")) -> None:
    with pytest.raises(SettingsError, match=pattern):
        parse_settings(text, path)


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = parse_settings("")
    assert s == Settings()
    assert (s.profile, s.encoding, s.paths, s.jobs, s.search) == ("default", "", Paths(), 0, True)
    monkeypatch.chdir(tmp_path)
    assert load_settings() == Settings()


def test_every_table_and_setting_is_read() -> None:
    s = parse_settings(
        '[edition]\ntitle = "T"\nlanguages = ["en", "ru", "de-CH"]\n'
        '[convert]\nprofile = "venona"\nencoding = "cp1251"\n'
        '[paths]\ntexts = "src"\ntei = "xml"\noutput = "build"\n'
        '[build]\njobs = 3\nsearch = false\n')
    assert (s.title, s.languages) == ("T", ("en", "ru", "de-CH"))
    assert (s.profile, s.encoding) == ("venona", "cp1251")
    assert s.paths == Paths("src", "xml", "build")
    assert (s.jobs, s.search) == (3, False)


@pytest.mark.parametrize("text, pattern", [
    ('[edition]\ntitle = "T"\n\n[build]\njobs = -1\n', r":5:1: error\[TK011\] build.jobs: must be a whole"),
    ('[build]\njobs = "2"\n', r":2:1: .*build.jobs"),
    ('[build]\nsearch = "yes"\n', r":2:1: .*build.search: must be true or false"),
    ('[build]\nsearch_shards = 3\n', r":2:1: .*build.search_shards: must be 1 \(one index\)"),
    ('[build]\nsearch_shards = -4\n', r":2:1: .*build.search_shards: must be 1"),
    ('[convert]\nprofile = "venonna"\n', r":2:1: .*convert.profile: unknown profile 'venonna'"),
    ('[convert]\nprofile = "mine.toml"\n', r"convert.profile: no profile file mine.toml"),
    ('[convert]\nencoding = "cp9999"\n', r"convert.encoding: 'cp9999' is not an encoding"),
    ('[paths]\ntexts = "a"\ntei = "a"\n', r":3:1: .*paths.tei: must be another folder than texts"),
    ('[paths]\noutput = "."\n', r"paths.output: must be a folder of its own"),
    ('[paths]\noutput = "tei/out"\n', r"paths.output: must be apart from tei"),
    ('[paths]\noutput = "texts/../texts"\n', r"paths.output: must be apart from texts"),
    ('[paths]\ntexts = "output/texts"\n', r"paths.output: must be apart from texts"),
    ('[paths]\ntei = ""\n', r"paths.tei: must name a folder"),
    ('[pahts]\ntei = "x"\n', r":1:1: error\[TK011\] pahts: unknown table; the tables are \[edition\]"),
    ('[build]\ncores = 2\n', r":2:1: .*build.cores: unknown setting; the settings of \[build\] are jobs"),
    ('[edition]\nlanguages = ["english language"]\n', r"edition.languages: 'english language' is not"),
    ('paths = 3\n', r":1:1: error\[TK011\] paths must be a table"),
    ('[edition\n', r"not a valid TOML file"),
])
def test_wrong_values_are_refused_with_file_line_and_setting(text: str, pattern: str) -> None:
    fails(text, pattern)


def test_the_line_is_the_one_in_the_right_table() -> None:
    """A key of the same name in another table (or a comment mentioning it) does not mislead."""
    text = '# jobs = 2 would use two\n[edition]\ntitle = "T"\n[build]\nsearch = true\njobs = "x"\n'
    fails(text, r":6:1: .*build.jobs")


def test_profile_file_is_found_beside_the_settings(tmp_path: Path) -> None:
    (tmp_path / "marks.toml").write_text('extends = "default"\n', encoding="utf-8")
    (tmp_path / "teikit.toml").write_text('[convert]\nprofile = "marks.toml"\n', encoding="utf-8")
    assert load_settings(tmp_path / "teikit.toml").profile == "marks.toml"


def test_every_setting_is_documented_and_in_both_settings_files() -> None:
    docs = (ROOT / "docs" / "build.md").read_text(encoding="utf-8")
    template = TEMPLATE.read_text(encoding="utf-8")
    sample = (ROOT / "teikit.toml").read_text(encoding="utf-8")
    for table, keys in TABLES.items():
        assert f"[{table}]" in docs and f"[{table}]" in template and f"[{table}]" in sample
        for key in keys:
            assert re.search(rf"`{key}`", docs), f"docs/build.md does not document {table}.{key}"
            assert re.search(rf"^#?\s*{key} = ", template, re.M), f"template lacks {table}.{key}"
            assert re.search(rf"^{key} = ", sample, re.M), f"teikit.toml lacks {table}.{key}"


def test_the_sample_and_the_template_settings_load() -> None:
    assert load_settings(ROOT / "teikit.toml").title.startswith("Soviet Cables")
    text = TEMPLATE.read_text(encoding="utf-8").replace("$title", '"T"')
    assert tomllib.loads(text)
    assert parse_settings(text) == Settings(title="T")
