"""What `pip install` gets: porch's wheel, built as pip builds it (an isolated build with the
setuptools pyproject.toml asks for), carries its licence as an SPDX expression with the text beside
it, prints no deprecation warning, holds every file the server reads at run time (templates,
catalogues, icons), and asks only for what porch needs — the test and lint tools are extras, and
`make install`, `make demo` and `make check` do not install them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = out.glob("porch-*.whl")
    return path, built.stdout + built.stderr


def test_the_build_prints_no_licence_warning(wheel):
    _path, output = wheel
    assert "deprecated" not in output.lower(), output[-3000:]


def test_the_licence_is_an_spdx_expression_with_its_text(wheel):
    path, _ = wheel
    with zipfile.ZipFile(path) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
        licence = next(n for n in z.namelist() if n.endswith(".dist-info/licenses/LICENSE"))
        assert "GNU AFFERO GENERAL PUBLIC LICENSE" in z.read(licence).decode()
    assert "License-Expression: AGPL-3.0-or-later" in meta


def test_the_wheel_holds_every_file_the_server_reads(wheel):
    path, _ = wheel
    web = ROOT / "src" / "porch" / "web"
    wanted = {
        "porch/web/" + p.relative_to(web).as_posix()
        for p in web.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"
    }
    with zipfile.ZipFile(path) as z:
        assert sorted(wanted - set(z.namelist())) == []
    assert any(w.endswith("locale/de/LC_MESSAGES/messages.po") for w in wanted)


def test_porch_asks_only_for_what_it_needs(wheel):
    path, _ = wheel
    with zipfile.ZipFile(path) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    required = [
        line for line in meta.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    for tool in ("pytest", "playwright", "hypothesis", "schemathesis", "ruff", "mypy"):
        assert not any(tool in line for line in required), tool
    plan = subprocess.run(
        ["make", "-n", "install", "demo", "check"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "[test]" not in plan and "[lint]" not in plan
