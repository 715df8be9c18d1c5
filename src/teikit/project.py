"""An editor's project: a folder with ``teikit.toml``, ``texts/``, ``tei/`` and ``output/``.

``init_project`` makes one; ``load_project`` finds its settings and folders.
The folders can be moved with the ``[paths]`` table of the settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from teikit.errors import TeikitError
from teikit.settings import SETTINGS_FILE, Settings, load_settings

INIT_TEMPLATES = files("teikit") / "data" / "init"
REGISTER_FILES = ("persons.xml", "places.xml")
GITIGNORE = "# made by `teikit build`; it can always be made again\n/{output}/\n"


class ProjectError(TeikitError):
    """No project where one was expected, or one where none should be."""


@dataclass(frozen=True)
class Project:
    """Where everything of one edition is, with its settings."""

    root: Path
    settings: Settings

    def _at(self, value: str) -> Path:
        return Path(value) if Path(value).is_absolute() else self.root / value

    @property
    def texts(self) -> Path:
        return self._at(self.settings.paths.texts)

    @property
    def tei(self) -> Path:
        return self._at(self.settings.paths.tei)

    @property
    def output(self) -> Path:
        return self._at(self.settings.paths.output)

    @property
    def html(self) -> Path:
        """The static site."""
        return self.output / "html"

    @property
    def pdf(self) -> Path:
        """One ``<document>.pdf`` per document, linked from the site when present."""
        return self.output / "pdf"

    @property
    def reports(self) -> Path:
        """Each source's conversion report, ``<name>.json``, to review."""
        return self.output / "reports"

    @property
    def state_dir(self) -> Path:
        """The build's memory of what it made (removed by ``--clean``)."""
        return self.output / ".teikit"

    @property
    def profile(self) -> str:
        """The convention profile: a built-in name, or the path of a profile file."""
        p = self.settings.profile
        return str(self._at(p)) if p.endswith(".toml") else p

    def relative(self, path: str | Path) -> str:
        """A path as the editor sees it: relative to the project when inside it."""
        full, root = os.path.abspath(path), self._root
        if full.startswith(root) and full[len(root):len(root) + 1] == os.sep:
            return full[len(root) + 1:].replace(os.sep, "/")
        return str(path)

    @property
    def _root(self) -> str:
        return os.path.abspath(self.root)


def load_project(folder: str | Path = ".") -> Project:
    """The project in ``folder``: its ``teikit.toml`` is read and checked."""
    root = Path(folder)
    settings_file = root / SETTINGS_FILE
    if not settings_file.is_file():
        raise ProjectError(f"{settings_file}: error[TK606] not a teikit project (no {SETTINGS_FILE}); "
                           "`teikit init` makes one")
    return Project(root, load_settings(settings_file))


def init_project(folder: str | Path = ".", title: str | None = None) -> list[Path]:
    """Make a project in ``folder``; return the files and folders made.

    Refuses when the folder already has a ``teikit.toml``; a file that is
    already there (a register, ``.gitignore``) is kept as it is.
    """
    root = Path(folder)
    settings_file = root / SETTINGS_FILE
    if settings_file.exists():
        raise ProjectError(f"{settings_file}: error[TK607] there is a project here already; "
                           "nothing was changed")
    root.mkdir(parents=True, exist_ok=True)
    name = title or root.resolve().name.replace("-", " ").replace("_", " ").strip() or "Edition"
    template = Template((INIT_TEMPLATES / "teikit.toml").read_text(encoding="utf-8"))
    made: list[Path] = []
    # json.dumps gives a valid TOML basic string (quotes, backslashes, controls escaped)
    _create(settings_file, template.safe_substitute(title=json.dumps(name, ensure_ascii=False)),
            made)
    settings = Settings()
    for folder_name in (settings.paths.texts, settings.paths.tei):
        if not (root / folder_name).is_dir():
            (root / folder_name).mkdir(parents=True)
            made.append(root / folder_name)
    for register in REGISTER_FILES:
        text = (INIT_TEMPLATES / register).read_text(encoding="utf-8")
        _create(root / settings.paths.tei / register, text, made)
    _ignore_output(root / ".gitignore", settings.paths.output, made)
    return made


def _ignore_output(gitignore: Path, output: str, made: list[Path]) -> None:
    """Keep the build's output out of version control, adding to a .gitignore already there."""
    line = f"/{output}/"
    if not gitignore.exists():
        _create(gitignore, GITIGNORE.format(output=output), made)
        return
    text = gitignore.read_text(encoding="utf-8", errors="replace")
    if not any(x.strip() in (line, line[1:], output, f"/{output}") for x in text.splitlines()):
        with open(gitignore, "a", encoding="utf-8", newline="\n") as f:
            f.write(("" if text.endswith("\n") or not text else "\n") + GITIGNORE.format(output=output))
        made.append(gitignore)


def _create(path: Path, text: str, made: list[Path]) -> None:
    """Write a new file; one that exists is left alone (``x`` mode: no race either)."""
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        return
    made.append(path)


def find_root(start: str | Path = ".") -> Path:
    """The nearest folder at or above ``start`` with a ``teikit.toml`` (else ``start``)."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
        if folder == Path(os.sep):
            break
    return Path(start)
