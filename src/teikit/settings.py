"""The edition's settings, read from ``teikit.toml`` and checked on load.

Every setting has a default, so a project without a settings file still
builds; a setting that is present but wrong stops the run with a message that
names the file, the line and the setting.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teikit.errors import TeikitError

SETTINGS_FILE = "teikit.toml"
_ORCID = re.compile(r"^(https://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


class SettingsError(TeikitError):
    """A settings file that cannot be read or holds a wrong value."""


@dataclass(frozen=True)
class Editor:
    name: str
    orcid: str = ""


@dataclass(frozen=True)
class Settings:
    """What the edition says about itself (the ``[edition]`` table)."""

    title: str = "teikit edition"
    editors: tuple[Editor, ...] = ()
    publisher: str = ""
    licence: str = ""
    base_url: str = ""
    introduction: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    source: Path | None = field(default=None, compare=False)

    @property
    def editor_names(self) -> str:
        return "; ".join(e.name for e in self.editors)


def _line_of(text: str, key: str) -> int:
    m = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _fail(path: Path, text: str, key: str, message: str) -> SettingsError:
    return SettingsError(f"{path}:{_line_of(text, key)}:1: error[TK011] edition.{key}: {message}")


def _string(table: dict[str, Any], key: str, path: Path, text: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise _fail(path, text, key, f"must be a text in quotes, not {type(value).__name__}")
    return value.strip()


def _editors(value: Any, path: Path, text: str) -> tuple[Editor, ...]:
    if not isinstance(value, list):
        raise _fail(path, text, "editors", 'must be a list, e.g. [{ name = "A. Editor" }]')
    editors = []
    for i, e in enumerate(value, 1):
        if isinstance(e, str):
            e = {"name": e}
        if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not e["name"].strip():
            raise _fail(path, text, "editors", f"editor {i} needs a name")
        orcid = str(e.get("orcid", "")).strip()
        if orcid and not _ORCID.match(orcid):
            raise _fail(path, text, "editors",
                        f"editor {i}: {orcid!r} is not an ORCID iD (0000-0002-1825-0097)")
        editors.append(Editor(e["name"].strip(), orcid))
    return tuple(editors)


def _paragraphs(value: Any, path: Path, text: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", value) if p.strip())
    raise _fail(path, text, "introduction", "must be a text (paragraphs separated by a blank line)")


def parse_settings(text: str, path: Path = Path(SETTINGS_FILE)) -> Settings:
    """Settings from the text of a settings file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path}: error[TK011] not a valid TOML file: {e}") from None
    table = data.get("edition", {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}:{_line_of(text, 'edition')}:1: error[TK011] "
                            "edition must be a table: [edition]")
    known = {"title", "editors", "publisher", "licence", "base_url", "introduction", "languages"}
    for key in table:
        if key not in known:
            raise _fail(path, text, key, f"unknown setting; the settings are {', '.join(sorted(known))}")
    base_url = _string(table, "base_url", path, text, "")
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        raise _fail(path, text, "base_url", "must start with https:// (the site's public address)")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    languages = table.get("languages", ["en"])
    if not (isinstance(languages, list) and all(isinstance(x, str) for x in languages)):
        raise _fail(path, text, "languages", 'must be a list of language tags, e.g. ["en", "ru"]')
    return Settings(
        title=_string(table, "title", path, text, Settings.title) or Settings.title,
        editors=_editors(table.get("editors", []), path, text),
        publisher=_string(table, "publisher", path, text, ""),
        licence=_string(table, "licence", path, text, ""),
        base_url=base_url,
        introduction=_paragraphs(table.get("introduction", ""), path, text),
        languages=tuple(languages),
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
