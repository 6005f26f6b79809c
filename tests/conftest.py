from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# One BLAS thread, as the benchmarks run: batched small matmuls of the neural NER tagger spin
# OpenBLAS threads on a shared 2-core machine (10x the CPU time). Before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
EXAMPLE_TEXT = EXAMPLES / "kazakhstan-2022-01-10.ar.txt"


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_meta() -> dict:
    return json.loads((EXAMPLES / "kazakhstan-2022-01-10.meta.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_doc(example_text):
    import rasd

    return rasd.analyse(example_text, published="2022-01-10")


def shared_path(*parts: str) -> Path:
    """A path in ../shared, skipping the test when the shared data is not beside the repo."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path}")
    return path
