"""The dashboard's static files: the generated world outline, and no network or HTML injection."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

WEB = ROOT / "src" / "rasd" / "web"
TOPOJSON = Path(
    os.environ.get(
        "RASD_WORLD_ATLAS",
        ROOT / "build" / "npm" / "node_modules" / "world-atlas" / "countries-110m.json",
    )
)


def test_world_outline_regenerates_identically() -> None:
    if not TOPOJSON.exists():
        pytest.skip(f"world-atlas not installed ({TOPOJSON}); see scripts/build_world.py")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_world
    finally:
        sys.path.pop(0)
    assert build_world.build(TOPOJSON) == (WEB / "world.json").read_text(encoding="utf-8")


def test_world_outline_is_plausible() -> None:
    world = json.loads((WEB / "world.json").read_text(encoding="utf-8"))
    names = {c["name"] for c in world["countries"]}
    assert {"Kazakhstan", "Iraq", "Saudi Arabia", "Egypt", "Yemen", "Syria"} <= names
    assert len(world["countries"]) > 150
    assert "public domain" in world["source"]
    for country in world["countries"]:
        assert re.fullmatch(r"(M[-\d.,L]+Z)+", country["d"]), country["name"]


@pytest.mark.parametrize("name", ["index.html", "app.js", "style.css"])
def test_nothing_is_loaded_from_the_internet(name: str) -> None:
    text = (WEB / name).read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", text)
    assert "@import" not in text


def test_script_never_parses_data_as_html() -> None:
    script = (WEB / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
