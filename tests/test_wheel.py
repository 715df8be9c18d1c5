"""A wheel carries what teikit reads at run time: stylesheets, schema, data files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_the_wheel_carries_the_stylesheets_schema_and_data(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                           "-w", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    wheel, = tmp_path.glob("teikit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [f"teikit/{p.relative_to(ROOT).as_posix()}" for folder in ("xslt", "schema")
              for p in (ROOT / folder).rglob("*") if p.is_file()]
    wanted += [f"teikit/{p.relative_to(ROOT / 'src' / 'teikit').as_posix()}"
               for p in (ROOT / "src" / "teikit" / "data").rglob("*") if p.is_file()]
    assert wanted and not [w for w in wanted if w not in names]
