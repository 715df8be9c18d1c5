"""What the print edition is made with: its font and the stylesheet parameters
every PDF of an edition shares. Light to import (no WeasyPrint), so that a
build can tell whether its PDFs are up to date without loading the layout
engine.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from typing import Any

from teikit.settings import Settings

#: The print font: one design for Latin, Greek and Cyrillic (Debian: fonts-noto-core).
FONT_FAMILY = "Noto Serif"


def static_params(settings: Settings) -> dict[str, Any]:
    """The stylesheet parameters every PDF of an edition shares."""
    return {**settings.stylesheet_params(), "fonts": font_description(), "search": False, "root": ""}


# ------------------------------------------------------------------ fonts

@lru_cache(maxsize=1)
def font_file() -> str | None:
    """The file of the print font's regular face, as fontconfig finds it, or None."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\t%{file}", f"{FONT_FAMILY}:style=Regular"],
                             capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    family, _, path = out.partition("\t")
    return path if FONT_FAMILY in family.split(",") and path else None


@lru_cache(maxsize=1)
def font_coverage() -> frozenset[int]:
    """Code points the print font has glyphs for (empty when it is not installed)."""
    path = font_file()
    if not path:
        return frozenset()
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def font_description() -> str:
    return FONT_FAMILY if font_file() else ""
