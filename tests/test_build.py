"""`teikit init` and `teikit build`: a project made, built, rebuilt in part, stopped, killed."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from conftest import ROOT
from teikit.cli_build import build, init
from teikit.state import TEMPORARY, locked
from teikit.validate import validate_paths

DATE = "2000-01-01"
SAMPLE = sorted((ROOT / "texts").glob("*.txt"))
CHANGED = "002_d3fe4099076271ef"
#: The CLI as the user runs it (teikit.cli.main once it registers build and init).
RUN = ("import sys, click\n"
       "from teikit.cli import main\n"
       "from teikit.cli_build import build, init\n"
       "if 'build' not in main.commands: main = click.Group('teikit', {'build': build, 'init': init})\n"
       "main(sys.argv[1:], prog_name='teikit')\n")


def teikit() -> click.Group:
    from teikit.cli import main

    return main if "build" in main.commands else click.Group("teikit", {"build": build, "init": init})


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(teikit(), [str(a) for a in args], env={"TEIKIT_DATE": DATE})


def build_json(project: Path, *args: str) -> dict:
    r = run("build", project, "--format", "json", *args)
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def stage(report: dict, name: str) -> dict:
    return next(s for s in report["stages"] if s["name"] == name)


def switch(project: Path, **settings: bool) -> None:
    """Turn ``[build]`` settings of the project's teikit.toml on or off."""
    path = project / "teikit.toml"
    text = path.read_text(encoding="utf-8")
    for name, on in settings.items():
        text, n = re.subn(rf"(?m)^{name} = (true|false)$", f"{name} = {str(on).lower()}", text)
        assert n == 1, name
    path.write_text(text, encoding="utf-8")


def sample_project(p: Path) -> Path:
    """The sample edition as a fresh project at ``p``: settings, sources, registers (no TEI yet)."""
    (p / "tei").mkdir(parents=True)
    shutil.copytree(ROOT / "texts", p / "texts")
    for r in ("persons.xml", "places.xml"):
        shutil.copy(ROOT / "tei" / r, p / "tei" / r)
    shutil.copy(ROOT / "teikit.toml", p / "teikit.toml")
    return p


@pytest.fixture()
def full_project(tmp_path: Path) -> Path:
    """The sample edition as a fresh project: settings, sources, registers (no TEI yet)."""
    return sample_project(tmp_path / "edition")


@pytest.fixture()
def project(full_project: Path) -> Path:
    """The sample project without the print edition and the package (their own tests below)."""
    switch(full_project, pdf=False, package=False)
    return full_project


@pytest.fixture()
def built(project: Path) -> Path:
    report = build_json(project)
    assert report["ok"], report["diagnostics"]
    return project


def snapshot(*folders: Path) -> dict[str, tuple[int, bytes]]:
    """Every file's modification time and bytes."""
    return {str(f): (f.stat().st_mtime_ns, f.read_bytes()) for d in folders for f in sorted(d.rglob("*"))
            if f.is_file() and f.name != "lock"}


def changed_files(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]],
                  root: Path) -> set[str]:
    return {Path(k).relative_to(root).as_posix() for k in before.keys() | after.keys()
            if before.get(k) != after.get(k)}


# --------------------------------------------------------------------------- init


def test_init_makes_a_project_that_builds(tmp_path: Path) -> None:
    p = tmp_path / "my-edition"
    r = run("init", p)
    assert r.exit_code == 0, r.output
    for name in ("teikit.toml", "texts", "tei/persons.xml", "tei/places.xml", ".gitignore"):
        assert (p / name).exists(), name
    assert 'title = "my edition"' in (p / "teikit.toml").read_text(encoding="utf-8")
    assert (p / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "/output/"
    registers = validate_paths([p / "tei"])
    assert not registers.diagnostics, registers.diagnostics
    empty = build_json(p)  # an edition with no document yet builds too, with nothing to search
    assert empty["ok"] and not empty["diagnostics"] and (p / "output/html/index.html").is_file()
    shutil.copy(SAMPLE[0], p / "texts")
    report = build_json(p)
    assert report["ok"] and stage(report, "convert")["done"] == [f"texts/{SAMPLE[0].name}"]
    assert (p / "output" / "html" / "documents" / f"{SAMPLE[0].stem}.html").is_file()


def test_init_registers_are_valid_tei_all(tmp_path: Path, tei_all: etree.RelaxNG) -> None:
    run("init", tmp_path)
    for r in ("persons.xml", "places.xml"):
        assert tei_all.validate(etree.parse(str(tmp_path / "tei" / r))), tei_all.error_log


def test_init_refuses_an_existing_project_and_keeps_what_is_there(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.bak\n", encoding="utf-8")
    (tmp_path / "tei").mkdir()
    (tmp_path / "tei" / "persons.xml").write_text("<mine/>", encoding="utf-8")
    assert run("init", tmp_path, "--title", 'The "Cables"').exit_code == 0
    assert (tmp_path / "tei" / "persons.xml").read_text(encoding="utf-8") == "<mine/>"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").startswith("*.bak\n")
    assert "/output/" in (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert 'title = "The \\"Cables\\""' in (tmp_path / "teikit.toml").read_text(encoding="utf-8")
    settings = (tmp_path / "teikit.toml").read_bytes()
    r = run("init", tmp_path)
    assert r.exit_code == 2 and "TK607" in r.output
    assert (tmp_path / "teikit.toml").read_bytes() == settings


# --------------------------------------------------------------------------- build


def test_build_end_to_end(full_project: Path) -> None:
    project = full_project
    r = run("build", project)
    assert r.exit_code == 0, r.output
    # the sample's 3 warnings, and the package's: the sample settings have no base URL
    assert "5 documents converted, 4 warnings, 0 errors" in r.output
    assert "teikit.toml: warning[TK501] base_url is not set" in r.output
    for line in ("convert ", "validate ", "pdf ", "volume ", "html ", "search ", "package "):
        assert re.search(rf"^{line}", r.output, re.M), line
    site = project / "output" / "html"
    for name in ("index.html", "documents.html", "persons.html", "search.html", "pagefind/pagefind-ui.js",
                 f"documents/{CHANGED}.html", f"tei/{CHANGED}.xml", "tei/persons.xml",
                 f"pdf/{CHANGED}.pdf", "pdf/volume.pdf"):
        assert (site / name).is_file(), name
    assert f'href="../pdf/{CHANGED}.pdf"' in (site / f"documents/{CHANGED}.html").read_text(encoding="utf-8")
    assert sorted(p.stem for p in (project / "output/pdf").glob("*.pdf")) == sorted(
        [p.stem for p in SAMPLE] + ["volume"])
    package = project / "output" / "package"
    assert {"cmif.xml", "datacite.json", "zenodo.json"} <= {p.name for p in package.iterdir()}
    assert sorted(p.stem for p in (project / "tei").glob("0*.xml")) == [p.stem for p in SAMPLE]
    report = json.loads((project / "output/reports" / f"{CHANGED}.json").read_text(encoding="utf-8"))
    assert report["source"] == f"texts/{CHANGED}.txt" and report["output"] == f"tei/{CHANGED}.xml"
    assert report["status"] == "converted" and report["frame_dropped"] and report["round_trip"]
    assert not [p for p in project.rglob("*") if TEMPORARY.match(p.name)]


def test_a_build_with_nothing_changed_changes_nothing(built: Path) -> None:
    before = snapshot(built / "tei", built / "output" / "html")
    report = build_json(built)
    assert [s["status"] for s in report["stages"]] == ["up to date"] * 7
    assert snapshot(built / "tei", built / "output" / "html") == before
    assert report["warnings"] == 3  # kept from the first build, not forgotten


def test_one_changed_source_rebuilds_that_document_and_nothing_else(built: Path) -> None:
    before = snapshot(built / "tei", built / "output" / "html")
    src = built / "texts" / f"{CHANGED}.txt"
    text = src.read_text(encoding="utf-8")
    assert text.count("Korean") > 3
    src.write_text(text.replace("Korean", "Koryo", 1), encoding="utf-8")
    report = build_json(built)
    assert stage(report, "convert")["done"] == [f"texts/{CHANGED}.txt"]
    assert stage(report, "validate")["done"] == [f"tei/{CHANGED}.xml"]
    assert stage(report, "html")["done"] == [f"tei/{CHANGED}.xml"]
    assert stage(report, "html")["up_to_date"] == 4
    assert stage(report, "search")["status"] == "done"  # the page's words changed
    changed = changed_files(before, snapshot(built / "tei", built / "output" / "html"), built)
    assert changed == {f"tei/{CHANGED}.xml", f"output/html/documents/{CHANGED}.html",
                       f"output/html/tei/{CHANGED}.xml"} | {
        c for c in changed if c.startswith("output/html/pagefind/")}
    assert "edition pages made again" not in stage(report, "html")["notes"]


def test_a_changed_title_remakes_the_pages_that_list_the_document(built: Path) -> None:
    before = snapshot(built / "output" / "html")
    src = built / "texts" / f"{CHANGED}.txt"
    text = src.read_text(encoding="utf-8")
    title = "Ciphered Telegram No. 34691 from Feng Xi [Stalin] to Soviet Ambassador in Pyongyang Shtykov"
    assert text.count(title) == 1
    src.write_text(text.replace(title, title + " (revised)"), encoding="utf-8")
    report = build_json(built)
    assert "edition pages made again" in stage(report, "html")["notes"]
    changed = changed_files(before, snapshot(built / "output" / "html"), built)
    pages = {c.removeprefix("output/html/") for c in changed if not c.startswith("output/html/pagefind/")}
    assert {f"documents/{CHANGED}.html", "documents.html"} <= pages
    assert not {p for p in pages if p.startswith("documents/") and CHANGED not in p}
    assert "revised" in (built / "output/html/documents.html").read_text(encoding="utf-8")


def test_hand_edited_tei_is_never_overwritten_and_is_published(built: Path) -> None:
    tei = built / "tei" / f"{CHANGED}.xml"
    edited = tei.read_bytes().replace(b"</TEI>", b"<!-- checked by hand --></TEI>")
    tei.write_bytes(edited)
    report = build_json(built)
    assert stage(report, "convert")["status"] == "up to date"
    assert stage(report, "html")["done"] == [f"tei/{CHANGED}.xml"]
    assert (built / "output/html/tei" / tei.name).read_bytes() == edited
    src = built / "texts" / f"{CHANGED}.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("Korean", "Koryo", 1), encoding="utf-8")
    report = build_json(built)
    assert tei.read_bytes() == edited
    assert any(d["code"] == "TK008" and d["path"] == f"texts/{CHANGED}.txt" for d in report["diagnostics"])
    again = run("build", built, "-v")  # the warning stays until the conflict is resolved
    assert f"texts/{CHANGED}.txt:1:1: warning[TK008]" in again.output and again.exit_code == 0


def test_an_empty_tei_file_is_replaced_not_kept_as_hand_edited(built: Path) -> None:
    """What a power cut can leave of a file renamed into place before the disk had its bytes
    (the convert stage syncs once, at its end): empty, it holds no one's work."""
    tei = built / "tei" / f"{CHANGED}.xml"
    made = tei.read_bytes()
    tei.write_bytes(b"")
    src = built / "texts" / f"{CHANGED}.txt"
    src.write_bytes(src.read_bytes() + b"\n")  # the state then converts it again
    report = build_json(built)
    assert report["ok"] and not any(d["code"] == "TK008" for d in report["diagnostics"])
    assert tei.read_bytes() == made


def test_invalid_tei_stops_the_build_before_publishing(built: Path) -> None:
    site = built / "output" / "html"
    before = snapshot(site)
    bad = built / "tei" / "hand-made.xml"
    bad.write_text((built / "tei" / f"{CHANGED}.xml").read_text(encoding="utf-8")
                   .replace("<body>", "<body><bogus/>", 1), encoding="utf-8")
    r = run("build", built)
    assert r.exit_code == 1
    assert re.search(r"tei/hand-made\.xml:\d+:\d+: error\[TK207\]", r.output)
    assert "not published: 1 error in 1 file" in r.output and "--allow-invalid" in r.output
    assert "0 documents converted, 3 warnings (3 from earlier builds: -v lists them), 1 error;" in r.output
    assert "html      not run" in r.output
    assert snapshot(site) == before and not (site / "documents" / "hand-made.html").exists()
    r = run("build", built, "--allow-invalid")
    assert r.exit_code == 1  # published, but the error is still an error
    assert (site / "documents" / "hand-made.html").is_file()
    bad.unlink()
    report = build_json(built)
    assert report["ok"] and not (site / "documents" / "hand-made.html").exists()
    assert "tei/hand-made.xml" in stage(report, "html")["removed"] or \
        "output/html/documents/hand-made.html" in stage(report, "html")["removed"]


def test_a_source_that_cannot_be_converted_stops_publishing(built: Path) -> None:
    (built / "texts" / "empty.txt").write_bytes(b"")
    r = run("build", built)
    assert r.exit_code == 1 and "texts/empty.txt:1:1: error[TK002]" in r.output
    assert "not published" in r.output


def test_clean_starts_over_but_keeps_hand_edited_tei(built: Path) -> None:
    tei = built / "tei" / f"{CHANGED}.xml"
    tei.write_bytes(tei.read_bytes().replace(b"</TEI>", b"<!-- mine --></TEI>"))
    (built / "output" / "html" / "stray.html").write_text("x", encoding="utf-8")
    report = build_json(built, "--clean")
    assert any(n.startswith("removed output/html") for n in report["notes"])
    assert not (built / "output" / "html" / "stray.html").exists()
    assert len(stage(report, "convert")["done"]) == 5 and len(stage(report, "html")["done"]) == 5
    assert b"<!-- mine -->" in tei.read_bytes()


def test_removed_source_and_removed_tei(built: Path) -> None:
    (built / "texts" / f"{CHANGED}.txt").unlink()
    report = build_json(built)
    assert any(d["code"] == "TK602" and d["path"] == f"tei/{CHANGED}.xml" for d in report["diagnostics"])
    assert f"output/reports/{CHANGED}.json" in stage(report, "convert")["removed"]
    (built / "tei" / f"{CHANGED}.xml").unlink()
    report = build_json(built)
    assert report["ok"] and not any(d["code"] == "TK602" for d in report["diagnostics"])
    assert f"output/html/documents/{CHANGED}.html" in stage(report, "html")["removed"]
    assert "edition pages made again" in stage(report, "html")["notes"]


def test_skip_search_leaves_the_index_to_the_next_build(built: Path) -> None:
    src = built / "texts" / f"{CHANGED}.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("Korean", "Koryo", 1), encoding="utf-8")
    report = build_json(built, "--skip", "search")
    assert stage(report, "search")["status"] == "skipped"
    assert stage(build_json(built), "search")["status"] == "done"
    assert run("build", built, "--skip", "html").exit_code == 2


def test_settings_without_search_remove_the_index(built: Path) -> None:
    settings = built / "teikit.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("search = true", "search = false"),
                        encoding="utf-8")
    report = build_json(built)
    assert len(stage(report, "html")["done"]) == 5  # the pages lose their search link
    assert not (built / "output/html/pagefind").exists() and not (built / "output/html/search.html").exists()


@pytest.fixture()
def printed(full_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample project built whole: PDFs, volume and package too."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # the package's timestamp
    report = build_json(full_project)
    assert report["ok"], report["diagnostics"]
    return full_project


def test_a_changed_source_remakes_its_pdf_the_volume_and_the_package(printed: Path) -> None:
    out = printed / "output"
    quiet = build_json(printed)
    assert [s["status"] for s in quiet["stages"]] == ["up to date"] * 7
    before = snapshot(out / "pdf", out / "package", out / "html" / "pdf")
    src = printed / "texts" / f"{CHANGED}.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("Korean", "Koryo", 1), encoding="utf-8")
    report = build_json(printed)
    assert stage(report, "pdf")["done"] == [f"tei/{CHANGED}.xml"] and stage(report, "pdf")["up_to_date"] == 4
    assert stage(report, "volume")["status"] == stage(report, "package")["status"] == "done"
    changed = changed_files(before, snapshot(out / "pdf", out / "package", out / "html" / "pdf"), printed)
    pdfs = {c for c in changed if c.endswith(".pdf")}
    assert pdfs == {f"output/pdf/{CHANGED}.pdf", "output/pdf/volume.pdf",
                    f"output/html/pdf/{CHANGED}.pdf", "output/html/pdf/volume.pdf"}
    assert any(c.startswith("output/package/") and c.endswith(f"{CHANGED}.xml") for c in changed)
    assert "Koryo" in subprocess.run(["pdftotext", str(out / "pdf" / f"{CHANGED}.pdf"), "-"],
                                     capture_output=True, text=True, check=True).stdout


def test_a_removed_document_takes_its_pdf_along_and_settings_turn_print_off(printed: Path) -> None:
    (printed / "texts" / f"{CHANGED}.txt").unlink()
    (printed / "tei" / f"{CHANGED}.xml").unlink()
    report = build_json(printed)
    assert f"output/pdf/{CHANGED}.pdf" in stage(report, "pdf")["removed"]
    assert not (printed / "output/html/pdf" / f"{CHANGED}.pdf").exists()
    assert CHANGED not in (printed / "output/package/cmif.xml").read_text(encoding="utf-8")
    switch(printed, volume=False)
    report = build_json(printed)
    assert "output/pdf/volume.pdf" in stage(report, "volume")["removed"]
    assert not (printed / "output/html/pdf/volume.pdf").exists()
    switch(printed, pdf=False, package=False)
    report = build_json(printed)
    assert not list((printed / "output/pdf").glob("*.pdf")) and not (printed / "output/package").exists()
    assert len(stage(report, "html")["done"]) == 4  # the pages lose their PDF link
    assert "../pdf/" not in (printed / "output/html/documents" / f"{SAMPLE[0].stem}.html").read_text(
        encoding="utf-8")


def test_skip_takes_a_list_of_stages(built: Path) -> None:
    switch(built, pdf=True)
    report = build_json(built, "--skip", "volume,pdf", "--skip", "search")
    assert [stage(report, n)["status"] for n in ("pdf", "volume", "search")] == ["skipped"] * 3
    assert not (built / "output" / "pdf").exists()


def test_usage_errors_exit_2(tmp_path: Path, project: Path) -> None:
    r = run("build", tmp_path)
    assert r.exit_code == 2 and "TK606" in r.output
    (project / "teikit.toml").write_text("[build]\njobs = -2\n", encoding="utf-8")
    r = run("build", project)
    assert r.exit_code == 2 and "teikit.toml:2:1: error[TK011] build.jobs" in r.output


def test_a_second_build_at_once_is_refused(built: Path) -> None:
    with locked(built / "output" / ".teikit"):
        r = run("build", built)
    assert r.exit_code == 2 and "TK604" in r.output


def test_build_from_a_subfolder_finds_the_project(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(built / "texts")
    assert build_json(Path("."))["ok"]


def test_leftovers_of_an_interrupted_build_are_removed(built: Path) -> None:
    leftovers = [built / "tei" / ".x.xml.abcd_123.tmp", built / "output/html/documents/.a.html.zzzzzzzz.tmp",
                 built / "output/html/.pagefind-new-99", built / "output/pdf/.volume.pdf.k3_x9q2a.tmp"]
    for f in leftovers[:2]:
        f.write_text("half", encoding="utf-8")
    for d in leftovers[2:]:
        d.mkdir(parents=True)
    (leftovers[3] / "part-00001.pdf").write_bytes(b"%PDF-1.7 half")
    report = build_json(built)
    assert not any(f.exists() for f in leftovers)
    assert sum("left by an interrupted build" in n for n in report["notes"]) == 4


def test_converted_tei_is_made_durable_by_one_sync_not_an_fsync_each(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build converts in this process for a small edition: no fsync per TEI file, one
    os.sync() when the stage ends; outside a build, teikit convert still fsyncs each file."""
    calls: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "sync", lambda: calls.append("sync"))
    report = build_json(project, "--skip", "search")
    assert report["ok"] and len(stage(report, "convert")["done"]) == len(SAMPLE)
    assert calls.count("sync") == 1
    assert calls.count("fsync") <= 2  # the build's state, not one per document
    calls.clear()
    from teikit.convert import convert_paths

    convert_paths([project / "texts" / SAMPLE[0].name], project / "elsewhere")
    assert calls == ["fsync"]


def test_every_option_is_documented() -> None:
    docs = (ROOT / "docs" / "build.md").read_text(encoding="utf-8")
    for cmd in (build, init):
        assert cmd.help and f"teikit {cmd.name}" in docs
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in docs, f"docs/build.md does not document {cmd.name} {opt}"


# --------------------------------------------------------------------------- kill safety


def make_corpus(project: Path, n: int, *, printed: bool = False) -> None:
    """A project of ``n`` documents: the sample sources with other numbers; the print
    edition and the package only when ``printed``."""
    (project / "texts").mkdir(parents=True)
    (project / "tei").mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in SAMPLE]
    rnd = random.Random(1950)
    for i in range(n):
        text = re.sub(r"\b\d{5}\b", lambda m: str(rnd.randint(10000, 99999)), seeds[i % len(seeds)])
        (project / "texts" / f"doc{i:04d}.txt").write_text(text, encoding="utf-8")
    for r in ("persons.xml", "places.xml"):
        shutil.copy(ROOT / "tei" / r, project / "tei" / r)
    shutil.copy(ROOT / "teikit.toml", project / "teikit.toml")
    switch(project, pdf=printed, volume=printed, package=printed)


def start_build(project: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TEIKIT_DATE": DATE, "SOURCE_DATE_EPOCH": "946684800"}
    return subprocess.Popen([sys.executable, "-c", RUN, "build", str(project), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _running_in_group(pgid: int) -> list[str]:
    """The processes of a group that still run: dead ones waiting to be reaped (zombies,
    which a container's first process may reap late) are not running."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if int(rest[2]) == pgid and rest[0] != "Z":
            found.append(f"{stat.parent.name} {name} ({rest[0]})")
    return found


def wait_group_gone(pgid: int, timeout: float = 30) -> None:
    """Until no process of the killed group is left running (workers die with it)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        if not _running_in_group(pgid):
            return
        time.sleep(0.05)
    raise AssertionError(f"a process of the killed group is still running: {_running_in_group(pgid)}")


def files_of(project: Path) -> dict[str, bytes]:
    return {f.relative_to(project).as_posix(): f.read_bytes()
            for d in ("tei", "output/html", "output/pdf", "output/package")
            for f in (project / d).rglob("*") if f.is_file()}


def check_nothing_half_written(project: Path, reference: dict[str, bytes]) -> int:
    """Every file is whole: the same bytes as in a complete build. Temporary files are hidden."""
    temporary = 0
    for name, data in files_of(project).items():
        if TEMPORARY.match(Path(name).name) or any(TEMPORARY.match(part) for part in Path(name).parts):
            temporary += 1
            continue
        assert name in reference, f"{name}: not made by a complete build"
        assert data == reference[name], f"{name}: differs from a complete build's (half-written?)"
    state = project / "output" / ".teikit" / "state.json"
    if state.exists():
        json.loads(state.read_bytes())
    for f in (project / "tei").glob("*.xml"):
        etree.parse(str(f))
    return temporary


def reference_build(tmp_path: Path, n: int, *, printed: bool = False) -> tuple[dict[str, bytes], float]:
    """The files of an uninterrupted build of ``n`` documents, and how long it took."""
    project = tmp_path / "reference"
    make_corpus(project, n, printed=printed)
    t = time.monotonic()
    done = start_build(project)
    assert done.wait() == 0, done.stderr.read().decode() if done.stderr else ""
    return files_of(project), time.monotonic() - t


def kill_and_resume(project: Path, reference: dict[str, bytes], full: float,
                    moments: tuple[float, ...], *, from_scratch: bool = False) -> None:
    """Kill a --clean build at each moment (a fraction of a full build's time), check that
    no file is half-written, and that the next build gives exactly the reference files."""
    for i, when in enumerate(moments):
        if from_scratch:  # a whole build's work each time
            for f in (project / "tei").glob("doc*.xml"):
                f.unlink()
        proc = start_build(project, "--clean")
        time.sleep(when * full)
        if i % 2:  # Ctrl-C reaches the whole process group
            os.killpg(proc.pid, signal.SIGINT)
        else:  # kill -9 reaches the build alone: its workers must die with it
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        wait_group_gone(proc.pid)
        check_nothing_half_written(project, reference)
        after = start_build(project)
        assert after.wait() == 0, after.stderr.read().decode() if after.stderr else ""
        assert files_of(project) == reference, f"after the kill at {when:.0%} of a build"


@pytest.mark.slow
def test_a_killed_build_leaves_nothing_half_written_and_the_next_completes(tmp_path: Path) -> None:
    reference, full = reference_build(tmp_path, 160)
    assert any(n.startswith("output/html/pagefind/") for n in reference)
    project = tmp_path / "edition"
    make_corpus(project, 160)
    kill_and_resume(project, reference, full, (0.1, 0.25, 0.4, 0.55, 0.7, 0.85), from_scratch=True)


@pytest.mark.slow
def test_a_build_killed_while_printing_or_packaging_leaves_whole_files(tmp_path: Path) -> None:
    """As above, with the print edition and the package: PDFs, the volume and the package
    are each either their old or their new selves, and the next build completes them."""
    reference, full = reference_build(tmp_path, 12, printed=True)
    assert "output/pdf/volume.pdf" in reference and "output/package/cmif.xml" in reference
    project = tmp_path / "edition"
    make_corpus(project, 12, printed=True)
    kill_and_resume(project, reference, full, (0.45, 0.7, 0.9))  # in the PDFs, the volume, the end


def _sigint_handler(_: object) -> bool:
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_workers_leave_ctrl_c_to_the_build() -> None:
    """Ctrl-C reaches the whole process group; a pool worker interrupted while holding the
    result queue's lock would leave the build waiting forever, so workers ignore it."""
    from concurrent.futures import ProcessPoolExecutor

    from teikit.lifeline import worker_init

    with ProcessPoolExecutor(2, initializer=worker_init, initargs=(lambda: None,)) as pool:
        assert all(pool.map(_sigint_handler, range(4)))
