"""The registry of conventions: one rule per convention, profiles as data.

A rule says what bracket content it matches (a regular expression matched
against the whole inside of the bracket), what shape of TEI it makes, and how
sure it is. A profile is an ordered list of rule names: the first rule that
matches wins. Users add rules in Python (``register_rule``) or declaratively in
a TOML profile file, and add profiles without touching the parser.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from teikit.errors import TeikitError

if TYPE_CHECKING:
    from teikit.context import Context

#: The shapes a rule can ask for; the assembler in inline.py builds each.
SHAPES = {
    "element",       # <tag attrs>body</tag> in place of the bracket
    "empty",         # <tag attrs/> (gap, pb)
    "sic",           # wrap the preceding token in <sic>, keep the mark
    "choice",        # <choice><sic>preceding</sic><corr>body</corr></choice>
    "gloss",         # name before becomes persName/@ref; bracket a note type="gloss"
    "term",          # <note type="term"><foreign>body</foreign></note>
    "rest-of-line",  # <tag> around what follows the bracket on its line
    "literal",       # not an editorial mark: keep the bracket as text
    "drop",          # web-page artefact: left out, reported
}


@dataclass(frozen=True)
class Mark:
    """What a rule decided for one bracket."""

    shape: str
    tag: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    body: tuple[int, int] | None = None  # span of the content inside the bracket
    text: str | None = None  # fixed content when the body is not the source's
    cert: str | None = None
    doubt: str | None = None  # why the reading is uncertain (goes to the report)


Builder = Callable[[re.Match[str], "Context"], "Mark | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    build: Builder
    description: str = ""


RULES: dict[str, Rule] = {}
PROFILES: dict[str, list[str]] = {}


def register_rule(name: str, pattern: str, description: str = "",
                  flags: int = re.I | re.S) -> Callable[[Builder], Builder]:
    """Decorator: add a rule to the registry under ``name``."""

    def deco(fn: Builder) -> Builder:
        RULES[name] = Rule(name, re.compile(pattern, flags), fn, description or (fn.__doc__ or ""))
        return fn

    return deco


def register_profile(name: str, rule_names: list[str]) -> None:
    unknown = [r for r in rule_names if r not in RULES]
    if unknown:
        raise TeikitError(f"profile {name!r} names unknown rules: {', '.join(unknown)}")
    PROFILES[name] = list(rule_names)


@dataclass
class Profile:
    """The ordered rules in force, plus settings of the profile."""

    name: str
    rules: list[Rule]
    term_lang: str = "ru-Latn"
    source_lang: str = "ru"

    def match(self, inner: str, ctx: Context) -> tuple[Rule, Mark] | None:
        for rule in self.rules:
            m = rule.pattern.fullmatch(inner)
            if m:
                mark = rule.build(m, ctx)
                if mark is not None:
                    return rule, mark
        return None


@lru_cache(maxsize=1)
def _load_builtin() -> dict[str, dict[str, Any]]:
    import teikit.conventions  # noqa: F401  (registers the built-in rules)

    data = resources.files("teikit").joinpath("data/profiles.toml").read_text("utf-8")
    return tomllib.loads(data)


def get_profile(name_or_path: str = "default") -> Profile:
    """A profile by name (``default``, ``venona``, ``minimal``) or a TOML file."""
    builtin = _load_builtin()
    if name_or_path in builtin:
        return _builtin_profile(name_or_path)
    if name_or_path in PROFILES:
        return Profile(name_or_path, [RULES[r] for r in PROFILES[name_or_path]])
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        try:
            spec = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TeikitError(f"{path}: not a valid profile file: {exc}") from exc
        for r in spec.get("rule", []):
            _declarative_rule(r, path)
        return _resolve(path.stem, spec, builtin)
    known = ", ".join(sorted(set(builtin) | set(PROFILES)))
    raise TeikitError(f"unknown profile {name_or_path!r} (known: {known}; or a .toml file)")


@cache
def _builtin_profile(name: str) -> Profile:
    builtin = _load_builtin()
    return _resolve(name, builtin[name], builtin)


def _resolve(name: str, spec: dict[str, Any], builtin: dict[str, dict[str, Any]]) -> Profile:
    names: list[str] = []
    settings: dict[str, Any] = {}
    base = spec.get("extends")
    if base:
        if base not in builtin:
            raise TeikitError(f"profile {name!r} extends unknown profile {base!r}")
        parent = _resolve(base, builtin[base], builtin)
        names = [r.name for r in parent.rules]
        settings = {"term_lang": parent.term_lang, "source_lang": parent.source_lang}
    names = list(spec.get("rules", names))
    for r in spec.get("disable", []):
        if r in names:
            names.remove(r)
    for r in reversed(spec.get("prepend", [])):
        names.insert(0, r)
    for r in spec.get("rule", []):
        if r["name"] not in names:
            names.insert(0, r["name"])
    unknown = [r for r in names if r not in RULES]
    if unknown:
        raise TeikitError(f"profile {name!r} names unknown rules: {', '.join(unknown)}")
    for key in ("term_lang", "source_lang"):
        if key in spec:
            settings[key] = spec[key]
    return Profile(name, [RULES[r] for r in names], **settings)


def _declarative_rule(r: dict[str, Any], path: Path) -> None:
    """A rule stated in TOML: pattern, element, attributes, optional body group."""
    try:
        name, pattern, tag = r["name"], r["pattern"], r["element"]
    except KeyError as exc:
        raise TeikitError(f"{path}: rule needs {exc.args[0]!r}") from exc
    attrs = {str(k): str(v) for k, v in r.get("attrs", {}).items()}
    shape = "element" if "(?P<body>" in pattern else "empty"
    cert = r.get("cert")

    def build(m: re.Match[str], ctx: Context) -> Mark:
        body = m.span("body") if shape == "element" else None
        return Mark(shape, tag, attrs, body=body, cert=cert)

    try:
        RULES[name] = Rule(name, re.compile(pattern, re.I | re.S), build, r.get("description", ""))
    except re.error as exc:
        raise TeikitError(f"{path}: rule {name!r}: bad pattern: {exc}") from exc
