"""The search index in shards: only the shards whose pages changed are indexed again,
a new shard count replaces every bundle, and a stopped indexing leaves a working index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from teikit import search, search_shards
from teikit.search import MANIFEST, SEARCH_DIR, SHARDS_DIR, build_search_index, start_pagefind
from teikit.search_shards import shard_count, shard_of
from teikit.state import TEMPORARY

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Document {n}</title></head>
<body><nav>navigation words</nav><article data-pagefind-body>
<h1>Document {n}</h1><p>Telegram about word{n} and the {topic} question.</p>
</article></body></html>
"""


def write_pages(site: Path, numbers: range, topic: str = "Korean") -> None:
    (site / "documents").mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (site / "documents" / f"doc{n:04d}.html").write_text(PAGE.format(n=n, topic=topic),
                                                             encoding="utf-8")


def doc_ids(site: Path) -> list[str]:
    return sorted(p.stem for p in (site / "documents").glob("*.html"))


def listing(site: Path) -> dict:
    return json.loads((site / SEARCH_DIR / MANIFEST).read_bytes())


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def bundle_of(site: Path, doc_id: str) -> str:
    """The listed bundle that holds a document."""
    count = listing(site)["count"]
    number = shard_of(doc_id, count)
    [bundle] = [b for b in listing(site)["bundles"] if b.startswith(f"{SHARDS_DIR}/{number:02d}-")]
    return bundle.rstrip("/")


def assert_working(site: Path) -> int:
    """The index the search page would load is whole: every bundle it lists complete, the
    first with pagefind's code, the search box there. Returns the pages it holds."""
    target = site / SEARCH_DIR
    found = listing(site)
    pages = 0
    for i, bundle in enumerate(found["bundles"]):
        entry = json.loads((target / bundle / "pagefind-entry.json").read_bytes())
        for language in entry["languages"].values():
            assert (target / bundle / f"pagefind.{language['hash']}.pf_meta").is_file()
            pages += language["page_count"]
        assert list((target / bundle / "index").glob("*.pf_index")), bundle
        assert (target / bundle / "pagefind.js").is_file() == (i == 0), "the first bundle only has code"
    for name in search.UI_FILES:
        assert (target / name).is_file()
    return pages


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write_pages(site, range(48))
    assert build_search_index(site, count=4) == []
    return site


# --------------------------------------------------------------------------- shards


def test_shard_count_keeps_shards_of_a_few_hundred_documents() -> None:
    size = search_shards.SHARD_SIZE
    assert shard_count(0) == shard_count(1) == shard_count(size) == 1
    assert shard_count(size + 1) == 2
    for n in (3_000, 10_000, 100_000):
        count = shard_count(n)
        assert count & (count - 1) == 0 and size / 2 < n / count <= size


def test_shard_count_changes_only_when_the_edition_grows_or_shrinks_a_lot() -> None:
    size = search_shards.SHARD_SIZE
    assert shard_count(10_000) == 32  # 312 a shard
    assert shard_count(15_000, current=32) == 32 and shard_count(4_000, current=32) == 32
    assert shard_count(int(1.5 * size * 32) + 1, current=32) == 64  # shards of more than 1.5 x size
    assert shard_count(size * 32 // 4 - 1, current=32) == 8  # less than a quarter
    assert shard_count(size + size // 2, current=1) == 1
    assert shard_count(size + size // 2 + 1, current=1) == 2
    assert shard_count(10_000, current=24) == 32  # not a power of two: chosen afresh


def test_a_documents_shard_is_a_hash_of_its_name() -> None:
    ids = [f"doc{n:05d}" for n in range(10_000)]
    sizes = [0] * 32
    for i in ids:
        sizes[shard_of(i, 32)] += 1
    assert shard_of("doc00001", 32) == shard_of("doc00001", 32)
    assert min(sizes) > 250 and max(sizes) < 380  # about 312 each
    # when the count doubles, a document goes to its shard or the one 32 further on
    assert all(shard_of(i, 64) % 32 == shard_of(i, 32) for i in ids[:500])


def test_each_bundle_indexes_its_shards_pages_and_the_first_has_the_code(site: Path) -> None:
    found = listing(site)
    assert found["count"] == 4 and len(found["bundles"]) == 4
    assert assert_working(site) == 48
    for bundle in found["bundles"]:
        number = int(bundle.split("/")[1].split("-")[0])
        entry = json.loads((site / SEARCH_DIR / bundle / "pagefind-entry.json").read_bytes())
        expected = sum(shard_of(i, 4) == number for i in doc_ids(site))
        assert entry["languages"]["en"]["page_count"] == expected
    assert sorted(os.listdir(site / SEARCH_DIR)) == sorted([*search.UI_FILES, MANIFEST, SHARDS_DIR])
    assert not [p for p in site.iterdir() if p.name.startswith(".")]


def test_nothing_changed_indexes_nothing_and_touches_nothing(site: Path) -> None:
    before = snapshot(site)
    indexing = start_pagefind(site, count=4)
    assert indexing.current and not indexing.running
    assert search.finish_pagefind(indexing) == [] and snapshot(site) == before


def test_one_changed_page_reindexes_only_its_shard(site: Path) -> None:
    changed = "doc0007"
    old_bundle = bundle_of(site, changed)
    before = snapshot(site / SEARCH_DIR)
    page = site / "documents" / f"{changed}.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Korean", "Koryo"), encoding="utf-8")
    indexing = start_pagefind(site, count=4)
    assert len(indexing.running) == 1 and not indexing.waiting
    shard, _ = indexing.running[0]
    number = shard_of(changed, 4)
    assert shard.pages == tuple(i for i in doc_ids(site) if shard_of(i, 4) == number)
    assert search.finish_pagefind(indexing) == []
    new_bundle = bundle_of(site, changed)
    assert new_bundle != old_bundle and indexing.made == [new_bundle.split("/")[1]]
    assert indexing.removed == [old_bundle]
    after = snapshot(site / SEARCH_DIR)
    changed_files = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed_files == {MANIFEST} | {k for k in changed_files
                                          if k.startswith((old_bundle + "/", new_bundle + "/"))}
    assert any(k.startswith(new_bundle + "/") for k in changed_files)
    # the other bundles' files are untouched: same bytes, same times
    for name, (mtime, data) in before.items():
        if not name.startswith(old_bundle + "/") and name != MANIFEST:
            assert after[name] == (mtime, data), name
    assert assert_working(site) == 48


def test_a_new_shard_count_replaces_every_bundle(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = set(listing(site)["bundles"])
    write_pages(site, range(48, 100))
    monkeypatch.setattr(search_shards, "SHARD_SIZE", 12)  # 4 shards of 25 > 2 x 12: 16 shards of 6
    assert search.build_search_index(site, count=0) == []  # 0: the count chosen from the size
    found = listing(site)
    assert found["count"] == 16 and not old & set(found["bundles"])
    assert len(found["bundles"]) == len({shard_of(i, 16) for i in doc_ids(site)})
    assert sorted(os.listdir(site / SEARCH_DIR / SHARDS_DIR)) == sorted(
        b.split("/")[1] for b in found["bundles"])  # the stale bundles are gone
    assert assert_working(site) == 100
    # a few documents more or less keep the count: one bundle made again
    (site / "documents" / "doc0099.html").unlink()
    indexing = start_pagefind(site, count=0)
    assert indexing.count == 16 and len(indexing.running) == 1
    assert search.finish_pagefind(indexing) == [] and assert_working(site) == 99


def test_results_are_the_same_pages_as_one_index(tmp_path: Path) -> None:
    one, four = tmp_path / "one", tmp_path / "four"
    for s, count in ((one, 1), (four, 4)):
        write_pages(s, range(30))
        assert build_search_index(s, count=count) == []
    assert assert_working(one) == assert_working(four) == 30
    assert len(listing(one)["bundles"]) == 1
    for name in search.UI_FILES:
        assert (one / SEARCH_DIR / name).read_bytes() == (four / SEARCH_DIR / name).read_bytes()


def test_an_index_of_the_old_layout_is_replaced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_pages(site, range(5))
    (site / SEARCH_DIR / "index").mkdir(parents=True)
    (site / SEARCH_DIR / "index" / "en_1.pf_index").write_bytes(b"old")
    (site / SEARCH_DIR / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    indexing = start_pagefind(site)
    assert search.finish_pagefind(indexing) == []
    assert sorted(indexing.removed) == ["index", "pagefind-entry.json"]
    assert assert_working(site) == 5


def test_no_document_page_no_index(site: Path) -> None:
    for p in (site / "documents").glob("*.html"):
        p.unlink()
    assert build_search_index(site) == [] and not (site / SEARCH_DIR).exists()


def test_a_failed_indexing_is_a_diagnostic_and_keeps_the_index(site: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(site / SEARCH_DIR)
    write_pages(site, range(3), topic="Chinese")
    failing = [sys.executable, "-c", "import sys; sys.exit('no such luck')"]
    monkeypatch.setattr(search, "_pagefind", lambda: failing)
    found = build_search_index(site, count=4)
    assert [d.code for d in found] == ["TK306"] and "no such luck" in found[0].message
    assert snapshot(site / SEARCH_DIR) == before
    assert not [p for p in site.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- stopped


class Stop(BaseException):
    """A build stopped at one point (as by kill -9: nothing after it runs)."""


@pytest.mark.parametrize(("module", "where"), [(search, "_keep_made"), (search_shards, "write_listing"),
                                               (search_shards, "remove_strays")])
def test_an_indexing_stopped_at_each_step_leaves_a_working_index_and_the_next_completes(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, where: str) -> None:
    """Stopped before the new bundles are in shards/, before the list is replaced, before
    the bundles it no longer lists are removed: the old index or the new, whole."""
    reference = tmp_path / "reference"
    write_pages(reference, range(48))
    for s in (site, reference):
        write_pages(s, range(48, 80), topic="Chinese")
    assert build_search_index(reference, count=8) == []
    real = getattr(module, where)

    def stop(*args: object) -> None:
        raise Stop

    monkeypatch.setattr(module, where, stop)
    with pytest.raises(Stop):
        build_search_index(site, count=8)
    assert assert_working(site) == (80 if where == "remove_strays" else 48)
    monkeypatch.setattr(module, where, real)
    indexing = start_pagefind(site, count=8)
    assert not indexing.running or where == "_keep_made"  # bundles in shards/ are taken up
    assert search.finish_pagefind(indexing) == []
    assert snapshot_bytes(site / SEARCH_DIR) == snapshot_bytes(reference / SEARCH_DIR)
    assert not [p for p in site.iterdir() if p.name.startswith(".")]


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {k: v[1] for k, v in snapshot(folder).items()}


INDEX = ("import sys\nfrom teikit.search import build_search_index\n"
         "sys.exit(bool(build_search_index(sys.argv[1], count=int(sys.argv[2]), jobs=1)))\n")


@pytest.mark.slow
def test_a_killed_indexing_leaves_a_working_index_and_the_next_completes(tmp_path: Path) -> None:
    from test_build import wait_group_gone

    reference = tmp_path / "reference"
    write_pages(reference, range(600))
    t = time.monotonic()
    assert subprocess.run([sys.executable, "-c", INDEX, str(reference), "16"]).returncode == 0
    full = time.monotonic() - t
    expected = snapshot_bytes(reference / SEARCH_DIR)
    site = tmp_path / "site"
    for when in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97):
        if (site / "documents").exists():
            for p in (site / "documents").glob("*.html"):
                p.unlink()
        write_pages(site, range(400), topic="Chinese")  # the old index: 400 pages, 4 shards
        assert build_search_index(site, count=4) == []
        write_pages(site, range(600))  # every page changed, and a new count: every bundle made again
        proc = subprocess.Popen([sys.executable, "-c", INDEX, str(site), "16"], start_new_session=True)
        time.sleep(when * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # its pagefind processes die with it (PR_SET_PDEATHSIG), but a moment later: one still
        # writing could put back the folder the next indexing sweeps away
        wait_group_gone(proc.pid)
        pages = assert_working(site)
        assert pages in (400, 600), f"killed at {when:.0%}: {pages} pages"
        leftovers = [p for p in site.iterdir() if p.name.startswith(".")]
        assert all(TEMPORARY.match(p.name) for p in leftovers), leftovers
        assert build_search_index(site, count=16) == []
        assert snapshot_bytes(site / SEARCH_DIR) == expected, f"after the kill at {when:.0%}"
        assert not [p for p in site.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- teikit build


def test_build_indexes_again_only_the_shard_of_a_changed_source(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from test_build import build_json, sample_project, stage, switch

    project = sample_project(tmp_path / "edition")
    switch(project, pdf=False, volume=False, package=False)
    settings = project / "teikit.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("search_shards = 1", "search_shards = 0"), encoding="utf-8")
    monkeypatch.setattr(search_shards, "SHARD_SIZE", 2)  # the sample's 5 documents in 4 shards
    first = build_json(project)
    site = project / "output" / "html"
    assert first["ok"] and listing(site)["count"] == 4
    assert len(stage(first, "search")["done"]) == len(listing(site)["bundles"]) == 3
    assert assert_working(site) == 5
    changed = "003_bc18ef6dd29c6293"  # in a shard of its own, not the first
    old_bundle = bundle_of(site, changed)
    before = snapshot(site / SEARCH_DIR)
    src = project / "texts" / f"{changed}.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("enemy lines", "enemy's lines"), encoding="utf-8")
    report = build_json(project)
    new_bundle = bundle_of(site, changed)
    assert stage(report, "html")["done"] == [f"tei/{changed}.xml"]
    assert stage(report, "search")["done"] == [f"output/html/{SEARCH_DIR}/{new_bundle}"]
    assert stage(report, "search")["up_to_date"] == 2
    assert stage(report, "search")["removed"] == [f"output/html/{SEARCH_DIR}/{old_bundle}"]
    after = snapshot(site / SEARCH_DIR)
    assert {k: v for k, v in after.items() if not k.startswith(new_bundle) and k != MANIFEST} == {
        k: v for k, v in before.items() if not k.startswith(old_bundle) and k != MANIFEST}
    assert assert_working(site) == 5
    assert [s["status"] for s in build_json(project)["stages"]] == ["up to date"] * 7


def test_teikit_html_reads_the_shard_setting(tmp_path: Path) -> None:
    from dataclasses import replace

    from teikit.settings import Settings
    from teikit.web import build_html

    one = build_html([ROOT / "tei"], tmp_path / "one", Settings(), jobs=1)
    two = build_html([ROOT / "tei"], tmp_path / "two", replace(Settings(), search_shards=2), jobs=1)
    assert not [d for d in one.diagnostics + two.diagnostics if d.severity == "error"]
    assert listing(tmp_path / "one")["count"] == 1 and len(listing(tmp_path / "one")["bundles"]) == 1
    assert listing(tmp_path / "two")["count"] == 2 and len(listing(tmp_path / "two")["bundles"]) == 2
