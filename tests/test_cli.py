"""The command line as a user drives it: exit codes, safety, reports, formats."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from teikit.cli import main
from teikit.totext import normalise
from teikit.writer import is_pristine

DIAG = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info)"
                  r"\[(?P<code>TK\d{3})\] .+$", re.M)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "texts", tmp_path / "texts")
    (tmp_path / "tei").mkdir()
    for reg in ("persons.xml", "places.xml"):
        shutil.copy(FIXTURES / "registers" / reg, tmp_path / "tei" / reg)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_convert_sample_corpus(project: Path) -> None:
    r = run("convert", str(project / "texts"), "-o", str(project / "tei"))
    assert r.exit_code == 0, r.output
    outs = sorted((project / "tei").glob("0*.xml"))
    assert len(outs) == 5
    assert all(is_pristine(p) for p in outs)
    assert "5 converted, 0 unchanged, 0 skipped, 0 failed" in r.stderr
    assert not list((project / "tei").glob(".*.tmp"))


def test_rerun_changes_nothing(project: Path) -> None:
    out = project / "tei"
    run("convert", str(project / "texts"), "-o", str(out), "--date", "2001-01-01")
    before = {p: p.read_bytes() for p in out.glob("0*.xml")}
    r = run("convert", str(project / "texts"), "-o", str(out))
    assert "0 converted, 5 unchanged" in r.stderr
    assert {p: p.read_bytes() for p in out.glob("0*.xml")} == before


def test_changed_source_is_rewritten_with_the_new_date(project: Path) -> None:
    out = project / "tei"
    run("convert", str(project / "texts"), "-o", str(out), "--date", "2001-01-01")
    src = project / "texts" / "002_d3fe4099076271ef.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("Soviet Ambassador.", "Ambassador."),
                   encoding="utf-8")
    r = run("convert", str(project / "texts"), "-o", str(out), "--date", "2002-02-02")
    assert "1 converted, 4 unchanged" in r.stderr
    changed = (out / "002_d3fe4099076271ef.xml").read_text(encoding="utf-8")
    assert '<change when="2002-02-02" who="#teikit">' in changed
    assert "Pyongyang</placeName>. Ambassador." in changed
    assert is_pristine(out / "002_d3fe4099076271ef.xml")
    assert '<change when="2001-01-01"' in (out / "000_e0272aa94a0e144f.xml").read_text(encoding="utf-8")


def test_hand_edited_file_is_never_overwritten(project: Path) -> None:
    out = project / "tei"
    run("convert", str(project / "texts"), "-o", str(out))
    edited = out / "002_d3fe4099076271ef.xml"
    text = edited.read_text(encoding="utf-8").replace("Soviet Ambassador.", "Soviet Ambassador!")
    edited.write_text(text, encoding="utf-8")
    r = run("convert", str(project / "texts"), "-o", str(out))
    assert r.exit_code == 0
    assert edited.read_text(encoding="utf-8") == text
    assert "skipped (edited by hand): " + str(edited) in r.stderr
    assert "[TK008]" in r.stderr
    r = run("convert", str(project / "texts"), "-o", str(out), "--force")
    assert r.exit_code == 0
    assert "Soviet Ambassador!" not in edited.read_text(encoding="utf-8")
    assert is_pristine(edited)


def test_existing_file_not_written_by_teikit_is_kept(project: Path) -> None:
    out = project / "tei"
    mine = out / "000_e0272aa94a0e144f.xml"
    mine.write_text("<TEI>my own work</TEI>", encoding="utf-8")
    r = run("convert", str(project / "texts"), "-o", str(out))
    assert mine.read_text(encoding="utf-8") == "<TEI>my own work</TEI>"
    assert "skipped" in r.stderr


def test_one_bad_file_does_not_stop_the_batch(project: Path) -> None:
    src = project / "texts"
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(32)) * 50)
    r = run("convert", str(src), "-o", str(project / "tei"))
    assert r.exit_code == 1
    found = {(m["path"].rsplit("/", 1)[-1], m["code"], m["sev"]) for m in DIAG.finditer(r.stderr)}
    assert ("empty.txt", "TK002", "error") in found
    assert ("binary.txt", "TK003", "error") in found
    assert len(list((project / "tei").glob("0*.xml"))) == 5
    assert not (project / "tei" / "empty.xml").exists()


def test_diagnostics_have_path_line_col(project: Path) -> None:
    r = run("convert", str(project / "texts" / "001_daaa185b9623fcbd.txt"), "-o",
            str(project / "tei"))
    lines = [ln for ln in r.stderr.splitlines() if "[TK" in ln]
    assert lines and all(DIAG.match(ln) for ln in lines)
    assert any(":584:1: warning[TK101]" in ln for ln in lines)


def test_json_format_and_report(project: Path) -> None:
    report = project / "report.json"
    r = run("convert", str(project / "texts"), "-o", str(project / "tei"), "--format", "json",
            "--report", str(report))
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert len(data["documents"]) == 5
    assert all({"code", "severity", "line", "col", "path", "message"} <= set(d)
               for d in data["diagnostics"])
    rep = json.loads(report.read_text(encoding="utf-8"))
    doc3 = next(d for d in rep if d["source"].endswith("003_bc18ef6dd29c6293.txt"))
    assert doc3["round_trip"] is True
    assert {d["source"] for d in doc3["doubtful"]} == {"[kommunikatsii]", "[perestroiki]"}
    assert any("get citation" in d["text"] for d in doc3["frame_dropped"])
    assert doc3["marks"]["gloss"] == 5


def test_report_into_a_folder_that_does_not_exist_yet(project: Path) -> None:
    """Regression: the README's first command wrote output/convert-report.json on a fresh clone."""
    report = project / "output" / "convert-report.json"
    r = run("convert", str(project / "texts"), "-o", str(project / "tei"), "--report", str(report))
    assert r.exit_code == 0, r.output
    assert len(json.loads(report.read_text(encoding="utf-8"))) == 5


def test_encoding_option(tmp_path: Path) -> None:
    (tmp_path / "ru.txt").write_bytes("Сталину. Прошу [sic] помочь.\n".encode("cp1251"))
    r = run("convert", str(tmp_path / "ru.txt"), "-o", str(tmp_path / "out"),
            "--encoding", "cp1251")
    assert r.exit_code == 0
    assert "<sic>Прошу</sic>" in (tmp_path / "out" / "ru.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [
    ["convert", "nowhere/", "-o", "out"],
    ["convert", "{texts}", "-o", "{out}", "--profile", "nonesuch"],
    ["convert", "{texts}"],
    ["convert", "{texts}", "-o", "{out}", "--format", "xml"],
])
def test_usage_errors_exit_2(project: Path, args: list[str]) -> None:
    args = [a.format(texts=project / "texts", out=project / "out") for a in args]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2


def test_profile_file_with_declarative_rule(project: Path) -> None:
    prof = project / "mine.toml"
    prof.write_text('extends = "default"\n[[rule]]\nname = "blurred"\npattern = "blurred"\n'
                    'element = "gap"\nattrs = { reason = "blurred" }\n', encoding="utf-8")
    (project / "b.txt").write_text("The word [blurred] is lost.\n", encoding="utf-8")
    r = run("convert", str(project / "b.txt"), "-o", str(project / "out"), "--profile",
            str(prof))
    assert r.exit_code == 0, r.output
    assert '<gap reason="blurred"' in (project / "out" / "b.xml").read_text(encoding="utf-8")


def test_text_command_round_trip(project: Path) -> None:
    run("convert", str(project / "texts"), "-o", str(project / "tei"))
    from teikit.frame import split_frame
    from teikit.source import read_source

    for src in sorted((project / "texts").glob("*.txt")):
        r = run("text", str(project / "tei" / (src.stem + ".xml")))
        assert r.exit_code == 0
        assert normalise(r.stdout) == normalise(split_frame(read_source(src)).text)


def test_text_command_writes_file(project: Path) -> None:
    run("convert", str(project / "texts"), "-o", str(project / "tei"))
    out = project / "back.txt"
    r = run("text", str(project / "tei" / "002_d3fe4099076271ef.xml"), "-o", str(out))
    assert r.exit_code == 0
    assert "4. [sic] We have decided" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("xml,needle", [
    ("<TEI><unclosed></TEI>", "[TK201]"),
    ('<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]><TEI>&x;</TEI>', "[TK203]"),
    ('<!DOCTYPE TEI [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><TEI>&b;</TEI>', "[TK203]"),
])
def test_text_command_refuses_bad_xml(tmp_path: Path, xml: str, needle: str) -> None:
    f = tmp_path / "bad.xml"
    f.write_text(xml, encoding="utf-8")
    r = CliRunner().invoke(main, ["text", str(f)])
    assert r.exit_code == 2
    assert needle in r.stderr
    assert "passwd" not in r.stdout and "root:" not in r.stdout
    assert re.search(rf"{re.escape(str(f))}:\d+:\d+: error\[TK2\d\d\]", r.stderr)


def test_every_command_has_help_and_a_readme_entry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, cmd in main.commands.items():
        assert cmd.help, f"{name} has no help"
        assert f"teikit {name}" in readme, f"README does not document `teikit {name}`"
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",):
                    assert opt in readme, f"README does not document {name} {opt}"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    blocks = [b.strip() for b in readme.split("```sh")[1:3]]
    assert blocks[1].split("```")[0].strip() == ci
