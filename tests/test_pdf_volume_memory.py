"""The volume's parent process runs no Saxon: Saxon/C's heap grows with every transform and is
collected on the native image's own schedule, so the transforms run in a process of their own
(``pdf_parts.Apart``), made anew every few chunks and for the front matter and the index.
These tests check where the transforms run, that making their process anew changes nothing
in the volume, and that the process answers, fails and ends as the parent expects.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from teikit.pdf_parts import Apart
from test_pdf import PERSONS, PLACES, SETTINGS, document, links_and_outline, page_texts

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"


def small_edition(folder: Path, n: int) -> Path:
    folder.mkdir()
    (folder / "persons.xml").write_text(PERSONS, encoding="utf-8")
    (folder / "places.xml").write_text(PLACES, encoding="utf-8")
    for d in range(n):
        (folder / f"d{d}.xml").write_text(document(f"D{d}", f"Document {d}", f"1950-0{d + 1}-01", 6),
                                          encoding="utf-8")
    return folder


# In a fresh interpreter, so that no earlier test has started Saxon in the process: a chunk a
# document, a new transform process for every chunk, and a count of the processes made.
IN_PROCESSES = """
import json, sys
from pathlib import Path
from teikit import pdf_parts, pdf_volume, xslt
from teikit.pdf import build_pdfs

pdf_volume.CHUNK_DOCS = 1
pdf_volume.TRANSFORM_CHUNKS = 1
opened = []
real_open = pdf_parts.Apart._open
def counting(self):
    opened.append(1)
    real_open(self)
pdf_parts.Apart._open = counting
report = build_pdfs([Path(sys.argv[1])], Path(sys.argv[2]), documents=False, volume=True, jobs=2)
print(json.dumps({"errors": [str(d) for d in report.errors], "made": report.volume is not None,
                  "saxon_in_parent": xslt.started(), "transform_processes": len(opened)}))
"""


def test_the_parent_runs_no_saxon_and_a_new_transform_process_changes_nothing(tmp_path: Path) -> None:
    from teikit.pdf import build_pdfs

    edition = small_edition(tmp_path / "tei", 3)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", IN_PROCESSES, str(edition), str(tmp_path / "apart")],
                         capture_output=True, text=True, env=env, check=True)
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["errors"] == [] and got["made"], got
    assert not got["saxon_in_parent"]
    # one for the first chunk, one for each later chunk, one for the front matter and the index
    assert got["transform_processes"] == 4
    whole = build_pdfs([edition], tmp_path / "here", documents=False, volume=True, jobs=1)
    assert not whole.errors, whole.errors
    a, b = tmp_path / "here" / "volume.pdf", tmp_path / "apart" / "volume.pdf"
    assert page_texts(a) == page_texts(b)
    assert links_and_outline(a) == links_and_outline(b)


def test_the_transform_process_is_spawned_when_this_process_has_started_saxon(tmp_path: Path) -> None:
    """Saxon's native image does not survive a fork: a process that has run a transform spawns
    the transform process rather than forking it."""
    from teikit import xslt
    from teikit.pdf import _Job, _start
    from teikit.pdf_volume import VolumeSheet, _read
    from teikit.printing import static_params

    edition = small_edition(tmp_path / "tei", 2)
    job = _Job((str(edition / "persons.xml"), str(edition / "places.xml")), static_params(SETTINGS),
               str(tmp_path))
    _start(job)
    assert xslt.started()
    read = _read(sorted(str(p) for p in edition.glob("d*.xml")), [], [])
    assert read is not None
    apart = Apart(VolumeSheet, job, read.summaries, str(tmp_path / "volume.pdf"))
    try:
        assert type(apart.proc).__name__ == "SpawnProcess"
        order, found = apart.call("order")
        assert order == ["d0", "d1"] and found == []
        html, _found = apart.call("chunk", [read.paths["d0"]], ["d0"], 1)
        assert "Document 0" in html
    finally:
        apart.close()
    assert not multiprocessing.active_children()


class Counter:
    """An object to keep in a process of its own."""

    process_name = "test"

    def __init__(self, start: int) -> None:
        if start < 0:
            raise ValueError("no negative start")
        self.n = start

    def add(self, k: int) -> tuple[int, int]:
        self.n += k
        return self.n, os.getpid()

    def fail(self) -> None:
        raise KeyError("nothing here")

    def stop(self) -> None:
        raise RuntimeError("the transform of the volume's print-main failed")


def test_an_object_apart_answers_fails_and_is_made_anew() -> None:
    apart = Apart(Counter, 5)
    try:
        n, pid = apart.call("add", 2)
        assert n == 7 and pid != os.getpid()
        with pytest.raises(RuntimeError, match=r"^KeyError: 'nothing here'$"):
            apart.call("fail")
        with pytest.raises(RuntimeError, match=r"^the transform of the volume's print-main failed$"):
            apart.call("stop")
        assert apart.call("add", 1)[0] == 8  # still there after a failure
        apart.renew()
        n, new_pid = apart.call("add", 0)
        assert n == 5 and new_pid != pid  # made again, in a new process
    finally:
        apart.close()
    assert not multiprocessing.active_children()


def test_an_object_that_cannot_be_made_apart_fails_its_first_call() -> None:
    apart = Apart(Counter, -1)
    try:
        with pytest.raises(RuntimeError, match="ValueError: no negative start"):
            apart.call("add", 1)
    finally:
        apart.close()
    assert not multiprocessing.active_children()


def test_a_document_gone_before_its_transform_leaves_no_volume_and_no_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The transform process reads a chunk's documents again: one removed after the parent read
    it fails the volume (TK403, naming it), and every process ends."""
    from teikit import pdf_volume
    from teikit.pdf import build_pdfs

    edition = small_edition(tmp_path / "tei", 3)
    read = pdf_volume._read

    def read_then_remove(docs, regs, diagnostics):
        found = read(docs, regs, diagnostics)
        (edition / "d1.xml").unlink()
        return found

    monkeypatch.setattr(pdf_volume, "CHUNK_DOCS", 1)
    monkeypatch.setattr(pdf_volume, "_read", read_then_remove)
    out = tmp_path / "out"
    report = build_pdfs([edition], out, SETTINGS, documents=False, volume=True, jobs=2)
    assert [d.code for d in report.errors] == ["TK403"], report.errors
    assert "d1.xml" in report.errors[0].message
    assert report.volume is None and (not out.exists() or list(out.iterdir()) == [])
    assert not multiprocessing.active_children()
