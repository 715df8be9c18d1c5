"""The edition's settings, read from ``teikit.toml`` and checked on load.

Every setting has a default, so a project without a settings file still
builds; a setting that is present but wrong stops the run with a message that
names the file, the line and the setting. The tables and their settings are
listed in ``TABLES`` (docs/build.md documents each one, and a test checks
that they agree).
"""

from __future__ import annotations

import codecs
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from teikit.errors import TeikitError

SETTINGS_FILE = "teikit.toml"
_ORCID = re.compile(r"^(https://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")

#: table -> its settings. An unknown table or setting is refused, so a typo
#: never silently falls back to a default.
TABLES: dict[str, tuple[str, ...]] = {
    "edition": ("title", "editors", "publisher", "licence", "base_url", "languages",
                "introduction"),
    "convert": ("profile", "encoding"),
    "paths": ("texts", "tei", "output"),
    "build": ("jobs", "search", "search_shards", "pdf", "volume", "package"),
}


class SettingsError(TeikitError):
    """A settings file that cannot be read or holds a wrong value."""


@dataclass(frozen=True)
class Editor:
    name: str
    orcid: str = ""


@dataclass(frozen=True)
class Paths:
    """Where the project's folders are (``[paths]``), relative to the settings file."""

    texts: str = "texts"
    tei: str = "tei"
    output: str = "output"


@dataclass(frozen=True)
class Settings:
    """What the edition says about itself (``[edition]``) and how it is built."""

    title: str = "teikit edition"
    editors: tuple[Editor, ...] = ()
    publisher: str = ""
    licence: str = ""
    base_url: str = ""
    introduction: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    #: ``[convert]``: the convention profile (a name or a .toml file) and the
    #: sources' encoding ("" = detect each file's)
    profile: str = "default"
    encoding: str = ""
    paths: Paths = field(default_factory=Paths)
    #: ``[build]``: processes (0 = one per core), whether the site has search,
    #: and which of the print edition and the deposit package ``teikit build`` makes
    jobs: int = 0
    search: bool = True
    #: pagefind bundles the index is split into: 1 (one index), 0 (one per ~300
    #: documents: a change re-indexes one), or a power of two
    search_shards: int = 1
    pdf: bool = True
    volume: bool = True
    package: bool = True
    source: Path | None = field(default=None, compare=False)

    def stylesheet_params(self) -> dict[str, Any]:
        """The parameters of params.xsl that come from the settings, shared by the
        site's and the print edition's stylesheets; ``build-date`` is TEIKIT_DATE
        (as for conversion: one day for reproducible builds), else today."""
        return {
            "edition-title": self.title,
            "edition-editors": self.editor_names,
            "edition-publisher": self.publisher,
            "edition-licence": self.licence,
            "base-url": self.base_url,
            "introduction": list(self.introduction),
            "build-date": os.environ.get("TEIKIT_DATE") or date.today().isoformat(),
        }

    @property
    def editor_names(self) -> str:
        return "; ".join(e.name for e in self.editors)

    @property
    def folder(self) -> Path:
        """The folder relative paths are read from: the settings file's."""
        return self.source.parent if self.source is not None else Path(".")


def _line_of(text: str, key: str, table: str = "") -> int:
    """The line of ``key = `` inside ``[table]`` (else anywhere), 0 when absent."""
    start, end = 0, len(text)
    if table:
        head = re.search(rf"^\s*\[\s*{re.escape(table)}\s*\]", text, re.M)
        if head:
            start = head.end()
            nxt = re.compile(r"^\s*\[", re.M).search(text, start)
            end = nxt.start() if nxt else end
    m = re.compile(rf"^\s*{re.escape(key)}\s*=", re.M).search(text, start, end)
    if not m and table:
        return _line_of(text, key)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _table_line(text: str, table: str) -> int:
    """The line of ``[table]`` (or ``table = ``), 0 when absent."""
    m = re.search(rf"^\s*\[\s*{re.escape(table)}\s*\]", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else _line_of(text, table)


class _Reader:
    """One table of one file: typed getters that fail with the file, line and setting."""

    def __init__(self, data: dict[str, Any], table: str, path: Path, text: str) -> None:
        self.path, self.text, self.table = path, text, table
        value = data.get(table, {})
        if not isinstance(value, dict):
            raise SettingsError(f"{path}:{_table_line(text, table)}:1: error[TK011] {table} must "
                                f"be a table: [{table}]")
        self.values: dict[str, Any] = value
        for key in value:
            if key not in TABLES[table]:
                raise self.fail(key, "unknown setting; the settings of "
                                f"[{table}] are {', '.join(TABLES[table])}")

    def fail(self, key: str, message: str) -> SettingsError:
        line = _line_of(self.text, key, self.table)
        return SettingsError(f"{self.path}:{line}:1: error[TK011] {self.table}.{key}: {message}")

    def string(self, key: str, default: str) -> str:
        value = self.values.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a text in quotes, not {type(value).__name__}")
        return value.strip()

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false (without quotes)")
        return value

    def count(self, key: str, default: int) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "must be a whole number, 0 or more (0: one per core)")
        return value


def _shards(r: _Reader) -> int:
    value = r.values.get("search_shards", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value & (value - 1):
        raise r.fail("search_shards", "must be 1 (one index), 0 (one shard per ~300 documents) "
                     "or a power of two")
    return value


def _editors(r: _Reader) -> tuple[Editor, ...]:
    value = r.values.get("editors", [])
    if not isinstance(value, list):
        raise r.fail("editors", 'must be a list, e.g. [{ name = "A. Editor" }]')
    editors = []
    for i, e in enumerate(value, 1):
        if isinstance(e, str):
            e = {"name": e}
        if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not e["name"].strip():
            raise r.fail("editors", f"editor {i} needs a name")
        orcid = str(e.get("orcid", "")).strip()
        if orcid and not _ORCID.match(orcid):
            raise r.fail("editors", f"editor {i}: {orcid!r} is not an ORCID iD (0000-0002-1825-0097)")
        editors.append(Editor(e["name"].strip(), orcid))
    return tuple(editors)


def _paragraphs(r: _Reader) -> tuple[str, ...]:
    value = r.values.get("introduction", "")
    if isinstance(value, str):
        return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", value) if p.strip())
    raise r.fail("introduction", "must be a text (paragraphs separated by a blank line)")


def _base_url(r: _Reader) -> str:
    base_url = r.string("base_url", "")
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        raise r.fail("base_url", "must start with https:// (the site's public address)")
    return base_url + "/" if base_url and not base_url.endswith("/") else base_url


def _languages(r: _Reader) -> tuple[str, ...]:
    languages = r.values.get("languages", ["en"])
    if not (isinstance(languages, list) and all(isinstance(x, str) for x in languages)):
        raise r.fail("languages", 'must be a list of language tags, e.g. ["en", "ru"]')
    bad = [x for x in languages if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", x)]
    if bad:
        raise r.fail("languages", f"{bad[0]!r} is not a language tag (e.g. \"en\", \"ru\", \"de-CH\")")
    return tuple(languages)


def _profile(r: _Reader) -> str:
    name = r.string("profile", "default") or "default"
    if name.endswith(".toml"):
        if not (r.path.parent / name).is_file():
            raise r.fail("profile", f"no profile file {name} (relative to {r.path.parent})")
        return name
    from teikit.rules import get_profile  # the registry of rules, only when a name is given

    try:
        get_profile(name)
    except TeikitError as e:
        raise r.fail("profile", str(e)) from None
    return name


def _encoding(r: _Reader) -> str:
    name = r.string("encoding", "")
    if name:
        try:
            codecs.lookup(name)
        except LookupError:
            raise r.fail("encoding", f"{name!r} is not an encoding Python knows (e.g. utf-8, "
                         "cp1251, cp1252); leave it empty to detect each file's") from None
    return name


def _paths(r: _Reader) -> Paths:
    got = {k: r.string(k, getattr(Paths, k)) for k in TABLES["paths"]}
    for k, v in got.items():
        if not v:
            raise r.fail(k, "must name a folder")
    where = {k: _normal(r.path.parent, v) for k, v in got.items()}
    if where["texts"] == where["tei"]:
        raise r.fail("tei", "must be another folder than texts: sources and TEI are kept apart")
    out = where["output"]
    if out == _normal(r.path.parent, "."):
        raise r.fail("output", "must be a folder of its own, not the project's folder: "
                     "`teikit build --clean` empties what teikit made in it")
    for k in ("texts", "tei"):
        if out == where[k] or _inside(where[k], out) or _inside(out, where[k]):
            raise r.fail("output", f"must be apart from {k} ({got[k]}): the build's output is "
                         "made again at will, the edition's files are not")
    return Paths(**got)


def _normal(base: Path, value: str) -> PurePath:
    """A folder's place, without touching the disk (``..`` and ``.`` resolved in the text)."""
    p = Path(value) if Path(value).is_absolute() else Path(base.absolute(), value)
    parts: list[str] = []
    for part in p.parts:
        if part == "..":
            if len(parts) > 1:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePath(*parts)


def _inside(inner: PurePath, outer: PurePath) -> bool:
    return inner != outer and inner.is_relative_to(outer)


def parse_settings(text: str, path: Path = Path(SETTINGS_FILE)) -> Settings:
    """Settings from the text of a settings file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path}: error[TK011] not a valid TOML file: {e}") from None
    for table in data:
        if table not in TABLES:
            raise SettingsError(
                f"{path}:{_table_line(text, table)}:1: error[TK011] {table}: unknown table; the "
                f"tables are {', '.join(f'[{t}]' for t in TABLES)}")
    edition, convert, paths, build = (_Reader(data, t, path, text) for t in TABLES)
    return Settings(
        title=edition.string("title", Settings.title) or Settings.title,
        editors=_editors(edition),
        publisher=edition.string("publisher", ""),
        licence=edition.string("licence", ""),
        base_url=_base_url(edition),
        introduction=_paragraphs(edition),
        languages=_languages(edition),
        profile=_profile(convert),
        encoding=_encoding(convert),
        paths=_paths(paths),
        jobs=build.count("jobs", 0),
        search=build.boolean("search", True),
        search_shards=_shards(build),
        pdf=build.boolean("pdf", True),
        volume=build.boolean("volume", True),
        package=build.boolean("package", True),
        source=path,
    )


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from ``path``, or from ./teikit.toml if there is one, else the defaults."""
    p = Path(path) if path else Path(SETTINGS_FILE)
    if not p.is_file():
        if path:
            raise SettingsError(f"{p}: error[TK011] no such settings file")
        return Settings()
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"{p}: error[TK011] cannot read the settings file: {e}") from None
    return parse_settings(text, p)
